# ember — developer entry points. `make test` and `make demo` do all set-up on a
# fresh machine: Debian packages (as root), a .venv made with Python 3.12, the
# build, then the run. PYTHON=/path/to/python3.12 overrides the interpreter.
SHELL := /bin/bash
ROOT := $(abspath .)
VENV := $(ROOT)/.venv
VPY := $(VENV)/bin/python
BUILD := $(ROOT)/build/dev
JOBS ?= 2

.PHONY: all deps venv build test test-cpp test-py test-cpython test-cpython-quick demo bench install clean help

all: build

help:
	@echo "make test           build, then C++ tests, pytest, and a CPython regression subset under -X jit-all"
	@echo "make demo           build, then a quick stock-vs-ember benchmark table"
	@echo "make build          incremental development build (extension modules into python/ember)"
	@echo "make test-cpython   CPython's whole regression suite under the JIT (long)"
	@echo "make bench          full benchmarks with pyperf (long)"
	@echo "make install        pip install . into .venv (a real wheel build)"

deps:
	@tools/ensure-debian-packages.sh

$(VENV)/.ember-deps: pyproject.toml tools/find-python.sh
	@py=$$(tools/find-python.sh) || exit 1; \
	if [ ! -x $(VPY) ]; then echo "creating .venv with $$py"; "$$py" -m venv $(VENV) || { echo "venv failed: install python3.12-venv"; exit 1; }; fi
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q "scikit-build-core>=0.8" "cmake>=3.20" ninja "pytest>=7" "pyperf>=2.6" gunicorn
	@touch $@

venv: deps $(VENV)/.ember-deps

# Development build: CMake directly (incremental, ccache), extension modules are
# copied into python/ember, and the venv sees python/ through a .pth file. flock
# keeps concurrent builds from the same tree out of each other's way.
build: venv
	@mkdir -p $(BUILD)
	@flock $(ROOT)/build/.lock bash -c '\
	  set -e; \
	  if [ ! -f $(BUILD)/build.ninja ]; then \
	    $(VENV)/bin/cmake -S $(ROOT) -B $(BUILD) -G Ninja -DCMAKE_MAKE_PROGRAM=$(VENV)/bin/ninja \
	      -DPython_EXECUTABLE=$(VPY) -DEMBER_OUTPUT_DIR=$(ROOT)/python/ember >/dev/null; \
	  fi; \
	  $(VENV)/bin/cmake --build $(BUILD) -j $(JOBS)'
	@site=$$($(VPY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	rm -f $$site/ember-dev.pth; echo "$(ROOT)/python" > $$site/00-ember-dev.pth; \
	cp python/ember-autoload.pth $$site/ember-autoload.pth

test-cpp: build
	@if [ -x $(BUILD)/ember_cpp_tests ]; then $(BUILD)/ember_cpp_tests --gtest_brief=1; else echo "C++ tests not built"; exit 1; fi

test-py: build
	$(VPY) -m pytest -q -p no:cacheprovider tests/py

test-cpython-quick: build
	$(VPY) tests/cpython/run.py --quick

test: build
	@$(MAKE) --no-print-directory test-cpp
	@$(MAKE) --no-print-directory test-py
	@$(MAKE) --no-print-directory test-cpython-quick

test-cpython: build
	$(VPY) tests/cpython/run.py

demo: build
	$(VPY) bench/run.py --quick

bench: build
	$(VPY) bench/run.py

install: venv
	$(VPY) -m pip install --no-build-isolation .

clean:
	rm -rf build python/ember/*.so
