// StrictModule type: a ModuleType whose attributes cannot be set or deleted from
// outside once the module body has run. See strict_module.h for the invariants.
#include "ember/strict/strict_module.h"

namespace ember::strict {

namespace {

// True when `value` is the submodule "<module name>.<name>": the import system
// binds a package's submodules as attributes after importing them.
bool isSubmoduleBinding(PyObject *self, PyObject *name, PyObject *value) {
  if (value == nullptr || !PyModule_Check(value) || !PyUnicode_Check(name)) {
    return false;
  }
  PyObject *parentName = PyModule_GetNameObject(self);
  if (parentName == nullptr) {
    PyErr_Clear();
    return false;
  }
  PyObject *childName = PyModule_GetNameObject(value);
  if (childName == nullptr) {
    PyErr_Clear();
    Py_DECREF(parentName);
    return false;
  }
  PyObject *expected = PyUnicode_FromFormat("%U.%U", parentName, name);
  bool result = false;
  if (expected == nullptr) {
    PyErr_Clear();
  } else {
    int cmp = PyUnicode_Compare(expected, childName);
    if (cmp == -1 && PyErr_Occurred()) {
      PyErr_Clear();
    }
    result = cmp == 0;
    Py_DECREF(expected);
  }
  Py_DECREF(parentName);
  Py_DECREF(childName);
  return result;
}

// True when `value` is a module spec for this very module: importlib.reload
// stores the freshly found spec before calling the loader (which then refuses
// to re-run a strict module with a clear ImportError).
bool isOwnSpec(PyObject *self, PyObject *name, PyObject *value) {
  if (value == nullptr || !PyUnicode_Check(name) || PyUnicode_CompareWithASCIIString(name, "__spec__") != 0) {
    return false;
  }
  PyObject *specName = PyObject_GetAttrString(value, "name");
  if (specName == nullptr) {
    PyErr_Clear();
    return false;
  }
  PyObject *modName = PyModule_GetNameObject(self);
  bool same = false;
  if (modName == nullptr) {
    PyErr_Clear();
  } else {
    same = PyUnicode_Check(specName) && PyUnicode_Compare(specName, modName) == 0;
    if (PyErr_Occurred()) {
      PyErr_Clear();
    }
    Py_DECREF(modName);
  }
  Py_DECREF(specName);
  return same;
}

int strictModuleSetAttro(PyObject *self, PyObject *name, PyObject *value) {
  if (isSubmoduleBinding(self, name, value) || isOwnSpec(self, name, value)) {
    return PyObject_GenericSetAttr(self, name, value);
  }
  PyObject *modName = PyModule_GetNameObject(self);
  if (modName == nullptr) {
    PyErr_Clear();
    modName = PyUnicode_FromString("?");
    if (modName == nullptr) {
      return -1;
    }
  }
  PyErr_Format(PyExc_AttributeError,
               value == nullptr ? "cannot delete attribute '%U' of strict module '%U'"
                                : "cannot modify attribute '%U' of strict module '%U'",
               name, modName);
  Py_DECREF(modName);
  return -1;
}

PyObject *strictModuleRepr(PyObject *self) {
  PyObject *modName = PyModule_GetNameObject(self);
  if (modName == nullptr) {
    PyErr_Clear();
    return PyUnicode_FromString("<strict module>");
  }
  PyObject *file = PyObject_GetAttrString(self, "__file__");
  PyObject *result;
  if (file != nullptr && PyUnicode_Check(file)) {
    result = PyUnicode_FromFormat("<strict module '%U' from '%U'>", modName, file);
  } else {
    PyErr_Clear();
    result = PyUnicode_FromFormat("<strict module '%U'>", modName);
  }
  Py_XDECREF(file);
  Py_DECREF(modName);
  return result;
}

}  // namespace

PyTypeObject StrictModuleType = {
    PyVarObject_HEAD_INIT(nullptr, 0)  //
    "ember.strict.StrictModule",       // tp_name
};

int readyStrictModuleType() {
  if (StrictModuleType.tp_flags & Py_TPFLAGS_READY) {
    return 0;
  }
  StrictModuleType.tp_basicsize = PyModule_Type.tp_basicsize;
  StrictModuleType.tp_itemsize = 0;
  StrictModuleType.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  StrictModuleType.tp_doc = PyDoc_STR(
      "A module proven free of import-time side effects; its attributes cannot be "
      "set or deleted from outside.");
  StrictModuleType.tp_base = &PyModule_Type;
  StrictModuleType.tp_setattro = strictModuleSetAttro;
  StrictModuleType.tp_repr = strictModuleRepr;
  StrictModuleType.tp_traverse = PyModule_Type.tp_traverse;
  StrictModuleType.tp_clear = PyModule_Type.tp_clear;
  return PyType_Ready(&StrictModuleType);
}

bool isStrictModule(PyObject *obj) { return Py_IS_TYPE(obj, &StrictModuleType); }

PyObject *makeStrictModule(PyObject *module) {
  if (isStrictModule(module)) {
    return Py_NewRef(module);
  }
  if (!Py_IS_TYPE(module, &PyModule_Type)) {
    PyErr_Format(PyExc_TypeError,
                 "make_strict_module() needs a plain module object, not '%s'",
                 Py_TYPE(module)->tp_name);
    return nullptr;
  }
  // Both types are static (immortal), so no reference counts change hands.
  Py_SET_TYPE(module, &StrictModuleType);
  return Py_NewRef(module);
}

int strictModuleForceSetAttr(PyObject *module, PyObject *name, PyObject *value) {
  if (!PyModule_Check(module)) {
    PyErr_SetString(PyExc_TypeError, "expected a module");
    return -1;
  }
  PyObject *dict = PyModule_GetDict(module);  // borrowed
  if (dict == nullptr) {
    return -1;
  }
  if (value == nullptr) {
    if (PyDict_DelItem(dict, name) < 0) {
      if (PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_AttributeError, "strict module has no attribute '%U'", name);
      }
      return -1;
    }
    return 0;
  }
  return PyDict_SetItem(dict, name, value);
}

}  // namespace ember::strict
