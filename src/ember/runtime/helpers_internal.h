// Shared pieces of the runtime helpers (helpers_*.cpp): decoding immediates and
// the interpreter's error formatters that more than one family needs.
//
// The formatters re-implement 3.12 ceval.c's static `format_exc_check_arg`,
// `format_exc_unbound` and `format_kwargs_error` (none exported), producing the
// same exception types, messages and attributes (NameError.name).
#pragma once

#include <cstdint>

#include "ember/cpython/py312.h"

namespace ember::runtime::detail {

// An immediate that carries an object pointer (a name, a kwnames tuple).
inline PyObject* objectImm(int64_t imm) { return reinterpret_cast<PyObject*>(imm); }

// Raises `exc` with `format` (one %s for the name); a NameError also gets its
// `name` attribute, which the traceback printer uses for suggestions.
void formatExcCheckArg(PyObject* exc, const char* format, PyObject* name);

// UnboundLocalError for a local/cell slot, NameError for a free-variable slot,
// unless an exception is already set.
void formatExcUnbound(PyCodeObject* code, int slot);

// Rewrites the AttributeError / KeyError left by _PyDict_MergeEx into the
// interpreter's TypeError naming `func`.
void formatKwargsError(PyObject* func, PyObject* kwargs);

}  // namespace ember::runtime::detail
