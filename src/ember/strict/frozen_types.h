// Frozen classes: classes defined in a strict module become immutable once the
// module body has run.
//
// Freezing sets Py_TPFLAGS_IMMUTABLETYPE on the heap type, the flag CPython
// itself uses for built-in types: type.__setattr__ then raises TypeError
// ("cannot set 'x' attribute of immutable type 'C'") for every attribute,
// __class__-level dunders included. Instances stay mutable. A class opts out by
// carrying `__strict_mutable__ = True` in its own namespace (what the
// @__strict__.mutable / @ember.strict.mutable decorator sets).
//
// Invariants: only heap types are frozen (static types are immutable already);
// a class is frozen only if it lives in the module being frozen (its __module__
// equals the module's __name__), nested classes included; freezing is
// idempotent. forceTypeSetAttr lifts the flag for one write (patching) and
// always restores it.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::strict {

// Freezes one heap type. Returns 1 if it froze it, 0 if left alone (static type,
// opted out, already frozen), -1 on error.
int freezeType(PyTypeObject *type);

// Freezes every class defined in `module` (reachable from its namespace,
// including classes nested in those classes). Returns the count or -1.
Py_ssize_t freezeModuleClasses(PyObject *module);

// True for a heap type that carries Py_TPFLAGS_IMMUTABLETYPE.
bool isFrozenType(PyTypeObject *type);

// Sets or deletes (value == nullptr) an attribute of a frozen type, bypassing
// the freeze for this one write. Returns 0 or -1.
int forceTypeSetAttr(PyTypeObject *type, PyObject *name, PyObject *value);

}  // namespace ember::strict
