// The runtime helpers compiled code calls: one extern "C" function per row of
// runtime/helpers.def, named ember_h_<Name>.
//
// Contract (the .def header is the authority; summarised here)
//  - C ABI, at most 6 arguments. Parameter letters of the Sig column map to
//    C types: F _PyInterpreterFrame*, T PyThreadState*, o PyObject* (borrowed),
//    a/b int64_t immediates, A (PyObject** args, Py_ssize_t count).
//  - Ret O: new reference, NULL <=> exception set. Ret N: new reference or NULL
//    with a meaning the row documents. Ret I: int, -1 <=> exception set.
//  - Helpers never steal operands; compiled code releases them afterwards.
//  - Errors are raised exactly as the 3.12.1 interpreter raises them for the
//    same instruction (type and message); on error compiled code stores its
//    value stack and resumes `_PyEval_EvalFrameDefault(ts, frame, 1)`, which
//    adds the traceback entry and finds the handler. Helpers therefore never
//    touch tracebacks (except service_eval_breaker, which removes the entry of
//    its own tick function).
//  - "into" helpers write owned references to absolute localsplus slots of the
//    compiled frame and do not release what was there (the slots are dead value
//    stack). On error they leave NULL in every slot they would have written.
//
// Implementations are split by family: helpers_ops.cpp, helpers_iter.cpp,
// helpers_names.cpp, helpers_attrs.cpp, helpers_containers.cpp,
// helpers_unpack.cpp, helpers_calls.cpp, helpers_strings.cpp,
// helpers_imports.cpp, helpers_exc.cpp (raise, with), helpers_match.cpp, and
// eval_breaker.cpp. helper_table.cpp statically checks every declaration below
// against its Sig string.
#pragma once

#include <cstdint>

#include "ember/cpython/py312.h"

extern "C" {

// --- unary, binary, compare (helpers_ops.cpp) ----------------------------------
PyObject* ember_h_unary_negative(PyObject* v);
PyObject* ember_h_unary_invert(PyObject* v);
PyObject* ember_h_unary_not(PyObject* v);
PyObject* ember_h_unary_positive(PyObject* v);
PyObject* ember_h_list_to_tuple(PyObject* v);
PyObject* ember_h_binary_op(PyObject* l, PyObject* r, int64_t oparg);
PyObject* ember_h_compare_op(PyObject* l, PyObject* r, int64_t op);
PyObject* ember_h_is_op(PyObject* l, PyObject* r, int64_t invert);
PyObject* ember_h_contains_op(PyObject* l, PyObject* r, int64_t invert);
int ember_h_is_true(PyObject* v);

// --- subscripts and slices (helpers_ops.cpp) ------------------------------------
PyObject* ember_h_binary_subscr(PyObject* container, PyObject* sub);
int ember_h_store_subscr(PyObject* container, PyObject* sub, PyObject* v);
int ember_h_delete_subscr(PyObject* container, PyObject* sub);
PyObject* ember_h_binary_slice(PyObject* container, PyObject* start, PyObject* stop);
int ember_h_store_slice(PyObject* container, PyObject* start, PyObject* stop, PyObject* v);
PyObject* ember_h_build_slice(PyObject* start, PyObject* stop, PyObject* step);

// --- iteration (helpers_iter.cpp) ------------------------------------------------
PyObject* ember_h_get_iter(PyObject* v);
PyObject* ember_h_for_iter_next(PyObject* iter);
int ember_h_for_iter_error(void);

// --- globals, names, cells (helpers_names.cpp) -----------------------------------
PyObject* ember_h_load_global(_PyInterpreterFrame* frame, int64_t name);
PyObject* ember_h_load_global_cached(_PyInterpreterFrame* frame, int64_t cache);
int ember_h_store_global(_PyInterpreterFrame* frame, PyObject* v, int64_t name);
int ember_h_delete_global(_PyInterpreterFrame* frame, int64_t name);
PyObject* ember_h_load_deref(_PyInterpreterFrame* frame, int64_t slot);
int ember_h_store_deref(_PyInterpreterFrame* frame, PyObject* v, int64_t slot);
int ember_h_delete_deref(_PyInterpreterFrame* frame, int64_t slot);
int ember_h_make_cell(_PyInterpreterFrame* frame, int64_t slot);
int ember_h_copy_free_vars(_PyInterpreterFrame* frame, int64_t n);
PyObject* ember_h_load_build_class(_PyInterpreterFrame* frame);
PyObject* ember_h_load_assertion_error(void);

// --- attributes (helpers_attrs.cpp) -----------------------------------------------
PyObject* ember_h_load_attr(PyObject* owner, int64_t name);
PyObject* ember_h_load_attr_cached(PyObject* owner, int64_t cache);
int ember_h_load_method_cached_into(_PyInterpreterFrame* frame, PyObject* owner, int64_t cache,
                                    int64_t slot);
int ember_h_store_attr_cached(PyObject* owner, PyObject* v, int64_t cache);
int ember_h_load_method_into(_PyInterpreterFrame* frame, PyObject* owner, int64_t name,
                             int64_t slot);
int ember_h_load_super_attr_into(_PyInterpreterFrame* frame, PyObject* global_super,
                                 PyObject* cls, PyObject* self, int64_t oparg, int64_t slot);
int ember_h_store_attr(PyObject* owner, PyObject* v, int64_t name);
int ember_h_delete_attr(PyObject* owner, int64_t name);

// --- building containers (helpers_containers.cpp, helpers_strings.cpp) ------------
PyObject* ember_h_build_tuple(PyObject** args, Py_ssize_t count);
PyObject* ember_h_build_list(PyObject** args, Py_ssize_t count);
PyObject* ember_h_build_set(PyObject** args, Py_ssize_t count);
PyObject* ember_h_build_map(PyObject** args, Py_ssize_t count);
PyObject* ember_h_build_const_key_map(PyObject** args, Py_ssize_t count);
PyObject* ember_h_build_string(PyObject** args, Py_ssize_t count);
int ember_h_list_append(PyObject* list, PyObject* v);
int ember_h_set_add(PyObject* set, PyObject* v);
int ember_h_map_add(PyObject* dict, PyObject* key, PyObject* value);
int ember_h_list_extend(PyObject* list, PyObject* iterable);
int ember_h_set_update(PyObject* set, PyObject* iterable);
int ember_h_dict_update(PyObject* dict, PyObject* update);
int ember_h_dict_merge(PyObject* callable, PyObject* dict, PyObject* update);

// --- unpacking (helpers_unpack.cpp) ------------------------------------------------
int ember_h_unpack_sequence_into(_PyInterpreterFrame* frame, PyObject* seq, int64_t n,
                                 int64_t slot);
int ember_h_unpack_ex_into(_PyInterpreterFrame* frame, PyObject* seq, int64_t oparg,
                           int64_t slot);

// --- calls and functions (helpers_calls.cpp, helpers_strings.cpp, helpers_exc.cpp) -
PyObject* ember_h_call(PyThreadState* ts, PyObject** args, Py_ssize_t count, int64_t kwnames);
PyObject* ember_h_call_function_ex(PyObject* func, PyObject* callargs, PyObject* kwargs);
PyObject* ember_h_make_function(_PyInterpreterFrame* frame, PyObject** args, Py_ssize_t count,
                                int64_t flags);
PyObject* ember_h_format_value(PyObject* value, PyObject* spec, int64_t conversion);
int ember_h_raise_varargs(PyObject* exc, PyObject* cause);

// --- imports, with, misc (helpers_imports.cpp, helpers_exc.cpp, helpers_match.cpp) --
PyObject* ember_h_import_name(_PyInterpreterFrame* frame, PyObject* level, PyObject* fromlist,
                              int64_t name);
PyObject* ember_h_import_from(PyObject* module, int64_t name);
int ember_h_before_with_into(_PyInterpreterFrame* frame, PyObject* mgr, int64_t slot);
PyObject* ember_h_get_len(PyObject* v);
PyObject* ember_h_match_mapping(PyObject* subject);
PyObject* ember_h_match_sequence(PyObject* subject);
PyObject* ember_h_match_keys(PyObject* subject, PyObject* keys);
PyObject* ember_h_match_class(PyObject* subject, PyObject* type, PyObject* names, int64_t nargs);

// --- frame and control (eval_breaker.cpp) -------------------------------------------
int ember_h_service_eval_breaker(PyThreadState* ts, _PyInterpreterFrame* frame);

}  // extern "C"
