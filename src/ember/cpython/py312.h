// The one way ember includes CPython. Every file that needs Python includes
// this header, never <Python.h> directly, so the build-facts that keep the
// internal headers usable from C++ live in one place:
//  - Py_BUILD_CORE_MODULE (set by CMake) makes the internal headers available
//    without binding to hidden thread-state TLS symbols;
//  - HAVE_STD_ATOMIC is undefined before the internal headers, because
//    pycore_atomic.h would otherwise pull C11 <stdatomic.h> into C++;
//  - the version guard stops any build against a Python other than 3.12.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION != 12
#error "ember supports CPython 3.12 only; src/ember/cpython/ is what a port must change"
#endif

#undef HAVE_STD_ATOMIC
#include <internal/pycore_code.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_pystate.h>
