// CheckedList[T]: a list that checks every element it stores.
//
// Built like CheckedDict (see checked_dict.cpp): a C subclass of list plus one
// cached parameterised subclass per T. All stores are checked: l[i] = v,
// slice assignment, append, insert, extend, +=, __init__; `l + other`,
// slicing and copy() return the same CheckedList type. Bulk stores check all
// elements before storing any. Everything else (reads, sort, equality, repr)
// is list's. Pickling rebuilds through ember._static._rebuild_checked_list.
#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

PyObject* gListBase = nullptr;
PyObject* gListCache = nullptr;

bool checkItem(ContainerParams* p, PyObject* self, PyObject* item) {
  PyObject* qn = PyType_GetQualName(Py_TYPE(self));
  if (!qn) return false;
  PyObject* v = checkOrRaise(p->specs[0], item, "%U item", qn);
  Py_DECREF(qn);
  Py_XDECREF(v);
  return v != nullptr;
}

// Returns a new list of the items of `iterable`, all checked, or nullptr.
PyObject* checkedItems(PyObject* self, PyObject* iterable) {
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p) return nullptr;
  PyObject* items = PySequence_List(iterable);
  if (!items) return nullptr;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
    if (!checkItem(p, self, PyList_GET_ITEM(items, i))) {
      Py_DECREF(items);
      return nullptr;
    }
  }
  return items;
}

int clAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (!value) return PyList_Type.tp_as_mapping->mp_ass_subscript(self, key, value);
  if (PySlice_Check(key)) {
    PyObject* items = checkedItems(self, value);
    if (!items) return -1;
    int r = PyList_Type.tp_as_mapping->mp_ass_subscript(self, key, items);
    Py_DECREF(items);
    return r;
  }
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p || !checkItem(p, self, value)) return -1;
  return PyList_Type.tp_as_mapping->mp_ass_subscript(self, key, value);
}

int clAssItem(PyObject* self, Py_ssize_t i, PyObject* value) {
  if (value) {
    ContainerParams* p = findParams(Py_TYPE(self));
    if (!p || !checkItem(p, self, value)) return -1;
  }
  return PyList_Type.tp_as_sequence->sq_ass_item(self, i, value);
}

// A new instance of type(self) holding `items` (already checked).
PyObject* sameTypeWith(PyObject* self, PyObject* items) {
  PyObject* n = PyObject_CallNoArgs((PyObject*)Py_TYPE(self));
  if (n && PyList_SetSlice(n, 0, 0, items) < 0) Py_CLEAR(n);
  return n;
}

PyObject* clSubscript(PyObject* self, PyObject* key) {
  PyObject* r = PyList_Type.tp_as_mapping->mp_subscript(self, key);
  if (!r || !PySlice_Check(key)) return r;
  PyObject* n = sameTypeWith(self, r);
  Py_DECREF(r);
  return n;
}

int clInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (kwargs && PyDict_GET_SIZE(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "CheckedList() takes no keyword arguments");
    return -1;
  }
  if (!findParams(Py_TYPE(self))) return -1;
  Py_ssize_t n = PyTuple_GET_SIZE(args);
  if (n > 1) {
    PyErr_SetString(PyExc_TypeError, "CheckedList expected at most 1 argument");
    return -1;
  }
  if (PyList_SetSlice(self, 0, PyList_GET_SIZE(self), nullptr) < 0) return -1;
  if (n == 0) return 0;
  PyObject* items = checkedItems(self, PyTuple_GET_ITEM(args, 0));
  if (!items) return -1;
  int r = PyList_SetSlice(self, 0, 0, items);
  Py_DECREF(items);
  return r;
}

PyObject* clAppend(PyObject* self, PyObject* item) {
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p || !checkItem(p, self, item)) return nullptr;
  if (PyList_Append(self, item) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* clInsert(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "insert expected 2 arguments");
    return nullptr;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
  if (i == -1 && PyErr_Occurred()) return nullptr;
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p || !checkItem(p, self, args[1])) return nullptr;
  if (PyList_Insert(self, i, args[1]) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* clExtend(PyObject* self, PyObject* iterable) {
  PyObject* items = checkedItems(self, iterable);
  if (!items) return nullptr;
  int r = PyList_SetSlice(self, PyList_GET_SIZE(self), PyList_GET_SIZE(self), items);
  Py_DECREF(items);
  if (r < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* clInplaceConcat(PyObject* self, PyObject* other) {
  PyObject* r = clExtend(self, other);
  if (!r) return nullptr;
  Py_DECREF(r);
  return Py_NewRef(self);
}

PyObject* clConcat(PyObject* self, PyObject* other) {
  if (!PyList_Check(other)) {
    PyErr_Format(PyExc_TypeError, "can only concatenate list (not \"%s\") to list", Py_TYPE(other)->tp_name);
    return nullptr;
  }
  PyObject* items = checkedItems(self, other);
  if (!items) return nullptr;
  PyObject* n = sameTypeWith(self, self);
  if (n && PyList_SetSlice(n, PyList_GET_SIZE(n), PyList_GET_SIZE(n), items) < 0) Py_CLEAR(n);
  Py_DECREF(items);
  return n;
}

PyObject* clCopy(PyObject* self, PyObject*) { return sameTypeWith(self, self); }

PyObject* clReduce(PyObject* self, PyObject*) {
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p) return nullptr;
  PyObject* mod = PyImport_ImportModule("ember._static");
  PyObject* fn = mod ? PyObject_GetAttrString(mod, "_rebuild_checked_list") : nullptr;
  Py_XDECREF(mod);
  PyObject* plain = fn ? PySequence_List(self) : nullptr;
  PyObject* r = plain ? Py_BuildValue("(O(OO))", fn, PyTuple_GET_ITEM(p->args, 0), plain) : nullptr;
  Py_XDECREF(fn);
  Py_XDECREF(plain);
  return r;
}

PyObject* clClassGetitem(PyObject*, PyObject* params) {
  return specialize(gListBase, gListCache, params, 1, "CheckedList");
}

PyObject* rebuild(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "_rebuild_checked_list(T, items)");
    return nullptr;
  }
  PyObject* t = specialize(gListBase, gListCache, args[0], 1, "CheckedList");
  PyObject* r = t ? PyObject_CallOneArg(t, args[1]) : nullptr;
  Py_XDECREF(t);
  return r;
}

PyMethodDef kMethods[] = {
    {"append", clAppend, METH_O, "checked list.append"},
    {"insert", (PyCFunction)(void (*)(void))clInsert, METH_FASTCALL, "checked list.insert"},
    {"extend", clExtend, METH_O, "checked list.extend"},
    {"copy", clCopy, METH_NOARGS, "a shallow copy of the same CheckedList type"},
    {"__reduce__", clReduce, METH_NOARGS, nullptr},
    {"__class_getitem__", clClassGetitem, METH_O | METH_CLASS, "CheckedList[T]"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot kSlots[] = {
    {Py_mp_ass_subscript, (void*)clAssSubscript},
    {Py_mp_subscript, (void*)clSubscript},
    {Py_sq_ass_item, (void*)clAssItem},
    {Py_sq_inplace_concat, (void*)clInplaceConcat},
    {Py_sq_concat, (void*)clConcat},
    {Py_tp_init, (void*)clInit},
    {Py_tp_methods, kMethods},
    {Py_tp_doc, (void*)"CheckedList[T]: a list whose elements are type-checked on every store."},
    {0, nullptr},
};

PyType_Spec kSpec = {"__static__.CheckedList", 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, kSlots};

PyMethodDef kFuncs[] = {
    {"_rebuild_checked_list", (PyCFunction)(void (*)(void))rebuild, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initCheckedList(PyObject* module) {
  gListBase = PyType_FromSpecWithBases(&kSpec, (PyObject*)&PyList_Type);
  if (!gListBase) return -1;
  gListCache = PyDict_New();
  if (!gListCache) return -1;
  if (PyModule_AddObjectRef(module, "CheckedList", gListBase) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
