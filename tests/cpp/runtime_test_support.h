// Shared support for the runtime helper tests (tests/cpp/runtime_*_test.cpp):
// run Python source in fresh namespaces, turn a helper's result (or the
// exception it set) into a comparable string, and push real frames for
// helpers that take one.
//
// The testing pattern: for each case, compute the interpreter's outcome by
// running the equivalent Python code, compute the helper's outcome, and compare
// the two strings "repr(result)" or "ExceptionType: message".
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ember/cpython/frames.h"
#include "ember/cpython/py312.h"

namespace ember::testing {

// A new module-like namespace with builtins.
inline PyObject* newNamespace() {
  PyObject* ns = PyDict_New();
  PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(ns, "__name__", PyUnicode_FromString("ember_test"));
  return ns;
}

inline std::string reprOf(PyObject* o) {
  if (o == nullptr) return "<NULL>";
  PyObject* r = PyObject_Repr(o);
  if (r == nullptr) {
    PyErr_Clear();
    return "<repr failed>";
  }
  std::string s = PyUnicode_AsUTF8(r);
  Py_DECREF(r);
  return s;
}

// "Type: message" for the current exception (cleared), or "<no exception>".
inline std::string takeError() {
  PyObject* exc = PyErr_GetRaisedException();
  if (exc == nullptr) return "<no exception>";
  std::string out = Py_TYPE(exc)->tp_name;
  PyObject* s = PyObject_Str(exc);
  if (s != nullptr) {
    out += ": ";
    out += PyUnicode_AsUTF8(s);
    Py_DECREF(s);
  } else {
    PyErr_Clear();
  }
  Py_DECREF(exc);
  return out;
}

// Consumes a helper's new-reference result.
inline std::string outcome(PyObject* result) {
  if (result == nullptr) return takeError();
  EXPECT_FALSE(PyErr_Occurred()) << "result with an exception set";
  std::string s = reprOf(result);
  Py_DECREF(result);
  return s;
}

// For helpers returning int: the value, or the error when -1.
inline std::string outcomeInt(int rc) {
  if (rc == -1) return takeError();
  EXPECT_FALSE(PyErr_Occurred()) << "rc " << rc << " with an exception set";
  return std::to_string(rc);
}

// Runs statements in `ns` (no result) and reports errors as a failure.
inline void exec(const char* src, PyObject* ns) {
  PyObject* r = PyRun_String(src, Py_file_input, ns, ns);
  if (r == nullptr) {
    ADD_FAILURE() << "exec failed: " << src << "\n" << takeError();
    return;
  }
  Py_DECREF(r);
}

// New reference to the value of a Python expression evaluated in `ns`.
inline PyObject* eval(const char* expr, PyObject* ns) {
  PyObject* r = PyRun_String(expr, Py_eval_input, ns, ns);
  if (r == nullptr) ADD_FAILURE() << "eval failed: " << expr << "\n" << takeError();
  return r;
}

// The interpreter's outcome for `expr` evaluated in `ns`.
inline std::string pyOutcome(const char* expr, PyObject* ns) {
  return outcome(PyRun_String(expr, Py_eval_input, ns, ns));
}

// The interpreter's outcome for statements that leave their answer in
// `result` (or raise).
inline std::string pyExecOutcome(const char* src, PyObject* ns) {
  PyObject* r = PyRun_String(src, Py_file_input, ns, ns);
  if (r == nullptr) return takeError();
  Py_DECREF(r);
  PyObject* v = PyDict_GetItemString(ns, "result");
  return v == nullptr ? "<no result>" : reprOf(v);
}

// An interned str usable as a helper's name immediate.
inline int64_t nameImm(const char* s) {
  PyObject* o = PyUnicode_InternFromString(s);  // kept alive for the test run
  return reinterpret_cast<int64_t>(o);
}

// A real frame for function `funcName` defined by `src` in a fresh namespace,
// pushed on the data stack (optionally linked as the current frame and marked
// as past its RESUME, so it is visible like a running frame). The destructor
// unlinks, clears and pops it.
class TestFrame {
 public:
  TestFrame(const char* src, const char* funcName, bool link = false) {
    ns_ = newNamespace();
    exec(src, ns_);
    func_ = PyDict_GetItemString(ns_, funcName);
    Py_XINCREF(func_);
    if (func_ == nullptr) {
      ADD_FAILURE() << "no function " << funcName;
      return;
    }
    ts_ = PyThreadState_Get();
    frame_ = ember::cpython::pushFrame(ts_, reinterpret_cast<PyFunctionObject*>(func_));
    if (link) {
      frame_->prev_instr = _PyCode_CODE(frame_->f_code) + frame_->f_code->_co_firsttraceable;
      ember::cpython::linkFrame(ts_, frame_);
      linked_ = true;
    }
  }
  ~TestFrame() {
    if (frame_ != nullptr) {
      if (linked_) ember::cpython::unlinkFrame(ts_, frame_);
      ember::cpython::clearAndPopFrame(ts_, frame_);
    }
    Py_XDECREF(func_);
    Py_XDECREF(ns_);
  }
  TestFrame(const TestFrame&) = delete;
  TestFrame& operator=(const TestFrame&) = delete;

  _PyInterpreterFrame* frame() const { return frame_; }
  PyObject* ns() const { return ns_; }
  PyObject* func() const { return func_; }
  PyCodeObject* code() const { return frame_->f_code; }
  // localsplus index of a local/cell/free variable name.
  int slotOf(const char* name) const {
    PyObject* names = frame_->f_code->co_localsplusnames;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
      if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(names, i), name) == 0) return (int)i;
    }
    ADD_FAILURE() << "no local " << name;
    return 0;
  }
  // First value-stack slot (absolute localsplus index); marks `n` stack slots
  // as live (NULL-initialised) so clearing the frame releases what helpers
  // write there.
  int stackSlots(int n) {
    int base = frame_->f_code->co_nlocalsplus;
    for (int i = 0; i < n; i++) frame_->localsplus[base + i] = nullptr;
    frame_->stacktop = base + n;
    return base;
  }

 private:
  PyObject* ns_ = nullptr;
  PyObject* func_ = nullptr;
  PyThreadState* ts_ = nullptr;
  _PyInterpreterFrame* frame_ = nullptr;
  bool linked_ = false;
};

}  // namespace ember::testing
