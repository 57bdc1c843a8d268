// Call helpers: CALL, CALL_FUNCTION_EX and MAKE_FUNCTION (3.12).
//
// CALL sees the interpreter's stack slice [callable_or_NULL, self_or_callable,
// args...]: a non-NULL first slot means LOAD_ATTR/LOAD_GLOBAL left an unbound
// method plus self, so the call is method(self, *args). The last len(kwnames)
// arguments are keywords. The call goes through PyObject_Vectorcall with
// PY_VECTORCALL_ARGUMENTS_OFFSET: args[-1] is a slot of the compiled frame's
// value stack and may be borrowed by the callee, as in the interpreter. The
// interpreter's inline paths (unpacking a bound method, pushing a Python frame
// directly) are optimisations with the same observable result.
//
// CALL_FUNCTION_EX converts a non-tuple *args with PySequence_Tuple after the
// interpreter's iterability check (check_args_iterable: "f() argument after *
// must be an iterable, not X"); **kwargs is already an exact dict from
// DICT_MERGE in compiler output, and anything else is merged into a new dict
// with DICT_MERGE's errors.
//
// MAKE_FUNCTION builds the function from the code object with the frame's
// globals, attaches the flagged parts in the interpreter's order, and sets
// func_version = co_version, as the interpreter does (ember sets co_version to 0
// for code it compiles, so those functions stay unversioned).
#include "ember/runtime/entry.h"
#include "ember/runtime/helpers.h"
#include "ember/runtime/helpers_internal.h"

namespace {

constexpr int64_t kMakeFunctionDefaults = 0x01;
constexpr int64_t kMakeFunctionKwdefaults = 0x02;
constexpr int64_t kMakeFunctionAnnotations = 0x04;
constexpr int64_t kMakeFunctionClosure = 0x08;

int checkArgsIterable(PyObject* func, PyObject* args) {
  if (Py_TYPE(args)->tp_iter == nullptr && !PySequence_Check(args)) {
    PyErr_Clear();
    PyObject* funcstr = _PyObject_FunctionStr(func);
    if (funcstr != nullptr) {
      PyErr_Format(PyExc_TypeError, "%U argument after * must be an iterable, not %.200s", funcstr,
                   Py_TYPE(args)->tp_name);
      Py_DECREF(funcstr);
    }
    return -1;
  }
  return 0;
}

}  // namespace

extern "C" {

PyObject* ember_h_call(PyThreadState* ts, PyObject** args, Py_ssize_t count, int64_t kwnamesImm) {
  PyObject* kwnames = ember::runtime::detail::objectImm(kwnamesImm);
  PyObject* callable;
  PyObject** callArgs;
  Py_ssize_t total;
  if (args[0] != nullptr) {
    callable = args[0];
    callArgs = args + 1;
    total = count - 1;
  } else {
    callable = args[1];
    callArgs = args + 2;
    total = count - 2;
  }
  Py_ssize_t positional = total - (kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames));
  size_t nargsf = static_cast<size_t>(positional) | PY_VECTORCALL_ARGUMENTS_OFFSET;
  // Compiled to compiled: straight into the callee's body, with the thread
  // state we already have (finding it again costs a TLS lookup per call).
  if (Py_IS_TYPE(callable, &PyFunction_Type) &&
      reinterpret_cast<PyFunctionObject*>(callable)->vectorcall == ember::runtime::ember_compiled_entry) {
    return ember::runtime::enterCompiled(ts, callable, callArgs, nargsf, kwnames);
  }
  vectorcallfunc vc = PyVectorcall_Function(callable);
  if (vc == nullptr) return PyObject_Vectorcall(callable, callArgs, nargsf, kwnames);
  return _Py_CheckFunctionResult(ts, callable, vc(callable, callArgs, nargsf, kwnames), nullptr);
}

PyObject* ember_h_call_function_ex(PyObject* func, PyObject* callargs, PyObject* kwargs) {
  PyObject* tuple;
  if (PyTuple_CheckExact(callargs)) {
    tuple = Py_NewRef(callargs);
  } else {
    if (checkArgsIterable(func, callargs) < 0) {
      return nullptr;
    }
    tuple = PySequence_Tuple(callargs);
    if (tuple == nullptr) {
      return nullptr;
    }
  }
  PyObject* dict = nullptr;
  if (kwargs != nullptr) {
    if (PyDict_CheckExact(kwargs)) {
      dict = Py_NewRef(kwargs);
    } else {
      dict = PyDict_New();
      if (dict == nullptr || _PyDict_MergeEx(dict, kwargs, 2) < 0) {
        if (dict != nullptr) {
          ember::runtime::detail::formatKwargsError(func, kwargs);
        }
        Py_XDECREF(dict);
        Py_DECREF(tuple);
        return nullptr;
      }
    }
  }
  PyObject* result = PyObject_Call(func, tuple, dict);
  Py_DECREF(tuple);
  Py_XDECREF(dict);
  return result;
}

PyObject* ember_h_make_function(_PyInterpreterFrame* frame, PyObject** args, Py_ssize_t count,
                                int64_t flags) {
  PyObject* code = args[count - 1];
  auto* func = reinterpret_cast<PyFunctionObject*>(PyFunction_New(code, frame->f_globals));
  if (func == nullptr) {
    return nullptr;
  }
  Py_ssize_t i = 0;
  if (flags & kMakeFunctionDefaults) {
    func->func_defaults = Py_NewRef(args[i++]);
  }
  if (flags & kMakeFunctionKwdefaults) {
    func->func_kwdefaults = Py_NewRef(args[i++]);
  }
  if (flags & kMakeFunctionAnnotations) {
    func->func_annotations = Py_NewRef(args[i++]);
  }
  if (flags & kMakeFunctionClosure) {
    func->func_closure = Py_NewRef(args[i++]);
  }
  func->func_version = reinterpret_cast<PyCodeObject*>(code)->co_version;
  return reinterpret_cast<PyObject*>(func);
}

}  // extern "C"
