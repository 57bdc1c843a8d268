// StrictModule: the run-time type of a strict module.
//
// A strict module is proven side-effect free by the analyser and then locked.
// The lock is a type, not a flag: StrictModule subclasses ModuleType without
// adding any field, so an ordinary module that has finished executing its body
// can become strict by switching its type in place (layouts are identical).
// The object in sys.modules, the globals dict its functions close over and every
// existing reference stay the same object; only attribute writes change.
//
// Invariants:
//  - tp_basicsize == PyModule_Type.tp_basicsize (the type switch relies on it);
//  - setting or deleting an attribute through the object raises AttributeError,
//    except the import system binding a submodule (value is the module named
//    "<this module>.<name>"), which packages need;
//  - writes that must bypass the lock (ember.strict.patch, for tests) go through
//    forceSetAttr, which edits the module dict directly.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::strict {

extern PyTypeObject StrictModuleType;

// Readies the type; returns 0 or -1 with an exception set.
int readyStrictModuleType();

// Turns a plain module (exact ModuleType) into a StrictModule in place and
// returns a new reference to it; a StrictModule is returned unchanged.
// Anything else raises TypeError and returns nullptr.
PyObject *makeStrictModule(PyObject *module);

bool isStrictModule(PyObject *obj);

// Sets (value != nullptr) or deletes (value == nullptr) an attribute of a strict
// module, bypassing the lock. Returns 0 or -1 with an exception set.
int strictModuleForceSetAttr(PyObject *module, PyObject *name, PyObject *value);

}  // namespace ember::strict
