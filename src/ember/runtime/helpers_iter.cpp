// Iteration helpers: GET_ITER and the two halves of FOR_ITER.
//
// FOR_ITER (3.12) calls the iterator's tp_iternext directly; a NULL result is
// "exhausted" when no exception or a StopIteration is set (the latter is
// cleared), and an error otherwise. Compiled code splits this in two so the
// common path is a single call: for_iter_next returns the item or NULL, and only
// on NULL does it call for_iter_error to tell the cases apart.
// (The interpreter also fires a sys.monitoring STOP_ITERATION event on the
// cleared StopIteration; compiled code never runs while monitoring is active.)
#include "ember/runtime/helpers.h"

extern "C" {

PyObject* ember_h_get_iter(PyObject* v) { return PyObject_GetIter(v); }

PyObject* ember_h_for_iter_next(PyObject* iter) { return (*Py_TYPE(iter)->tp_iternext)(iter); }

int ember_h_for_iter_error(void) {
  if (PyErr_Occurred()) {
    if (!PyErr_ExceptionMatches(PyExc_StopIteration)) {
      return -1;
    }
    PyErr_Clear();
  }
  return 0;
}

}  // extern "C"
