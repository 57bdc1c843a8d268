// bindArguments: 3.12 initialize_locals for valid calls; see binding.h.
//
// Layout facts used (Include/cpython/code.h, 3.12): localsplus starts with
// co_argcount positional parameters (the first co_posonlyargcount of them
// positional-only), then co_kwonlyargcount keyword-only parameters, then the
// `*args` slot if CO_VARARGS, then the `**kwargs` slot if CO_VARKEYWORDS. The
// parameter names are the first entries of co_localsplusnames.
#include "ember/cpython/binding.h"

namespace ember::cpython {
namespace {

constexpr int kRejected = -1;
constexpr int kNoMemory = -2;

// Maps an exception raised during binding to the return code: MemoryError is
// reported as such, anything else is cleared for the interpreter to re-raise.
int failWithCurrentError() {
  if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
    return kNoMemory;
  }
  PyErr_Clear();
  return kRejected;
}

// Index of the parameter named `keyword` that may be passed by keyword
// (positional-only ones excluded), -1 if none, -2 if a comparison raised.
Py_ssize_t findKeywordParameter(PyCodeObject* co, PyObject* keyword, Py_ssize_t total) {
  PyObject** names = &PyTuple_GET_ITEM(co->co_localsplusnames, 0);
  for (Py_ssize_t j = co->co_posonlyargcount; j < total; j++) {
    if (names[j] == keyword) {
      return j;
    }
  }
  for (Py_ssize_t j = co->co_posonlyargcount; j < total; j++) {
    int cmp = PyObject_RichCompareBool(keyword, names[j], Py_EQ);
    if (cmp > 0) {
      return j;
    }
    if (cmp < 0) {
      return -2;
    }
  }
  return -1;
}

}  // namespace

int bindArguments(PyThreadState* ts, _PyInterpreterFrame* frame, PyFunctionObject* func,
                  PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  PyObject** locals = frame->localsplus;
  const Py_ssize_t argcount = PyVectorcall_NARGS(nargsf);
  const Py_ssize_t coArgcount = co->co_argcount;
  const Py_ssize_t total = coArgcount + co->co_kwonlyargcount;
  const Py_ssize_t kwcount = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  const int flags = co->co_flags;

  // The common shape: exactly the positional parameters, nothing else.
  if (kwcount == 0 && argcount == coArgcount && co->co_kwonlyargcount == 0 &&
      !(flags & (CO_VARARGS | CO_VARKEYWORDS))) {
    for (Py_ssize_t i = 0; i < argcount; i++) {
      locals[i] = Py_NewRef(args[i]);
    }
    return 0;
  }

  if (argcount > coArgcount && !(flags & CO_VARARGS)) {
    return kRejected;  // too many positional arguments
  }

  PyObject* kwdict = nullptr;
  if (flags & CO_VARKEYWORDS) {
    kwdict = PyDict_New();
    if (kwdict == nullptr) {
      return kNoMemory;
    }
    locals[total + ((flags & CO_VARARGS) ? 1 : 0)] = kwdict;
  }

  const Py_ssize_t n = argcount < coArgcount ? argcount : coArgcount;
  for (Py_ssize_t j = 0; j < n; j++) {
    locals[j] = Py_NewRef(args[j]);
  }

  if (flags & CO_VARARGS) {
    PyObject* extra = PyTuple_New(argcount - n);
    if (extra == nullptr) {
      return kNoMemory;
    }
    for (Py_ssize_t j = n; j < argcount; j++) {
      PyTuple_SET_ITEM(extra, j - n, Py_NewRef(args[j]));
    }
    locals[total] = extra;
  }

  for (Py_ssize_t i = 0; i < kwcount; i++) {
    PyObject* keyword = PyTuple_GET_ITEM(kwnames, i);
    PyObject* value = args[argcount + i];
    if (keyword == nullptr || !PyUnicode_Check(keyword)) {
      return kRejected;  // "keywords must be strings"
    }
    Py_ssize_t j = findKeywordParameter(co, keyword, total);
    if (j == -2) {
      return failWithCurrentError();
    }
    if (j >= 0) {
      if (locals[j] != nullptr) {
        return kRejected;  // multiple values for argument
      }
      locals[j] = Py_NewRef(value);
      continue;
    }
    if (kwdict == nullptr) {
      return kRejected;  // unexpected keyword (or positional-only passed by keyword)
    }
    if (PyDict_SetItem(kwdict, keyword, value) < 0) {
      return failWithCurrentError();
    }
  }

  // Missing positional parameters come from the defaults tuple.
  if (argcount < coArgcount) {
    PyObject* defaults = func->func_defaults;
    const Py_ssize_t defcount = defaults == nullptr ? 0 : PyTuple_GET_SIZE(defaults);
    const Py_ssize_t firstDefaulted = coArgcount - defcount;
    for (Py_ssize_t i = argcount; i < firstDefaulted; i++) {
      if (locals[i] == nullptr) {
        return kRejected;  // missing required positional argument
      }
    }
    for (Py_ssize_t i = (n > firstDefaulted ? n - firstDefaulted : 0); i < defcount; i++) {
      if (locals[firstDefaulted + i] == nullptr) {
        locals[firstDefaulted + i] = Py_NewRef(PyTuple_GET_ITEM(defaults, i));
      }
    }
  }

  // Missing keyword-only parameters come from kwdefaults.
  for (Py_ssize_t i = coArgcount; i < total; i++) {
    if (locals[i] != nullptr) {
      continue;
    }
    PyObject* kwdefaults = func->func_kwdefaults;
    if (kwdefaults == nullptr) {
      return kRejected;  // missing required keyword-only argument
    }
    PyObject* name = PyTuple_GET_ITEM(co->co_localsplusnames, i);
    PyObject* def = PyDict_GetItemWithError(kwdefaults, name);
    if (def == nullptr) {
      return PyErr_Occurred() ? failWithCurrentError() : kRejected;
    }
    locals[i] = Py_NewRef(def);
  }
  (void)ts;
  return 0;
}

}  // namespace ember::cpython
