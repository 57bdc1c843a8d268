// Run-time enforcement of @final methods against subclasses made outside
// static code (a plain Python `class D(C): def m(...)` where C.m is @final).
//
// guard_final_methods(cls, names) records `names` as cls.__ember_final_methods__
// and installs a C-level `__init_subclass__` classmethod on cls. CPython calls
// it for every new subclass (type_new -> init_subclass); it walks the new
// class's MRO, collects every ancestor's __ember_final_methods__, and raises
//   TypeError: cannot override final method 'm' of 'C'
// if the new class defines one of them, then chains to the next
// __init_subclass__ in the MRO (so cooperative hooks above still run).
// Static subclasses are rejected at compile time with the same message; this
// covers the dynamic side. A class that defines its own __init_subclass__ is
// not guarded at run time (the compiler does not install the guard there).
#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

PyObject* finalInitSubclass(PyObject* cls, PyObject* args, PyObject* kwargs);

PyMethodDef kGuardDef = {"__init_subclass__", (PyCFunction)(void (*)(void))finalInitSubclass,
                         METH_VARARGS | METH_KEYWORDS | METH_CLASS,
                         "ember: refuses overrides of @final methods, then chains to super()"};

PyObject* finalInitSubclass(PyObject* cls, PyObject* args, PyObject* kwargs) {
  auto* type = (PyTypeObject*)cls;
  PyObject* mro = type->tp_mro;
  if (!mro) Py_RETURN_NONE;
  PyObject* own = type->tp_dict;
  PyObject* owner = nullptr;  // nearest ancestor holding our guard
  for (Py_ssize_t i = 1; i < PyTuple_GET_SIZE(mro); i++) {
    auto* base = (PyTypeObject*)PyTuple_GET_ITEM(mro, i);
    PyObject* dict = base->tp_dict;
    if (!dict) continue;
    PyObject* names = PyDict_GetItemString(dict, "__ember_final_methods__");
    if (names && PyTuple_Check(names)) {
      for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(names); j++) {
        PyObject* n = PyTuple_GET_ITEM(names, j);
        if (PyDict_Contains(own, n) == 1) {
          PyErr_Format(PyExc_TypeError, "cannot override final method '%U' of '%s'", n, base->tp_name);
          return nullptr;
        }
      }
    }
    if (!owner) {
      PyObject* hook = PyDict_GetItemString(dict, "__init_subclass__");
      if (hook && PyObject_TypeCheck(hook, &PyClassMethodDescr_Type) &&
          ((PyMethodDescrObject*)hook)->d_method == &kGuardDef)
        owner = (PyObject*)base;
    }
  }
  if (!owner) Py_RETURN_NONE;
  // super(owner, cls).__init_subclass__(*args, **kwargs)
  PyObject* sup = PyObject_CallFunctionObjArgs((PyObject*)&PySuper_Type, owner, cls, nullptr);
  PyObject* next = sup ? PyObject_GetAttrString(sup, "__init_subclass__") : nullptr;
  Py_XDECREF(sup);
  PyObject* r = next ? PyObject_Call(next, args, kwargs) : nullptr;
  Py_XDECREF(next);
  return r;
}

PyObject* guard(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2 || !PyType_Check(args[0]) || !PyTuple_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "guard_final_methods(cls, names: tuple)");
    return nullptr;
  }
  auto* type = (PyTypeObject*)args[0];
  if (PyObject_SetAttrString(args[0], "__ember_final_methods__", args[1]) < 0) return nullptr;
  PyObject* descr = PyDescr_NewClassMethod(type, &kGuardDef);
  if (!descr) return nullptr;
  int r = PyObject_SetAttrString(args[0], "__init_subclass__", descr);
  Py_DECREF(descr);
  if (r < 0) return nullptr;
  return Py_NewRef(args[0]);
}

PyMethodDef kFuncs[] = {
    {"guard_final_methods", (PyCFunction)(void (*)(void))guard, METH_FASTCALL,
     "guard_final_methods(cls, names): refuse overrides of these methods in any subclass"},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initFinalMethods(PyObject* module) { return PyModule_AddFunctions(module, kFuncs); }

}  // namespace ember::staticpy
