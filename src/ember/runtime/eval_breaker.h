// The eval-breaker slow path for compiled loops (helpers.def:
// service_eval_breaker) and the "tick" function it relies on.
//
// Compiled code tests `interp->ceval.eval_breaker` and the code's instrumentation
// version on loop back-edges; only when either says "stop" does it call
// ember_h_service_eval_breaker(ts, frame):
//  - monitoring is active for the code (codeIsInstrumented, below): returns 1,
//    and compiled code leaves for the interpreter, which runs the
//    instrumented bytecode;
//  - otherwise the pending work (signal handlers, GIL drop requests, pending
//    calls, async exceptions, and in 3.12 the cyclic GC) must run. Signal
//    handlers and pending calls run through PyErr_CheckSignals and
//    Py_MakePendingCalls, with the compiled frame current. For the rest the
//    function that does it, `_Py_HandlePending`, is hidden; the interpreter
//    runs it at every function-entry RESUME. So we call a trivial Python
//    function, the tick, whose RESUME does exactly that. Returns 0, or -1 with the exception
//    a handler raised (e.g. KeyboardInterrupt), minus the traceback entry of the
//    tick's own frame.
//
// The tick is called through the original `_PyFunction_Vectorcall`, and the JIT
// must never compile its code object: tickCode() identifies it.
//
// Caveat for the compiled-code check (verified, see RuntimeEvalBreaker tests):
// when sys.settrace / sys.setprofile / sys.monitoring change the event set,
// 3.12 instruments at once the code of every frame on each thread's frame
// chain (`instrument_all_executing_code_objects`) and brings its
// `_co_instrumentation_version` up to date. A *linked* compiled frame's code
// therefore never shows a version mismatch afterwards. Compiled code should
// compare `interp->monitoring_version` with the value it recorded when it was
// compiled (or entered), and let this helper decide with codeIsInstrumented().
#pragma once

#include "ember/cpython/py312.h"

namespace ember::runtime {

// True if `code` must run in the interpreter because monitoring is (or is about
// to be) active for it: its instrumentation is stale, a global monitoring
// event is on (this includes sys.settrace / sys.setprofile, which are
// implemented as monitoring tools in 3.12), or an event is active locally on
// the code. Compile only code for which this is false.
bool codeIsInstrumented(PyCodeObject* code, PyInterpreterState* interp);

// The tick function's code object (borrowed; created on first use). NULL with
// an exception set if it could not be created.
PyObject* tickCode();

}  // namespace ember::runtime
