// service_eval_breaker and the tick function; see eval_breaker.h.
//
// The tick is `def _ember_tick(): pass` compiled from source with filename
// "<ember-tick>" and made into a function directly from the module's constant
// (no Python code runs while creating it), once per process on first use, in a
// private namespace whose builtins are the interpreter's. It is kept alive for the life of the
// process. (Sub-interpreters: the tick belongs to the interpreter that first
// created it; ember compiles for the main interpreter only.)
#include "ember/runtime/eval_breaker.h"

#include "ember/runtime/entry.h"
#include "ember/runtime/helpers.h"
#include "ember/runtime/jit_state.h"

namespace ember::runtime {
namespace {

PyObject* gTickFunction = nullptr;

PyObject* tickFunction() {
  if (gTickFunction != nullptr) {
    return gTickFunction;
  }
  // Build the function without running any Python code: executing the
  // module body would itself pass a RESUME and could service (and consume)
  // the very pending work the caller is about to handle.
  PyObject* module = Py_CompileString("def _ember_tick(): pass\n", "<ember-tick>", Py_file_input);
  if (module == nullptr) {
    return nullptr;
  }
  PyObject* code = nullptr;
  PyObject* consts = reinterpret_cast<PyCodeObject*>(module)->co_consts;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++) {
    if (PyCode_Check(PyTuple_GET_ITEM(consts, i))) {
      code = PyTuple_GET_ITEM(consts, i);
      break;
    }
  }
  PyObject* globals = code == nullptr ? nullptr : PyDict_New();
  PyObject* func = nullptr;
  if (globals != nullptr &&
      PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0) {
    func = PyFunction_New(code, globals);
  }
  Py_XDECREF(globals);
  Py_DECREF(module);
  if (func == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_SetString(PyExc_SystemError, "ember: could not create the eval-breaker tick");
    }
    return nullptr;
  }
  if (gTickFunction == nullptr) {
    gTickFunction = func;
  } else {
    Py_DECREF(func);
  }
  return gTickFunction;
}

// Removes the head traceback entry if it is the tick's frame (the entry the
// interpreter added while unwinding the tick); the rest of the chain, e.g. a
// signal handler's own frames, stays.
void dropTickTraceback(PyObject* exc) {
  PyObject* tb = PyException_GetTraceback(exc);
  if (tb == nullptr) {
    return;
  }
  auto* entry = reinterpret_cast<PyTracebackObject*>(tb);
  PyCodeObject* code = PyFrame_GetCode(entry->tb_frame);
  if (reinterpret_cast<PyObject*>(code) == tickCode()) {
    PyObject* next = entry->tb_next ? reinterpret_cast<PyObject*>(entry->tb_next) : Py_None;
    PyException_SetTraceback(exc, next);
  }
  Py_DECREF(code);
  Py_DECREF(tb);
}

}  // namespace

bool codeIsInstrumented(PyCodeObject* code, PyInterpreterState* interp) {
  if (code->_co_instrumentation_version != interp->monitoring_version) {
    return true;
  }
  for (int e = 0; e < _PY_MONITORING_UNGROUPED_EVENTS; e++) {
    if (interp->monitors.tools[e] != 0) {
      return true;
    }
  }
  const _PyCoMonitoringData* data = code->_co_monitoring;
  if (data != nullptr) {
    for (int e = 0; e < _PY_MONITORING_UNGROUPED_EVENTS; e++) {
      if (data->active_monitors.tools[e] != 0) {
        return true;
      }
    }
  }
  return false;
}

PyObject* tickCode() {
  PyObject* func = tickFunction();
  return func == nullptr ? nullptr : PyFunction_GET_CODE(func);
}

}  // namespace ember::runtime

extern "C" int ember_h_service_eval_breaker(PyThreadState* ts, _PyInterpreterFrame* frame) {
  if (ember::runtime::codeIsInstrumented(frame->f_code, ts->interp)) {
    return 1;
  }
  ember::runtime::CodeState* st = ember::runtime::existingCodeState(frame->f_code);
  if (st != nullptr && st->compiled != nullptr) {
    ember::runtime::recordClean(st->compiled, ts->interp->monitoring_version);
  }
  // Signal handlers and pending calls first, through the public API, so that
  // they run with the compiled frame as the current frame (their tracebacks
  // and sys._getframe() see it, as they would see the interpreted frame).
  if (PyErr_CheckSignals() < 0 || Py_MakePendingCalls() < 0) {
    return -1;
  }
  if (*reinterpret_cast<volatile int*>(&ts->interp->ceval.eval_breaker) == 0) {
    return 0;
  }
  // The rest (GIL drop requests, async exceptions, a scheduled collection)
  // has no public entry point: the tick's RESUME does it.
  PyObject* tick = ember::runtime::tickFunction();
  if (tick == nullptr) {
    return -1;
  }
  PyObject* r = _PyFunction_Vectorcall(tick, nullptr, 0, nullptr);
  if (r == nullptr) {
    PyObject* exc = PyErr_GetRaisedException();
    ember::runtime::dropTickTraceback(exc);
    PyErr_SetRaisedException(exc);
    return -1;
  }
  Py_DECREF(r);
  return 0;
}
