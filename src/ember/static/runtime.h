// Shared pieces of the ember._static runtime: how a run-time type check is
// described (CheckSpec), how values are converted to and from primitive
// storage, and the init hooks of each runtime type.
//
// A check spec arrives from compiled code as a tuple `(kind, target, optional)`:
//   kind 0      an object check: isinstance(value, target); `target` is a type
//               or a zero-argument callable returning one (resolved once, so a
//               class defined later in the module can be named);
//   kind 1..10  a primitive (see primitives.h): the value must be an int in
//               range (a float for double, a bool for cbool);
//   optional    None is also accepted.
// `None` instead of a tuple means "no check". Every check in the runtime
// (entry checks, cast, typed fields, checked containers) goes through
// checkValue() so the rules live in one place.
#pragma once

#include "ember/cpython/py312.h"
#include "ember/static/primitives.h"

namespace ember::staticpy {

struct CheckSpec {
  int kind = 0;
  PyObject* target = nullptr;       // strong: type or thunk (nullptr: no check)
  PyTypeObject* resolved = nullptr; // strong once resolved
  bool optional = false;

  bool active() const { return kind != 0 || target != nullptr; }
  void clear() {
    Py_CLEAR(target);
    Py_CLEAR(resolved);
  }
  int traverse(visitproc visit, void* arg) {
    Py_VISIT(target);
    Py_VISIT(resolved);
    return 0;
  }
};

// Fills `out` from a spec object (tuple or None). Returns false with an
// exception set on a malformed spec.
bool parseSpec(PyObject* spec, CheckSpec& out);

// The CheckSpec inside a SpecObject (ember._static.spec(...)), or nullptr if
// `o` is not one. SpecObjects are hoisted to module level by the compiler so
// a thunk target is resolved once per spec, not once per check.
CheckSpec* specObjectGet(PyObject* o);

// Builds a spec from a type-like object as written by users in CheckedDict[K, V]:
// a type, `None`, `T | None`, Optional[T], or a primitive marker class.
bool specFromTypeArg(PyObject* arg, CheckSpec& out);

enum class CheckResult { kOk, kMismatch, kOverflow, kError };

// Checks `value` against `spec`. On kOk, *converted (if non-null) receives a
// new reference when the value had to be normalised (int -> float for double),
// else stays nullptr. kMismatch/kOverflow set no exception; kError does.
CheckResult checkValue(CheckSpec& spec, PyObject* value, PyObject** converted);

// Human-readable name of what a spec expects ("int", "Optional[Foo]", "int8").
PyObject* specName(CheckSpec& spec);

// Raises the standard mismatch error: "<what>: expected 'X', got 'Y'"
// (TypeError) or "<what>: value out of range for X" (OverflowError).
void raiseCheckError(CheckSpec& spec, CheckResult r, PyObject* value, const char* fmt, ...);

// Checks `value` and raises with the given context on failure; returns
// a new reference to the (possibly converted) value, or nullptr.
PyObject* checkOrRaise(CheckSpec& spec, PyObject* value, const char* fmt, ...);

// Primitive storage: read/write a kind's natural-width value at `addr`.
PyObject* loadPrimitive(int kind, const void* addr);
// Returns kOk and writes, or kMismatch/kOverflow/kError without writing.
CheckResult storePrimitive(int kind, void* addr, PyObject* value);
const char* kindName(int kind);
int kindSize(int kind);

// Parameterised containers (CheckedDict, CheckedList): the type arguments of
// a parameterised type, owned for the process lifetime.
struct ContainerParams {
  PyObject* args;
  CheckSpec specs[2];
  int n;
};
// Finds the parameters of `t` or of its nearest parameterised base; raises
// TypeError if there is none (an unparameterised container).
ContainerParams* findParams(PyTypeObject* t);
// base[params]: creates and caches a parameterised subclass of `base`.
PyObject* specialize(PyObject* base, PyObject* cache, PyObject* params, int arity, const char* what);

// Per-file init hooks, called from PyInit__static.
int initPrimitiveOps(PyObject* module);
int initCheckedFunction(PyObject* module);
int initTypedLayout(PyObject* module);
int initCheckedDict(PyObject* module);
int initCheckedList(PyObject* module);
int initArray(PyObject* module);
int initSpecObject(PyObject* module);
int initFinalMethods(PyObject* module);

}  // namespace ember::staticpy
