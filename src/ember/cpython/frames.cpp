// Frame life cycle for compiled activations; see frames.h for the contract.
//
// Mirrors (re-written, not copied) 3.12's Python/pystate.c push_chunk /
// allocate_chunk / _PyThreadState_PopFrame and Python/frame.c
// _PyFrame_ClearExceptCode / take_ownership. The differences from CPython are
// only in how hidden helpers are reached:
//  - chunk memory: `_PyObject_VirtualAlloc/Free` are hidden; they are thin
//    wrappers over the arena allocator, which the public
//    PyObject_GetArenaAllocator returns. Using the same allocator matters: the
//    interpreter frees chunks that ember allocated and vice versa.
//  - frame objects: `_PyFrame_GetFrameObject` is hidden. An escaped frame's
//    f_back is the previous complete frame's frame object; we reuse it when it
//    exists, and otherwise obtain it with the public PyEval_GetFrame(), which
//    returns exactly that frame's object because the dying frame has been
//    unlinked (current_frame == frame->previous).
//  - GC tracking of the frame object goes through PyObject_GC_IsTracked /
//    PyObject_GC_Track.
#include "ember/cpython/frames.h"

#include <cstring>

#include "ember/common/check.h"

namespace ember::cpython {
namespace {

// Python/pystate.c: DATA_STACK_CHUNK_SIZE and MINIMUM_OVERHEAD.
constexpr int kChunkSize = 16 * 1024;
constexpr int kMinimumOverhead = 1000;

_PyStackChunk* allocateChunk(int sizeInBytes, _PyStackChunk* previous) {
  PyObjectArenaAllocator arena;
  PyObject_GetArenaAllocator(&arena);
  auto* chunk = static_cast<_PyStackChunk*>(arena.alloc(arena.ctx, sizeInBytes));
  if (chunk == nullptr) {
    return nullptr;
  }
  chunk->previous = previous;
  chunk->size = sizeInBytes;
  chunk->top = 0;
  return chunk;
}

void freeChunk(_PyStackChunk* chunk) {
  PyObjectArenaAllocator arena;
  PyObject_GetArenaAllocator(&arena);
  arena.free(arena.ctx, chunk, chunk->size);
}

// Starts a new chunk big enough for `size` words plus headroom and returns the
// first usable word. The very first (root) chunk skips its first word so that
// popFrame can never free it.
PyObject** pushChunk(PyThreadState* ts, int size) {
  int allocSize = kChunkSize;
  while (allocSize < static_cast<int>(sizeof(PyObject*)) * (size + kMinimumOverhead)) {
    allocSize *= 2;
  }
  _PyStackChunk* chunk = allocateChunk(allocSize, ts->datastack_chunk);
  if (chunk == nullptr) {
    return nullptr;
  }
  if (ts->datastack_chunk != nullptr) {
    ts->datastack_chunk->top = ts->datastack_top - &ts->datastack_chunk->data[0];
  }
  ts->datastack_chunk = chunk;
  ts->datastack_limit = reinterpret_cast<PyObject**>(reinterpret_cast<char*>(chunk) + allocSize);
  PyObject** result = &chunk->data[chunk->previous == nullptr ? 1 : 0];
  ts->datastack_top = result + size;
  return result;
}

// The frame object `f` outlives the activation: give it its own copy of the
// frame (take_ownership in Python/frame.c).
void takeOwnership(PyFrameObject* f, _PyInterpreterFrame* frame) {
  size_t size = reinterpret_cast<char*>(&frame->localsplus[frame->stacktop]) -
                reinterpret_cast<char*>(frame);
  Py_INCREF(frame->f_code);
  auto* copy = reinterpret_cast<_PyInterpreterFrame*>(f->_f_frame_data);
  std::memcpy(copy, frame, size);
  f->f_frame = copy;
  copy->owner = FRAME_OWNED_BY_FRAME_OBJECT;
  if (_PyFrame_IsIncomplete(copy)) {
    // Dead before its first RESUME: pretend it ran, as CPython does.
    copy->prev_instr = _PyCode_CODE(copy->f_code) + copy->f_code->_co_firsttraceable;
  }
  _PyInterpreterFrame* prev = _PyFrame_GetFirstComplete(copy->previous);
  copy->previous = nullptr;
  if (prev != nullptr && f->f_back == nullptr) {
    PyFrameObject* back = prev->frame_obj;
    if (back == nullptr) {
      PyThreadState* ts = PyThreadState_GET();
      if (_PyFrame_GetFirstComplete(ts->cframe->current_frame) == prev) {
        back = PyEval_GetFrame();  // borrowed; clears its own error on failure
      }
    }
    if (back != nullptr) {
      f->f_back = reinterpret_cast<PyFrameObject*>(Py_NewRef(back));
    }
  }
  if (!PyObject_GC_IsTracked(reinterpret_cast<PyObject*>(f))) {
    PyObject_GC_Track(f);
  }
}

}  // namespace

_PyInterpreterFrame* pushFrame(PyThreadState* ts, PyFunctionObject* func) {
  auto* code = reinterpret_cast<PyCodeObject*>(func->func_code);
  int size = code->co_framesize;
  PyObject** base;
  if (_PyThreadState_HasStackSpace(ts, size)) {
    base = ts->datastack_top;
    ts->datastack_top += size;
  } else {
    base = pushChunk(ts, size);
    if (base == nullptr) {
      PyErr_NoMemory();
      return nullptr;
    }
  }
  auto* frame = reinterpret_cast<_PyInterpreterFrame*>(base);
  PyObject* locals = nullptr;
  if (!(code->co_flags & CO_OPTIMIZED)) {
    locals = Py_NewRef(func->func_globals);
  }
  _PyFrame_Initialize(frame, reinterpret_cast<PyFunctionObject*>(Py_NewRef(func)), locals, code, 0);
  frame->previous = nullptr;
  return frame;
}

void popFrame(PyThreadState* ts, _PyInterpreterFrame* frame) {
  auto** base = reinterpret_cast<PyObject**>(frame);
  _PyStackChunk* chunk = ts->datastack_chunk;
  EMBER_DCHECK(base < ts->datastack_top, "popFrame: frame above the data stack top");
  if (base == &chunk->data[0]) {
    EMBER_DCHECK(chunk->previous != nullptr, "popFrame: would free the root chunk");
    // First frame of a non-root chunk (the root chunk's first word is never
    // handed out): drop the chunk and resume the previous one where it was.
    _PyStackChunk* previous = chunk->previous;
    ts->datastack_top = &previous->data[previous->top];
    ts->datastack_chunk = previous;
    ts->datastack_limit =
        reinterpret_cast<PyObject**>(reinterpret_cast<char*>(previous) + previous->size);
    freeChunk(chunk);
  } else {
    ts->datastack_top = base;
  }
}

void clearFrame(_PyInterpreterFrame* frame) {
  // Deallocations below may run arbitrary code; count them against the C
  // recursion budget like clear_thread_frame does.
  PyThreadState* ts = PyThreadState_GET();
  EMBER_DCHECK(ts->cframe->current_frame != frame, "clearFrame: frame still linked");
  EMBER_DCHECK(frame->owner == FRAME_OWNED_BY_THREAD, "clearFrame: owner %d", frame->owner);
  EMBER_DCHECK(frame->stacktop >= 0, "clearFrame: stacktop %d", frame->stacktop);
  ts->c_recursion_remaining--;
  PyCodeObject* code = frame->f_code;
  bool released = false;
  if (frame->frame_obj != nullptr) {
    PyFrameObject* f = frame->frame_obj;
    frame->frame_obj = nullptr;
    if (Py_REFCNT(f) > 1) {
      takeOwnership(f, frame);
      Py_DECREF(f);
      released = true;
    } else {
      Py_DECREF(f);
    }
  }
  if (!released) {
    for (int i = 0; i < frame->stacktop; i++) {
      Py_XDECREF(frame->localsplus[i]);
    }
    Py_XDECREF(frame->f_locals);
    Py_DECREF(frame->f_funcobj);
  }
  Py_DECREF(code);
  ts->c_recursion_remaining++;
}

void clearAndPopFrame(PyThreadState* ts, _PyInterpreterFrame* frame) {
  EMBER_DCHECK(reinterpret_cast<PyObject**>(frame) + frame->f_code->co_framesize ==
                   ts->datastack_top,
               "clearAndPopFrame: not the top frame of the data stack");
  clearFrame(frame);
  popFrame(ts, frame);
}

PyObject* resumeInInterpreter(PyThreadState* ts, _PyInterpreterFrame* frame, int throwflag) {
  EMBER_DCHECK(ts->cframe->current_frame != frame, "resumeInInterpreter: frame still linked");
  EMBER_DCHECK(frame->owner == FRAME_OWNED_BY_THREAD, "resumeInInterpreter: owner %d",
               frame->owner);
  EMBER_DCHECK((throwflag != 0) == (PyErr_Occurred() != nullptr),
               "resumeInInterpreter: throwflag %d with%s an exception set", throwflag,
               PyErr_Occurred() ? "" : "out");
  return _PyEval_EvalFrameDefault(ts, frame, throwflag);
}

}  // namespace ember::cpython
