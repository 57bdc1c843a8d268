// Per-site inline caches for attribute and global loads.
//
// The interpreter makes LOAD_ATTR, STORE_ATTR and LOAD_GLOBAL fast by
// specialising each instruction for what it saw; compiled code does the same
// with a small cache per instruction, allocated by the HIR builder (held in
// hir::Function::runtime_data, then by the compiled code) and passed to the
// helper as its immediate. A helper first tries the cached answer under a
// guard and otherwise does the generic operation, then refills the cache if
// the case is one it knows (at most kMaxFills times, so a site that sees many
// types stops trying).
//
// Attribute caches are guarded by the type's version tag, which CPython
// changes whenever the type or anything in its MRO is modified and never
// reuses. Kinds:
//   InstanceValue  the attribute lives in the object's inline values (the
//                  type has a managed dict, no class attribute of that name);
//                  cached: its index in the type's shared keys;
//   Method         obj.meth(...): a method descriptor found on the type and no
//                  instance attribute can shadow it (no instance dict at all,
//                  or inline values whose shared keys do not have the name and
//                  have not grown since);
//   StoreValue     obj.x = v over an existing inline value;
//   Slot           a __slots__ member (an object member descriptor on the
//                  type, not read-only, not audited): cached its offset; used
//                  for loads and stores;
//   ModuleAttr     module.name (exact module type, name found in the module
//                  dict, no descriptor of that name on the module type):
//                  a borrowed value under the global-cache epoch below.
// Borrowed pointers (descriptors, keys) are valid while the version matches:
// changing them changes the type.
//
// Global caches hold a borrowed value, valid while no watched dict changed:
// a dict watcher on every globals and builtins dict seen bumps one epoch on
// any change to any of them.
#pragma once

#include <cstdint>

#include "ember/cpython/py312.h"

namespace ember::runtime {

struct AttrCache {
  enum Kind : uint8_t { Empty, InstanceValue, Method, StoreValue, Slot, ModuleAttr };
  PyObject* name = nullptr;        // borrowed from co_names
  unsigned int type_version = 0;
  Kind kind = Empty;
  uint16_t fills = 0;
  Py_ssize_t index = -1;           // InstanceValue / StoreValue
  PyObject* descr = nullptr;       // Method
  void* keys = nullptr;            // Method with inline values: the shared keys (else null)
  Py_ssize_t keys_nentries = 0;    // ... and their size when the name was absent
  Py_ssize_t offset = 0;           // Slot: the member's offset in the object
  uint64_t epoch = 0;              // ModuleAttr: as GlobalCache
  PyObject* module_dict = nullptr; // ModuleAttr
  PyObject* value = nullptr;       // ModuleAttr, borrowed
};

struct GlobalCache {
  PyObject* name = nullptr;        // borrowed from co_names
  uint64_t epoch = 0;              // 0: empty
  PyObject* globals = nullptr;
  PyObject* builtins = nullptr;
  PyObject* value = nullptr;       // borrowed
};

constexpr uint16_t kMaxFills = 8;

}  // namespace ember::runtime
