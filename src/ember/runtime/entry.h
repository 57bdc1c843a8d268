// How calls reach compiled code, and how compiled code leaves.
//
// Every function the JIT manages has its vectorcall slot set, with
// PyFunction_SetVectorcall (never a raw store: see cpython312.md §4.2), to
// one of two entries:
//   - warmupEntry: counts calls (auto mode; threshold 1 in jit-all and list
//     modes), compiles when the count is reached, otherwise runs the
//     interpreter through _PyFunction_Vectorcall;
//   - compiledEntry: pushes a real frame, binds arguments, links the frame,
//     and calls the compiled body.
// A function whose compilation failed gets _PyFunction_Vectorcall back, so it
// costs nothing afterwards.
#pragma once

#include <cstdint>

#include "ember/cpython/py312.h"

namespace ember::runtime {

struct CompiledCode;

extern "C" PyObject* ember_compiled_entry(PyObject* callable, PyObject* const* args,
                                          size_t nargsf, PyObject* kwnames);
extern "C" PyObject* ember_warmup_entry(PyObject* callable, PyObject* const* args,
                                        size_t nargsf, PyObject* kwnames);

// Exits called by compiled code (codegen::RuntimeHooks).
extern "C" PyObject* ember_frame_return(PyThreadState* ts, _PyInterpreterFrame* f,
                                        PyObject* result);
extern "C" PyObject* ember_deopt(PyThreadState* ts, _PyInterpreterFrame* f, int bc_index,
                                 int throw_mode);

// The body of ember_compiled_entry with the thread state given: compiled
// callers (the CALL helper) use it directly. `callable` is a function whose
// vectorcall is ember_compiled_entry.
PyObject* enterCompiled(PyThreadState* ts, PyObject* callable, PyObject* const* args,
                        size_t nargsf, PyObject* kwnames);

// Points `func` at its compiled code (if its code has some), at the warm-up
// entry (if it is a candidate), or leaves it alone. Returns true if compiled.
bool installEntry(PyFunctionObject* func);

// True if the function's vectorcall is one of ember's entries.
bool isManaged(PyFunctionObject* func);
bool isCompiled(PyFunctionObject* func);

// Gives the function back to the interpreter.
void restoreInterpreter(PyFunctionObject* func);

// Gives a managed function back to the interpreter until monitoring is off.
void parkFunction(PyFunctionObject* func);

// Notes that monitoring is off for cc's code at this monitoring version (so
// checks are cheap until the version changes) and unparks functions.
void recordClean(CompiledCode* cc, uint64_t monitoring_version);

// Re-installs the entries of functions parked (given back to the interpreter)
// while tracing or monitoring was on; called once monitoring is seen to be off.
void unparkFunctions();

}  // namespace ember::runtime
