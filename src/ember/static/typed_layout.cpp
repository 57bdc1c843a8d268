// Typed class layouts: fixed-offset fields with checked stores.
//
// A static class is created by CPython's type() with `__slots__` naming its
// fields, so every field already has a fixed offset in the instance and no
// per-instance __dict__ exists unless asked for. layout() then turns each slot
// into a TypedSlot descriptor:
//  - object fields keep a PyObject* at the offset; stores check the declared
//    type (TypeError "C.x: expected 'int', got 'str'"); reads of an unset
//    field return the class-level default or raise AttributeError;
//  - primitive fields store the raw value at the offset in the kind's natural
//    width (int8 is 1 byte, double 8). The slot's PyMemberDef type is switched
//    from Py_T_OBJECT_EX to Py_T_LONGLONG so CPython's GC traversal and
//    clear_slots() stop treating those 8 bytes as a pointer. Instances start
//    zeroed; to give a primitive field a non-zero default without a
//    constructor hook, the stored bits are XORed with the default's bits
//    (`xor` in the metadata; 0 for the common default 0).
// `final=True` clears Py_TPFLAGS_BASETYPE, so subclassing raises TypeError
// whatever the subclass's origin. The class gets `__ember_layout__`: a tuple
// of (name, offset, kind, type name, xor) for the fields it declares itself,
// which is the layout contract with the JIT (docs/static-python.md).
#include <cstring>

#include "ember/static/runtime.h"

namespace ember::staticpy {
namespace {

struct TypedSlot {
  PyObject_HEAD
  PyObject* name;
  PyTypeObject* owner;
  Py_ssize_t offset;
  CheckSpec spec;
  PyObject* dflt;  // object fields: value read when unset (may be null)
  uint64_t xorBits;
};

PyTypeObject TypedSlotType = {PyVarObject_HEAD_INIT(nullptr, 0)};

bool checkOwner(TypedSlot* self, PyObject* obj) {
  if (PyObject_TypeCheck(obj, self->owner)) return true;
  PyErr_Format(PyExc_TypeError, "descriptor '%U' for '%s' objects doesn't apply to a '%s' object", self->name,
               self->owner->tp_name, Py_TYPE(obj)->tp_name);
  return false;
}

PyObject* slotGet(PyObject* o, PyObject* obj, PyObject*) {
  auto* self = (TypedSlot*)o;
  if (obj == nullptr) return Py_NewRef(o);
  if (!checkOwner(self, obj)) return nullptr;
  char* addr = (char*)obj + self->offset;
  if (self->spec.kind != 0) {
    uint64_t bits = 0;
    memcpy(&bits, addr, kindSize(self->spec.kind));
    bits ^= self->xorBits;
    return loadPrimitive(self->spec.kind, &bits);
  }
  PyObject* v = *(PyObject**)addr;
  if (v) return Py_NewRef(v);
  if (self->dflt) return Py_NewRef(self->dflt);
  PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '%U'", Py_TYPE(obj)->tp_name, self->name);
  return nullptr;
}

int slotSet(PyObject* o, PyObject* obj, PyObject* value) {
  auto* self = (TypedSlot*)o;
  if (!checkOwner(self, obj)) return -1;
  char* addr = (char*)obj + self->offset;
  PyObject* qn = ((PyHeapTypeObject*)self->owner)->ht_qualname;
  if (self->spec.kind != 0) {
    if (!value) {
      PyErr_Format(PyExc_AttributeError, "cannot delete primitive field '%U.%U'", qn, self->name);
      return -1;
    }
    uint64_t bits = 0;
    CheckResult r = storePrimitive(self->spec.kind, &bits, value);
    if (r != CheckResult::kOk) {
      raiseCheckError(self->spec, r, value, "%U.%U", qn, self->name);
      return -1;
    }
    bits ^= self->xorBits;
    memcpy(addr, &bits, kindSize(self->spec.kind));
    return 0;
  }
  PyObject** slot = (PyObject**)addr;
  if (!value) {
    if (!*slot) {
      PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '%U'", Py_TYPE(obj)->tp_name, self->name);
      return -1;
    }
    Py_CLEAR(*slot);
    return 0;
  }
  PyObject* v = checkOrRaise(self->spec, value, "%U.%U", qn, self->name);
  if (!v) return -1;
  Py_XSETREF(*slot, v);
  return 0;
}

int slotTraverse(PyObject* o, visitproc visit, void* arg) {
  auto* self = (TypedSlot*)o;
  Py_VISIT(self->owner);
  Py_VISIT(self->dflt);
  return self->spec.traverse(visit, arg);
}

int slotClear(PyObject* o) {
  auto* self = (TypedSlot*)o;
  Py_CLEAR(self->owner);
  Py_CLEAR(self->dflt);
  self->spec.clear();
  return 0;
}

void slotDealloc(PyObject* o) {
  PyObject_GC_UnTrack(o);
  slotClear(o);
  Py_CLEAR(((TypedSlot*)o)->name);
  Py_TYPE(o)->tp_free(o);
}

PyObject* slotRepr(PyObject* o) {
  auto* self = (TypedSlot*)o;
  PyObject* t = specName(self->spec);
  if (!t) return nullptr;
  PyObject* r = PyUnicode_FromFormat("<typed field '%U' of '%s': %U at offset %zd>", self->name,
                                     self->owner ? self->owner->tp_name : "?", t, self->offset);
  Py_DECREF(t);
  return r;
}

PyObject* slotOffset(PyObject* o, void*) { return PyLong_FromSsize_t(((TypedSlot*)o)->offset); }
PyObject* slotKind(PyObject* o, void*) { return PyLong_FromLong(((TypedSlot*)o)->spec.kind); }
PyObject* slotName(PyObject* o, void*) { return Py_NewRef(((TypedSlot*)o)->name); }
PyObject* slotType(PyObject* o, void*) { return specName(((TypedSlot*)o)->spec); }

PyGetSetDef kSlotGetSet[] = {
    {"offset", slotOffset, nullptr, nullptr, nullptr},
    {"kind", slotKind, nullptr, nullptr, nullptr},
    {"__name__", slotName, nullptr, nullptr, nullptr},
    {"type_name", slotType, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// layout(cls, fields, final): fields is a tuple of (name, spec) or
// (name, spec, default) for the slots this class declares.
PyObject* layout(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 3 || !PyType_Check(args[0]) || !PyTuple_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "layout(cls, fields: tuple, final: bool)");
    return nullptr;
  }
  auto* cls = (PyTypeObject*)args[0];
  PyObject* fields = args[1];
  PyObject* summary = PyTuple_New(PyTuple_GET_SIZE(fields));
  if (!summary) return nullptr;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
    PyObject* f = PyTuple_GET_ITEM(fields, i);
    if (!PyTuple_Check(f) || PyTuple_GET_SIZE(f) < 2) {
      PyErr_SetString(PyExc_TypeError, "layout: a field is (name, spec[, default])");
      Py_DECREF(summary);
      return nullptr;
    }
    PyObject* name = PyTuple_GET_ITEM(f, 0);
    PyObject* descr = PyDict_GetItemWithError(cls->tp_dict, name);
    if (!descr || Py_TYPE(descr) != &PyMemberDescr_Type) {
      if (!PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "layout: '%U' is not a slot of %s", name, cls->tp_name);
      Py_DECREF(summary);
      return nullptr;
    }
    auto* member = (PyMemberDef*)((PyMemberDescrObject*)descr)->d_member;
    auto* slot = PyObject_GC_New(TypedSlot, &TypedSlotType);
    if (!slot) {
      Py_DECREF(summary);
      return nullptr;
    }
    slot->name = Py_NewRef(name);
    slot->owner = (PyTypeObject*)Py_NewRef(cls);
    slot->offset = member->offset;
    new (&slot->spec) CheckSpec();
    slot->dflt = nullptr;
    slot->xorBits = 0;
    PyObject_GC_Track(slot);
    bool ok = parseSpec(PyTuple_GET_ITEM(f, 1), slot->spec);
    PyObject* dflt = PyTuple_GET_SIZE(f) > 2 ? PyTuple_GET_ITEM(f, 2) : nullptr;
    if (ok && slot->spec.kind != 0) {
      if (dflt) {
        CheckResult r = storePrimitive(slot->spec.kind, &slot->xorBits, dflt);
        if (r != CheckResult::kOk) {
          raiseCheckError(slot->spec, r, dflt, "default of %U", name);
          ok = false;
        }
      }
      member->type = Py_T_LONGLONG;  // no longer a PyObject* for GC and clear_slots
    } else if (ok && dflt) {
      PyObject* v = checkOrRaise(slot->spec, dflt, "default of %s.%U", cls->tp_name, name);
      ok = v != nullptr;
      slot->dflt = v;
    }
    PyObject* tn = ok ? specName(slot->spec) : nullptr;
    PyObject* row = tn ? Py_BuildValue("(OniNK)", name, slot->offset, slot->spec.kind, tn,
                                       (unsigned long long)slot->xorBits)
                       : nullptr;
    if (!row || PyObject_SetAttr((PyObject*)cls, name, (PyObject*)slot) < 0) {
      Py_XDECREF(row);
      Py_DECREF(slot);
      Py_DECREF(summary);
      return nullptr;
    }
    Py_DECREF(slot);
    PyTuple_SET_ITEM(summary, i, row);
  }
  int r = PyObject_SetAttrString((PyObject*)cls, "__ember_layout__", summary);
  Py_DECREF(summary);
  if (r < 0) return nullptr;
  if (PyObject_IsTrue(args[2]) == 1) {
    cls->tp_flags &= ~Py_TPFLAGS_BASETYPE;
    PyType_Modified(cls);
  }
  return Py_NewRef(args[0]);
}

PyMethodDef kFuncs[] = {
    {"layout", (PyCFunction)(void (*)(void))layout, METH_FASTCALL,
     "layout(cls, fields, final): install typed field descriptors on a static class"},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

int initTypedLayout(PyObject* module) {
  PyTypeObject& t = TypedSlotType;
  t.tp_name = "ember._static.TypedSlot";
  t.tp_basicsize = sizeof(TypedSlot);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  t.tp_traverse = slotTraverse;
  t.tp_clear = slotClear;
  t.tp_dealloc = slotDealloc;
  t.tp_descr_get = slotGet;
  t.tp_descr_set = slotSet;
  t.tp_repr = slotRepr;
  t.tp_getset = kSlotGetSet;
  if (PyType_Ready(&t) < 0) return -1;
  if (PyModule_AddObjectRef(module, "TypedSlot", (PyObject*)&t) < 0) return -1;
  return PyModule_AddFunctions(module, kFuncs);
}

}  // namespace ember::staticpy
