// Native stack segments for deep compiled recursion.
//
// The interpreter runs a Python-to-Python call without using the C stack; a
// compiled call cannot: each compiled activation is a native call (about 130
// bytes of stack for a small function). 3.12 lets sys.setrecursionlimit go
// far beyond what a thread's stack holds that way, and deep recursion within
// the Python limit must not crash. So when a compiled entry finds less than
// kMinHeadroom of native stack left, it continues on a fresh segment: a
// 64 MB anonymous mapping (reserved, committed only as touched) with a guard
// page below, kept per thread for reuse. CPython's own C recursion guard
// counts calls rather than addresses, so it is unaffected by the switch.
// When the segments run out (16 per thread) the call raises RecursionError.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::runtime {

using NativeBody = PyObject* (*)(PyThreadState*, _PyInterpreterFrame*);

// True when the current segment (or the thread's own stack) has less than
// the headroom left below `here`, a local variable's address.
bool nativeStackLow(const char* here);

// Makes sure a fresh segment is available for runOnFreshStack; false (with
// RecursionError set) when the thread has used all of its segments or the
// mapping fails.
bool reserveStackSegment();

// Runs body(ts, frame) on the segment reserved above and returns its result.
PyObject* runOnFreshStack(NativeBody body, PyThreadState* ts, _PyInterpreterFrame* frame);

}  // namespace ember::runtime
