// HeapWalker implementation. See heap_walker.h for the what/why/invariants.
//
// Notes on the CPython 3.12 facts this file relies on (all read from the
// 3.12 headers and sources, none copied):
//  - On 64-bit builds an object is immortal when the low 32 bits of
//    ob_refcnt, read as int32, are negative; Py_INCREF saturates at
//    0xFFFFFFFF and Py_DECREF returns early. We store exactly
//    _Py_IMMORTAL_REFCNT (0xFFFFFFFF), like _Py_SetImmortal.
//  - The GC lists are intrusive doubly-linked lists through the PyGC_Head
//    that precedes each tracked object; interp->gc.permanent_generation is
//    the list gc.freeze() fills and no collection ever scans.
//  - type_traverse() aborts the process when called on a static type, so GC
//    traversal is gated on PyObject_IS_GC(), which is false for them.
//  - The lazily assigned versions mirror _PyFunction_GetVersionForCurrentState
//    and _PyDictKeys_GetVersionForCurrentState (not exported from
//    libpython): take the interpreter's next counter unless it wrapped to 0.
#include "ember/immortal/heap_walker.h"

#include <internal/pycore_dict.h>
#include <internal/pycore_gc.h>

#include <new>

namespace ember::immortal {

namespace {

// The GC list helpers from pycore_gc.h, spelled out so this file does not
// depend on which of them a given 3.12 patch release makes inline.
PyGC_Head* gcNext(PyGC_Head* g) { return reinterpret_cast<PyGC_Head*>(g->_gc_next); }
PyObject* fromGc(PyGC_Head* g) { return reinterpret_cast<PyObject*>(g + 1); }
bool gcIsTracked(PyObject* op) { return (reinterpret_cast<PyGC_Head*>(op) - 1)->_gc_next != 0; }

bool hasCallbackWeakref(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  // Static builtin types keep their weak references in the interpreter
  // state; callers never ask about type objects, so the offset is valid.
  if (type->tp_weaklistoffset == 0) {
    return false;
  }
  auto** head = reinterpret_cast<PyWeakReference**>(reinterpret_cast<char*>(op) + type->tp_weaklistoffset);
  for (PyWeakReference* ref = *head; ref != nullptr; ref = ref->wr_next) {
    if (ref->wr_callback != nullptr) {
      return true;
    }
  }
  return false;
}

// Untracked GC objects are traversed only when they are of a builtin type
// known to be complete while untracked (CPython untracks tuples and dicts of
// atomic values as an optimisation). Other untracked objects may be under
// construction in some C code, and the collector never traverses them either.
bool safeToTraverseUntracked(PyObject* op) {
  return PyTuple_CheckExact(op) || PyDict_CheckExact(op) || PyFrozenSet_CheckExact(op) ||
         PySet_CheckExact(op);
}

}  // namespace

HeapWalker::HeapWalker() : interp_(PyInterpreterState_Get()), seen_(1 << 16) {}

MortalReason HeapWalker::mortalReason(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  if (PyFrame_Check(op)) {
    return MortalReason::Frame;
  }
  if (type->tp_finalize != nullptr || type->tp_del != nullptr) {
    return MortalReason::Finalizer;
  }
  if (!PyType_Check(op) && hasCallbackWeakref(op)) {
    return MortalReason::WeakCallback;
  }
  return MortalReason::None;
}

int HeapWalker::visitCallback(PyObject* child, void* self) {
  auto* walker = static_cast<HeapWalker*>(self);
  try {
    walker->push(child);
  } catch (const std::bad_alloc&) {
    walker->outOfMemory_ = true;
    return 1;  // stops this tp_traverse; run() reports MemoryError
  }
  return 0;
}

void HeapWalker::push(PyObject* op) {
  if (op == nullptr) {
    return;
  }
  if (seen_.insert(op)) {
    stack_.push_back(op);
  }
}

bool HeapWalker::run(WalkReport& report) {
  report = WalkReport{};
  report_ = &report;
  try {
    struct _gc_runtime_state* gc = &interp_->gc;
    PyGC_Head* lists[] = {&gc->permanent_generation.head, &gc->generations[0].head,
                          &gc->generations[1].head, &gc->generations[2].head};
    for (PyGC_Head* head : lists) {
      for (PyGC_Head* g = gcNext(head); g != head; g = gcNext(g)) {
        ++report.roots;
        push(fromGc(g));
      }
    }
    while (!stack_.empty() && !outOfMemory_) {
      PyObject* op = stack_.back();
      stack_.pop_back();
      process(op);
    }
  } catch (const std::bad_alloc&) {
    outOfMemory_ = true;
  }
  report_ = nullptr;
  if (outOfMemory_) {
    PyErr_NoMemory();
    return false;
  }
  return true;
}

void HeapWalker::process(PyObject* op) {
  ++report_->visited;
  if (_Py_IsImmortal(op)) {
    ++report_->alreadyImmortal;
  } else if (Py_REFCNT(op) <= 0) {
    return;  // being deallocated by someone up the C stack: do not touch
  } else {
    switch (mortalReason(op)) {
      case MortalReason::None:
        op->ob_refcnt = _Py_IMMORTAL_REFCNT;
        ++report_->madeImmortal;
        break;
      case MortalReason::Finalizer:
        ++report_->mortalFinalizer;
        break;
      case MortalReason::WeakCallback:
        ++report_->mortalWeakCallback;
        break;
      case MortalReason::Frame:
        ++report_->mortalFrame;
        break;
    }
  }
  precompute(op);
  push(reinterpret_cast<PyObject*>(Py_TYPE(op)));
  visitChildren(op);
}

void HeapWalker::visitChildren(PyObject* op) {
  PyTypeObject* type = Py_TYPE(op);
  if (PyObject_IS_GC(op) && type->tp_traverse != nullptr &&
      (gcIsTracked(op) || safeToTraverseUntracked(op))) {
    type->tp_traverse(op, &HeapWalker::visitCallback, this);
    if (outOfMemory_) {
      return;
    }
  }
  if (PyCode_Check(op)) {
    visitCode(reinterpret_cast<PyCodeObject*>(op));
  } else if (PyDict_Check(op)) {
    visitDictKeys(op);
  } else if (PyType_Check(op)) {
    visitType(reinterpret_cast<PyTypeObject*>(op));
  }
}

// Code objects are not GC objects in 3.12: nothing else reports what they
// hold. Every PyObject* field is listed; co_weakreflist is deliberately not
// (weak references do not keep anything alive) and co_extra is opaque.
void HeapWalker::visitCode(PyCodeObject* code) {
  push(code->co_consts);
  push(code->co_names);
  push(code->co_exceptiontable);
  push(code->co_localsplusnames);
  push(code->co_localspluskinds);
  push(code->co_filename);
  push(code->co_name);
  push(code->co_qualname);
  push(code->co_linetable);
  if (code->_co_cached != nullptr) {
    push(code->_co_cached->_co_code);
    push(code->_co_cached->_co_varnames);
    push(code->_co_cached->_co_cellvars);
    push(code->_co_cached->_co_freevars);
  }
}

// dict_traverse skips str keys (they cannot form cycles); walk all keys.
// PyDict_Next runs no Python code and returns borrowed references.
void HeapWalker::visitDictKeys(PyObject* dict) {
  Py_ssize_t pos = 0;
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    push(key);
    push(value);
  }
}

void HeapWalker::visitType(PyTypeObject* type) {
  if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
    // type_traverse (already run) covers dict, mro, bases, module; the
    // names, slots and subclass weakrefs are left out there on purpose.
    auto* heap = reinterpret_cast<PyHeapTypeObject*>(type);
    push(heap->ht_name);
    push(heap->ht_qualname);
    push(heap->ht_slots);
    push(static_cast<PyObject*>(type->tp_subclasses));  // a dict for heap types
    // The attribute names of instances with inline values.
    if (PyDictKeysObject* keys = heap->ht_cached_keys) {
      PyDictUnicodeEntry* entries = DK_UNICODE_ENTRIES(keys);
      for (Py_ssize_t i = 0; i < keys->dk_nentries; ++i) {
        push(entries[i].me_key);
      }
    }
    return;
  }
  // Static types are not GC objects, so nothing traversed them. For static
  // builtin types 3.12 keeps the dict in the interpreter state; the public
  // accessor finds it either way.
  if (type->tp_flags & Py_TPFLAGS_READY) {
    if (PyObject* dict = PyType_GetDict(type)) {
      push(dict);
      Py_DECREF(dict);  // the type still owns it
    }
  }
  push(type->tp_mro);
  push(type->tp_bases);
  push(reinterpret_cast<PyObject*>(type->tp_base));
}

void HeapWalker::versionKeysObject(PyDictKeysObject* keys) {
  // The shared empty keys object is static and immortal: leave it alone.
  if (keys == nullptr || keys->dk_version != 0 || keys->dk_refcnt == _Py_IMMORTAL_REFCNT) {
    return;
  }
  uint32_t& next = interp_->dict_state.next_keys_version;
  if (next == 0) {
    return;  // the counter wrapped: CPython stops handing out versions too
  }
  keys->dk_version = next++;
  ++report_->dictKeysVersioned;
}

void HeapWalker::versionDictKeys(PyObject* dict) {
  if (dict != nullptr && PyDict_Check(dict)) {
    versionKeysObject(reinterpret_cast<PyDictObject*>(dict)->ma_keys);
  }
}

// The one-time writes a worker would otherwise make on first use.
void HeapWalker::precompute(PyObject* op) {
  if (PyUnicode_Check(op)) {
    if (reinterpret_cast<PyASCIIObject*>(op)->hash == -1) {
      // The base implementation: never user code, even for subclasses.
      PyUnicode_Type.tp_hash(op);
      ++report_->stringsHashed;
    }
  } else if (PyBytes_Check(op)) {
    PyBytes_Type.tp_hash(op);  // caches ob_shash; cheap when already cached
  } else if (PyType_Check(op)) {
    auto* type = reinterpret_cast<PyTypeObject*>(op);
    if ((type->tp_flags & Py_TPFLAGS_READY) && !(type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) {
      if (PyUnstable_Type_AssignVersionTag(type)) {
        ++report_->typesTagged;
      } else {
        ++report_->typeTagFailures;
      }
    }
    if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
      versionKeysObject(reinterpret_cast<PyHeapTypeObject*>(type)->ht_cached_keys);
      versionDictKeys(type->tp_dict);
    }
  } else if (PyFunction_Check(op)) {
    auto* func = reinterpret_cast<PyFunctionObject*>(op);
    if (func->func_version == 0 && func->vectorcall == _PyFunction_Vectorcall &&
        interp_->func_state.next_version != 0) {
      func->func_version = interp_->func_state.next_version++;
      ++report_->functionsVersioned;
    }
    versionDictKeys(func->func_globals);
    versionDictKeys(func->func_builtins);
  } else if (PyModule_Check(op)) {
    versionDictKeys(PyModule_GetDict(op));
  }
}

}  // namespace ember::immortal
