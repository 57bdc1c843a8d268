// Import helpers: IMPORT_NAME and IMPORT_FROM (3.12 ceval.c import_name /
// import_from, both static there).
//
// import_name finds `__import__` in the frame's builtins (ImportError
// "__import__ not found" if absent). When it is still the interpreter's
// original builtin (interp->imports.import_func; the interpreter's check,
// _PyImport_IsDefaultImportFunc, is hidden but compares exactly that) the call
// short-cuts to PyImport_ImportModuleLevelObject; otherwise the replacement is
// called with (name, globals, locals-or-None, fromlist, level). Compiled frames
// are optimised, so locals is None.
//
// import_from is getattr(module, name) with the circular-import fallback to
// sys.modules["<module.__name__>.<name>"], and otherwise the interpreter's
// ImportError (with .name, .path and .name_from set): "cannot import name 'x'
// from 'm' (unknown location)", "... from 'm' (/path)", or "... from partially
// initialized module 'm' (most likely due to a circular import) (/path)".
// The hidden _PyErr_SetImportErrorWithNameFrom is PyErr_SetImportError plus the
// name_from field, which is what we do.
#include "ember/runtime/helpers.h"
#include "ember/runtime/helpers_internal.h"

using ember::runtime::detail::objectImm;

namespace {

// PyErr_SetImportError(msg, name, path) + ImportError.name_from = from.
void setImportErrorWithNameFrom(PyObject* msg, PyObject* name, PyObject* path, PyObject* from) {
  if (msg == nullptr) {
    return;  // the message could not be built; that error stands
  }
  PyErr_SetImportError(msg, name, path);
  PyObject* exc = PyErr_GetRaisedException();
  if (exc != nullptr && PyErr_GivenExceptionMatches(exc, PyExc_ImportError)) {
    auto* ie = reinterpret_cast<PyImportErrorObject*>(exc);
    Py_XSETREF(ie->name_from, Py_NewRef(from));
  }
  PyErr_SetRaisedException(exc);
}

}  // namespace

extern "C" {

PyObject* ember_h_import_name(_PyInterpreterFrame* frame, PyObject* level, PyObject* fromlist,
                              int64_t nameImm) {
  PyObject* name = objectImm(nameImm);
  PyObject* builtins = frame->f_builtins;
  // As the interpreter: a plain dict lookup (a non-dict builtins mapping gets
  // the same SystemError the interpreter raises).
  PyObject* importFunc = Py_XNewRef(_PyDict_GetItemWithError(builtins, &_Py_ID(__import__)));
  if (importFunc == nullptr) {
    if (!PyErr_Occurred()) {
      PyErr_SetString(PyExc_ImportError, "__import__ not found");
    }
    return nullptr;
  }
  PyObject* locals = frame->f_locals == nullptr ? Py_None : frame->f_locals;
  PyInterpreterState* interp = PyInterpreterState_Get();
  if (importFunc == interp->imports.import_func) {
    Py_DECREF(importFunc);
    int ilevel = _PyLong_AsInt(level);
    if (ilevel == -1 && PyErr_Occurred()) {
      return nullptr;
    }
    return PyImport_ImportModuleLevelObject(name, frame->f_globals, locals, fromlist, ilevel);
  }
  PyObject* stack[] = {name, frame->f_globals, locals, fromlist, level};
  PyObject* res = PyObject_Vectorcall(importFunc, stack, 5, nullptr);
  Py_DECREF(importFunc);
  return res;
}

PyObject* ember_h_import_from(PyObject* module, int64_t nameImm) {
  PyObject* name = objectImm(nameImm);
  PyObject* x = PyObject_GetAttr(module, name);
  if (x != nullptr || !PyErr_ExceptionMatches(PyExc_AttributeError)) {
    return x;
  }
  // Issue #17636: a circular relative import may have put the submodule in
  // sys.modules before binding it as an attribute of its package.
  PyErr_Clear();
  PyObject* pkgname = PyObject_GetAttr(module, &_Py_ID(__name__));
  PyObject* pkgnameOrUnknown;
  PyObject* pkgpath;
  PyObject* errmsg;
  if (pkgname == nullptr) {
    goto error;
  }
  if (!PyUnicode_Check(pkgname)) {
    Py_CLEAR(pkgname);
    goto error;
  }
  {
    PyObject* fullname = PyUnicode_FromFormat("%U.%U", pkgname, name);
    if (fullname == nullptr) {
      Py_DECREF(pkgname);
      return nullptr;
    }
    x = PyImport_GetModule(fullname);
    Py_DECREF(fullname);
    if (x == nullptr && !PyErr_Occurred()) {
      goto error;
    }
    Py_DECREF(pkgname);
    return x;
  }
error:
  pkgpath = PyModule_GetFilenameObject(module);
  if (pkgname == nullptr) {
    pkgnameOrUnknown = PyUnicode_FromString("<unknown module name>");
    if (pkgnameOrUnknown == nullptr) {
      Py_XDECREF(pkgpath);
      return nullptr;
    }
  } else {
    pkgnameOrUnknown = pkgname;
  }
  if (pkgpath == nullptr || !PyUnicode_Check(pkgpath)) {
    PyErr_Clear();
    errmsg = PyUnicode_FromFormat("cannot import name %R from %R (unknown location)", name,
                                  pkgnameOrUnknown);
    setImportErrorWithNameFrom(errmsg, pkgname, nullptr, name);
  } else {
    PyObject* spec = PyObject_GetAttr(module, &_Py_ID(__spec__));
    const char* fmt = _PyModuleSpec_IsInitializing(spec)
                          ? "cannot import name %R from partially initialized module %R "
                            "(most likely due to a circular import) (%S)"
                          : "cannot import name %R from %R (%S)";
    Py_XDECREF(spec);
    errmsg = PyUnicode_FromFormat(fmt, name, pkgnameOrUnknown, pkgpath);
    setImportErrorWithNameFrom(errmsg, pkgname, pkgpath, name);
  }
  Py_XDECREF(errmsg);
  Py_XDECREF(pkgpath);
  Py_DECREF(pkgnameOrUnknown);
  return nullptr;
}

}  // extern "C"
