// ember._static: the run-time half of Static Python.
//
// Compiled static modules call into this module for everything that runs
// while the program runs: primitive arithmetic (primitive_ops.cpp), checks at
// the dynamic boundary (type_checks.cpp, checked_function.cpp), typed class
// layouts (typed_layout.cpp) and the containers (checked_dict.cpp,
// checked_list.cpp, array.cpp). The compiler side lives in python/ember/static/.
#include "ember/static/runtime.h"

using namespace ember::staticpy;

static PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "ember._static", "Static Python run-time support", -1, nullptr};

PyMODINIT_FUNC PyInit__static() {
  PyObject* m = PyModule_Create(&kModule);
  if (!m) return nullptr;
  if (initPrimitiveOps(m) < 0 || initCheckedFunction(m) < 0 || initTypedLayout(m) < 0 || initCheckedDict(m) < 0 ||
      initCheckedList(m) < 0 || initArray(m) < 0 || initSpecObject(m) < 0 ||
      initFinalMethods(m) < 0) {
    Py_DECREF(m);
    return nullptr;
  }
  PyObject* names = PyTuple_New(11);
  if (!names) {
    Py_DECREF(m);
    return nullptr;
  }
  for (int k = 0; k <= 10; k++) PyTuple_SET_ITEM(names, k, PyUnicode_FromString(kindName(k)));
  if (PyModule_AddObject(m, "KIND_NAMES", names) < 0) {
    Py_DECREF(names);
    Py_DECREF(m);
    return nullptr;
  }
  return m;
}
