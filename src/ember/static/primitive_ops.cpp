// Python-callable primitive operations: the interpreter path of Static Python.
//
// A compiled static module keeps primitive values as Python ints (floats for
// double, bools for cbool) that are always within their kind's range, and
// routes every operation that could leave the range through one of these
// functions: `int32_add(a, b)`, `uint8_lshift(a, b)`, `int64_wrap(x)`,
// `int16_unbox(o)`, ... Each is a thin METH_FASTCALL shell around the
// templates of primitives.h, so the interpreter and the JIT share the
// semantics. Operands are re-validated (a value out of range raises rather
// than being silently wrapped), which costs little and catches misuse from
// hand-written callers.
#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

template <class T>
bool argAs(PyObject* o, T& out, int kind) {
  CheckResult r = storePrimitive(kind, &out, o);
  if (r == CheckResult::kOk) return true;
  if (r == CheckResult::kMismatch)
    PyErr_Format(PyExc_TypeError, "%s operation: expected int, got '%s'", kindName(kind), Py_TYPE(o)->tp_name);
  else if (r == CheckResult::kOverflow)
    PyErr_Format(PyExc_OverflowError, "%s operation: operand %R out of range", kindName(kind), o);
  return false;
}

template <class T>
PyObject* toPy(T v) {
  if constexpr (std::is_signed_v<T>)
    return PyLong_FromLongLong((long long)v);
  else
    return PyLong_FromUnsignedLongLong((unsigned long long)v);
}

enum class Bin { Add, Sub, Mul, FloorDiv, Mod, Lshift, Rshift, And, Or, Xor };

template <class T, int K, Bin op>
PyObject* binary(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "primitive binary operation takes 2 arguments");
    return nullptr;
  }
  T a, b;
  if (!argAs<T>(args[0], a, K) || !argAs<T>(args[1], b, K)) return nullptr;
  T r{};
  switch (op) {
    case Bin::Add: r = primAdd<T>(a, b); break;
    case Bin::Sub: r = primSub<T>(a, b); break;
    case Bin::Mul: r = primMul<T>(a, b); break;
    case Bin::FloorDiv:
      if (!primFloorDiv<T>(a, b, r)) {
        PyErr_SetString(PyExc_ZeroDivisionError, "integer division by zero");
        return nullptr;
      }
      break;
    case Bin::Mod:
      if (!primMod<T>(a, b, r)) {
        PyErr_SetString(PyExc_ZeroDivisionError, "integer modulo by zero");
        return nullptr;
      }
      break;
    case Bin::Lshift: r = primLshift<T>(a, b); break;
    case Bin::Rshift: r = primRshift<T>(a, b); break;
    case Bin::And: r = primAnd<T>(a, b); break;
    case Bin::Or: r = primOr<T>(a, b); break;
    case Bin::Xor: r = primXor<T>(a, b); break;
  }
  return toPy<T>(r);
}

template <class T, int K, bool invert>
PyObject* unary(PyObject*, PyObject* arg) {
  T a;
  if (!argAs<T>(arg, a, K)) return nullptr;
  return toPy<T>(invert ? primInvert<T>(a) : primNeg<T>(a));
}

// int32(x) on a value of another primitive kind: keep the low bits. A double
// is truncated toward zero first (NaN and infinities raise like int()).
template <class T, int K>
PyObject* wrap(PyObject*, PyObject* arg) {
  PyObject* asInt = nullptr;
  if (PyFloat_Check(arg)) {
    asInt = PyNumber_Long(arg);
    if (!asInt) return nullptr;
    arg = asInt;
  }
  if (!PyLong_Check(arg)) {
    Py_XDECREF(asInt);
    PyErr_Format(PyExc_TypeError, "%s(): expected a number, got '%s'", kindName(K), Py_TYPE(arg)->tp_name);
    return nullptr;
  }
  unsigned long long low = PyLong_AsUnsignedLongLongMask(arg);
  Py_XDECREF(asInt);
  if (low == (unsigned long long)-1 && PyErr_Occurred()) return nullptr;
  return toPy<T>(primWrap<T>(low));
}

// unbox(o): an object entering a primitive; checked, never wrapped.
template <int K>
PyObject* unbox(PyObject*, PyObject* arg) {
  uint64_t scratch = 0;
  CheckResult r = storePrimitive(K, &scratch, arg);
  if (r == CheckResult::kOk) return loadPrimitive(K, &scratch);
  if (r == CheckResult::kMismatch)
    PyErr_Format(PyExc_TypeError, "unbox to %s: expected %s, got '%s'", kindName(K),
                 K == 9 ? "float" : (K == 10 ? "bool" : "int"), Py_TYPE(arg)->tp_name);
  else if (r == CheckResult::kOverflow)
    PyErr_Format(PyExc_OverflowError, "unbox to %s: value %R out of range", kindName(K), arg);
  return nullptr;
}

PyObject* doubleWrap(PyObject*, PyObject* arg) {
  if (PyFloat_Check(arg)) return Py_NewRef(arg);
  if (PyLong_Check(arg)) {
    double d = PyLong_AsDouble(arg);
    if (d == -1.0 && PyErr_Occurred()) return nullptr;
    return PyFloat_FromDouble(d);
  }
  PyErr_Format(PyExc_TypeError, "double(): expected a number, got '%s'", Py_TYPE(arg)->tp_name);
  return nullptr;
}

PyObject* cboolWrap(PyObject*, PyObject* arg) {
  int t = PyObject_IsTrue(arg);
  if (t < 0) return nullptr;
  return PyBool_FromLong(t);
}

PyObject* castImpl(PyObject* type, PyObject* value, bool optional) {
  CheckSpec spec;
  if (!specFromTypeArg(type, spec)) return nullptr;
  if (optional) spec.optional = true;
  PyObject* r = checkOrRaise(spec, value, "cast");
  spec.clear();
  return r;
}

PyObject* cast(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "cast(T, value) takes 2 arguments");
    return nullptr;
  }
  return castImpl(args[0], args[1], false);
}

PyObject* castOptional(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "cast_optional(T, value) takes 2 arguments");
    return nullptr;
  }
  return castImpl(args[0], args[1], true);
}

#define EMBER_BIN_ENTRY(kname, ctype, num, opname, op) \
  {#kname "_" opname, (PyCFunction)(void (*)(void))binary<ctype, num, Bin::op>, METH_FASTCALL, nullptr},
#define EMBER_KIND_ENTRIES(kname, ctype, num)                                          \
  EMBER_BIN_ENTRY(kname, ctype, num, "add", Add)                                       \
  EMBER_BIN_ENTRY(kname, ctype, num, "sub", Sub)                                       \
  EMBER_BIN_ENTRY(kname, ctype, num, "mul", Mul)                                       \
  EMBER_BIN_ENTRY(kname, ctype, num, "floordiv", FloorDiv)                             \
  EMBER_BIN_ENTRY(kname, ctype, num, "mod", Mod)                                       \
  EMBER_BIN_ENTRY(kname, ctype, num, "lshift", Lshift)                                 \
  EMBER_BIN_ENTRY(kname, ctype, num, "rshift", Rshift)                                 \
  EMBER_BIN_ENTRY(kname, ctype, num, "and", And)                                       \
  EMBER_BIN_ENTRY(kname, ctype, num, "or", Or)                                         \
  EMBER_BIN_ENTRY(kname, ctype, num, "xor", Xor)                                       \
  {#kname "_neg", (PyCFunction)unary<ctype, num, false>, METH_O, nullptr},             \
  {#kname "_invert", (PyCFunction)unary<ctype, num, true>, METH_O, nullptr},           \
  {#kname "_wrap", (PyCFunction)wrap<ctype, num>, METH_O, nullptr},                    \
  {#kname "_unbox", (PyCFunction)unbox<num>, METH_O, nullptr},

PyMethodDef kOps[] = {
    EMBER_INT_PRIM_KINDS(EMBER_KIND_ENTRIES)
    {"double_unbox", (PyCFunction)unbox<9>, METH_O, nullptr},
    {"double_wrap", (PyCFunction)doubleWrap, METH_O, nullptr},
    {"cbool_unbox", (PyCFunction)unbox<10>, METH_O, nullptr},
    {"cbool_wrap", (PyCFunction)cboolWrap, METH_O, nullptr},
    {"cast", (PyCFunction)(void (*)(void))cast, METH_FASTCALL,
     "cast(T, value): return value if it is a T (T may be Optional), else raise TypeError"},
    {"cast_optional", (PyCFunction)(void (*)(void))castOptional, METH_FASTCALL, "cast to Optional[T]"},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initPrimitiveOps(PyObject* module) {
  return PyModule_AddFunctions(module, kOps);
}

}  // namespace ember::staticpy
