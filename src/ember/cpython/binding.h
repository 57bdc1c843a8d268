// Argument binding for compiled entries: vectorcall arguments -> localsplus.
//
// What: bindArguments is 3.12's `initialize_locals` (Python/ceval.c, hidden)
// for every call that the interpreter would accept: positional and
// positional-only parameters, defaults, keyword-only parameters with
// kwdefaults, `*args`, `**kwargs`, and keywords matched by name (pointer
// equality first, then string comparison).
//
// Why it never reports errors itself: the interpreter's error messages for bad
// calls (missing/extra/duplicate/unknown arguments, suggestions such as "Did you
// mean ...?", non-string keywords) are long and version-specific. Instead of
// cloning them, a failed bind returns -1 with no exception set; the JIT entry
// then releases the frame (clearAndPopFrame) and calls the original
// `_PyFunction_Vectorcall`, which raises the exact error. A call that fails is
// rare and already slow, so binding twice costs nothing that matters.
//
// Contract
//  - `frame` comes fresh from pushFrame(ts, func): localsplus all NULL.
//  - args are borrowed; every reference stored into localsplus is new, so the
//    frame owns exactly what it holds at every exit.
//  - Returns 0 on success; -1 without an exception for a call the interpreter
//    rejects (any exception raised along the way, e.g. by a str subclass's
//    __eq__ while matching a keyword, is cleared: the interpreter will raise it
//    again); -2 with MemoryError set when an allocation fails.
//  - On -1 and -2 the frame is in a state clearAndPopFrame releases correctly.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::cpython {

int bindArguments(PyThreadState* ts, _PyInterpreterFrame* frame, PyFunctionObject* func,
                  PyObject* const* args, size_t nargsf, PyObject* kwnames);

}  // namespace ember::cpython
