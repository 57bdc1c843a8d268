// ember._jit: the extension module that exposes the JIT to Python. The public
// API is ember.jit (python/ember/jit.py), which wraps these functions; this
// file only converts arguments and results.
#include <string>

#include "ember/cpython/py312.h"
#include "ember/runtime/code_allocator.h"
#include "ember/runtime/compiler.h"
#include "ember/runtime/entry.h"
#include "ember/runtime/jit_state.h"
#include "ember/runtime/watchers.h"

namespace rt = ember::runtime;

namespace {

PyFunctionObject* asFunction(PyObject* o) {
  if (!PyFunction_Check(o)) {
    PyErr_Format(PyExc_TypeError, "expected a Python function, got %.200s", Py_TYPE(o)->tp_name);
    return nullptr;
  }
  return reinterpret_cast<PyFunctionObject*>(o);
}

std::set<std::string> splitCommas(const char* s) {
  std::set<std::string> out;
  std::string cur;
  for (const char* p = s; ; p++) {
    if (*p == ',' || *p == '\0') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
      if (*p == '\0') break;
    } else if (*p != ' ') {
      cur += *p;
    }
  }
  return out;
}

PyObject* configure(PyObject*, PyObject* args, PyObject* kw) {
  static const char* kNames[] = {"mode", "threshold", "filter", "dump", "disabled_passes",
                                 "verify", "time_passes", "perf_map", "log_file", nullptr};
  const char* mode = nullptr;
  unsigned int threshold = rt::config().threshold;
  const char* filter = nullptr;
  const char* dump = nullptr;
  const char* disabled = nullptr;
  int verify = rt::config().verify, time_passes = rt::config().time_passes,
      perf_map = rt::config().perf_map;
  const char* log_file = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|sIssspppz", const_cast<char**>(kNames), &mode,
                                   &threshold, &filter, &dump, &disabled, &verify, &time_passes,
                                   &perf_map, &log_file)) {
    return nullptr;
  }
  rt::Config& c = rt::config();
  if (mode != nullptr) {
    std::string m = mode;
    if (m == "off") c.mode = rt::Mode::Off;
    else if (m == "auto") c.mode = rt::Mode::Auto;
    else if (m == "all") c.mode = rt::Mode::All;
    else if (m == "list") c.mode = rt::Mode::List;
    else {
      PyErr_Format(PyExc_ValueError, "unknown JIT mode '%s' (off, auto, all, list)", mode);
      return nullptr;
    }
  }
  // The threshold is auto mode's; other modes compile at the first call and
  // leave it as it was, so enable() after compile_all() gets it back.
  c.threshold = threshold == 0 ? 1 : threshold;
  if (filter != nullptr) c.filter = filter;
  if (dump != nullptr) c.dump_stages = splitCommas(dump);
  if (disabled != nullptr) {
    c.disabled_passes.clear();
    for (const std::string& pass : splitCommas(disabled)) {
      if (pass == "simplify" || pass == "cfg_cleanup" || pass == "dce") {
        c.disabled_passes.insert(pass);
      } else if (PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                  pass == "refcount_insertion"
                                      ? "ember: pass '%s' is needed for correct reference counts; "
                                        "it stays enabled"
                                      : "ember: no HIR pass named '%s' (passes: simplify, "
                                        "cfg_cleanup, dce)",
                                  pass.c_str()) < 0) {
        return nullptr;
      }
    }
  }
  c.verify = verify != 0;
  c.time_passes = time_passes != 0;
  c.perf_map = perf_map != 0;
  if (log_file != nullptr) c.log_file = log_file;
  if (c.mode == rt::Mode::Off) {
    rt::stopManaging();
  } else if (!rt::startManaging()) {
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyObject* mode(PyObject*, PyObject*) {
  static const char* kNames[] = {"off", "auto", "all", "list"};
  return PyUnicode_FromString(kNames[static_cast<int>(rt::config().mode)]);
}

PyObject* threshold(PyObject*, PyObject*) { return PyLong_FromUnsignedLong(rt::config().threshold); }

PyObject* setJitList(PyObject*, PyObject* arg) {
  PyObject* it = PyObject_GetIter(arg);
  if (it == nullptr) return nullptr;
  std::set<std::string> keys;
  while (PyObject* item = PyIter_Next(it)) {
    const char* s = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : nullptr;
    if (s == nullptr) {
      Py_DECREF(item);
      Py_DECREF(it);
      if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "JIT list entries must be str");
      return nullptr;
    }
    keys.insert(s);
    Py_DECREF(item);
  }
  Py_DECREF(it);
  if (PyErr_Occurred()) return nullptr;
  rt::config().jit_list = std::move(keys);
  Py_RETURN_NONE;
}

PyObject* forceCompile(PyObject*, PyObject* arg) {
  PyFunctionObject* f = asFunction(arg);
  if (f == nullptr) return nullptr;
  auto* co = reinterpret_cast<PyCodeObject*>(f->func_code);
  rt::CodeState* st = rt::codeState(co, true);
  if (st != nullptr && st->suppressed) Py_RETURN_FALSE;
  return PyBool_FromLong(rt::compileFunction(f));
}

PyObject* isCompiled(PyObject*, PyObject* arg) {
  PyFunctionObject* f = asFunction(arg);
  if (f == nullptr) return nullptr;
  return PyBool_FromLong(rt::isCompiled(f));
}

PyObject* suppress(PyObject*, PyObject* arg) {
  PyFunctionObject* f = asFunction(arg);
  if (f == nullptr) return nullptr;
  rt::CodeState* st = rt::codeState(reinterpret_cast<PyCodeObject*>(f->func_code), true);
  if (st != nullptr) st->suppressed = true;
  rt::restoreInterpreter(f);
  Py_RETURN_NONE;
}

// sys.monitoring.set_events / set_local_events replacements: a built-in
// (so monitoring reports it exactly like the original) bound to the original
// function; calls it, then parks every managed function if events were
// switched on. See _watch_monitoring in ember/jit.py.
PyObject* monitoringSetterParking(PyObject* original, PyObject* const* args, Py_ssize_t nargs) {
  PyObject* result = PyObject_Vectorcall(original, args, static_cast<size_t>(nargs), nullptr);
  if (result == nullptr || nargs == 0) return result;
  int on = PyObject_IsTrue(args[nargs - 1]);
  if (on < 0) {
    PyErr_Clear();
    on = 1;
  }
  // On: every managed function to the interpreter's entry. Off: give the
  // parked ones their entries back (a code still monitored through other
  // tools or local events is parked again at its next call).
  if (on) {
    rt::parkManagedFunctions();
  } else {
    rt::unparkFunctions();
  }
  return result;
}

PyMethodDef kSetEventsDef = {"set_events",
                             reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(monitoringSetterParking)),
                             METH_FASTCALL, nullptr};
PyMethodDef kSetLocalEventsDef = {
    "set_local_events", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(monitoringSetterParking)),
    METH_FASTCALL, nullptr};

PyObject* wrapMonitoringSetter(PyObject*, PyObject* original) {
  PyObject* name = PyObject_GetAttrString(original, "__name__");
  if (name == nullptr) return nullptr;
  bool local = PyUnicode_CompareWithASCIIString(name, "set_local_events") == 0;
  Py_DECREF(name);
  return PyCFunction_New(local ? &kSetLocalEventsDef : &kSetEventsDef, original);
}

PyObject* compiledFunctions(PyObject*, PyObject*) {
  std::vector<PyObject*> fs = rt::compiledFunctions();
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(fs.size()));
  if (list == nullptr) {
    for (PyObject* f : fs) Py_DECREF(f);
    return nullptr;
  }
  for (size_t i = 0; i < fs.size(); i++) PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), fs[i]);
  return list;
}

PyObject* dump(PyObject*, PyObject* args) {
  PyObject* fo;
  const char* stage;
  if (!PyArg_ParseTuple(args, "Os", &fo, &stage)) return nullptr;
  PyFunctionObject* f = asFunction(fo);
  if (f == nullptr) return nullptr;
  auto r = rt::dumpStage(f, stage);
  if (!r.ok()) {
    PyErr_Format(PyExc_ValueError, "cannot dump %s: %s", stage, r.error().toString().c_str());
    return nullptr;
  }
  return PyUnicode_FromStringAndSize(r.value().data(), static_cast<Py_ssize_t>(r.value().size()));
}

PyObject* stats(PyObject*, PyObject*) {
  const rt::Stats& s = rt::stats();
  PyObject* failures = PyDict_New();
  PyObject* examples = PyDict_New();
  PyObject* per_fn = PyDict_New();
  PyObject* passes = PyDict_New();
  if (!failures || !examples || !per_fn || !passes) return nullptr;
  for (const auto& [k, v] : s.failures) {
    PyObject* n = PyLong_FromUnsignedLongLong(v);
    PyDict_SetItemString(failures, k.c_str(), n);
    Py_XDECREF(n);
  }
  for (const auto& [k, v] : s.failure_examples) {
    PyObject* n = PyUnicode_FromString(v.c_str());
    PyDict_SetItemString(examples, k.c_str(), n);
    Py_XDECREF(n);
  }
  for (const auto& [k, v] : s.function_ms) {
    PyObject* n = PyFloat_FromDouble(v);
    PyDict_SetItemString(per_fn, k.c_str(), n);
    Py_XDECREF(n);
  }
  for (const auto& [k, v] : s.pass_ms) {
    PyObject* n = PyFloat_FromDouble(v);
    PyDict_SetItemString(passes, k.c_str(), n);
    Py_XDECREF(n);
  }
  uint64_t failed = 0;
  for (const auto& [k, v] : s.failures) failed += v;
  return Py_BuildValue("{s:K,s:K,s:N,s:N,s:d,s:N,s:N,s:n,s:K,s:K}", "compiled", s.compiled,
                       "failed", failed, "compile_failures", failures, "failure_examples", examples,
                       "total_compile_ms", s.total_compile_ms, "compile_ms", per_fn, "pass_ms",
                       passes, "code_bytes", static_cast<Py_ssize_t>(ember::runtime::installedCodeBytes()),
                       "deopts_throw", s.deopts_throw, "deopts_resume", s.deopts_resume);
}

PyMethodDef kMethods[] = {
    {"configure", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(configure)),
     METH_VARARGS | METH_KEYWORDS, "Set the JIT mode and options."},
    {"mode", mode, METH_NOARGS, "The current mode: off, auto, all or list."},
    {"threshold", threshold, METH_NOARGS, "Calls before compilation in auto mode."},
    {"set_jit_list", setJitList, METH_O, "Set the module:qualname keys compiled in list mode."},
    {"force_compile", forceCompile, METH_O, "Compile a function now; True on success."},
    {"is_jit_compiled", isCompiled, METH_O, "Whether a function runs compiled code."},
    {"suppress", suppress, METH_O, "Never compile this function's code."},
    {"get_compiled_functions", compiledFunctions, METH_NOARGS, "Live compiled functions."},
    {"wrap_monitoring_setter", wrapMonitoringSetter, METH_O,
     "A built-in that calls sys.monitoring.set_events/set_local_events and parks functions."},
    {"dump", dump, METH_VARARGS, "Text of a compiler stage for a function."},
    {"stats", stats, METH_NOARGS, "Compilation statistics."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "ember._jit", "ember's method JIT", -1, kMethods};

}  // namespace

PyMODINIT_FUNC PyInit__jit() { return PyModule_Create(&kModule); }
