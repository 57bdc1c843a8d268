// Container helpers: BUILD_TUPLE/LIST/SET/MAP/CONST_KEY_MAP, LIST_APPEND,
// SET_ADD, MAP_ADD, LIST_EXTEND, SET_UPDATE, DICT_UPDATE, DICT_MERGE (3.12).
//
// The interpreter's builders steal stack references through hidden helpers
// (_PyTuple_FromArraySteal, _PyList_FromArraySteal, _PyDict_FromItems); ember's
// helpers borrow, so they take new references with the public API and produce
// the same objects. Errors: hashing failures surface from PySet_Add /
// PyDict_SetItem as in the interpreter; LIST_EXTEND, DICT_UPDATE and
// DICT_MERGE rewrite the low-level error into the interpreter's messages
// ("Value after * must be an iterable, not X", "'X' object is not a mapping",
// "f() argument after ** must be a mapping, not X", "f() got multiple values
// for keyword argument 'k'"). The last two come from format_kwargs_error,
// re-implemented here as detail::formatKwargsError (CALL_FUNCTION_EX uses it
// too).
#include "ember/runtime/helpers.h"
#include "ember/runtime/helpers_internal.h"

namespace ember::runtime::detail {

void formatKwargsError(PyObject* func, PyObject* kwargs) {
  // _PyDict_MergeEx reports a non-mapping as the AttributeError of looking up
  // `keys`, and a duplicate key as KeyError(key).
  if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
    PyErr_Clear();
    PyObject* funcstr = _PyObject_FunctionStr(func);
    if (funcstr != nullptr) {
      PyErr_Format(PyExc_TypeError, "%U argument after ** must be a mapping, not %.200s", funcstr,
                   Py_TYPE(kwargs)->tp_name);
      Py_DECREF(funcstr);
    }
  } else if (PyErr_ExceptionMatches(PyExc_KeyError)) {
    PyObject* exc = PyErr_GetRaisedException();
    PyObject* args = reinterpret_cast<PyBaseExceptionObject*>(exc)->args;
    if (args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1) {
      PyObject* funcstr = _PyObject_FunctionStr(func);
      if (funcstr != nullptr) {
        PyErr_Format(PyExc_TypeError, "%U got multiple values for keyword argument '%S'", funcstr,
                     PyTuple_GET_ITEM(args, 0));
        Py_DECREF(funcstr);
      }
      Py_DECREF(exc);
    } else {
      PyErr_SetRaisedException(exc);
    }
  }
}

}  // namespace ember::runtime::detail

namespace {

// dict from parallel key/value arrays with strides, as _PyDict_FromItems.
PyObject* dictFromItems(PyObject* const* keys, Py_ssize_t keyStride, PyObject* const* values,
                        Py_ssize_t valueStride, Py_ssize_t n) {
  PyObject* dict = _PyDict_NewPresized(n);
  if (dict == nullptr) {
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    if (PyDict_SetItem(dict, keys[i * keyStride], values[i * valueStride]) < 0) {
      Py_DECREF(dict);
      return nullptr;
    }
  }
  return dict;
}

}  // namespace

extern "C" {

PyObject* ember_h_build_tuple(PyObject** args, Py_ssize_t count) {
  PyObject* tuple = PyTuple_New(count);
  if (tuple == nullptr) {
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < count; i++) {
    PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
  }
  return tuple;
}

PyObject* ember_h_build_list(PyObject** args, Py_ssize_t count) {
  PyObject* list = PyList_New(count);
  if (list == nullptr) {
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < count; i++) {
    PyList_SET_ITEM(list, i, Py_NewRef(args[i]));
  }
  return list;
}

PyObject* ember_h_build_set(PyObject** args, Py_ssize_t count) {
  PyObject* set = PySet_New(nullptr);
  if (set == nullptr) {
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < count; i++) {
    if (PySet_Add(set, args[i]) < 0) {
      Py_DECREF(set);
      return nullptr;
    }
  }
  return set;
}

PyObject* ember_h_build_map(PyObject** args, Py_ssize_t count) {
  return dictFromItems(args, 2, args + 1, 2, count / 2);
}

PyObject* ember_h_build_const_key_map(PyObject** args, Py_ssize_t count) {
  Py_ssize_t n = count - 1;
  PyObject* keys = args[n];
  if (!PyTuple_CheckExact(keys) || PyTuple_GET_SIZE(keys) != n) {
    PyErr_SetString(PyExc_SystemError, "bad BUILD_CONST_KEY_MAP keys argument");
    return nullptr;
  }
  return dictFromItems(&PyTuple_GET_ITEM(keys, 0), 1, args, 1, n);
}

int ember_h_list_append(PyObject* list, PyObject* v) { return PyList_Append(list, v); }

int ember_h_set_add(PyObject* set, PyObject* v) { return PySet_Add(set, v); }

int ember_h_map_add(PyObject* dict, PyObject* key, PyObject* value) {
  return PyDict_SetItem(dict, key, value);
}

int ember_h_list_extend(PyObject* list, PyObject* iterable) {
  PyObject* none = _PyList_Extend(reinterpret_cast<PyListObject*>(list), iterable);
  if (none == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(iterable)->tp_iter == nullptr &&
        !PySequence_Check(iterable)) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError, "Value after * must be an iterable, not %.200s",
                   Py_TYPE(iterable)->tp_name);
    }
    return -1;
  }
  Py_DECREF(none);
  return 0;
}

int ember_h_set_update(PyObject* set, PyObject* iterable) { return _PySet_Update(set, iterable); }

int ember_h_dict_update(PyObject* dict, PyObject* update) {
  if (PyDict_Update(dict, update) < 0) {
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Format(PyExc_TypeError, "'%.200s' object is not a mapping", Py_TYPE(update)->tp_name);
    }
    return -1;
  }
  return 0;
}

int ember_h_dict_merge(PyObject* callable, PyObject* dict, PyObject* update) {
  if (_PyDict_MergeEx(dict, update, 2) < 0) {
    ember::runtime::detail::formatKwargsError(callable, update);
    return -1;
  }
  return 0;
}

}  // extern "C"
