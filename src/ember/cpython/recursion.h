// Python-level recursion accounting for compiled activations.
//
// What: enterRecursivePy / leaveRecursivePy mirror 3.12's static inline
// `_Py_EnterRecursivePy` / `_Py_LeaveRecursiveCallPy` (Python/ceval.c) and the
// hidden slow path `_Py_CheckRecursiveCallPy`. A compiled function counts one
// Python frame against `tstate->py_recursion_remaining`, exactly like an
// interpreted one, so `sys.setrecursionlimit` and RecursionError behave the same
// whether a recursive function runs compiled, interpreted, or mixed. The C
// recursion budget (`c_recursion_remaining`) is not touched: a JIT-to-JIT call
// does not re-enter `_PyEval_EvalFrameDefault`.
//
// Why re-implemented: `_Py_CheckRecursiveCallPy` has no PyAPI marker in 3.12
// (hidden symbol), and the inline wrappers live in ceval.c, not in a header.
//
// Contract (differs from the interpreter in one deliberate way):
//  - enterRecursivePy returns 0 on success; the caller must later call
//    leaveRecursivePy exactly once.
//  - On failure it returns -1 with RecursionError("maximum recursion depth
//    exceeded") set and has *already restored* the counter: do not call
//    leaveRecursivePy. (The interpreter leaves the decrement in place and undoes
//    it in `exit_unwind`; the net effect is the same.)
//  - While `recursion_headroom` is non-zero (a RecursionError is being built)
//    the limit is relaxed by 50 frames, then Py_FatalError, as in CPython.
//  - Before handing a frame to `resumeInInterpreter`, a compiled activation
//    that entered must leave first: `_PyEval_EvalFrameDefault` does its own
//    enter on resume and its own leave on exit.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::cpython {

// The slow path, taken only when the budget is exhausted. Returns -1 with
// RecursionError set, or 0 when a RecursionError is already being handled and
// the headroom allows one more frame.
[[gnu::noinline, gnu::cold]] inline int checkRecursiveCallPy(PyThreadState* ts) {
  if (ts->recursion_headroom) {
    if (ts->py_recursion_remaining < -50) {
      Py_FatalError("Cannot recover from Python stack overflow.");
    }
    return 0;
  }
  if (ts->py_recursion_remaining <= 0) {
    ts->recursion_headroom++;
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
    ts->recursion_headroom--;
    return -1;
  }
  return 0;
}

inline int enterRecursivePy(PyThreadState* ts) {
  if (ts->py_recursion_remaining-- <= 0 && checkRecursiveCallPy(ts) != 0) {
    ts->py_recursion_remaining++;
    return -1;
  }
  return 0;
}

inline void leaveRecursivePy(PyThreadState* ts) { ts->py_recursion_remaining++; }

}  // namespace ember::cpython
