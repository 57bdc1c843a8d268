// String helpers: FORMAT_VALUE and BUILD_STRING (f-strings), 3.12.
//
// FORMAT_VALUE applies the optional conversion (!s, !r, !a: PyObject_Str,
// PyObject_Repr, PyObject_ASCII) and then PyObject_Format(value, spec), like
// the interpreter (PyObject_Format itself returns an exact str unchanged when
// there is no spec).
// BUILD_STRING joins with the exported _PyUnicode_JoinArray and an empty
// separator.
#include "ember/runtime/helpers.h"

extern "C" {

PyObject* ember_h_format_value(PyObject* value, PyObject* spec, int64_t conversion) {
  PyObject* converted;
  switch (conversion) {
    case 0: converted = Py_NewRef(value); break;
    case 1: converted = PyObject_Str(value); break;
    case 2: converted = PyObject_Repr(value); break;
    case 3: converted = PyObject_ASCII(value); break;
    default:
      PyErr_Format(PyExc_SystemError, "unexpected conversion flag %d", static_cast<int>(conversion));
      return nullptr;
  }
  if (converted == nullptr) {
    return nullptr;
  }
  PyObject* result = PyObject_Format(converted, spec);
  Py_DECREF(converted);
  return result;
}

PyObject* ember_h_build_string(PyObject** args, Py_ssize_t count) {
  return _PyUnicode_JoinArray(&_Py_STR(empty), args, count);
}

}  // extern "C"
