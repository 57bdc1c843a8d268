#!/usr/bin/env bash
# Installs the Debian packages ember's build needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
need=()
have_header() { [ -e "$1" ]; }
command -v g++ >/dev/null 2>&1 || need+=(g++)
have_header /usr/include/xbyak/xbyak.h || need+=(libxbyak-dev)
have_header /usr/include/gtest/gtest.h || need+=(libgtest-dev)
command -v ccache >/dev/null 2>&1 || need+=(ccache)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "ensure-debian-packages: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
else
  echo "ember needs these Debian packages: ${need[*]}" >&2
  echo "run:  sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
