// CheckedFunction: the entry a static function presents to dynamic callers.
//
// A static function trusts its annotated parameters, so whoever may call it
// with unchecked values must go through this wrapper, which checks each
// argument against the parameter's CheckSpec and raises
//   TypeError: f() argument 'x': expected 'int', got 'str'
// before forwarding the call (vectorcall, no tuple) to the real function.
// `double` parameters are normalised (an int argument becomes a float).
//
// The wrapper behaves like the function it wraps: it is a method descriptor
// (binds like a function, and Py_TPFLAGS_METHOD_DESCRIPTOR lets LOAD_ATTR skip
// the bound-method allocation), every attribute it does not define itself is
// read from and written to the function (__name__, __doc__, __code__,
// __defaults__, __dict__...), `__wrapped__` gives inspect the signature, and
// it pickles by qualified name like a function.
//
// Invariants: `specs[i]` belongs to `names[i]`; the first `npos` names are the
// positional parameters in order, the rest keyword-only. *args/**kwargs are not
// in `names` and are never checked.
#include <vector>

#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

struct CheckedFunction {
  PyObject_HEAD
  vectorcallfunc vectorcall;
  PyObject* func;
  PyObject* names;
  Py_ssize_t npos;
  Py_ssize_t nspecs;
  CheckSpec* specs;
};

PyTypeObject CheckedFunctionType = {PyVarObject_HEAD_INIT(nullptr, 0)};

Py_ssize_t findName(CheckedFunction* self, PyObject* name) {
  for (Py_ssize_t i = 0; i < self->nspecs; i++) {
    PyObject* n = PyTuple_GET_ITEM(self->names, i);
    if (n == name) return i;
  }
  for (Py_ssize_t i = 0; i < self->nspecs; i++) {
    PyObject* n = PyTuple_GET_ITEM(self->names, i);
    if (PyUnicode_Compare(n, name) == 0) return i;
  }
  return -1;
}

// Argument storage for one call: the caller's array until an argument has
// to be converted (int -> float for double), then a private copy (on the
// stack for up to kSmall arguments) that owns the converted values.
struct CallArgs {
  static constexpr Py_ssize_t kSmall = 8;
  PyObject* const* args;
  Py_ssize_t n;
  PyObject* small[kSmall];
  PyObject** copy = nullptr;
  PyObject* owned[kSmall];
  Py_ssize_t nowned = 0;
  std::vector<PyObject*> big;

  CallArgs(PyObject* const* a, Py_ssize_t count) : args(a), n(count) {}
  ~CallArgs() {
    for (Py_ssize_t i = 0; i < nowned; i++) Py_DECREF(owned[i]);
  }
  PyObject* get(Py_ssize_t k) const { return copy ? copy[k] : args[k]; }
  bool replace(Py_ssize_t k, PyObject* v) {  // steals v
    if (nowned == kSmall) {
      Py_DECREF(v);
      PyErr_SetString(PyExc_TypeError, "too many converted arguments");
      return false;
    }
    if (!copy) {
      if (n <= kSmall) {
        copy = small;
      } else {
        big.assign(args, args + n);
        copy = big.data();
      }
      if (copy == small)
        for (Py_ssize_t i = 0; i < n; i++) small[i] = args[i];
    }
    owned[nowned++] = v;
    copy[k] = v;
    return true;
  }
  PyObject* const* data() const { return copy ? copy : args; }
};

// Checks argument k (parameter index i). Returns false with an exception set.
bool checkOne(CheckedFunction* self, Py_ssize_t i, CallArgs& ca, Py_ssize_t k) {
  CheckSpec& spec = self->specs[i];
  if (!spec.active()) return true;
  PyObject* conv = nullptr;
  PyObject* value = ca.get(k);
  CheckResult r = checkValue(spec, value, &conv);
  if (r == CheckResult::kOk) return conv ? ca.replace(k, conv) : true;
  PyObject* qn = PyObject_GetAttrString(self->func, "__qualname__");
  if (!qn) return false;
  raiseCheckError(spec, r, value, "%U() argument '%U'", qn, PyTuple_GET_ITEM(self->names, i));
  Py_DECREF(qn);
  return false;
}

PyObject* checkedCall(PyObject* callable, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  auto* self = (CheckedFunction*)callable;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  CallArgs ca(args, nargs + nkw);
  Py_ssize_t npos = nargs < self->npos ? nargs : self->npos;
  for (Py_ssize_t i = 0; i < npos; i++)
    if (!checkOne(self, i, ca, i)) return nullptr;
  for (Py_ssize_t j = 0; j < nkw; j++) {
    Py_ssize_t idx = findName(self, PyTuple_GET_ITEM(kwnames, j));
    if (idx >= 0 && !checkOne(self, idx, ca, nargs + j)) return nullptr;
  }
  // Without a private copy the caller's PY_VECTORCALL_ARGUMENTS_OFFSET
  // permission passes through unchanged.
  size_t flags = ca.copy ? (size_t)nargs : nargsf;
  return PyObject_Vectorcall(self->func, ca.data(), flags, kwnames);
}

int cfTraverse(PyObject* o, visitproc visit, void* arg) {
  auto* self = (CheckedFunction*)o;
  Py_VISIT(self->func);
  Py_VISIT(self->names);
  for (Py_ssize_t i = 0; i < self->nspecs; i++)
    if (int r = self->specs[i].traverse(visit, arg)) return r;
  return 0;
}

int cfClear(PyObject* o) {
  auto* self = (CheckedFunction*)o;
  Py_CLEAR(self->func);
  Py_CLEAR(self->names);
  for (Py_ssize_t i = 0; i < self->nspecs; i++) self->specs[i].clear();
  return 0;
}

void cfDealloc(PyObject* o) {
  auto* self = (CheckedFunction*)o;
  PyObject_GC_UnTrack(o);
  cfClear(o);
  delete[] self->specs;
  Py_TYPE(o)->tp_free(o);
}

PyObject* cfGet(PyObject* self, PyObject* obj, PyObject*) {
  if (obj == nullptr || obj == Py_None) return Py_NewRef(self);
  return PyMethod_New(self, obj);
}

bool isOwnAttr(PyObject* name) {
  static const char* own[] = {"__call__", "__get__", "__reduce__", "__reduce_ex__", "__class__",
                              "__wrapped__", "__ember_func__", "__ember_checks__", "__repr__", nullptr};
  for (const char** p = own; *p; p++)
    if (PyUnicode_CompareWithASCIIString(name, *p) == 0) return true;
  return false;
}

PyObject* cfGetattro(PyObject* o, PyObject* name) {
  auto* self = (CheckedFunction*)o;
  if (PyUnicode_Check(name) && !isOwnAttr(name)) {
    PyObject* r = PyObject_GetAttr(self->func, name);
    if (r || !PyErr_ExceptionMatches(PyExc_AttributeError)) return r;
    PyErr_Clear();
  }
  return PyObject_GenericGetAttr(o, name);
}

int cfSetattro(PyObject* o, PyObject* name, PyObject* value) {
  return PyObject_SetAttr(((CheckedFunction*)o)->func, name, value);
}

PyObject* cfRepr(PyObject* o) {
  PyObject* qn = PyObject_GetAttrString(((CheckedFunction*)o)->func, "__qualname__");
  if (!qn) return nullptr;
  PyObject* r = PyUnicode_FromFormat("<static function %U>", qn);
  Py_DECREF(qn);
  return r;
}

PyObject* cfReduce(PyObject* o, PyObject*) { return PyObject_GetAttrString(((CheckedFunction*)o)->func, "__qualname__"); }

PyObject* cfWrapped(PyObject* o, void*) { return Py_NewRef(((CheckedFunction*)o)->func); }

PyObject* cfChecks(PyObject* o, void*) {
  auto* self = (CheckedFunction*)o;
  PyObject* d = PyDict_New();
  for (Py_ssize_t i = 0; d && i < self->nspecs; i++) {
    if (!self->specs[i].active()) continue;
    PyObject* n = specName(self->specs[i]);
    if (!n || PyDict_SetItem(d, PyTuple_GET_ITEM(self->names, i), n) < 0) {
      Py_XDECREF(n);
      Py_CLEAR(d);
      break;
    }
    Py_DECREF(n);
  }
  return d;
}

PyMethodDef kCfMethods[] = {
    {"__reduce__", cfReduce, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef kCfGetSet[] = {
    {"__wrapped__", cfWrapped, nullptr, nullptr, nullptr},
    {"__ember_func__", cfWrapped, nullptr, nullptr, nullptr},
    {"__ember_checks__", cfChecks, nullptr, "parameter name -> checked type", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// checked(func, names, specs, npos) -> CheckedFunction
PyObject* makeChecked(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 4 || !PyTuple_Check(args[1]) || !PyTuple_Check(args[2]) ||
      PyTuple_GET_SIZE(args[1]) != PyTuple_GET_SIZE(args[2])) {
    PyErr_SetString(PyExc_TypeError, "checked(func, names: tuple, specs: tuple, npos: int)");
    return nullptr;
  }
  Py_ssize_t npos = PyLong_AsSsize_t(args[3]);
  if (npos == -1 && PyErr_Occurred()) return nullptr;
  Py_ssize_t n = PyTuple_GET_SIZE(args[1]);
  auto* specs = new CheckSpec[n];
  for (Py_ssize_t i = 0; i < n; i++) {
    if (!parseSpec(PyTuple_GET_ITEM(args[2], i), specs[i])) {
      for (Py_ssize_t j = 0; j <= i; j++) specs[j].clear();
      delete[] specs;
      return nullptr;
    }
  }
  auto* self = PyObject_GC_New(CheckedFunction, &CheckedFunctionType);
  if (!self) {
    for (Py_ssize_t j = 0; j < n; j++) specs[j].clear();
    delete[] specs;
    return nullptr;
  }
  self->vectorcall = checkedCall;
  self->func = Py_NewRef(args[0]);
  self->names = Py_NewRef(args[1]);
  self->npos = npos;
  self->nspecs = n;
  self->specs = specs;
  PyObject_GC_Track(self);
  return (PyObject*)self;
}

PyMethodDef kFuncs[] = {
    {"checked", (PyCFunction)(void (*)(void))makeChecked, METH_FASTCALL,
     "checked(func, names, specs, npos): wrap a static function with entry checks"},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initCheckedFunction(PyObject* module) {
  PyTypeObject& t = CheckedFunctionType;
  t.tp_name = "ember._static.CheckedFunction";
  t.tp_basicsize = sizeof(CheckedFunction);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR;
  t.tp_vectorcall_offset = offsetof(CheckedFunction, vectorcall);
  t.tp_call = PyVectorcall_Call;
  t.tp_traverse = cfTraverse;
  t.tp_clear = cfClear;
  t.tp_dealloc = cfDealloc;
  t.tp_descr_get = cfGet;
  t.tp_getattro = cfGetattro;
  t.tp_setattro = cfSetattro;
  t.tp_repr = cfRepr;
  t.tp_methods = kCfMethods;
  t.tp_getset = kCfGetSet;
  t.tp_doc = "A static function's checked entry for dynamic callers.";
  if (PyType_Ready(&t) < 0) return -1;
  if (PyModule_AddObjectRef(module, "CheckedFunction", (PyObject*)&t) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
