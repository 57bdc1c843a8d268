// The C API other ember extension modules (the JIT) use to recognise strict
// modules and frozen classes, without linking against ember._strict.
//
// ember._strict exports a capsule named "ember._strict._C_API" holding a
// StrictCApi. A client does, once:
//     auto *api = static_cast<const ember::strict::StrictCApi *>(
//         PyCapsule_Import("ember._strict._C_API", 0));
// and then checks `api->version` and uses the fields. Frozen classes need no
// API call: they carry Py_TPFLAGS_IMMUTABLETYPE (heap types only).
//
// Invariants: fields are only ever appended; `version` grows when they are.
// A strict module's dict never changes through attribute writes after
// import; ember.strict.patch() (tests only) writes it through PyDict_SetItem,
// so dict watchers see those writes.
#pragma once

#include "ember/cpython/py312.h"

namespace ember::strict {

struct StrictCApi {
  int version;                               // 1
  PyTypeObject *strictModuleType;            // the StrictModule type
  int (*isStrictModule)(PyObject *obj);      // 1 if obj is a StrictModule
  int (*isFrozenType)(PyTypeObject *type);   // 1 if a heap type frozen by ember.strict
};

inline constexpr const char *kStrictCApiName = "ember._strict._C_API";

}  // namespace ember::strict
