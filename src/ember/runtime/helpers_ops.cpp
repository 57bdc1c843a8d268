// Operator helpers: unary/binary operators, comparisons, truth, subscripts and
// slices. Each mirrors one 3.12 instruction (Python/bytecodes.c) and is a thin
// call into the public abstract-object API, so errors are the interpreter's by
// construction:
//   UNARY_* / CALL_INTRINSIC_1 (UNARY_POSITIVE, LIST_TO_TUPLE), BINARY_OP,
//   COMPARE_OP, IS_OP, CONTAINS_OP, the truth test of POP_JUMP_IF_*,
//   BINARY_SUBSCR, STORE_SUBSCR, DELETE_SUBSCR, BINARY_SLICE, STORE_SLICE,
//   BUILD_SLICE, GET_LEN.
// BINARY_OP's oparg uses 3.12's NB_* numbering (opcode.h); the table the
// interpreter indexes (`binary_ops[]`) is hidden, and its two power entries are
// hidden wrappers for PyNumber_Power(.., Py_None), which is what we call.
//
// BINARY_OP and COMPARE_OP first try the cases the interpreter specialises:
// two exact ints that are compact (one digit, |v| < 2**30, so sums and
// products fit in 64 bits) and two exact floats. The results are the ones the
// number protocol would give (exact integer arithmetic; IEEE double
// arithmetic and comparisons as float's own slots do them); anything else,
// including float division by zero, takes the generic path.
#include <opcode.h>

#include "ember/runtime/helpers.h"

namespace {

inline bool compactInts(PyObject* l, PyObject* r, int64_t* a, int64_t* b) {
  if (!PyLong_CheckExact(l) || !PyLong_CheckExact(r)) return false;
  auto* x = reinterpret_cast<PyLongObject*>(l);
  auto* y = reinterpret_cast<PyLongObject*>(r);
  if (!PyUnstable_Long_IsCompact(x) || !PyUnstable_Long_IsCompact(y)) return false;
  *a = PyUnstable_Long_CompactValue(x);
  *b = PyUnstable_Long_CompactValue(y);
  return true;
}

// Sets *handled when the case is one of the fast ones; the result is then
// the answer (nullptr with an exception set on failure, e.g. MemoryError).
inline PyObject* fastBinary(PyObject* l, PyObject* r, int64_t oparg, bool* handled) {
  *handled = true;
  int64_t a, b;
  if (compactInts(l, r, &a, &b)) {
    switch (oparg) {
      case NB_ADD: case NB_INPLACE_ADD: return PyLong_FromLongLong(a + b);
      case NB_SUBTRACT: case NB_INPLACE_SUBTRACT: return PyLong_FromLongLong(a - b);
      case NB_MULTIPLY: case NB_INPLACE_MULTIPLY: return PyLong_FromLongLong(a * b);
      case NB_AND: case NB_INPLACE_AND: return PyLong_FromLongLong(a & b);
      case NB_OR: case NB_INPLACE_OR: return PyLong_FromLongLong(a | b);
      case NB_XOR: case NB_INPLACE_XOR: return PyLong_FromLongLong(a ^ b);
      default: break;
    }
  }
  if (PyFloat_CheckExact(l) && PyFloat_CheckExact(r)) {
    double x = PyFloat_AS_DOUBLE(l);
    double y = PyFloat_AS_DOUBLE(r);
    switch (oparg) {
      case NB_ADD: case NB_INPLACE_ADD: return PyFloat_FromDouble(x + y);
      case NB_SUBTRACT: case NB_INPLACE_SUBTRACT: return PyFloat_FromDouble(x - y);
      case NB_MULTIPLY: case NB_INPLACE_MULTIPLY: return PyFloat_FromDouble(x * y);
      case NB_TRUE_DIVIDE: case NB_INPLACE_TRUE_DIVIDE:
        if (y != 0.0) return PyFloat_FromDouble(x / y);
        break;
      default: break;
    }
  }
  *handled = false;
  return nullptr;
}

template <typename T>
inline int compareValues(T a, T b, int op) {
  switch (op) {
    case Py_LT: return a < b;
    case Py_LE: return a <= b;
    case Py_EQ: return a == b;
    case Py_NE: return a != b;
    case Py_GT: return a > b;
    case Py_GE: return a >= b;
    default: return -1;
  }
}

// -1: not handled here.
inline int fastCompare(PyObject* l, PyObject* r, int op) {
  int64_t a, b;
  if (compactInts(l, r, &a, &b)) return compareValues(a, b, op);
  if (PyFloat_CheckExact(l) && PyFloat_CheckExact(r)) {
    return compareValues(PyFloat_AS_DOUBLE(l), PyFloat_AS_DOUBLE(r), op);
  }
  return -1;
}

}  // namespace

extern "C" {

PyObject* ember_h_unary_negative(PyObject* v) { return PyNumber_Negative(v); }

PyObject* ember_h_unary_invert(PyObject* v) { return PyNumber_Invert(v); }

PyObject* ember_h_unary_not(PyObject* v) {
  int truth = PyObject_IsTrue(v);
  if (truth < 0) {
    return nullptr;
  }
  return Py_NewRef(truth ? Py_False : Py_True);
}

PyObject* ember_h_unary_positive(PyObject* v) { return PyNumber_Positive(v); }

PyObject* ember_h_list_to_tuple(PyObject* v) { return PyList_AsTuple(v); }

PyObject* ember_h_binary_op(PyObject* l, PyObject* r, int64_t oparg) {
  bool handled;
  PyObject* fast = fastBinary(l, r, oparg, &handled);
  if (handled) return fast;
  switch (oparg) {
    case NB_ADD: return PyNumber_Add(l, r);
    case NB_AND: return PyNumber_And(l, r);
    case NB_FLOOR_DIVIDE: return PyNumber_FloorDivide(l, r);
    case NB_LSHIFT: return PyNumber_Lshift(l, r);
    case NB_MATRIX_MULTIPLY: return PyNumber_MatrixMultiply(l, r);
    case NB_MULTIPLY: return PyNumber_Multiply(l, r);
    case NB_REMAINDER: return PyNumber_Remainder(l, r);
    case NB_OR: return PyNumber_Or(l, r);
    case NB_POWER: return PyNumber_Power(l, r, Py_None);
    case NB_RSHIFT: return PyNumber_Rshift(l, r);
    case NB_SUBTRACT: return PyNumber_Subtract(l, r);
    case NB_TRUE_DIVIDE: return PyNumber_TrueDivide(l, r);
    case NB_XOR: return PyNumber_Xor(l, r);
    case NB_INPLACE_ADD: return PyNumber_InPlaceAdd(l, r);
    case NB_INPLACE_AND: return PyNumber_InPlaceAnd(l, r);
    case NB_INPLACE_FLOOR_DIVIDE: return PyNumber_InPlaceFloorDivide(l, r);
    case NB_INPLACE_LSHIFT: return PyNumber_InPlaceLshift(l, r);
    case NB_INPLACE_MATRIX_MULTIPLY: return PyNumber_InPlaceMatrixMultiply(l, r);
    case NB_INPLACE_MULTIPLY: return PyNumber_InPlaceMultiply(l, r);
    case NB_INPLACE_REMAINDER: return PyNumber_InPlaceRemainder(l, r);
    case NB_INPLACE_OR: return PyNumber_InPlaceOr(l, r);
    case NB_INPLACE_POWER: return PyNumber_InPlacePower(l, r, Py_None);
    case NB_INPLACE_RSHIFT: return PyNumber_InPlaceRshift(l, r);
    case NB_INPLACE_SUBTRACT: return PyNumber_InPlaceSubtract(l, r);
    case NB_INPLACE_TRUE_DIVIDE: return PyNumber_InPlaceTrueDivide(l, r);
    case NB_INPLACE_XOR: return PyNumber_InPlaceXor(l, r);
    default:
      PyErr_Format(PyExc_SystemError, "ember: bad BINARY_OP oparg %d", static_cast<int>(oparg));
      return nullptr;
  }
}

PyObject* ember_h_compare_op(PyObject* l, PyObject* r, int64_t op) {
  int fast = fastCompare(l, r, static_cast<int>(op));
  if (fast >= 0) return Py_NewRef(fast ? Py_True : Py_False);
  return PyObject_RichCompare(l, r, static_cast<int>(op));
}

PyObject* ember_h_is_op(PyObject* l, PyObject* r, int64_t invert) {
  bool result = (l == r) != (invert != 0);
  return Py_NewRef(result ? Py_True : Py_False);
}

PyObject* ember_h_contains_op(PyObject* l, PyObject* r, int64_t invert) {
  int found = PySequence_Contains(r, l);
  if (found < 0) {
    return nullptr;
  }
  bool result = (found != 0) != (invert != 0);
  return Py_NewRef(result ? Py_True : Py_False);
}

int ember_h_is_true(PyObject* v) { return PyObject_IsTrue(v); }

PyObject* ember_h_binary_subscr(PyObject* container, PyObject* sub) {
  return PyObject_GetItem(container, sub);
}

int ember_h_store_subscr(PyObject* container, PyObject* sub, PyObject* v) {
  return PyObject_SetItem(container, sub, v);
}

int ember_h_delete_subscr(PyObject* container, PyObject* sub) {
  return PyObject_DelItem(container, sub);
}

PyObject* ember_h_binary_slice(PyObject* container, PyObject* start, PyObject* stop) {
  PyObject* slice = PySlice_New(start, stop, nullptr);
  if (slice == nullptr) {
    return nullptr;
  }
  PyObject* res = PyObject_GetItem(container, slice);
  Py_DECREF(slice);
  return res;
}

int ember_h_store_slice(PyObject* container, PyObject* start, PyObject* stop, PyObject* v) {
  PyObject* slice = PySlice_New(start, stop, nullptr);
  if (slice == nullptr) {
    return -1;
  }
  int err = PyObject_SetItem(container, slice, v);
  Py_DECREF(slice);
  return err;
}

PyObject* ember_h_build_slice(PyObject* start, PyObject* stop, PyObject* step) {
  return PySlice_New(start, stop, step);
}

PyObject* ember_h_get_len(PyObject* v) {
  Py_ssize_t len = PyObject_Length(v);
  if (len < 0) {
    return nullptr;
  }
  return PyLong_FromSsize_t(len);
}

}  // extern "C"
