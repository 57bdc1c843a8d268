// Inline-cache helpers: LOAD_ATTR, LOAD_ATTR (method form), STORE_ATTR and
// LOAD_GLOBAL through a per-site cache. See inline_caches.h for the kinds and
// their guards; on any miss the helper does exactly what the generic helper
// does (helpers_attrs.cpp, helpers_names.cpp), so results and errors are the
// interpreter's either way.
#include "ember/runtime/inline_caches.h"

#include <internal/pycore_dict.h>
#include <internal/pycore_object.h>

#include <structmember.h>

#include "ember/runtime/helpers.h"

namespace ember::runtime {
namespace {

bool watch(PyObject* dict);
extern uint64_t g_epoch;

// --- attributes ----------------------------------------------------------------------

inline PyDictOrValues dictOrValues(PyObject* owner) { return *_PyObject_DictOrValuesPointer(owner); }

// The shared keys of a type whose instances keep their attributes inline.
PyDictKeysObject* sharedKeys(PyTypeObject* tp) {
  if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) || !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    return nullptr;
  }
  PyDictKeysObject* keys = reinterpret_cast<PyHeapTypeObject*>(tp)->ht_cached_keys;
  if (keys == nullptr || keys->dk_kind != DICT_KEYS_SPLIT) return nullptr;
  return keys;
}

// Index of `name` in the shared keys by identity (names in code and in shared
// keys are interned); -1 if absent by identity.
Py_ssize_t indexByIdentity(PyDictKeysObject* keys, PyObject* name) {
  PyDictUnicodeEntry* entries = DK_UNICODE_ENTRIES(keys);
  for (Py_ssize_t i = 0; i < keys->dk_nentries; i++) {
    if (entries[i].me_key == name) return i;
  }
  return -1;
}

// True if no key of the shared keys equals `name` (by value).
bool absentByValue(PyDictKeysObject* keys, PyObject* name) {
  PyDictUnicodeEntry* entries = DK_UNICODE_ENTRIES(keys);
  for (Py_ssize_t i = 0; i < keys->dk_nentries; i++) {
    PyObject* key = entries[i].me_key;
    if (key == name) return false;
    if (key != nullptr && PyUnicode_CheckExact(key) && PyUnicode_Compare(key, name) == 0) {
      return false;
    }
  }
  return true;
}

// A type the caches may describe: generic attribute access and a version tag.
bool cacheableType(PyTypeObject* tp, bool store) {
  if (store ? tp->tp_setattro != PyObject_GenericSetAttr : tp->tp_getattro != PyObject_GenericGetAttr) {
    return false;
  }
  return PyUnstable_Type_AssignVersionTag(tp) && tp->tp_version_tag != 0;
}

// After a successful generic load (kind InstanceValue) or store (StoreValue)
// of owner.name == value: cache the inline-values index when that is where
// the attribute lives and nothing on the type can intercept it.
void fillValueIndex(AttrCache* c, PyObject* owner, PyObject* value, AttrCache::Kind kind) {
  PyTypeObject* tp = Py_TYPE(owner);
  if (c->fills >= kMaxFills || !cacheableType(tp, kind == AttrCache::StoreValue)) return;
  PyDictKeysObject* keys = sharedKeys(tp);
  if (keys == nullptr || _PyType_Lookup(tp, c->name) != nullptr) return;
  PyDictOrValues dorv = dictOrValues(owner);
  if (!_PyDictOrValues_IsValues(dorv)) return;
  Py_ssize_t index = indexByIdentity(keys, c->name);
  if (index < 0 || _PyDictOrValues_GetValues(dorv)->values[index] != value) return;
  c->fills++;
  c->kind = kind;
  c->type_version = tp->tp_version_tag;
  c->index = index;
}

// After _PyObject_GetMethod found an unbound method descriptor `meth`.
void fillMethod(AttrCache* c, PyObject* owner, PyObject* meth) {
  PyTypeObject* tp = Py_TYPE(owner);
  if (c->fills >= kMaxFills || !cacheableType(tp, false)) return;
  PyObject* descr = _PyType_Lookup(tp, c->name);
  if (descr != meth || !(Py_TYPE(descr)->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR)) return;
  PyDictKeysObject* keys = nullptr;
  if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
    keys = sharedKeys(tp);
    if (keys == nullptr || !_PyDictOrValues_IsValues(dictOrValues(owner)) || !absentByValue(keys, c->name)) {
      return;
    }
  } else if (tp->tp_dictoffset != 0) {
    return;  // an instance __dict__ could shadow the method
  }
  c->fills++;
  c->kind = AttrCache::Method;
  c->type_version = tp->tp_version_tag;
  c->descr = descr;
  c->keys = keys;
  c->keys_nentries = keys != nullptr ? keys->dk_nentries : 0;
}

// A writable (store) or readable object member of __slots__, after a
// successful generic access.
void fillSlot(AttrCache* c, PyObject* owner, bool store) {
  PyTypeObject* tp = Py_TYPE(owner);
  if (c->fills >= kMaxFills || !cacheableType(tp, store)) return;
  PyObject* descr = _PyType_Lookup(tp, c->name);
  if (descr == nullptr || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) return;
  PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descr)->d_member;
  if (member->type != Py_T_OBJECT_EX || (member->flags & Py_AUDIT_READ) ||
      (store && (member->flags & Py_READONLY))) {
    return;
  }
  c->fills++;
  c->kind = AttrCache::Slot;
  c->type_version = tp->tp_version_tag;
  c->offset = member->offset;
}

// module.name == value after a successful generic load.
void fillModuleAttr(AttrCache* c, PyObject* owner, PyObject* value) {
  if (c->fills >= kMaxFills || !Py_IS_TYPE(owner, &PyModule_Type)) return;
  PyObject* dict = PyModule_GetDict(owner);
  if (dict == nullptr || !PyDict_CheckExact(dict) || _PyType_Lookup(&PyModule_Type, c->name) != nullptr) {
    return;
  }
  PyObject* found = PyDict_GetItemWithError(dict, c->name);
  if (found != value) {
    PyErr_Clear();
    return;
  }
  if (!watch(dict)) return;
  c->fills++;
  c->kind = AttrCache::ModuleAttr;
  c->epoch = g_epoch;
  c->module_dict = dict;
  c->value = value;
}

// --- globals -------------------------------------------------------------------------

uint64_t g_epoch = 1;  // bumped by any change to a watched dict
int g_dict_watcher = -2;  // -2: not tried yet; -1: unavailable

int onWatchedDictEvent(PyDict_WatchEvent, PyObject*, PyObject*, PyObject*) {
  g_epoch++;
  return 0;
}

bool watch(PyObject* dict) {
  if (g_dict_watcher == -2) {
    g_dict_watcher = PyDict_AddWatcher(onWatchedDictEvent);
    if (g_dict_watcher < 0) {
      PyErr_Clear();
      g_dict_watcher = -1;
    }
  }
  if (g_dict_watcher < 0) return false;
  if (PyDict_Watch(g_dict_watcher, dict) < 0) {
    PyErr_Clear();
    return false;
  }
  return true;
}

}  // namespace
}  // namespace ember::runtime

using ember::runtime::AttrCache;
using ember::runtime::GlobalCache;

extern "C" {

PyObject* ember_h_load_attr_cached(PyObject* owner, int64_t cacheImm) {
  auto* c = reinterpret_cast<AttrCache*>(cacheImm);
  PyTypeObject* tp = Py_TYPE(owner);
  if (tp->tp_version_tag == c->type_version && c->kind == AttrCache::InstanceValue) {
    PyDictOrValues dorv = ember::runtime::dictOrValues(owner);
    if (_PyDictOrValues_IsValues(dorv)) {
      PyObject* v = _PyDictOrValues_GetValues(dorv)->values[c->index];
      if (v != nullptr) return Py_NewRef(v);
    }
  }
  if (c->kind == AttrCache::Slot && tp->tp_version_tag == c->type_version) {
    PyObject* v = *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(owner) + c->offset);
    if (v != nullptr) return Py_NewRef(v);
  } else if (c->kind == AttrCache::ModuleAttr && c->epoch == ember::runtime::g_epoch &&
             Py_IS_TYPE(owner, &PyModule_Type) &&
             reinterpret_cast<PyModuleObject*>(owner)->md_dict == c->module_dict) {
    return Py_NewRef(c->value);
  }
  PyObject* v = PyObject_GetAttr(owner, c->name);
  if (v != nullptr) {
    ember::runtime::fillValueIndex(c, owner, v, AttrCache::InstanceValue);
    if (c->kind != AttrCache::InstanceValue || c->type_version != tp->tp_version_tag) {
      ember::runtime::fillSlot(c, owner, false);
      ember::runtime::fillModuleAttr(c, owner, v);
    }
  }
  return v;
}

int ember_h_load_method_cached_into(_PyInterpreterFrame* frame, PyObject* owner, int64_t cacheImm,
                                    int64_t slot) {
  auto* c = reinterpret_cast<AttrCache*>(cacheImm);
  PyObject** out = &frame->localsplus[slot];
  PyTypeObject* tp = Py_TYPE(owner);
  if (tp->tp_version_tag == c->type_version && c->kind == AttrCache::Method) {
    bool hit = true;
    if (c->keys != nullptr) {
      auto* keys = reinterpret_cast<PyHeapTypeObject*>(tp)->ht_cached_keys;
      hit = keys == c->keys && keys->dk_nentries == c->keys_nentries &&
            _PyDictOrValues_IsValues(ember::runtime::dictOrValues(owner));
    }
    if (hit) {
      out[0] = Py_NewRef(c->descr);
      out[1] = Py_NewRef(owner);
      return 0;
    }
  }
  int rc = ember_h_load_method_into(frame, owner, reinterpret_cast<int64_t>(c->name), slot);
  if (rc == 0 && out[0] != nullptr) ember::runtime::fillMethod(c, owner, out[0]);  // [meth, self]
  return rc;
}

int ember_h_store_attr_cached(PyObject* owner, PyObject* v, int64_t cacheImm) {
  auto* c = reinterpret_cast<AttrCache*>(cacheImm);
  PyTypeObject* tp = Py_TYPE(owner);
  if (tp->tp_version_tag == c->type_version && c->kind == AttrCache::StoreValue) {
    PyDictOrValues dorv = ember::runtime::dictOrValues(owner);
    if (_PyDictOrValues_IsValues(dorv)) {
      PyObject** slot = &_PyDictOrValues_GetValues(dorv)->values[c->index];
      PyObject* old = *slot;
      if (old != nullptr) {  // a new attribute also updates the insertion order: generic path
        *slot = Py_NewRef(v);
        Py_DECREF(old);
        return 0;
      }
    }
  }
  if (c->kind == AttrCache::Slot && tp->tp_version_tag == c->type_version) {
    PyObject** slot = reinterpret_cast<PyObject**>(reinterpret_cast<char*>(owner) + c->offset);
    PyObject* old = *slot;
    *slot = Py_NewRef(v);
    Py_XDECREF(old);
    return 0;
  }
  int rc = PyObject_SetAttr(owner, c->name, v);
  if (rc == 0) {
    ember::runtime::fillValueIndex(c, owner, v, AttrCache::StoreValue);
    if (c->kind != AttrCache::StoreValue || c->type_version != tp->tp_version_tag) {
      ember::runtime::fillSlot(c, owner, true);
    }
  }
  return rc;
}

PyObject* ember_h_load_global_cached(_PyInterpreterFrame* frame, int64_t cacheImm) {
  auto* c = reinterpret_cast<GlobalCache*>(cacheImm);
  if (c->epoch == ember::runtime::g_epoch && c->globals == frame->f_globals &&
      c->builtins == frame->f_builtins) {
    return Py_NewRef(c->value);
  }
  PyObject* v = ember_h_load_global(frame, reinterpret_cast<int64_t>(c->name));
  if (v != nullptr && PyDict_CheckExact(frame->f_globals) && PyDict_CheckExact(frame->f_builtins) &&
      ember::runtime::watch(frame->f_globals) && ember::runtime::watch(frame->f_builtins)) {
    c->epoch = ember::runtime::g_epoch;
    c->globals = frame->f_globals;
    c->builtins = frame->f_builtins;
    c->value = v;
  }
  return v;
}

}  // extern "C"
