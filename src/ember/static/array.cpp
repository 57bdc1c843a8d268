// Array[T]: a fixed-size array of unboxed primitives.
//
// `Array[int64](n)` makes n zeroed elements; `Array[int64](iterable)` copies
// (each element checked: TypeError for a non-int, OverflowError out of range).
// Elements live inline after the header, one 8-byte cell per element holding
// the kind's natural-width value at the start of the cell (the layout the JIT
// reads: docs/static-python.md). The size never changes. Indexing is bounds-
// checked after Python's negative-index adjustment (as Cinder's Array does):
// -len <= i < len, IndexError otherwise. Slicing and `+` make new arrays of
// the same type; slice assignment must keep the size (ValueError otherwise).
// Equality compares kind and elements; repr is `Array[int64]([...])`.
// Array[T] for each primitive T is a cached subclass carrying the kind.
#include <cstring>
#include <vector>

#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

struct ArrayObject {
  PyObject_VAR_HEAD
  int kind;
  alignas(8) uint64_t cells[1];
};

PyObject* gArrayBase = nullptr;
PyObject* gArrayCache = nullptr;

int kindOfType(PyTypeObject* t) {
  PyObject* k = PyObject_GetAttrString((PyObject*)t, "__ember_array_kind__");
  if (!k) {
    PyErr_Clear();
    PyErr_SetString(PyExc_TypeError, "Array must be parameterized with a primitive type, e.g. Array[int64]");
    return -1;
  }
  long v = PyLong_AsLong(k);
  Py_DECREF(k);
  return int(v);
}

bool getIndex(PyObject* self, PyObject* key, Py_ssize_t& i) {
  i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return false;
  Py_ssize_t given = i;
  if (i < 0) i += Py_SIZE(self);
  if (i < 0 || i >= Py_SIZE(self)) {
    i = given;
    PyErr_Format(PyExc_IndexError, "Array index %zd out of range (size %zd)", i, Py_SIZE(self));
    return false;
  }
  return true;
}

bool storeAt(ArrayObject* a, Py_ssize_t i, PyObject* value) {
  uint64_t cell = 0;
  CheckResult r = storePrimitive(a->kind, &cell, value);
  if (r == CheckResult::kOk) {
    a->cells[i] = cell;
    return true;
  }
  if (r == CheckResult::kMismatch)
    PyErr_Format(PyExc_TypeError, "Array[%s] element: expected %s, got '%s'", kindName(a->kind),
                 a->kind == 9 ? "float" : (a->kind == 10 ? "bool" : "int"), Py_TYPE(value)->tp_name);
  else if (r == CheckResult::kOverflow)
    PyErr_Format(PyExc_OverflowError, "Array[%s] element: value %R out of range", kindName(a->kind), value);
  return false;
}

PyObject* arrNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  int kind = kindOfType(type);
  if (kind < 0) return nullptr;
  PyObject* arg;
  if (!PyArg_ParseTuple(args, "O:Array", &arg)) return nullptr;
  PyObject* items = nullptr;
  Py_ssize_t n;
  if (PyLong_Check(arg)) {
    n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred()) return nullptr;
    if (n < 0) {
      PyErr_SetString(PyExc_ValueError, "Array size must be >= 0");
      return nullptr;
    }
  } else {
    items = PySequence_List(arg);
    if (!items) return nullptr;
    n = PyList_GET_SIZE(items);
  }
  auto* a = (ArrayObject*)type->tp_alloc(type, n);
  if (!a) {
    Py_XDECREF(items);
    return nullptr;
  }
  a->kind = kind;
  memset(a->cells, 0, sizeof(uint64_t) * (n ? n : 1));
  for (Py_ssize_t i = 0; items && i < n; i++) {
    if (!storeAt(a, i, PyList_GET_ITEM(items, i))) {
      Py_DECREF(items);
      Py_DECREF(a);
      return nullptr;
    }
  }
  Py_XDECREF(items);
  return (PyObject*)a;
}

Py_ssize_t arrLen(PyObject* self) { return Py_SIZE(self); }

PyObject* arrItem(PyObject* self, Py_ssize_t i) {
  if (i < 0 || i >= Py_SIZE(self)) {
    PyErr_Format(PyExc_IndexError, "Array index %zd out of range (size %zd)", i, Py_SIZE(self));
    return nullptr;
  }
  auto* a = (ArrayObject*)self;
  return loadPrimitive(a->kind, &a->cells[i]);
}

PyObject* newOfType(PyTypeObject* type, int kind, Py_ssize_t n) {
  auto* a = (ArrayObject*)type->tp_alloc(type, n);
  if (!a) return nullptr;
  a->kind = kind;
  memset(a->cells, 0, sizeof(uint64_t) * (n ? n : 1));
  return (PyObject*)a;
}

PyObject* arrSubscript(PyObject* self, PyObject* key) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return nullptr;
    Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    auto* src = (ArrayObject*)self;
    auto* out = (ArrayObject*)newOfType(Py_TYPE(self), src->kind, n);
    for (Py_ssize_t k = 0; out && k < n; k++) out->cells[k] = src->cells[start + k * step];
    return (PyObject*)out;
  }
  Py_ssize_t i;
  if (!getIndex(self, key, i)) return nullptr;
  return arrItem(self, i);
}

PyObject* arrConcat(PyObject* a, PyObject* b) {
  if (!PyObject_TypeCheck(b, (PyTypeObject*)gArrayBase) || ((ArrayObject*)a)->kind != ((ArrayObject*)b)->kind) {
    PyErr_Format(PyExc_TypeError, "can only concatenate an Array of the same element type (not \"%s\")",
                 Py_TYPE(b)->tp_name);
    return nullptr;
  }
  Py_ssize_t na = Py_SIZE(a), nb = Py_SIZE(b);
  auto* out = (ArrayObject*)newOfType(Py_TYPE(a), ((ArrayObject*)a)->kind, na + nb);
  if (!out) return nullptr;
  memcpy(out->cells, ((ArrayObject*)a)->cells, sizeof(uint64_t) * na);
  memcpy(out->cells + na, ((ArrayObject*)b)->cells, sizeof(uint64_t) * nb);
  return (PyObject*)out;
}

int arrAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Array elements cannot be deleted (fixed size)");
    return -1;
  }
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return -1;
    Py_ssize_t n = PySlice_AdjustIndices(Py_SIZE(self), &start, &stop, step);
    PyObject* items = PySequence_List(value);
    if (!items) return -1;
    if (PyList_GET_SIZE(items) != n) {
      PyErr_Format(PyExc_ValueError, "Array slice assignment must keep the size: %zd elements for a slice of %zd",
                   PyList_GET_SIZE(items), n);
      Py_DECREF(items);
      return -1;
    }
    // check everything before storing anything
    auto* a = (ArrayObject*)self;
    std::vector<uint64_t> cells((size_t)n);
    for (Py_ssize_t k = 0; k < n; k++) {
      uint64_t cell = 0;
      CheckResult r = storePrimitive(a->kind, &cell, PyList_GET_ITEM(items, k));
      if (r != CheckResult::kOk) {
        bool ok = storeAt(a, start + k * step, PyList_GET_ITEM(items, k));  // raises the standard error
        (void)ok;
        Py_DECREF(items);
        return -1;
      }
      cells[(size_t)k] = cell;
    }
    for (Py_ssize_t k = 0; k < n; k++) a->cells[start + k * step] = cells[(size_t)k];
    Py_DECREF(items);
    return 0;
  }
  Py_ssize_t i;
  if (!getIndex(self, key, i)) return -1;
  return storeAt((ArrayObject*)self, i, value) ? 0 : -1;
}

PyObject* arrToList(PyObject* self) {
  PyObject* l = PyList_New(Py_SIZE(self));
  for (Py_ssize_t i = 0; l && i < Py_SIZE(self); i++) {
    PyObject* v = arrItem(self, i);
    if (!v) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, v);
  }
  return l;
}

PyObject* arrRepr(PyObject* self) {
  PyObject* l = arrToList(self);
  if (!l) return nullptr;
  PyObject* r = PyUnicode_FromFormat("Array[%s](%R)", kindName(((ArrayObject*)self)->kind), l);
  Py_DECREF(l);
  return r;
}

PyObject* arrRichcompare(PyObject* a, PyObject* b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, (PyTypeObject*)gArrayBase)) Py_RETURN_NOTIMPLEMENTED;
  auto* x = (ArrayObject*)a;
  auto* y = (ArrayObject*)b;
  bool eq = x->kind == y->kind && Py_SIZE(a) == Py_SIZE(b);
  for (Py_ssize_t i = 0; eq && i < Py_SIZE(a); i++) {
    if (x->kind == 9) {
      double p, q;
      memcpy(&p, &x->cells[i], 8);
      memcpy(&q, &y->cells[i], 8);
      eq = p == q;
    } else {
      eq = x->cells[i] == y->cells[i];
    }
  }
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

PyObject* arrReduce(PyObject* self, PyObject*) {
  PyObject* mod = PyImport_ImportModule("ember._static");
  PyObject* fn = mod ? PyObject_GetAttrString(mod, "_rebuild_array") : nullptr;
  Py_XDECREF(mod);
  PyObject* l = fn ? arrToList(self) : nullptr;
  PyObject* r = l ? Py_BuildValue("(O(iO))", fn, ((ArrayObject*)self)->kind, l) : nullptr;
  Py_XDECREF(fn);
  Py_XDECREF(l);
  return r;
}

PyObject* arrayOfKind(int kind) {
  PyObject* key = PyLong_FromLong(kind);
  if (!key) return nullptr;
  PyObject* hit = PyDict_GetItemWithError(gArrayCache, key);
  if (hit || PyErr_Occurred()) {
    Py_DECREF(key);
    return Py_XNewRef(hit);
  }
  PyObject* name = PyUnicode_FromFormat("Array[%s]", kindName(kind));
  PyObject* ns = name ? Py_BuildValue("{s:s,s:O,s:(),s:i}", "__module__", "__static__", "__qualname__", name,
                                      "__slots__", "__ember_array_kind__", kind)
                      : nullptr;
  PyObject* t = ns ? PyObject_CallFunction((PyObject*)&PyType_Type, "O(O)O", name, gArrayBase, ns) : nullptr;
  Py_XDECREF(name);
  Py_XDECREF(ns);
  if (t && PyDict_SetItem(gArrayCache, key, t) < 0) Py_CLEAR(t);
  Py_DECREF(key);
  return t;
}

PyObject* arrClassGetitem(PyObject*, PyObject* param) {
  CheckSpec spec;
  if (!specFromTypeArg(param, spec)) return nullptr;
  int kind = spec.kind;
  spec.clear();
  if (kind == 0) {
    PyErr_Format(PyExc_TypeError, "Array[T] needs a primitive element type (int8..uint64, double, cbool), got %R", param);
    return nullptr;
  }
  return arrayOfKind(kind);
}

PyObject* rebuild(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "_rebuild_array(kind, items)");
    return nullptr;
  }
  long kind = PyLong_AsLong(args[0]);
  if (kind == -1 && PyErr_Occurred()) return nullptr;
  PyObject* t = arrayOfKind(int(kind));
  PyObject* r = t ? PyObject_CallOneArg(t, args[1]) : nullptr;
  Py_XDECREF(t);
  return r;
}

PyMethodDef kMethods[] = {
    {"__reduce__", arrReduce, METH_NOARGS, nullptr},
    {"__class_getitem__", arrClassGetitem, METH_O | METH_CLASS, "Array[T]"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot kSlots[] = {
    {Py_tp_new, (void*)arrNew},
    {Py_sq_length, (void*)arrLen},
    {Py_sq_item, (void*)arrItem},
    {Py_sq_concat, (void*)arrConcat},
    {Py_mp_length, (void*)arrLen},
    {Py_mp_subscript, (void*)arrSubscript},
    {Py_mp_ass_subscript, (void*)arrAssSubscript},
    {Py_tp_repr, (void*)arrRepr},
    {Py_tp_richcompare, (void*)arrRichcompare},
    {Py_tp_hash, (void*)PyObject_HashNotImplemented},
    {Py_tp_methods, kMethods},
    {Py_tp_doc, (void*)"Array[T]: a fixed-size, bounds-checked array of unboxed primitives."},
    {0, nullptr},
};

PyType_Spec kSpec = {"__static__.Array", (int)offsetof(ArrayObject, cells), (int)sizeof(uint64_t),
                     Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, kSlots};

PyMethodDef kFuncs[] = {
    {"_rebuild_array", (PyCFunction)(void (*)(void))rebuild, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initArray(PyObject* module) {
  gArrayBase = PyType_FromSpec(&kSpec);
  if (!gArrayBase) return -1;
  gArrayCache = PyDict_New();
  if (!gArrayCache) return -1;
  if (PyModule_AddObjectRef(module, "Array", gArrayBase) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
