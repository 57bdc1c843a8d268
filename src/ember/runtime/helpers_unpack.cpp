// Unpacking helpers: UNPACK_SEQUENCE and UNPACK_EX (3.12) writing straight into
// frame slots.
//
// Stack order: the interpreter leaves item 0 on top of the stack, so for a
// target of n slots starting at localsplus[slot], item i goes to
// localsplus[slot + n - 1 - i]. UNPACK_EX a = (before | after << 8) writes
// before + 1 + after values: the `before` items on top, then the starred list,
// then the `after` items at the bottom.
//
// The generic path re-implements 3.12's hidden `unpack_iterable` (ceval.c):
// iterate, fill slots downwards, check exhaustion, and raise the interpreter's
// messages ("not enough values to unpack (expected 3, got 2)", "... (expected at
// least 3, got 2)", "too many values to unpack (expected 2)", "cannot unpack
// non-iterable int object"). The fast path covers UNPACK_SEQUENCE on an exact
// tuple or list of the right length, which is what the interpreter's
// UNPACK_SEQUENCE_TUPLE / _TWO_TUPLE / _LIST specialisations do.
#include "ember/runtime/helpers.h"

namespace {

// Fills slots below `sp` (exclusive) with argcnt items, then (if argcntafter
// >= 0) a list of the rest with the last argcntafter items split off below it.
// Returns false with an exception set; written slots are then released.
bool unpackIterable(PyObject* v, int argcnt, int argcntafter, PyObject** sp) {
  PyObject* it = PyObject_GetIter(v);
  if (it == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(v)->tp_iter == nullptr &&
        !PySequence_Check(v)) {
      PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                   Py_TYPE(v)->tp_name);
    }
    return false;
  }
  int written = 0;
  for (; written < argcnt; written++) {
    PyObject* w = PyIter_Next(it);
    if (w == nullptr) {
      if (!PyErr_Occurred()) {
        if (argcntafter == -1) {
          PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected %d, got %d)",
                       argcnt, written);
        } else {
          PyErr_Format(PyExc_ValueError,
                       "not enough values to unpack (expected at least %d, got %d)",
                       argcnt + argcntafter, written);
        }
      }
      goto error;
    }
    *--sp = w;
  }
  if (argcntafter == -1) {
    PyObject* w = PyIter_Next(it);
    if (w == nullptr) {
      if (PyErr_Occurred()) {
        goto error;
      }
      Py_DECREF(it);
      return true;
    }
    Py_DECREF(w);
    PyErr_Format(PyExc_ValueError, "too many values to unpack (expected %d)", argcnt);
    goto error;
  }
  {
    PyObject* list = PySequence_List(it);
    if (list == nullptr) {
      goto error;
    }
    *--sp = list;
    written++;
    Py_ssize_t ll = PyList_GET_SIZE(list);
    if (ll < argcntafter) {
      PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %d, got %zd)",
                   argcnt + argcntafter, argcnt + ll);
      goto error;
    }
    for (int j = argcntafter; j > 0; j--, written++) {
      *--sp = PyList_GET_ITEM(list, ll - j);  // the list's reference moves to the slot
    }
    Py_SET_SIZE(list, ll - argcntafter);
    Py_DECREF(it);
    return true;
  }
error:
  for (; written > 0; written--, sp++) {
    Py_DECREF(*sp);
    *sp = nullptr;
  }
  Py_XDECREF(it);
  return false;
}

void clearSlots(PyObject** slots, int n) {
  for (int i = 0; i < n; i++) {
    slots[i] = nullptr;
  }
}

}  // namespace

extern "C" {

int ember_h_unpack_sequence_into(_PyInterpreterFrame* frame, PyObject* seq, int64_t n,
                                 int64_t slot) {
  PyObject** base = &frame->localsplus[slot];
  const int count = static_cast<int>(n);
  PyObject** items = nullptr;
  if (PyTuple_CheckExact(seq) && PyTuple_GET_SIZE(seq) == count) {
    items = &PyTuple_GET_ITEM(seq, 0);
  } else if (PyList_CheckExact(seq) && PyList_GET_SIZE(seq) == count) {
    items = &PyList_GET_ITEM(seq, 0);
  }
  if (items != nullptr) {
    for (int i = 0; i < count; i++) {
      base[count - 1 - i] = Py_NewRef(items[i]);
    }
    return 0;
  }
  clearSlots(base, count);
  return unpackIterable(seq, count, -1, base + count) ? 0 : -1;
}

int ember_h_unpack_ex_into(_PyInterpreterFrame* frame, PyObject* seq, int64_t oparg,
                           int64_t slot) {
  PyObject** base = &frame->localsplus[slot];
  const int before = static_cast<int>(oparg & 0xff);
  const int after = static_cast<int>(oparg >> 8);
  const int total = before + 1 + after;
  clearSlots(base, total);
  return unpackIterable(seq, before, after, base + total) ? 0 : -1;
}

}  // extern "C"
