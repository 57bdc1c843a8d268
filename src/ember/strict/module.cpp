// ember._strict: the run-time half of strict modules, exposed to Python.
//
// The analyser (Python, over `ast`) decides whether a module may be strict; this
// module does what must hold at run time and cannot be bypassed from Python:
// the StrictModule type (attribute writes from outside fail), freezing classes
// (Py_TPFLAGS_IMMUTABLETYPE), and the narrow doors tests need (force_setattr,
// used by ember.strict.patch only when patching is enabled), plus a capsule
// (api.h) through which the JIT recognises strict modules. Every entry point
// converts failures into Python exceptions; nothing throws across the C API.
#include "ember/cpython/py312.h"
#include "ember/strict/api.h"
#include "ember/strict/frozen_types.h"
#include "ember/strict/strict_module.h"

using namespace ember::strict;

namespace {

PyObject *makeStrictModuleFn(PyObject *, PyObject *module) { return makeStrictModule(module); }

PyObject *isStrictModuleFn(PyObject *, PyObject *obj) { return PyBool_FromLong(isStrictModule(obj)); }

PyObject *freezeClassesFn(PyObject *, PyObject *module) {
  Py_ssize_t count = freezeModuleClasses(module);
  return count < 0 ? nullptr : PyLong_FromSsize_t(count);
}

PyObject *freezeTypeFn(PyObject *, PyObject *type) {
  if (!PyType_Check(type)) {
    PyErr_Format(PyExc_TypeError, "freeze_type() needs a class, not '%s'", Py_TYPE(type)->tp_name);
    return nullptr;
  }
  int result = freezeType(reinterpret_cast<PyTypeObject *>(type));
  return result < 0 ? nullptr : PyBool_FromLong(result);
}

PyObject *isFrozenFn(PyObject *, PyObject *type) {
  return PyBool_FromLong(PyType_Check(type) && isFrozenType(reinterpret_cast<PyTypeObject *>(type)));
}

// force_setattr(target, name, value[, delete]): the write behind patching.
PyObject *forceSetAttrFn(PyObject *, PyObject *const *args, Py_ssize_t nargs) {
  if (nargs != 3 && nargs != 4) {
    PyErr_SetString(PyExc_TypeError, "force_setattr(target, name, value, delete=False)");
    return nullptr;
  }
  PyObject *target = args[0];
  PyObject *name = args[1];
  if (!PyUnicode_Check(name)) {
    PyErr_SetString(PyExc_TypeError, "attribute name must be a string");
    return nullptr;
  }
  bool remove = false;
  if (nargs == 4) {
    int truth = PyObject_IsTrue(args[3]);
    if (truth < 0) {
      return nullptr;
    }
    remove = truth != 0;
  }
  PyObject *value = remove ? nullptr : args[2];
  int result;
  if (isStrictModule(target)) {
    result = strictModuleForceSetAttr(target, name, value);
  } else if (PyType_Check(target)) {
    result = forceTypeSetAttr(reinterpret_cast<PyTypeObject *>(target), name, value);
  } else {
    result = PyObject_SetAttr(target, name, value);
  }
  if (result < 0) {
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyMethodDef kMethods[] = {
    {"make_strict_module", makeStrictModuleFn, METH_O,
     "make_strict_module(module) -> module: lock a plain module in place (idempotent)."},
    {"is_strict_module", isStrictModuleFn, METH_O, "True if the object is a StrictModule."},
    {"freeze_classes", freezeClassesFn, METH_O,
     "freeze_classes(module) -> int: freeze the classes defined in module; returns how many."},
    {"freeze_type", freezeTypeFn, METH_O, "freeze_type(cls) -> bool: freeze one class."},
    {"is_frozen", isFrozenFn, METH_O, "True if cls is a frozen (immutable) heap type."},
    {"force_setattr", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(forceSetAttrFn)),
     METH_FASTCALL, "force_setattr(target, name, value, delete=False): bypass the lock (patching)."},
    {nullptr, nullptr, 0, nullptr},
};

int isStrictModuleC(PyObject *obj) { return isStrictModule(obj) ? 1 : 0; }

int isFrozenTypeC(PyTypeObject *type) { return isFrozenType(type) ? 1 : 0; }

StrictCApi kCApi = {1, &StrictModuleType, isStrictModuleC, isFrozenTypeC};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "ember._strict",
                       "Run-time support for strict modules (StrictModule, frozen classes).", -1, kMethods};

}  // namespace

PyMODINIT_FUNC PyInit__strict() {
  if (readyStrictModuleType() < 0) {
    return nullptr;
  }
  PyObject *module = PyModule_Create(&kModule);
  if (module == nullptr) {
    return nullptr;
  }
  if (PyModule_AddObjectRef(module, "StrictModule", reinterpret_cast<PyObject *>(&StrictModuleType)) < 0) {
    Py_DECREF(module);
    return nullptr;
  }
  PyObject *capsule = PyCapsule_New(&kCApi, kStrictCApiName, nullptr);
  int added = capsule == nullptr ? -1 : PyModule_AddObjectRef(module, "_C_API", capsule);
  Py_XDECREF(capsule);
  if (added < 0) {
    Py_DECREF(module);
    return nullptr;
  }
  return module;
}
