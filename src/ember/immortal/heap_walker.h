// HeapWalker: makes the heap of a pre-fork parent immortal (PEP 683).
//
// What. After `gc.collect(); gc.freeze()` every GC-tracked object sits in the
// collector's permanent generation. The walker takes those objects as roots,
// follows every reference it can see, and sets the refcount of each object it
// reaches to _Py_IMMORTAL_REFCNT, so that Py_INCREF/Py_DECREF in a forked
// worker never write to the page the object lives on. While it is there it
// also performs the lazy, one-time writes that a worker would otherwise do on
// first use: it computes str/bytes hashes, assigns type version tags,
// function versions and dict-keys versions.
//
// Why this way. GC `tp_traverse` does not report everything: dicts with str
// keys do not visit their keys, instance attribute names live in the type's
// shared keys, code objects are not GC objects at all (their constants and
// names are only reachable through them), and static types are not GC
// objects either. The walker adds those edges explicitly (see
// HeapWalker::visitChildren). It uses an explicit stack, never recursion, so
// a deep object graph cannot overflow the C stack.
//
// What stays mortal (still visited, so what it references is made immortal):
//  - objects whose type has a finalizer (tp_finalize/tp_del: `__del__`,
//    generators, coroutines, open files, sockets): they must still run code
//    when they die;
//  - non-type objects with a weak reference that has a callback
//    (WeakValueDictionary values, WeakSet members, weakref.finalize targets):
//    the callback must still fire if the program drops them;
//  - frame objects, which are tied to running code.
// Objects already immortal (small ints, static types, interned strings) are
// counted but not changed.
//
// Invariants. The walk runs entirely under the GIL and runs no Python code
// (no bytecode, no allocation of Python objects, only C traverse functions
// and the built-in str/bytes hash functions), so no other thread can observe
// or mutate the heap half-way. No C++ exception crosses a C frame: the visit
// callback catches std::bad_alloc, records it and stops the traversal; run()
// converts it to MemoryError. Objects made immortal before a failure stay
// immortal, which is safe (they are only leaked).
#pragma once

#include "ember/cpython/py312.h"

#include <cstddef>
#include <vector>

#include "ember/immortal/pointer_set.h"

namespace ember::immortal {

// Counters of one walk; exposed to Python by ember._immortal.last_report().
struct WalkReport {
  Py_ssize_t roots = 0;                // tracked objects the walk started from
  Py_ssize_t visited = 0;              // distinct objects reached
  Py_ssize_t madeImmortal = 0;         // refcount set to immortal by this walk
  Py_ssize_t alreadyImmortal = 0;      // immortal before (static, interned, earlier walk)
  Py_ssize_t mortalFinalizer = 0;      // kept mortal: type has tp_finalize/tp_del
  Py_ssize_t mortalWeakCallback = 0;   // kept mortal: a weakref with a callback points at it
  Py_ssize_t mortalFrame = 0;          // kept mortal: frame object
  Py_ssize_t stringsHashed = 0;        // str hashes computed now
  Py_ssize_t typesTagged = 0;          // type version tags assigned now
  Py_ssize_t typeTagFailures = 0;      // types that could not get a tag
  Py_ssize_t functionsVersioned = 0;   // function versions assigned now
  Py_ssize_t dictKeysVersioned = 0;    // dict keys versions assigned now
};

// Why an object is left mortal; None means it may be made immortal.
enum class MortalReason { None, Finalizer, WeakCallback, Frame };

class HeapWalker {
 public:
  HeapWalker();
  HeapWalker(const HeapWalker&) = delete;
  HeapWalker& operator=(const HeapWalker&) = delete;

  // Walks from every GC-tracked object of the current interpreter (the
  // permanent generation and, for robustness, the young ones). Requires the
  // GIL. Returns false with a Python exception set on failure.
  bool run(WalkReport& report);

  // The policy above, exposed for tests and for is-this-safe queries.
  static MortalReason mortalReason(PyObject* op);

 private:
  static int visitCallback(PyObject* child, void* self);
  void push(PyObject* op);
  void process(PyObject* op);
  void visitChildren(PyObject* op);
  void visitCode(PyCodeObject* code);
  void visitType(PyTypeObject* type);
  void visitDictKeys(PyObject* dict);
  void precompute(PyObject* op);
  void versionDictKeys(PyObject* dict);
  void versionKeysObject(PyDictKeysObject* keys);

  PyInterpreterState* interp_;
  PointerSet seen_;
  std::vector<PyObject*> stack_;
  WalkReport* report_ = nullptr;
  bool outOfMemory_ = false;
};

}  // namespace ember::immortal
