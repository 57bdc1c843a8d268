// Freezing the classes of a strict module. See frozen_types.h.
#include "ember/strict/frozen_types.h"

namespace ember::strict {

namespace {

// 1 if the class asked to stay mutable, 0 if not, -1 on error.
int optedOut(PyTypeObject *type) {
  PyObject *dict = type->tp_dict;  // own namespace only: not inherited
  if (dict == nullptr) {
    return 0;
  }
  PyObject *key = PyUnicode_InternFromString("__strict_mutable__");
  if (key == nullptr) {
    return -1;
  }
  PyObject *value = PyDict_GetItemWithError(dict, key);  // borrowed
  Py_DECREF(key);
  if (value == nullptr) {
    return PyErr_Occurred() ? -1 : 0;
  }
  return PyObject_IsTrue(value);
}

// 1 if `type` was defined in the module named `modName`, 0 if not, -1 on error.
int definedIn(PyTypeObject *type, PyObject *modName) {
  PyObject *key = PyUnicode_InternFromString("__module__");
  if (key == nullptr) {
    return -1;
  }
  PyObject *owner = PyDict_GetItemWithError(type->tp_dict, key);  // borrowed
  Py_DECREF(key);
  if (owner == nullptr) {
    return PyErr_Occurred() ? -1 : 0;
  }
  if (!PyUnicode_Check(owner)) {
    return 0;
  }
  int cmp = PyUnicode_Compare(owner, modName);
  if (cmp == -1 && PyErr_Occurred()) {
    return -1;
  }
  return cmp == 0;
}

Py_ssize_t freezeNamespace(PyObject *dict, PyObject *modName, PyObject *seen);

// Freezes `type` and, first, the classes nested in it.
Py_ssize_t freezeClassTree(PyTypeObject *type, PyObject *modName, PyObject *seen) {
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    return 0;
  }
  PyObject *id = PyLong_FromVoidPtr(type);
  if (id == nullptr) {
    return -1;
  }
  int known = PySet_Contains(seen, id);
  if (known != 0 || PySet_Add(seen, id) < 0) {
    Py_DECREF(id);
    return known == 1 ? 0 : -1;
  }
  Py_DECREF(id);
  int mine = definedIn(type, modName);
  if (mine <= 0) {
    return mine;
  }
  Py_ssize_t count = freezeNamespace(type->tp_dict, modName, seen);
  if (count < 0) {
    return -1;
  }
  int frozen = freezeType(type);
  if (frozen < 0) {
    return -1;
  }
  return count + frozen;
}

Py_ssize_t freezeNamespace(PyObject *dict, PyObject *modName, PyObject *seen) {
  // Snapshot the values first: freezing never edits these dicts, but be safe
  // against any re-entrancy through __eq__ of exotic keys.
  PyObject *values = PyDict_Values(dict);
  if (values == nullptr) {
    return -1;
  }
  Py_ssize_t total = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(values); i++) {
    PyObject *value = PyList_GET_ITEM(values, i);
    if (!PyType_Check(value)) {
      continue;
    }
    Py_ssize_t count = freezeClassTree(reinterpret_cast<PyTypeObject *>(value), modName, seen);
    if (count < 0) {
      Py_DECREF(values);
      return -1;
    }
    total += count;
  }
  Py_DECREF(values);
  return total;
}

}  // namespace

bool isFrozenType(PyTypeObject *type) {
  return (type->tp_flags & Py_TPFLAGS_HEAPTYPE) && (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE);
}

int freezeType(PyTypeObject *type) {
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) || (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
    return 0;
  }
  int out = optedOut(type);
  if (out != 0) {
    return out < 0 ? -1 : 0;
  }
  type->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
  PyType_Modified(type);
  return 1;
}

Py_ssize_t freezeModuleClasses(PyObject *module) {
  if (!PyModule_Check(module)) {
    PyErr_Format(PyExc_TypeError, "freeze_classes() needs a module, not '%s'",
                 Py_TYPE(module)->tp_name);
    return -1;
  }
  PyObject *modName = PyModule_GetNameObject(module);
  if (modName == nullptr) {
    return -1;
  }
  PyObject *seen = PySet_New(nullptr);
  if (seen == nullptr) {
    Py_DECREF(modName);
    return -1;
  }
  Py_ssize_t count = freezeNamespace(PyModule_GetDict(module), modName, seen);
  Py_DECREF(seen);
  Py_DECREF(modName);
  return count;
}

int forceTypeSetAttr(PyTypeObject *type, PyObject *name, PyObject *value) {
  bool wasFrozen = isFrozenType(type);
  if (wasFrozen) {
    type->tp_flags &= ~Py_TPFLAGS_IMMUTABLETYPE;
  }
  int result = PyObject_SetAttr(reinterpret_cast<PyObject *>(type), name, value);
  if (wasFrozen) {
    type->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
  }
  return result;
}

}  // namespace ember::strict
