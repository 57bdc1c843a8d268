// Attribute helpers: LOAD_ATTR (plain and method forms), LOAD_SUPER_ATTR,
// STORE_ATTR, DELETE_ATTR (3.12 generic forms).
//
// load_method_into uses the exported `_PyObject_GetMethod`, which finds a plain
// function or method descriptor on the type without binding it; the pair it
// leaves is what CALL expects: [meth, self] or [NULL, attr].
//
// load_super_attr_into follows the *generic* LOAD_SUPER_ATTR: it calls
// `global_super` (normally the builtin super) with (class, self) when oparg
// bit 1 is set (explicit `super(C, self).x`), or with no arguments when it is
// clear (zero-argument `super().x`: super() then finds __class__ and self in
// the current frame, which is the compiled frame, so it must be linked with
// prev_instr past its RESUME), and takes the attribute from the super object.
// The method form therefore writes [NULL, bound attr], exactly as the generic
// instruction does; the specialised LOAD_SUPER_ATTR_METHOD would
// write [meth, self] via the hidden _PySuper_Lookup, which differs only in not
// allocating the bound method.
#include "ember/runtime/helpers.h"
#include "ember/runtime/helpers_internal.h"

using ember::runtime::detail::objectImm;

extern "C" {

PyObject* ember_h_load_attr(PyObject* owner, int64_t name) {
  return PyObject_GetAttr(owner, objectImm(name));
}

int ember_h_load_method_into(_PyInterpreterFrame* frame, PyObject* owner, int64_t name,
                             int64_t slot) {
  PyObject** out = &frame->localsplus[slot];
  PyObject* meth = nullptr;
  if (_PyObject_GetMethod(owner, objectImm(name), &meth)) {
    out[0] = meth;
    out[1] = Py_NewRef(owner);
    return 0;
  }
  out[0] = nullptr;
  out[1] = meth;
  return meth == nullptr ? -1 : 0;
}

int ember_h_load_super_attr_into(_PyInterpreterFrame* frame, PyObject* global_super,
                                 PyObject* cls, PyObject* self, int64_t oparg, int64_t slot) {
  PyObject** out = &frame->localsplus[slot];
  const bool methodForm = (oparg & 1) != 0;
  out[0] = nullptr;
  if (methodForm) {
    out[1] = nullptr;
  }
  PyObject* name = PyTuple_GET_ITEM(frame->f_code->co_names, oparg >> 2);
  PyObject* stack[] = {cls, self};
  PyObject* super = PyObject_Vectorcall(global_super, stack, oparg & 2, nullptr);
  if (super == nullptr) {
    return -1;
  }
  PyObject* res = PyObject_GetAttr(super, name);
  Py_DECREF(super);
  if (res == nullptr) {
    return -1;
  }
  out[methodForm ? 1 : 0] = res;
  return 0;
}

int ember_h_store_attr(PyObject* owner, PyObject* v, int64_t name) {
  return PyObject_SetAttr(owner, objectImm(name), v);
}

int ember_h_delete_attr(PyObject* owner, int64_t name) {
  return PyObject_SetAttr(owner, objectImm(name), nullptr);
}

}  // extern "C"
