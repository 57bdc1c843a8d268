// Pattern-matching helpers: MATCH_MAPPING, MATCH_SEQUENCE, MATCH_KEYS and
// MATCH_CLASS (PEP 634, 3.12).
//
// match_keys and match_class re-implement ceval.c's static `match_keys`,
// `match_class` and `match_class_attr` with their exact errors:
//  - keys are looked up with the two-argument `get(key, dummy)` so that
//    defaultdict-style __missing__ is never triggered; a repeated key is
//    "mapping pattern checks duplicate key (k)";
//  - a class pattern requires a type ("called match pattern must be a class"),
//    an isinstance match, and then positional sub-patterns named by a tuple
//    __match_args__ ("C.__match_args__ must be a tuple (got list)",
//    "__match_args__ elements must be strings (got int)", "C() accepts 1
//    positional sub-pattern (2 given)"), or the subject itself for the builtin
//    types flagged _Py_TPFLAGS_MATCH_SELF; an attribute matched twice is "C() got
//    multiple sub-patterns for attribute 'a'". A missing attribute is no match.
// Both return a tuple on a match, None on no match, NULL on error.
#include "ember/runtime/helpers.h"

namespace {

// getattr(subject, name) for a sub-pattern; NULL without an exception means
// "no such attribute" (no match).
PyObject* matchClassAttr(PyObject* subject, PyObject* type, PyObject* name, PyObject* seen) {
  if (PySet_Contains(seen, name) || PySet_Add(seen, name)) {
    if (!PyErr_Occurred()) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple sub-patterns for attribute %R",
                   reinterpret_cast<PyTypeObject*>(type)->tp_name, name);
    }
    return nullptr;
  }
  PyObject* attr = PyObject_GetAttr(subject, name);
  if (attr == nullptr && PyErr_ExceptionMatches(PyExc_AttributeError)) {
    PyErr_Clear();
  }
  return attr;
}

// The tuple of extracted attributes, or NULL (no match when no exception).
PyObject* matchClass(PyObject* subject, PyObject* type, Py_ssize_t nargs, PyObject* kwargs) {
  if (!PyType_Check(type)) {
    PyErr_SetString(PyExc_TypeError, "called match pattern must be a class");
    return nullptr;
  }
  if (PyObject_IsInstance(subject, type) <= 0) {
    return nullptr;
  }
  PyObject* seen = PySet_New(nullptr);
  if (seen == nullptr) {
    return nullptr;
  }
  PyObject* attrs = PyList_New(0);
  if (attrs == nullptr) {
    Py_DECREF(seen);
    return nullptr;
  }
  PyObject* matchArgs = nullptr;
  auto* tp = reinterpret_cast<PyTypeObject*>(type);
  if (nargs) {
    bool matchSelf = false;
    matchArgs = PyObject_GetAttrString(type, "__match_args__");
    if (matchArgs != nullptr) {
      if (!PyTuple_CheckExact(matchArgs)) {
        PyErr_Format(PyExc_TypeError, "%s.__match_args__ must be a tuple (got %s)", tp->tp_name,
                     Py_TYPE(matchArgs)->tp_name);
        goto fail;
      }
    } else if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Clear();
      // _Py_TPFLAGS_MATCH_SELF counts only when __match_args__ is absent.
      matchArgs = PyTuple_New(0);
      if (matchArgs == nullptr) {
        goto fail;
      }
      matchSelf = PyType_HasFeature(tp, _Py_TPFLAGS_MATCH_SELF);
    } else {
      goto fail;
    }
    Py_ssize_t allowed = matchSelf ? 1 : PyTuple_GET_SIZE(matchArgs);
    if (allowed < nargs) {
      PyErr_Format(PyExc_TypeError, "%s() accepts %d positional sub-pattern%s (%d given)",
                   tp->tp_name, static_cast<int>(allowed), allowed == 1 ? "" : "s",
                   static_cast<int>(nargs));
      goto fail;
    }
    if (matchSelf) {
      if (PyList_Append(attrs, subject) < 0) {
        goto fail;
      }
    } else {
      for (Py_ssize_t i = 0; i < nargs; i++) {
        PyObject* name = PyTuple_GET_ITEM(matchArgs, i);
        if (!PyUnicode_CheckExact(name)) {
          PyErr_Format(PyExc_TypeError, "__match_args__ elements must be strings (got %s)",
                       Py_TYPE(name)->tp_name);
          goto fail;
        }
        PyObject* attr = matchClassAttr(subject, type, name, seen);
        if (attr == nullptr) {
          goto fail;
        }
        int err = PyList_Append(attrs, attr);
        Py_DECREF(attr);
        if (err < 0) {
          goto fail;
        }
      }
    }
    Py_CLEAR(matchArgs);
  }
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwargs); i++) {
    PyObject* attr = matchClassAttr(subject, type, PyTuple_GET_ITEM(kwargs, i), seen);
    if (attr == nullptr) {
      goto fail;
    }
    int err = PyList_Append(attrs, attr);
    Py_DECREF(attr);
    if (err < 0) {
      goto fail;
    }
  }
  Py_SETREF(attrs, PyList_AsTuple(attrs));
  Py_DECREF(seen);
  return attrs;
fail:
  Py_XDECREF(matchArgs);
  Py_DECREF(seen);
  Py_DECREF(attrs);
  return nullptr;
}

}  // namespace

extern "C" {

PyObject* ember_h_match_mapping(PyObject* subject) {
  bool match = (Py_TYPE(subject)->tp_flags & Py_TPFLAGS_MAPPING) != 0;
  return Py_NewRef(match ? Py_True : Py_False);
}

PyObject* ember_h_match_sequence(PyObject* subject) {
  bool match = (Py_TYPE(subject)->tp_flags & Py_TPFLAGS_SEQUENCE) != 0;
  return Py_NewRef(match ? Py_True : Py_False);
}

PyObject* ember_h_match_keys(PyObject* map, PyObject* keys) {
  Py_ssize_t nkeys = PyTuple_GET_SIZE(keys);
  if (nkeys == 0) {
    return PyTuple_New(0);
  }
  PyObject* seen = nullptr;
  PyObject* dummy = nullptr;
  PyObject* values = nullptr;
  PyObject* get = nullptr;
  int methFound = _PyObject_GetMethod(map, &_Py_ID(get), &get);
  if (get == nullptr) {
    goto fail;
  }
  seen = PySet_New(nullptr);
  if (seen == nullptr) {
    goto fail;
  }
  dummy = PyObject_CallNoArgs(reinterpret_cast<PyObject*>(&PyBaseObject_Type));
  if (dummy == nullptr) {
    goto fail;
  }
  values = PyTuple_New(nkeys);
  if (values == nullptr) {
    goto fail;
  }
  for (Py_ssize_t i = 0; i < nkeys; i++) {
    PyObject* key = PyTuple_GET_ITEM(keys, i);
    if (PySet_Contains(seen, key) || PySet_Add(seen, key)) {
      if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_ValueError, "mapping pattern checks duplicate key (%R)", key);
      }
      goto fail;
    }
    PyObject* args[] = {map, key, dummy};
    PyObject* value = methFound ? PyObject_Vectorcall(get, args, 3, nullptr)
                                : PyObject_Vectorcall(get, &args[1], 2, nullptr);
    if (value == nullptr) {
      goto fail;
    }
    if (value == dummy) {
      Py_DECREF(value);
      Py_SETREF(values, Py_NewRef(Py_None));  // a key is missing: no match
      break;
    }
    PyTuple_SET_ITEM(values, i, value);
  }
  Py_DECREF(get);
  Py_DECREF(seen);
  Py_DECREF(dummy);
  return values;
fail:
  Py_XDECREF(get);
  Py_XDECREF(seen);
  Py_XDECREF(dummy);
  Py_XDECREF(values);
  return nullptr;
}

PyObject* ember_h_match_class(PyObject* subject, PyObject* type, PyObject* names, int64_t nargs) {
  PyObject* attrs = matchClass(subject, type, nargs, names);
  if (attrs != nullptr) {
    return attrs;
  }
  if (PyErr_Occurred()) {
    return nullptr;
  }
  return Py_NewRef(Py_None);
}

}  // extern "C"
