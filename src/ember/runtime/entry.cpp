#include "ember/runtime/entry.h"

#include <pthread.h>

#include "ember/cpython/binding.h"
#include "ember/cpython/frames.h"
#include "ember/cpython/recursion.h"
#include "ember/runtime/compiler.h"
#include "ember/runtime/jit_state.h"

namespace ember::runtime {

namespace {

// Native stack headroom below which a compiled call raises RecursionError
// instead of going deeper (compiled Python-to-Python calls use the C stack).
constexpr size_t kMinNativeHeadroom = 256 * 1024;

thread_local char* t_stack_low = nullptr;

char* nativeStackLow() {
  if (t_stack_low == nullptr) {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    t_stack_low = addr != nullptr ? static_cast<char*>(addr) : reinterpret_cast<char*>(1);
  }
  return t_stack_low;
}

bool nativeStackLow(const char* here) {
  char* low = nativeStackLow();
  return low != reinterpret_cast<char*>(1) && static_cast<size_t>(here - low) < kMinNativeHeadroom;
}

inline bool instrumented(PyCodeObject* co, PyThreadState* ts) {
  return co->_co_instrumentation_version != ts->interp->monitoring_version;
}

}  // namespace

extern "C" PyObject* ember_compiled_entry(PyObject* callable, PyObject* const* args,
                                          size_t nargsf, PyObject* kwnames) {
  auto* func = reinterpret_cast<PyFunctionObject*>(callable);
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  PyThreadState* ts = PyThreadState_GET();
  CodeState* st = codeState(co, false);
  if (st == nullptr || st->compiled == nullptr || instrumented(co, ts)) {
    return _PyFunction_Vectorcall(callable, args, nargsf, kwnames);
  }
  char here;
  if (nativeStackLow(&here)) {
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded (native stack)");
    return nullptr;
  }
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
  return st->compiled->body(ts, f);
}

extern "C" PyObject* ember_warmup_entry(PyObject* callable, PyObject* const* args,
                                        size_t nargsf, PyObject* kwnames) {
  auto* func = reinterpret_cast<PyFunctionObject*>(callable);
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  CodeState* st = codeState(co, true);
  if (st != nullptr && st->compiled == nullptr && !st->failed && !st->suppressed &&
      config().mode != Mode::Off) {
    if (++st->calls >= config().threshold) compileFunction(func);
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
