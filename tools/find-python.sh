#!/usr/bin/env bash
# Prints the path of a CPython 3.12 interpreter, or explains what to install.
#
# Order: $PYTHON if the caller set it; `python3.12` on PATH (if it really runs:
# a pyenv shim for an unselected version fails); pyenv's 3.12 prefix. ember
# builds only against 3.12, so anything else is refused here, before CMake.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1; }
if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "find-python: PYTHON=$PYTHON is not a working CPython 3.12" >&2; exit 1
fi
if command -v python3.12 >/dev/null 2>&1 && ok python3.12; then command -v python3.12; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  prefix=$(pyenv prefix 3.12 2>/dev/null | head -n1)
  if [ -n "$prefix" ] && ok "$prefix/bin/python3.12"; then echo "$prefix/bin/python3.12"; exit 0; fi
fi
cat >&2 <<'MSG'
find-python: no CPython 3.12 found.
ember runs on CPython 3.12 only. Install it, for example:
  Debian/Ubuntu:  apt-get install python3.12 python3.12-dev python3.12-venv
  pyenv:          pyenv install 3.12
or point the build at one:  make PYTHON=/path/to/python3.12 ...
MSG
exit 1
