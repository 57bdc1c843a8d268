// Exception-related helpers: RAISE_VARARGS (exc / exc-from-cause forms) and
// BEFORE_WITH (3.12).
//
// raise_varargs re-implements ceval.c's hidden `do_raise` for a non-NULL
// exception: an exception class is instantiated with no arguments (and must
// return a BaseException instance), an instance is raised as is, anything else
// is "exceptions must derive from BaseException". A cause is normalised the same
// way ("exception causes must derive from BaseException"; as in 3.12, and
// unlike 3.13, a cause class's call result is not type-checked), None clears
// it, and
// PyException_SetCause also sets __suppress_context__. The bare `raise`
// (re-raise) form is handled by the JIT separately. Always returns -1.
//
// before_with_into looks __enter__ and __exit__ up on the type (special method
// lookup), with the interpreter's two TypeError messages, then writes
// [bound __exit__, __enter__()] to two frame slots.
#include "ember/runtime/helpers.h"

#include <internal/pycore_object.h>  // _PyObject_LookupSpecial (exported)

extern "C" {

int ember_h_raise_varargs(PyObject* exc, PyObject* cause) {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  if (exc == nullptr) {
    PyErr_SetString(PyExc_SystemError, "ember: bare raise must not reach raise_varargs");
    return -1;
  }
  if (PyExceptionClass_Check(exc)) {
    type = Py_NewRef(exc);
    value = PyObject_CallNoArgs(exc);
    if (value == nullptr) {
      goto fail;
    }
    if (!PyExceptionInstance_Check(value)) {
      PyErr_Format(PyExc_TypeError,
                   "calling %R should have returned an instance of BaseException, not %R", type,
                   Py_TYPE(value));
      goto fail;
    }
  } else if (PyExceptionInstance_Check(exc)) {
    value = Py_NewRef(exc);
    type = Py_NewRef(PyExceptionInstance_Class(exc));
  } else {
    PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
    return -1;
  }
  if (cause != nullptr) {
    PyObject* fixedCause;
    if (PyExceptionClass_Check(cause)) {
      // 3.12 does not check that the call returned an instance (3.13 does):
      // whatever it returns becomes __cause__.
      fixedCause = PyObject_CallNoArgs(cause);
      if (fixedCause == nullptr) {
        goto fail;
      }
    } else if (PyExceptionInstance_Check(cause)) {
      fixedCause = Py_NewRef(cause);
    } else if (Py_IsNone(cause)) {
      fixedCause = nullptr;
    } else {
      PyErr_SetString(PyExc_TypeError, "exception causes must derive from BaseException");
      goto fail;
    }
    PyException_SetCause(value, fixedCause);  // steals fixedCause
  }
  PyErr_SetObject(type, value);
fail:
  Py_XDECREF(value);
  Py_XDECREF(type);
  return -1;
}

int ember_h_before_with_into(_PyInterpreterFrame* frame, PyObject* mgr, int64_t slot) {
  PyObject** out = &frame->localsplus[slot];
  out[0] = nullptr;
  out[1] = nullptr;
  PyObject* enter = _PyObject_LookupSpecial(mgr, &_Py_ID(__enter__));
  if (enter == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol",
                   Py_TYPE(mgr)->tp_name);
    }
    return -1;
  }
  PyObject* exit = _PyObject_LookupSpecial(mgr, &_Py_ID(__exit__));
  if (exit == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_TypeError,
                   "'%.200s' object does not support the context manager protocol (missed "
                   "__exit__ method)",
                   Py_TYPE(mgr)->tp_name);
    }
    Py_DECREF(enter);
    return -1;
  }
  PyObject* res = PyObject_CallNoArgs(enter);
  Py_DECREF(enter);
  if (res == nullptr) {
    Py_DECREF(exit);
    return -1;
  }
  out[0] = exit;
  out[1] = res;
  return 0;
}

}  // extern "C"
