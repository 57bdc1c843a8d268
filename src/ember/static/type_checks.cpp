// The one implementation of Static Python's run-time type checks.
//
// Entry checks on static functions, typed fields, cast(), unbox() and the
// checked containers all ask checkValue() whether a value fits a CheckSpec,
// and format failures through raiseCheckError(), so a value accepted in one
// place is accepted everywhere and messages read the same. Rules:
//  - object kinds: isinstance(value, T); `float` also accepts int (PEP 484's
//    numeric tower); optional specs accept None; `object` accepts anything;
//  - integer primitives: an int (bool included) within the kind's range,
//    otherwise TypeError (not an int) or OverflowError (out of range);
//  - double: a float, or an int which is converted to float;
//  - cbool: a bool.
#include <cstdarg>
#include <cstring>

#include "ember/static/runtime.h"

namespace ember::staticpy {

const char* kindName(int kind) {
  switch (kind) {
#define EMBER_KIND_NAME(name, ctype, num) \
  case num:                               \
    return #name;
    EMBER_INT_PRIM_KINDS(EMBER_KIND_NAME)
#undef EMBER_KIND_NAME
    case 9: return "double";
    case 10: return "cbool";
    default: return "object";
  }
}

int kindSize(int kind) { return kind == 10 ? 1 : kindBits(kind) / 8; }

bool parseSpec(PyObject* spec, CheckSpec& out) {
  out.clear();
  out.kind = 0;
  out.optional = false;
  if (spec == Py_None) return true;
  if (CheckSpec* so = specObjectGet(spec)) {
    out.kind = so->kind;
    out.target = Py_XNewRef(so->target);
    out.resolved = (PyTypeObject*)Py_XNewRef((PyObject*)so->resolved);
    out.optional = so->optional;
    return true;
  }
  if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 3) {
    PyErr_SetString(PyExc_TypeError, "ember._static: a check spec is (kind, target, optional) or None");
    return false;
  }
  long kind = PyLong_AsLong(PyTuple_GET_ITEM(spec, 0));
  if (kind == -1 && PyErr_Occurred()) return false;
  if (kind < 0 || kind > 10) {
    PyErr_Format(PyExc_ValueError, "ember._static: bad primitive kind %ld", kind);
    return false;
  }
  out.kind = int(kind);
  PyObject* target = PyTuple_GET_ITEM(spec, 1);
  if (target != Py_None) {
    out.target = Py_NewRef(target);
    if (PyType_Check(target)) out.resolved = (PyTypeObject*)Py_NewRef(target);
  }
  out.optional = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 2)) == 1;
  return true;
}

bool specFromTypeArg(PyObject* arg, CheckSpec& out) {
  out.clear();
  out.kind = 0;
  out.optional = false;
  if (arg == Py_None || arg == (PyObject*)Py_TYPE(Py_None)) {
    out.target = Py_NewRef((PyObject*)Py_TYPE(Py_None));
    out.resolved = (PyTypeObject*)Py_NewRef(out.target);
    return true;
  }
  if (PyType_Check(arg)) {
    PyObject* kind = PyObject_GetAttrString(arg, "__ember_kind__");
    if (kind) {
      long k = PyLong_AsLong(kind);
      Py_DECREF(kind);
      if (k == -1 && PyErr_Occurred()) return false;
      out.kind = int(k);
      return true;
    }
    PyErr_Clear();
    out.target = Py_NewRef(arg);
    out.resolved = (PyTypeObject*)Py_NewRef(arg);
    return true;
  }
  // `T | None` (types.UnionType) and Optional[T] (typing.Union) expose __args__.
  PyObject* args = PyObject_GetAttrString(arg, "__args__");
  if (args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 2) {
    PyObject* a = PyTuple_GET_ITEM(args, 0);
    PyObject* b = PyTuple_GET_ITEM(args, 1);
    PyObject* none = (PyObject*)Py_TYPE(Py_None);
    PyObject* inner = b == none ? a : (a == none ? b : nullptr);
    if (inner && PyType_Check(inner)) {
      out.target = Py_NewRef(inner);
      out.resolved = (PyTypeObject*)Py_NewRef(inner);
      out.optional = true;
      Py_DECREF(args);
      return true;
    }
  }
  Py_XDECREF(args);
  PyErr_Clear();
  PyErr_Format(PyExc_TypeError, "expected a type, a primitive or Optional[type], got %R", arg);
  return false;
}

static bool resolve(CheckSpec& spec) {
  if (spec.resolved || !spec.target) return true;
  PyObject* t = PyObject_CallNoArgs(spec.target);
  if (!t) return false;
  if (!PyType_Check(t)) {
    PyErr_Format(PyExc_TypeError, "ember._static: type thunk returned %R, not a type", t);
    Py_DECREF(t);
    return false;
  }
  spec.resolved = (PyTypeObject*)t;
  return true;
}

CheckResult checkValue(CheckSpec& spec, PyObject* value, PyObject** converted) {
  if (converted) *converted = nullptr;
  if (spec.kind == 0) {
    if (!spec.target) return CheckResult::kOk;
    if (value == Py_None && spec.optional) return CheckResult::kOk;
    if (!resolve(spec)) return CheckResult::kError;
    PyTypeObject* t = spec.resolved;
    if (t == &PyBaseObject_Type) return CheckResult::kOk;
    if (Py_TYPE(value) == t) return CheckResult::kOk;
    int r = PyObject_IsInstance(value, (PyObject*)t);
    if (r < 0) return CheckResult::kError;
    if (r) return CheckResult::kOk;
    if (t == &PyFloat_Type && PyLong_Check(value)) return CheckResult::kOk;
    return CheckResult::kMismatch;
  }
  if (spec.kind == 9) {
    if (PyFloat_Check(value)) return CheckResult::kOk;
    if (PyLong_Check(value)) {
      double d = PyLong_AsDouble(value);
      if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return CheckResult::kOverflow;
      }
      if (converted) {
        *converted = PyFloat_FromDouble(d);
        if (!*converted) return CheckResult::kError;
      }
      return CheckResult::kOk;
    }
    return CheckResult::kMismatch;
  }
  if (spec.kind == 10) return PyBool_Check(value) ? CheckResult::kOk : CheckResult::kMismatch;
  // integer primitive: probe the store without keeping the result
  uint64_t scratch = 0;
  return storePrimitive(spec.kind, &scratch, value);
}

PyObject* specName(CheckSpec& spec) {
  if (spec.kind != 0) return PyUnicode_FromString(kindName(spec.kind));
  if (!spec.target) return PyUnicode_FromString("object");
  if (!resolve(spec)) {
    PyErr_Clear();
    return PyUnicode_FromString("?");
  }
  const char* n = spec.resolved->tp_name;
  const char* dot = strrchr(n, '.');
  if (dot && !(spec.resolved->tp_flags & Py_TPFLAGS_HEAPTYPE)) n = dot + 1;
  if (spec.resolved->tp_flags & Py_TPFLAGS_HEAPTYPE) {
    PyObject* qn = ((PyHeapTypeObject*)spec.resolved)->ht_qualname;
    return spec.optional ? PyUnicode_FromFormat("Optional[%U]", qn) : Py_NewRef(qn);
  }
  return spec.optional ? PyUnicode_FromFormat("Optional[%s]", n) : PyUnicode_FromString(n);
}

static void raiseV(CheckSpec& spec, CheckResult r, PyObject* value, const char* fmt, va_list va) {
  if (r == CheckResult::kError) return;
  PyObject* where = PyUnicode_FromFormatV(fmt, va);
  if (!where) return;
  PyObject* want = specName(spec);
  if (!want) {
    Py_DECREF(where);
    return;
  }
  if (r == CheckResult::kOverflow)
    PyErr_Format(PyExc_OverflowError, "%U: value %R out of range for %U", where, value, want);
  else
    PyErr_Format(PyExc_TypeError, "%U: expected '%U', got '%s'", where, want, Py_TYPE(value)->tp_name);
  Py_DECREF(where);
  Py_DECREF(want);
}

void raiseCheckError(CheckSpec& spec, CheckResult r, PyObject* value, const char* fmt, ...) {
  va_list va;
  va_start(va, fmt);
  raiseV(spec, r, value, fmt, va);
  va_end(va);
}

PyObject* checkOrRaise(CheckSpec& spec, PyObject* value, const char* fmt, ...) {
  PyObject* conv = nullptr;
  CheckResult r = checkValue(spec, value, &conv);
  if (r == CheckResult::kOk) return conv ? conv : Py_NewRef(value);
  va_list va;
  va_start(va, fmt);
  raiseV(spec, r, value, fmt, va);
  va_end(va);
  return nullptr;
}

PyObject* loadPrimitive(int kind, const void* addr) {
  switch (kind) {
#define EMBER_LOAD(name, ctype, num)                           \
  case num: {                                                  \
    ctype v;                                                   \
    memcpy(&v, addr, sizeof v);                                \
    if constexpr (std::is_signed_v<ctype>)                     \
      return PyLong_FromLongLong((long long)v);                \
    else                                                       \
      return PyLong_FromUnsignedLongLong((unsigned long long)v); \
  }
    EMBER_INT_PRIM_KINDS(EMBER_LOAD)
#undef EMBER_LOAD
    case 9: {
      double d;
      memcpy(&d, addr, sizeof d);
      return PyFloat_FromDouble(d);
    }
    case 10:
      return PyBool_FromLong(*(const uint8_t*)addr);
    default:
      PyErr_SetString(PyExc_SystemError, "ember._static: load of a non-primitive kind");
      return nullptr;
  }
}

template <class T>
static CheckResult storeInt(void* addr, PyObject* value) {
  if (!PyLong_Check(value)) return CheckResult::kMismatch;
  T out;
  if constexpr (std::is_signed_v<T>) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (v == -1 && PyErr_Occurred()) return CheckResult::kError;
    if (overflow || v < (long long)std::numeric_limits<T>::min() || v > (long long)std::numeric_limits<T>::max())
      return CheckResult::kOverflow;
    out = (T)v;
  } else {
    if (_PyLong_Sign(value) < 0) return CheckResult::kOverflow;
    unsigned long long v = PyLong_AsUnsignedLongLong(value);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
      PyErr_Clear();
      return CheckResult::kOverflow;
    }
    if (v > (unsigned long long)std::numeric_limits<T>::max()) return CheckResult::kOverflow;
    out = (T)v;
  }
  memcpy(addr, &out, sizeof out);
  return CheckResult::kOk;
}

CheckResult storePrimitive(int kind, void* addr, PyObject* value) {
  switch (kind) {
#define EMBER_STORE(name, ctype, num) \
  case num:                           \
    return storeInt<ctype>(addr, value);
    EMBER_INT_PRIM_KINDS(EMBER_STORE)
#undef EMBER_STORE
    case 9: {
      double d;
      if (PyFloat_Check(value)) {
        d = PyFloat_AS_DOUBLE(value);
      } else if (PyLong_Check(value)) {
        d = PyLong_AsDouble(value);
        if (d == -1.0 && PyErr_Occurred()) {
          PyErr_Clear();
          return CheckResult::kOverflow;
        }
      } else {
        return CheckResult::kMismatch;
      }
      memcpy(addr, &d, sizeof d);
      return CheckResult::kOk;
    }
    case 10:
      if (!PyBool_Check(value)) return CheckResult::kMismatch;
      *(uint8_t*)addr = value == Py_True;
      return CheckResult::kOk;
    default:
      PyErr_SetString(PyExc_SystemError, "ember._static: store of a non-primitive kind");
      return CheckResult::kError;
  }
}

}  // namespace ember::staticpy
