// The eval-breaker slow path for compiled loops (helpers.def:
// service_eval_breaker) and the "tick" function it relies on.
//
// Compiled code tests `interp->ceval.eval_breaker` and the code's instrumentation
// version on loop back-edges; only when either says "stop" does it call
// ember_h_service_eval_breaker(ts, frame):
//  - instrumentation changed (sys.settrace / setprofile / sys.monitoring since
//    the code was compiled): returns 1, and compiled code leaves for the
//    interpreter, which instruments the code at its next RESUME;
//  - otherwise the pending work (signal handlers, GIL drop requests, pending
//    calls, async exceptions, and in 3.12 the cyclic GC) must run. The function
//    that does it, `_Py_HandlePending`, is hidden; the interpreter runs it at
//    every function-entry RESUME. So we call a trivial Python function, the
//    tick, whose RESUME does exactly that. Returns 0, or -1 with the exception
//    a handler raised (e.g. KeyboardInterrupt), minus the traceback entry of the
//    tick's own frame.
//
// The tick is called through the original `_PyFunction_Vectorcall`, and the JIT
// must never compile its code object: tickCode() identifies it.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::runtime {

// The tick function's code object (borrowed; created on first use). NULL with
// an exception set if it could not be created.
PyObject* tickCode();

}  // namespace ember::runtime
