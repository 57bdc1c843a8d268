// CheckedDict[K, V]: a dict that checks every key and value it stores.
//
// `CheckedDict` is a C subclass of dict; `CheckedDict[int, str]` creates (once,
// then cached) a Python-level subclass of it carrying the parameters, so
// isinstance(d, CheckedDict) holds and each parameterisation is its own type.
// Every way of storing goes through the checks: d[k] = v, update(), __init__,
// setdefault(), |=, | and fromkeys() (which calls __setitem__ on subclasses).
// Bulk stores check everything before storing anything, so a failed update()
// leaves the dict unchanged. Reads, iteration, equality and repr are dict's.
// Pickling rebuilds through ember._static._rebuild_checked_dict(K, V, items).
//
// The per-type CheckSpecs are found by walking tp_base from the instance's
// type to the parameterised type; user subclasses of CheckedDict[K, V] work.
#include <unordered_map>

#include "ember/static/runtime.h"

namespace ember::staticpy {

// Shared by CheckedDict and CheckedList: parameterised-type cache and lookup.
static std::unordered_map<PyTypeObject*, ContainerParams*> gParams;

ContainerParams* findParams(PyTypeObject* t) {
  for (; t; t = t->tp_base) {
    auto it = gParams.find(t);
    if (it != gParams.end()) return it->second;
  }
  PyErr_Format(PyExc_TypeError, "%s must be parameterized before use (e.g. CheckedDict[int, str])", t ? t->tp_name : "checked container");
  return nullptr;
}

// Returns a new reference to base[params], creating and caching it.
PyObject* specialize(PyObject* base, PyObject* cache, PyObject* params, int arity, const char* what) {
  if (!PyTuple_Check(params)) params = PyTuple_Pack(1, params);
  else Py_INCREF(params);
  if (!params) return nullptr;
  if (PyTuple_GET_SIZE(params) != arity) {
    PyErr_Format(PyExc_TypeError, "%s takes %d type parameter(s), got %zd", what, arity, PyTuple_GET_SIZE(params));
    Py_DECREF(params);
    return nullptr;
  }
  PyObject* hit = PyDict_GetItemWithError(cache, params);
  if (hit || PyErr_Occurred()) {
    Py_DECREF(params);
    return Py_XNewRef(hit);
  }
  auto* p = new ContainerParams();
  p->n = arity;
  p->args = params;
  for (int i = 0; i < arity; i++) {
    if (!specFromTypeArg(PyTuple_GET_ITEM(params, i), p->specs[i])) {
      for (int j = 0; j <= i; j++) p->specs[j].clear();
      delete p;
      Py_DECREF(params);
      return nullptr;
    }
  }
  // Name: "CheckedDict[int, str]"
  PyObject* parts = PyList_New(0);
  for (int i = 0; parts && i < arity; i++) {
    PyObject* n = specName(p->specs[i]);
    if (!n || PyList_Append(parts, n) < 0) Py_CLEAR(parts);
    Py_XDECREF(n);
  }
  PyObject* sep = parts ? PyUnicode_FromString(", ") : nullptr;
  PyObject* joined = sep ? PyUnicode_Join(sep, parts) : nullptr;
  PyObject* name = joined ? PyUnicode_FromFormat("%s[%U]", what, joined) : nullptr;
  Py_XDECREF(parts);
  Py_XDECREF(sep);
  Py_XDECREF(joined);
  PyObject* ns = name ? Py_BuildValue("{s:s,s:O,s:(),s:O}", "__module__", "__static__", "__qualname__", name,
                                      "__slots__", "__ember_params__", params)
                      : nullptr;
  PyObject* t = ns ? PyObject_CallFunction((PyObject*)&PyType_Type, "O(O)O", name, base, ns) : nullptr;
  Py_XDECREF(ns);
  Py_XDECREF(name);
  if (!t || PyDict_SetItem(cache, params, t) < 0) {
    Py_XDECREF(t);
    for (int j = 0; j < arity; j++) p->specs[j].clear();
    delete p;
    Py_DECREF(params);
    return nullptr;
  }
  gParams[(PyTypeObject*)t] = p;  // owns params and specs for the process lifetime
  return t;
}

namespace {

PyObject* gDictBase = nullptr;
PyObject* gDictCache = nullptr;

bool checkPair(ContainerParams* p, PyObject* self, PyObject* key, PyObject* value) {
  PyObject* qn = PyType_GetQualName(Py_TYPE(self));
  if (!qn) return false;
  PyObject* k = checkOrRaise(p->specs[0], key, "%U key", qn);
  PyObject* v = k ? checkOrRaise(p->specs[1], value, "%U value", qn) : nullptr;
  Py_DECREF(qn);
  Py_XDECREF(k);
  Py_XDECREF(v);
  return v != nullptr;
}

int cdAssSubscript(PyObject* self, PyObject* key, PyObject* value) {
  if (value) {
    ContainerParams* p = findParams(Py_TYPE(self));
    if (!p || !checkPair(p, self, key, value)) return -1;
  }
  return PyDict_Type.tp_as_mapping->mp_ass_subscript(self, key, value);
}

// Collects (*args, **kwargs) as dict.update would, checks it all, then merges.
int checkedUpdate(PyObject* self, PyObject* args, PyObject* kwargs) {
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p) return -1;
  PyObject* tmp = PyDict_New();
  if (!tmp) return -1;
  PyObject* upd = PyObject_GetAttrString(tmp, "update");
  PyObject* r = upd ? PyObject_Call(upd, args, kwargs) : nullptr;
  Py_XDECREF(upd);
  if (!r) {
    Py_DECREF(tmp);
    return -1;
  }
  Py_DECREF(r);
  Py_ssize_t pos = 0;
  PyObject *k, *v;
  while (PyDict_Next(tmp, &pos, &k, &v)) {
    if (!checkPair(p, self, k, v)) {
      Py_DECREF(tmp);
      return -1;
    }
  }
  int rc = PyDict_Merge(self, tmp, 1);
  Py_DECREF(tmp);
  return rc;
}

int cdInit(PyObject* self, PyObject* args, PyObject* kwargs) { return checkedUpdate(self, args, kwargs); }

PyObject* cdUpdate(PyObject* self, PyObject* args, PyObject* kwargs) {
  if (checkedUpdate(self, args, kwargs) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* cdSetdefault(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs < 1 || nargs > 2) {
    PyErr_SetString(PyExc_TypeError, "setdefault expected 1 or 2 arguments");
    return nullptr;
  }
  PyObject* dflt = nargs == 2 ? args[1] : Py_None;
  PyObject* existing = PyDict_GetItemWithError(self, args[0]);
  if (existing) return Py_NewRef(existing);
  if (PyErr_Occurred()) return nullptr;
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p || !checkPair(p, self, args[0], dflt)) return nullptr;
  return Py_XNewRef(PyDict_SetDefault(self, args[0], dflt));
}

PyObject* cdCopy(PyObject* self, PyObject*) {
  PyObject* n = PyObject_CallNoArgs((PyObject*)Py_TYPE(self));
  if (n && PyDict_Merge(n, self, 1) < 0) Py_CLEAR(n);
  return n;
}

PyObject* cdReduce(PyObject* self, PyObject*) {
  ContainerParams* p = findParams(Py_TYPE(self));
  if (!p) return nullptr;
  PyObject* mod = PyImport_ImportModule("ember._static");
  PyObject* fn = mod ? PyObject_GetAttrString(mod, "_rebuild_checked_dict") : nullptr;
  Py_XDECREF(mod);
  PyObject* plain = fn ? PyDict_Copy(self) : nullptr;
  PyObject* r = plain ? Py_BuildValue("(O(OOO))", fn, PyTuple_GET_ITEM(p->args, 0), PyTuple_GET_ITEM(p->args, 1), plain)
                      : nullptr;
  Py_XDECREF(fn);
  Py_XDECREF(plain);
  return r;
}

PyObject* cdIor(PyObject* self, PyObject* other) {
  PyObject* args = PyTuple_Pack(1, other);
  int rc = args ? checkedUpdate(self, args, nullptr) : -1;
  Py_XDECREF(args);
  return rc < 0 ? nullptr : Py_NewRef(self);
}

PyObject* cdOr(PyObject* a, PyObject* b) {
  if (!PyObject_TypeCheck(a, (PyTypeObject*)gDictBase) || !PyDict_Check(b)) Py_RETURN_NOTIMPLEMENTED;
  PyObject* n = cdCopy(a, nullptr);
  if (!n) return nullptr;
  PyObject* r = cdIor(n, b);
  Py_DECREF(n);
  return r;
}

PyObject* cdClassGetitem(PyObject* cls, PyObject* params) {
  return specialize(gDictBase, gDictCache, params, 2, "CheckedDict");
}

PyObject* rebuild(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3) {
    PyErr_SetString(PyExc_TypeError, "_rebuild_checked_dict(K, V, items)");
    return nullptr;
  }
  PyObject* params = PyTuple_Pack(2, args[0], args[1]);
  PyObject* t = params ? specialize(gDictBase, gDictCache, params, 2, "CheckedDict") : nullptr;
  Py_XDECREF(params);
  PyObject* r = t ? PyObject_CallOneArg(t, args[2]) : nullptr;
  Py_XDECREF(t);
  return r;
}

PyMethodDef kMethods[] = {
    {"update", (PyCFunction)(void (*)(void))cdUpdate, METH_VARARGS | METH_KEYWORDS, "checked dict.update"},
    {"setdefault", (PyCFunction)(void (*)(void))cdSetdefault, METH_FASTCALL, "checked dict.setdefault"},
    {"copy", cdCopy, METH_NOARGS, "a shallow copy of the same CheckedDict type"},
    {"__reduce__", cdReduce, METH_NOARGS, nullptr},
    {"__class_getitem__", cdClassGetitem, METH_O | METH_CLASS, "CheckedDict[K, V]"},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot kSlots[] = {
    {Py_mp_ass_subscript, (void*)cdAssSubscript},
    {Py_tp_init, (void*)cdInit},
    {Py_tp_methods, kMethods},
    {Py_nb_inplace_or, (void*)cdIor},
    {Py_nb_or, (void*)cdOr},
    {Py_tp_doc, (void*)"CheckedDict[K, V]: a dict whose keys and values are type-checked on every store."},
    {0, nullptr},
};

PyType_Spec kSpec = {"__static__.CheckedDict", 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, kSlots};

PyMethodDef kFuncs[] = {
    {"_rebuild_checked_dict", (PyCFunction)(void (*)(void))rebuild, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initCheckedDict(PyObject* module) {
  gDictBase = PyType_FromSpecWithBases(&kSpec, (PyObject*)&PyDict_Type);
  if (!gDictBase) return -1;
  gDictCache = PyDict_New();
  if (!gDictCache) return -1;
  if (PyModule_AddObjectRef(module, "CheckedDict", gDictBase) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
