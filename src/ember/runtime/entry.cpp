#include "ember/runtime/entry.h"

#include <vector>

#include "ember/cpython/binding.h"
#include "ember/cpython/frames.h"
#include "ember/cpython/recursion.h"
#include "ember/runtime/compiler.h"
#include "ember/runtime/eval_breaker.h"
#include "ember/runtime/jit_state.h"
#include "ember/runtime/native_stack.h"

namespace ember::runtime {

namespace {

// Functions handed back to the interpreter while monitoring is on (weak
// references). The interpreter's CALL only inlines a Python call, and only
// reports it to sys.monitoring as a Python call (no C_RETURN/C_RAISE), when
// the function's vectorcall is the default one; so a traced function must
// lose ember's entry, not merely fall back inside it. When a later check
// finds monitoring off again, the parked functions get their entry back.
std::vector<PyObject*> g_parked;

}  // namespace

void parkFunction(PyFunctionObject* func) {
  PyFunction_SetVectorcall(func, _PyFunction_Vectorcall);
  PyObject* ref = PyWeakref_NewRef(reinterpret_cast<PyObject*>(func), nullptr);
  if (ref == nullptr) {
    PyErr_Clear();
    return;
  }
  g_parked.push_back(ref);
}

namespace {

// True when tracing, profiling or sys.monitoring wants to see this code: it
// must run in the interpreter. Cheap while the monitoring version is the one
// last found clean.
inline bool instrumented(PyCodeObject* co, CompiledCode* cc, PyThreadState* ts) {
  uint64_t version = ts->interp->monitoring_version;
  if (version == cc->clean_version) return false;
  if (codeIsInstrumented(co, ts->interp)) return true;
  recordClean(cc, version);
  return false;
}

}  // namespace

extern "C" PyObject* ember_compiled_entry(PyObject* callable, PyObject* const* args,
                                          size_t nargsf, PyObject* kwnames) {
  return enterCompiled(PyThreadState_GET(), callable, args, nargsf, kwnames);
}

PyObject* enterCompiled(PyThreadState* ts, PyObject* callable, PyObject* const* args,
                        size_t nargsf, PyObject* kwnames) {
  auto* func = reinterpret_cast<PyFunctionObject*>(callable);
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  CodeState* st = existingCodeState(co);
  // No compiled code, or a PEP 523 frame evaluator is installed (it must see
  // every Python call, so the interpreter's path takes it).
  if (st == nullptr || st->compiled == nullptr || ts->interp->eval_frame != nullptr) {
    return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
  }
  if (instrumented(co, st->compiled, ts)) {
    parkFunction(func);
    return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
  }
  char here;
  bool fresh_stack = nativeStackLow(&here);
  if (fresh_stack && !reserveStackSegment()) return nullptr;
  _PyInterpreterFrame* f = cpython::pushFrame(ts, func);
  if (f == nullptr) return nullptr;
  int bound = cpython::bindArguments(ts, f, func, args, nargsf, kwnames);
  if (bound != 0) {
    cpython::clearAndPopFrame(ts, f);
    if (bound == -1) return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
    return nullptr;
  }
  if (cpython::enterRecursivePy(ts) != 0) {
    cpython::clearAndPopFrame(ts, f);
    return nullptr;
  }
  f->prev_instr = _PyCode_CODE(co) + co->_co_firsttraceable;
  cpython::linkFrame(ts, f);
  if (fresh_stack) return runOnFreshStack(st->compiled->body, ts, f);
  return st->compiled->body(ts, f);
}

extern "C" PyObject* ember_warmup_entry(PyObject* callable, PyObject* const* args,
                                        size_t nargsf, PyObject* kwnames) {
  auto* func = reinterpret_cast<PyFunctionObject*>(callable);
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  CodeState* st = codeState(co, true);
  if (st != nullptr && st->compiled == nullptr && !st->failed && !st->suppressed &&
      config().mode != Mode::Off) {
    uint32_t threshold = config().mode == Mode::Auto ? config().threshold : 1;
    if (++st->calls >= threshold) compileFunction(func);
  }
  if (st != nullptr && st->compiled != nullptr) {
    PyFunction_SetVectorcall(func, ember_compiled_entry);
    return ember_compiled_entry(callable, args, nargsf, kwnames);
  }
  if (st == nullptr || st->failed || st->suppressed || config().mode == Mode::Off) {
    restoreInterpreter(func);
  }
  return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
}

extern "C" PyObject* ember_frame_return(PyThreadState* ts, _PyInterpreterFrame* f,
                                        PyObject* result) {
  cpython::leaveRecursivePy(ts);
  cpython::unlinkFrame(ts, f);
  cpython::clearAndPopFrame(ts, f);
  return result;
}

extern "C" PyObject* ember_deopt(PyThreadState* ts, _PyInterpreterFrame* f, int bc_index,
                                 int throw_mode) {
  f->prev_instr = _PyCode_CODE(f->f_code) + bc_index - (throw_mode ? 0 : 1);
  if (throw_mode) {
    stats().deopts_throw++;
  } else {
    stats().deopts_resume++;
  }
  cpython::leaveRecursivePy(ts);
  cpython::unlinkFrame(ts, f);
  return cpython::resumeInInterpreter(ts, f, throw_mode);
}

void recordClean(CompiledCode* cc, uint64_t monitoring_version) {
  cc->clean_version = monitoring_version;
  unparkFunctions();
}

void unparkFunctions() {
  if (g_parked.empty()) return;
  std::vector<PyObject*> refs;
  refs.swap(g_parked);
  for (PyObject* ref : refs) {
    PyObject* obj = PyWeakref_GetObject(ref);  // borrowed; None once collected
    if (obj != nullptr && PyFunction_Check(obj)) {
      auto* func = reinterpret_cast<PyFunctionObject*>(obj);
      if (func->vectorcall == _PyFunction_Vectorcall && config().mode != Mode::Off) installEntry(func);
    }
    Py_DECREF(ref);
  }
}

bool isManaged(PyFunctionObject* func) {
  return func->vectorcall == ember_compiled_entry || func->vectorcall == ember_warmup_entry;
}

bool isCompiled(PyFunctionObject* func) {
  if (func->vectorcall != ember_compiled_entry) return false;
  CodeState* st = codeState(reinterpret_cast<PyCodeObject*>(func->func_code), false);
  return st != nullptr && st->compiled != nullptr;
}

void restoreInterpreter(PyFunctionObject* func) {
  if (isManaged(func)) PyFunction_SetVectorcall(func, _PyFunction_Vectorcall);
}

bool installEntry(PyFunctionObject* func) {
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  CodeState* st = codeState(co, true);
  if (st == nullptr) return false;
  if (st->compiled != nullptr) {
    if (func->vectorcall != ember_compiled_entry) PyFunction_SetVectorcall(func, ember_compiled_entry);
    return true;
  }
  if (st->failed || st->suppressed || !isCandidate(func)) return false;
  // Functions made later by MAKE_FUNCTION take co_version as their version;
  // 0 keeps the interpreter from specialising calls past this entry.
  co->co_version = 0;
  if (func->vectorcall != ember_warmup_entry) PyFunction_SetVectorcall(func, ember_warmup_entry);
  return false;
}

}  // namespace ember::runtime
