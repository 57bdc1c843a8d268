// Name helpers: globals, builtins, cells and free variables.
//
// Mirrors 3.12 LOAD_GLOBAL (generic form), STORE_GLOBAL, DELETE_GLOBAL,
// LOAD_DEREF, STORE_DEREF, DELETE_DEREF, MAKE_CELL, COPY_FREE_VARS,
// LOAD_BUILD_CLASS and LOAD_ASSERTION_ERROR.
//
// LOAD_GLOBAL: when globals and builtins are both exact dicts the interpreter
// calls the hidden `_PyDict_LoadGlobal`, which is two dict lookups that
// propagate errors; we do the same with PyDict_GetItemWithError. Otherwise
// (exec() with a mapping for builtins, a dict subclass) it uses
// PyObject_GetItem on each and treats only KeyError as "missing"; so do we.
// The error formatters here (format_exc_check_arg / format_exc_unbound in
// ceval.c) are shared with other families through helpers_internal.h.
#include "ember/runtime/helpers.h"
#include "ember/runtime/helpers_internal.h"

namespace ember::runtime::detail {

namespace {
constexpr const char* kUnboundLocalMsg =
    "cannot access local variable '%s' where it is not associated with a value";
constexpr const char* kUnboundFreeMsg =
    "cannot access free variable '%s' where it is not associated with a value in enclosing "
    "scope";
}  // namespace

void formatExcCheckArg(PyObject* exc, const char* format, PyObject* name) {
  if (name == nullptr) {
    return;
  }
  const char* str = PyUnicode_AsUTF8(name);
  if (str == nullptr) {
    return;
  }
  PyErr_Format(exc, format, str);
  if (exc == PyExc_NameError) {
    PyObject* raised = PyErr_GetRaisedException();
    if (PyErr_GivenExceptionMatches(raised, PyExc_NameError) &&
        reinterpret_cast<PyNameErrorObject*>(raised)->name == nullptr) {
      // Failure is ignored, as in CPython: the NameError is what matters.
      if (PyObject_SetAttrString(raised, "name", name) < 0) {
        PyErr_Clear();
      }
    }
    PyErr_SetRaisedException(raised);
  }
}

void formatExcUnbound(PyCodeObject* code, int slot) {
  if (PyErr_Occurred()) {
    return;
  }
  PyObject* name = PyTuple_GET_ITEM(code->co_localsplusnames, slot);
  if (slot < PyCode_GetFirstFree(code)) {
    formatExcCheckArg(PyExc_UnboundLocalError, kUnboundLocalMsg, name);
  } else {
    formatExcCheckArg(PyExc_NameError, kUnboundFreeMsg, name);
  }
}

}  // namespace ember::runtime::detail

using ember::runtime::detail::formatExcCheckArg;
using ember::runtime::detail::formatExcUnbound;
using ember::runtime::detail::objectImm;

namespace {
constexpr const char* kNameErrorMsg = "name '%.200s' is not defined";
}

extern "C" {

PyObject* ember_h_load_global(_PyInterpreterFrame* frame, int64_t nameImm) {
  PyObject* name = objectImm(nameImm);
  PyObject* globals = frame->f_globals;
  PyObject* builtins = frame->f_builtins;
  if (PyDict_CheckExact(globals) && PyDict_CheckExact(builtins)) {
    PyObject* v = PyDict_GetItemWithError(globals, name);
    if (v == nullptr && !PyErr_Occurred()) {
      v = PyDict_GetItemWithError(builtins, name);
      if (v == nullptr && !PyErr_Occurred()) {
        formatExcCheckArg(PyExc_NameError, kNameErrorMsg, name);
      }
    }
    return Py_XNewRef(v);
  }
  PyObject* v = PyObject_GetItem(globals, name);
  if (v != nullptr) {
    return v;
  }
  if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
    return nullptr;
  }
  PyErr_Clear();
  v = PyObject_GetItem(builtins, name);
  if (v == nullptr && PyErr_ExceptionMatches(PyExc_KeyError)) {
    formatExcCheckArg(PyExc_NameError, kNameErrorMsg, name);
  }
  return v;
}

int ember_h_store_global(_PyInterpreterFrame* frame, PyObject* v, int64_t name) {
  return PyDict_SetItem(frame->f_globals, objectImm(name), v);
}

int ember_h_delete_global(_PyInterpreterFrame* frame, int64_t nameImm) {
  PyObject* name = objectImm(nameImm);
  if (PyDict_DelItem(frame->f_globals, name) != 0) {
    if (PyErr_ExceptionMatches(PyExc_KeyError)) {
      formatExcCheckArg(PyExc_NameError, kNameErrorMsg, name);
    }
    return -1;
  }
  return 0;
}

PyObject* ember_h_load_deref(_PyInterpreterFrame* frame, int64_t slot) {
  PyObject* value = PyCell_GET(frame->localsplus[slot]);
  if (value == nullptr) {
    formatExcUnbound(frame->f_code, static_cast<int>(slot));
    return nullptr;
  }
  return Py_NewRef(value);
}

int ember_h_store_deref(_PyInterpreterFrame* frame, PyObject* v, int64_t slot) {
  PyObject* cell = frame->localsplus[slot];
  PyObject* old = PyCell_GET(cell);
  PyCell_SET(cell, Py_NewRef(v));
  Py_XDECREF(old);
  return 0;
}

int ember_h_delete_deref(_PyInterpreterFrame* frame, int64_t slot) {
  PyObject* cell = frame->localsplus[slot];
  PyObject* old = PyCell_GET(cell);
  if (old == nullptr) {
    formatExcUnbound(frame->f_code, static_cast<int>(slot));
    return -1;
  }
  PyCell_SET(cell, nullptr);
  Py_DECREF(old);
  return 0;
}

int ember_h_make_cell(_PyInterpreterFrame* frame, int64_t slot) {
  // The slot usually holds NULL, or the argument value for a cell parameter.
  PyObject* initial = frame->localsplus[slot];
  PyObject* cell = PyCell_New(initial);
  if (cell == nullptr) {
    return -1;
  }
  frame->localsplus[slot] = cell;
  Py_XDECREF(initial);
  return 0;
}

int ember_h_copy_free_vars(_PyInterpreterFrame* frame, int64_t n) {
  PyObject* closure = reinterpret_cast<PyFunctionObject*>(frame->f_funcobj)->func_closure;
  int offset = frame->f_code->co_nlocalsplus - static_cast<int>(n);
  for (int i = 0; i < n; i++) {
    Py_XSETREF(frame->localsplus[offset + i], Py_NewRef(PyTuple_GET_ITEM(closure, i)));
  }
  return 0;
}

PyObject* ember_h_load_build_class(_PyInterpreterFrame* frame) {
  PyObject* builtins = frame->f_builtins;
  PyObject* name = &_Py_ID(__build_class__);
  if (PyDict_CheckExact(builtins)) {
    PyObject* bc = PyDict_GetItemWithError(builtins, name);
    if (bc == nullptr) {
      if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_NameError, "__build_class__ not found");
      }
      return nullptr;
    }
    return Py_NewRef(bc);
  }
  PyObject* bc = PyObject_GetItem(builtins, name);
  if (bc == nullptr && PyErr_ExceptionMatches(PyExc_KeyError)) {
    PyErr_SetString(PyExc_NameError, "__build_class__ not found");
  }
  return bc;
}

PyObject* ember_h_load_assertion_error(void) { return Py_NewRef(PyExc_AssertionError); }

}  // extern "C"
