// SpecObject: a run-time check spec as a Python object, plus the two entry
// points compiled code uses with it.
//
//   spec(kind, target, optional)    -> SpecObject (hoisted to module level)
//   check(spec, value, where)       -> value (maybe normalised) or raises
//                                      "<where>: expected 'T', got 'U'"
//   checked_decorator(names, specs, npos)
//                                   -> a decorator wrapping a function in a
//                                      CheckedFunction (see checked_function.cpp)
// The SpecObject owns one CheckSpec; its thunk target (a lambda naming a class
// that may be defined later in the module) is resolved on first use and
// cached, so later checks are an isinstance test.
#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

struct SpecObject {
  PyObject_HEAD
  CheckSpec spec;
};

PyTypeObject SpecObjectType = {PyVarObject_HEAD_INIT(nullptr, 0)};

int soTraverse(PyObject* o, visitproc visit, void* arg) { return ((SpecObject*)o)->spec.traverse(visit, arg); }

int soClear(PyObject* o) {
  ((SpecObject*)o)->spec.clear();
  return 0;
}

void soDealloc(PyObject* o) {
  PyObject_GC_UnTrack(o);
  soClear(o);
  Py_TYPE(o)->tp_free(o);
}

PyObject* soRepr(PyObject* o) {
  PyObject* n = specName(((SpecObject*)o)->spec);
  if (!n) return nullptr;
  PyObject* r = PyUnicode_FromFormat("<check spec %U>", n);
  Py_DECREF(n);
  return r;
}

PyObject* makeSpec(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3) {
    PyErr_SetString(PyExc_TypeError, "spec(kind, target, optional)");
    return nullptr;
  }
  PyObject* tuple = PyTuple_Pack(3, args[0], args[1], args[2]);
  if (!tuple) return nullptr;
  auto* self = PyObject_GC_New(SpecObject, &SpecObjectType);
  if (!self) {
    Py_DECREF(tuple);
    return nullptr;
  }
  new (&self->spec) CheckSpec();
  PyObject_GC_Track(self);
  bool ok = parseSpec(tuple, self->spec);
  Py_DECREF(tuple);
  if (!ok) {
    Py_DECREF(self);
    return nullptr;
  }
  return (PyObject*)self;
}

PyObject* check(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3) {
    PyErr_SetString(PyExc_TypeError, "check(spec, value, where)");
    return nullptr;
  }
  CheckSpec* s = specObjectGet(args[0]);
  if (s) return checkOrRaise(*s, args[1], "%S", args[2]);
  CheckSpec tmp;
  if (!parseSpec(args[0], tmp)) return nullptr;
  PyObject* r = checkOrRaise(tmp, args[1], "%S", args[2]);
  tmp.clear();
  return r;
}

PyObject* checkedDecorator(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3) {
    PyErr_SetString(PyExc_TypeError, "checked_decorator(names, specs, npos)");
    return nullptr;
  }
  PyObject* functools = PyImport_ImportModule("functools");
  PyObject* partial = functools ? PyObject_GetAttrString(functools, "partial") : nullptr;
  Py_XDECREF(functools);
  PyObject* last = partial ? PyObject_GetAttrString(module, "_checked_last") : nullptr;
  PyObject* r = last ? PyObject_CallFunctionObjArgs(partial, last, args[0], args[1], args[2], nullptr) : nullptr;
  Py_XDECREF(partial);
  Py_XDECREF(last);
  return r;
}

// _checked_last(names, specs, npos, func): checked() with the function last,
// so functools.partial can make it a decorator.
PyObject* checkedLast(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 4) {
    PyErr_SetString(PyExc_TypeError, "_checked_last(names, specs, npos, func)");
    return nullptr;
  }
  PyObject* checked = PyObject_GetAttrString(module, "checked");
  if (!checked) return nullptr;
  PyObject* r = PyObject_CallFunctionObjArgs(checked, args[3], args[0], args[1], args[2], nullptr);
  Py_DECREF(checked);
  return r;
}

PyMethodDef kFuncs[] = {
    {"spec", (PyCFunction)(void (*)(void))makeSpec, METH_FASTCALL, "spec(kind, target, optional)"},
    {"check", (PyCFunction)(void (*)(void))check, METH_FASTCALL, "check(spec, value, where)"},
    {"checked_decorator", (PyCFunction)(void (*)(void))checkedDecorator, METH_FASTCALL,
     "checked_decorator(names, specs, npos)"},
    {"_checked_last", (PyCFunction)(void (*)(void))checkedLast, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

CheckSpec* specObjectGet(PyObject* o) {
  if (Py_TYPE(o) != &SpecObjectType) return nullptr;
  return &((SpecObject*)o)->spec;
}

int initSpecObject(PyObject* module) {
  PyTypeObject& t = SpecObjectType;
  t.tp_name = "ember._static.Spec";
  t.tp_basicsize = sizeof(SpecObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  t.tp_traverse = soTraverse;
  t.tp_clear = soClear;
  t.tp_dealloc = soDealloc;
  t.tp_repr = soRepr;
  if (PyType_Ready(&t) < 0) return -1;
  if (PyModule_AddObjectRef(module, "Spec", (PyObject*)&t) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
