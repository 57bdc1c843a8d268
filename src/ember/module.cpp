// ember._jit: the extension module that exposes the JIT to Python.
#include "ember/cpython/py312.h"

static PyMethodDef kMethods[] = {
    {nullptr, nullptr, 0, nullptr},
};

static PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "ember._jit", "ember's method JIT", -1, kMethods};

PyMODINIT_FUNC PyInit__jit() { return PyModule_Create(&kModule); }
