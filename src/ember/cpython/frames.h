// Real interpreter frames for compiled activations.
//
// What: every compiled call runs on a genuine 3.12 `_PyInterpreterFrame`
// allocated on the thread's data stack, linked as `tstate->cframe->current_frame`
// while it runs. These functions re-implement the frame life cycle that
// libpython keeps hidden (see docs/runtime.md and cpython312.md §1.3, §2):
//
//   pushFrame       = _PyThreadState_PushFrame (+ push_chunk/allocate_chunk)
//                     followed by _PyFrame_Initialize
//   linkFrame       = what the interpreter does on entry/inlined call
//   unlinkFrame     = the GH-99729 "unlink before clearing" step
//   clearFrame      = _PyFrame_ClearExceptCode (+ take_ownership when a
//                     PyFrameObject escaped) + the f_code release of
//                     clear_thread_frame
//   popFrame        = _PyThreadState_PopFrame
//   resumeInInterpreter = hand a frame to _PyEval_EvalFrameDefault (deopt and
//                     exception exits); the interpreter finishes and pops it.
//
// Invariants
//  - Frames are owned by the thread (owner FRAME_OWNED_BY_THREAD) and popped in
//    LIFO order, interleaved freely with the interpreter's own frames: the chunk
//    rules (16 KiB minimum, root chunk never freed, chunk memory from the public
//    arena allocator) are exactly the interpreter's, so either side may pop what
//    the other pushed.
//  - `stacktop` always bounds the owned slots of localsplus; clearFrame releases
//    localsplus[0 .. stacktop).
//  - clearFrame requires the frame to be unlinked already
//    (`current_frame == frame->previous`): clearing can run finalizers that look
//    at the stack, and an escaped frame object's f_back is found through the
//    public PyEval_GetFrame(), which reads the current frame.
//
// Not handled here: generator frames (owner GENERATOR) — ember v1 does not
// compile generator code.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::cpython {

// Allocates `co_framesize` words for `func`'s code on `ts`'s data stack and
// initialises the frame like _PyFrame_Initialize: new references to func and
// code, localsplus all NULL, stacktop = co_nlocalsplus, owner THREAD,
// prev_instr = _PyCode_CODE(code) - 1, previous = NULL. f_locals is NULL for
// CO_OPTIMIZED code, otherwise a new reference to the function's globals (as
// _PyFunction_Vectorcall does). Returns nullptr with MemoryError set on failure.
_PyInterpreterFrame* pushFrame(PyThreadState* ts, PyFunctionObject* func);

// Returns the frame's memory to the data stack (frees its chunk when the frame
// is the first one in a non-root chunk). The frame's references must already be
// released (clearFrame).
void popFrame(PyThreadState* ts, _PyInterpreterFrame* frame);

// Releases every reference the frame holds (locals, cells, value stack up to
// stacktop, f_locals, f_funcobj, f_code). If a PyFrameObject escaped, the frame
// object takes over a copy of the frame instead (owner FRAME_OBJECT, f_back
// linked to the previous complete frame's frame object). Precondition: the
// frame is unlinked.
void clearFrame(_PyInterpreterFrame* frame);

// clearFrame + popFrame.
void clearAndPopFrame(PyThreadState* ts, _PyInterpreterFrame* frame);

// Makes `frame` the thread's current frame (frame->previous = old current).
inline void linkFrame(PyThreadState* ts, _PyInterpreterFrame* frame) {
  frame->previous = ts->cframe->current_frame;
  ts->cframe->current_frame = frame;
}

// Makes frame->previous current again. frame->previous is left intact (the
// clear path needs it to link an escaped frame object's f_back).
inline void unlinkFrame(PyThreadState* ts, _PyInterpreterFrame* frame) {
  ts->cframe->current_frame = frame->previous;
}

// Runs `frame` in the interpreter from frame->prev_instr + 1 (throwflag = 0) or
// unwinds the exception currently set starting at frame->prev_instr
// (throwflag = 1). The frame must be unlinked, owned by the thread, its value
// stack stored with stacktop set, and its recursion count already left (the
// interpreter enters and leaves its own). The interpreter returns the function's
// result (or NULL) and has cleared and popped the frame.
PyObject* resumeInInterpreter(PyThreadState* ts, _PyInterpreterFrame* frame,
                              int throwflag);

}  // namespace ember::cpython
