// Tests for ember::cpython frames, binding and recursion accounting
// (src/ember/cpython/frames.*, binding.*, recursion.h): frames are pushed for
// real functions, arguments bound in every supported shape, and the results
// compared with what the interpreter itself would bind or return.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ember/cpython/binding.h"
#include "ember/cpython/frames.h"
#include "ember/cpython/py312.h"
#include "ember/cpython/recursion.h"

#include <opcode.h>

namespace {

using ember::cpython::bindArguments;
using ember::cpython::clearAndPopFrame;
using ember::cpython::linkFrame;
using ember::cpython::popFrame;
using ember::cpython::pushFrame;
using ember::cpython::resumeInInterpreter;
using ember::cpython::unlinkFrame;

// Runs `src` in a fresh module namespace and returns a new reference to the
// global `name`.
PyObject* define(const char* src, const char* name) {
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(src, Py_file_input, globals, globals);
  if (r == nullptr) {
    PyErr_Print();
    ADD_FAILURE() << "could not run: " << src;
    Py_DECREF(globals);
    return nullptr;
  }
  Py_DECREF(r);
  PyObject* obj = PyDict_GetItemString(globals, name);
  Py_XINCREF(obj);
  Py_DECREF(globals);
  return obj;
}

std::string repr(PyObject* o) {
  if (o == nullptr) {
    return "<NULL>";
  }
  PyObject* r = PyObject_Repr(o);
  if (r == nullptr) {
    PyErr_Clear();
    return "<repr failed>";
  }
  std::string s = PyUnicode_AsUTF8(r);
  Py_DECREF(r);
  return s;
}

// Evaluates a Python expression to a new reference.
PyObject* eval(const char* expr) {
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject* r = PyRun_String(expr, Py_eval_input, globals, globals);
  Py_DECREF(globals);
  if (r == nullptr) {
    PyErr_Print();
    ADD_FAILURE() << "could not eval: " << expr;
  }
  return r;
}

// The bound parameters as "[repr, repr, ...]" over the first nparams slots.
std::string boundLocals(_PyInterpreterFrame* frame, int nparams) {
  std::string out = "[";
  for (int i = 0; i < nparams; i++) {
    if (i) out += ", ";
    out += repr(frame->localsplus[i]);
  }
  return out + "]";
}

int paramCount(PyCodeObject* co) {
  return co->co_argcount + co->co_kwonlyargcount + ((co->co_flags & CO_VARARGS) ? 1 : 0) +
         ((co->co_flags & CO_VARKEYWORDS) ? 1 : 0);
}

struct BindCase {
  const char* params;      // the def's parameter list
  const char* positional;  // tuple expression
  const char* keywords;    // dict expression (insertion order = kwnames order)
  const char* expected;    // boundLocals() output, or "REJECT"
};

// Binds `positional`/`keywords` to `def f(<params>)` and returns the bound
// locals or "REJECT"; also checks the frame releases cleanly.
std::string bindOnce(const BindCase& c) {
  std::string src = std::string("def f(") + c.params + "): pass\n";
  PyObject* func = define(src.c_str(), "f");
  if (func == nullptr) return "<define failed>";
  PyObject* pos = eval(c.positional);
  PyObject* kw = eval(c.keywords);
  std::vector<PyObject*> args;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pos); i++) args.push_back(PyTuple_GET_ITEM(pos, i));
  PyObject* kwnames = nullptr;
  if (PyDict_GET_SIZE(kw) > 0) {
    kwnames = PyTuple_New(PyDict_GET_SIZE(kw));
    Py_ssize_t ppos = 0, i = 0;
    PyObject *k, *v;
    while (PyDict_Next(kw, &ppos, &k, &v)) {
      PyTuple_SET_ITEM(kwnames, i++, Py_NewRef(k));
      args.push_back(v);
    }
  }
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  Py_ssize_t funcRefs = Py_REFCNT(func);
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  EXPECT_NE(frame, nullptr);
  int rc = bindArguments(ts, frame, reinterpret_cast<PyFunctionObject*>(func), args.data(),
                         PyTuple_GET_SIZE(pos), kwnames);
  std::string out;
  if (rc == 0) {
    out = boundLocals(frame, paramCount(frame->f_code));
  } else {
    EXPECT_EQ(rc, -1);
    EXPECT_FALSE(PyErr_Occurred()) << "bind failure must not set an exception";
    PyErr_Clear();
    out = "REJECT";
  }
  clearAndPopFrame(ts, frame);
  EXPECT_EQ(ts->datastack_top, top);
  EXPECT_EQ(Py_REFCNT(func), funcRefs);
  // The interpreter agrees on accept/reject.
  PyObject* res = PyObject_Vectorcall(func, args.data(), PyTuple_GET_SIZE(pos), kwnames);
  if (rc == 0) {
    EXPECT_NE(res, nullptr) << "interpreter rejected a call ember bound: " << c.params;
  } else {
    EXPECT_EQ(res, nullptr) << "interpreter accepted a call ember rejected: " << c.params;
  }
  Py_XDECREF(res);
  PyErr_Clear();
  Py_XDECREF(kwnames);
  Py_DECREF(pos);
  Py_DECREF(kw);
  Py_DECREF(func);
  return out;
}

TEST(RuntimeFrames, PushInitialisesAndPopRestores) {
  PyObject* func = define("def f(a, b):\n  c = a + b\n  return c\n", "f");
  ASSERT_NE(func, nullptr);
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  auto* code = reinterpret_cast<PyCodeObject*>(reinterpret_cast<PyFunctionObject*>(func)->func_code);
  Py_ssize_t funcRefs = Py_REFCNT(func);
  Py_ssize_t codeRefs = Py_REFCNT(code);
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(frame->f_code, code);
  EXPECT_EQ(frame->f_funcobj, func);
  EXPECT_EQ(frame->f_locals, nullptr);
  EXPECT_EQ(frame->stacktop, code->co_nlocalsplus);
  EXPECT_EQ(frame->owner, FRAME_OWNED_BY_THREAD);
  EXPECT_EQ(frame->prev_instr, _PyCode_CODE(code) - 1);
  EXPECT_EQ(frame->frame_obj, nullptr);
  for (int i = 0; i < code->co_nlocalsplus; i++) EXPECT_EQ(frame->localsplus[i], nullptr);
  EXPECT_EQ(Py_REFCNT(func), funcRefs + 1);
  EXPECT_EQ(Py_REFCNT(code), codeRefs + 1);
  clearAndPopFrame(ts, frame);
  EXPECT_EQ(ts->datastack_top, top);
  EXPECT_EQ(Py_REFCNT(func), funcRefs);
  EXPECT_EQ(Py_REFCNT(code), codeRefs);
  Py_DECREF(func);
}

TEST(RuntimeFrames, ChunkOverflowAndPopInAnyDepth) {
  PyObject* func = define("def f(a):\n  return [a, a, a, a, a, a, a, a, a, a]\n", "f");
  ASSERT_NE(func, nullptr);
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  _PyStackChunk* chunk = ts->datastack_chunk;
  std::vector<_PyInterpreterFrame*> frames;
  // 16 KiB chunks: a few thousand small frames need several new chunks.
  for (int i = 0; i < 5000; i++) {
    _PyInterpreterFrame* f = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
    ASSERT_NE(f, nullptr);
    frames.push_back(f);
  }
  EXPECT_NE(ts->datastack_chunk, chunk);
  // The interpreter can run on top of ember's chunks.
  PyObject* one = PyLong_FromLong(1);
  PyObject* r = PyObject_CallOneArg(func, one);
  ASSERT_NE(r, nullptr);
  Py_DECREF(r);
  while (!frames.empty()) {
    clearAndPopFrame(ts, frames.back());
    frames.pop_back();
  }
  EXPECT_EQ(ts->datastack_chunk, chunk);
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(one);
  Py_DECREF(func);
}

TEST(RuntimeFrames, PopFrameReleasesOnlyMemory) {
  PyObject* func = define("def f(): pass\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  ember::cpython::clearFrame(frame);
  popFrame(ts, frame);
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(func);
}

TEST(RuntimeBinding, ValidShapes) {
  const BindCase cases[] = {
      {"a, b", "(1, 2)", "{}", "[1, 2]"},
      {"a, b", "(1,)", "{'b': 2}", "[1, 2]"},
      {"a, b", "()", "{'b': 2, 'a': 1}", "[1, 2]"},
      {"a, b=5", "(1,)", "{}", "[1, 5]"},
      {"a=3, b=5", "()", "{'b': 7}", "[3, 7]"},
      {"a, b=5, c=6", "(1,)", "{'c': 9}", "[1, 5, 9]"},
      {"a, /, b", "(1, 2)", "{}", "[1, 2]"},
      {"a, /, b", "(1,)", "{'b': 2}", "[1, 2]"},
      {"a, /, **kw", "(1,)", "{'a': 2}", "[1, {'a': 2}]"},
      {"*args", "(1, 2, 3)", "{}", "[(1, 2, 3)]"},
      {"*args", "()", "{}", "[()]"},
      {"a, *args", "(1, 2, 3)", "{}", "[1, (2, 3)]"},
      {"a, *, k", "(1,)", "{'k': 2}", "[1, 2]"},
      {"a, *, k=4", "(1,)", "{}", "[1, 4]"},
      {"*, k=4, m", "()", "{'m': 1}", "[4, 1]"},
      {"**kw", "()", "{'x': 1, 'y': 2}", "[{'x': 1, 'y': 2}]"},
      {"a, b=2, *args, c, d=4, **kw", "(1,)", "{'c': 3, 'z': 9}", "[1, 2, 3, 4, (), {'z': 9}]"},
      {"a, b=2, *args, c, d=4, **kw", "(1, 5, 6, 7)", "{'c': 3, 'd': 0}",
       "[1, 5, 3, 0, (6, 7), {}]"},
      {"", "()", "{}", "[]"},
  };
  for (const BindCase& c : cases) {
    EXPECT_EQ(bindOnce(c), c.expected) << "def f(" << c.params << ") with " << c.positional
                                       << " " << c.keywords;
  }
}

TEST(RuntimeBinding, RejectedCallsSetNoException) {
  const BindCase cases[] = {
      {"a, b", "(1,)", "{}", "REJECT"},               // missing positional
      {"a, b", "(1, 2, 3)", "{}", "REJECT"},          // too many
      {"a, b", "(1, 2)", "{'a': 1}", "REJECT"},       // multiple values
      {"a, b", "(1, 2)", "{'c': 1}", "REJECT"},       // unexpected keyword
      {"a, /", "()", "{'a': 1}", "REJECT"},           // positional-only by keyword
      {"a, *, k", "(1,)", "{}", "REJECT"},            // missing keyword-only
      {"*, k", "(1,)", "{'k': 1}", "REJECT"},         // too many with kw-only
      {"a=1, b=2", "(1, 2, 3)", "{}", "REJECT"},      // too many with defaults
      {"a, b=2, **kw", "(1,)", "{'a': 3}", "REJECT"}, // duplicate with **kw
  };
  for (const BindCase& c : cases) {
    EXPECT_EQ(bindOnce(c), c.expected) << "def f(" << c.params << ") with " << c.positional
                                       << " " << c.keywords;
  }
}

TEST(RuntimeBinding, NonStringKeywordRejected) {
  PyObject* func = define("def f(**kw): pass\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject* one = PyLong_FromLong(1);
  PyObject* kwnames = Py_BuildValue("(i)", 5);
  PyObject* args[] = {one};
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  EXPECT_EQ(bindArguments(ts, frame, reinterpret_cast<PyFunctionObject*>(func), args, 0, kwnames),
            -1);
  EXPECT_FALSE(PyErr_Occurred());
  clearAndPopFrame(ts, frame);
  Py_DECREF(kwnames);
  Py_DECREF(one);
  Py_DECREF(func);
}

TEST(RuntimeBinding, ArgumentRefcountsStable) {
  PyObject* func = define("def f(a, *args, k=1, **kw): pass\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject* obj = eval("object()");
  PyObject* kwnames = Py_BuildValue("(ss)", "k", "other");
  PyObject* args[] = {obj, obj, obj, obj};
  Py_ssize_t before = Py_REFCNT(obj);
  for (int i = 0; i < 100; i++) {
    _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
    ASSERT_EQ(bindArguments(ts, frame, reinterpret_cast<PyFunctionObject*>(func), args,
                            2 | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames),
              0);
    clearAndPopFrame(ts, frame);
  }
  EXPECT_EQ(Py_REFCNT(obj), before);
  Py_DECREF(kwnames);
  Py_DECREF(obj);
  Py_DECREF(func);
}

// Pushes and binds a frame for func(args...), then lets the interpreter run it
// from the start.
PyObject* runInInterpreter(PyObject* func, PyObject* const* args, size_t nargs) {
  PyThreadState* ts = PyThreadState_Get();
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  if (bindArguments(ts, frame, reinterpret_cast<PyFunctionObject*>(func), args, nargs, nullptr) !=
      0) {
    clearAndPopFrame(ts, frame);
    return nullptr;
  }
  return resumeInInterpreter(ts, frame, 0);
}

TEST(RuntimeFrames, ResumeAtStartMatchesCall) {
  PyObject* func = define(
      "def f(n, m=3):\n"
      "  total = 0\n"
      "  for i in range(n):\n"
      "    total += i * m\n"
      "  def inner():\n"
      "    return total\n"
      "  return inner() + 1\n",
      "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  PyObject* n = PyLong_FromLong(10);
  PyObject* args[] = {n};
  PyObject* viaFrame = runInInterpreter(func, args, 1);
  ASSERT_NE(viaFrame, nullptr);
  PyObject* viaCall = PyObject_Vectorcall(func, args, 1, nullptr);
  EXPECT_EQ(repr(viaFrame), repr(viaCall));
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(viaFrame);
  Py_DECREF(viaCall);
  Py_DECREF(n);
  Py_DECREF(func);
}

TEST(RuntimeFrames, ResumeRaisesLikeCall) {
  PyObject* func = define("def f(a):\n  return 1 / a\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  PyObject* zero = PyLong_FromLong(0);
  PyObject* args[] = {zero};
  PyObject* r = runInInterpreter(func, args, 1);
  EXPECT_EQ(r, nullptr);
  PyObject* exc = PyErr_GetRaisedException();
  ASSERT_NE(exc, nullptr);
  EXPECT_EQ(repr(exc), "ZeroDivisionError('division by zero')");
  // The traceback names f.
  PyObject* tb = PyException_GetTraceback(exc);
  ASSERT_NE(tb, nullptr);
  auto* t = reinterpret_cast<PyTracebackObject*>(tb);
  PyCodeObject* code = PyFrame_GetCode(t->tb_frame);
  EXPECT_EQ(std::string(PyUnicode_AsUTF8(code->co_name)), "f");
  Py_DECREF(code);
  Py_DECREF(tb);
  Py_DECREF(exc);
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(zero);
  Py_DECREF(func);
}

TEST(RuntimeFrames, ResumeWithThrowflagUnwindsToHandler) {
  // Resume at the BINARY_OP of `1 / a` with ZeroDivisionError already set, as
  // the JIT does for an exception raised by compiled code.
  PyObject* func = define(
      "def f(a):\n"
      "  try:\n"
      "    return 1 / a\n"
      "  except ZeroDivisionError:\n"
      "    return 'handled'\n",
      "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  auto* code = reinterpret_cast<PyCodeObject*>(reinterpret_cast<PyFunctionObject*>(func)->func_code);
  _Py_CODEUNIT* instrs = _PyCode_CODE(code);
  int n = static_cast<int>(Py_SIZE(code));
  int binop = -1;
  for (int i = 0; i < n; i++) {
    if (instrs[i].op.code == BINARY_OP) {
      binop = i;
      break;
    }
  }
  ASSERT_GE(binop, 0);
  PyObject* zero = PyLong_FromLong(0);
  PyObject* args[] = {zero};
  _PyInterpreterFrame* frame = pushFrame(ts, reinterpret_cast<PyFunctionObject*>(func));
  ASSERT_EQ(bindArguments(ts, frame, reinterpret_cast<PyFunctionObject*>(func), args, 1, nullptr),
            0);
  frame->prev_instr = instrs + binop;  // the raising instruction
  frame->stacktop = code->co_nlocalsplus;
  PyErr_SetString(PyExc_ZeroDivisionError, "division by zero");
  PyObject* r = resumeInInterpreter(ts, frame, 1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(repr(r), "'handled'");
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(r);
  Py_DECREF(zero);
  Py_DECREF(func);
}

// A C function called from Python: pushes and links a frame for its argument,
// lets a frame object escape, then unlinks, clears and pops. Returns the
// escaped frame object.
PyObject* escapeFrame(PyObject*, PyObject* func) {
  PyThreadState* ts = PyThreadState_Get();
  auto* fn = reinterpret_cast<PyFunctionObject*>(func);
  _PyInterpreterFrame* frame = pushFrame(ts, fn);
  PyObject* seven = PyLong_FromLong(7);
  PyObject* args[] = {seven};
  if (bindArguments(ts, frame, fn, args, 1, nullptr) != 0) {
    Py_DECREF(seven);
    clearAndPopFrame(ts, frame);
    PyErr_SetString(PyExc_RuntimeError, "bind failed");
    return nullptr;
  }
  Py_DECREF(seven);
  frame->prev_instr = _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable;
  linkFrame(ts, frame);
  PyFrameObject* fo = PyEval_GetFrame();
  Py_XINCREF(fo);
  unlinkFrame(ts, frame);
  clearAndPopFrame(ts, frame);
  if (fo == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "no frame object");
  }
  return reinterpret_cast<PyObject*>(fo);
}

PyMethodDef kEscapeDef = {"escape_frame", escapeFrame, METH_O, nullptr};

TEST(RuntimeFrames, EscapedFrameObjectOwnsItsCopy) {
  PyObject* target = define("def target(a):\n  b = a * 2\n  return b\n", "target");
  PyObject* escape = PyCFunction_New(&kEscapeDef, nullptr);
  PyObject* globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(globals, "escape", escape);
  PyDict_SetItemString(globals, "target", target);
  PyObject* r = PyRun_String(
      "import sys\n"
      "def caller():\n"
      "  fo = escape(target)\n"
      "  return fo, sys._getframe()\n"
      "fo, me = caller()\n"
      "result = (fo.f_code.co_name, fo.f_locals, fo.f_back is me, fo.f_lineno)\n",
      Py_file_input, globals, globals);
  if (r == nullptr) PyErr_Print();
  ASSERT_NE(r, nullptr);
  Py_DECREF(r);
  EXPECT_EQ(repr(PyDict_GetItemString(globals, "result")), "('target', {'a': 7}, True, 1)");
  Py_DECREF(globals);
  Py_DECREF(escape);
  Py_DECREF(target);
}

TEST(RuntimeRecursion, LimitRaisesAndRestoresCounter) {
  PyThreadState* ts = PyThreadState_Get();
  int saved = ts->py_recursion_remaining;
  ts->py_recursion_remaining = 2;
  EXPECT_EQ(ember::cpython::enterRecursivePy(ts), 0);
  EXPECT_EQ(ember::cpython::enterRecursivePy(ts), 0);
  EXPECT_EQ(ts->py_recursion_remaining, 0);
  EXPECT_EQ(ember::cpython::enterRecursivePy(ts), -1);
  EXPECT_EQ(ts->py_recursion_remaining, 0);
  ASSERT_TRUE(PyErr_ExceptionMatches(PyExc_RecursionError));
  PyObject* exc = PyErr_GetRaisedException();
  EXPECT_EQ(repr(exc), "RecursionError('maximum recursion depth exceeded')");
  Py_DECREF(exc);
  ember::cpython::leaveRecursivePy(ts);
  ember::cpython::leaveRecursivePy(ts);
  EXPECT_EQ(ts->py_recursion_remaining, 2);
  ts->py_recursion_remaining = saved;
}

}  // namespace

namespace {

// Index of the first instruction with opcode `op` in the code's adaptive array.
int findInstruction(PyCodeObject* code, int op) {
  _Py_CODEUNIT* instrs = _PyCode_CODE(code);
  for (int i = 0; i < static_cast<int>(Py_SIZE(code)); i++) {
    if (instrs[i].op.code == op) return i;
  }
  return -1;
}

TEST(RuntimeFrames, ResumeMidLoopWithValueStack) {
  // The deopt contract: locals in localsplus, the interpreter's value stack
  // above them (here the range iterator under FOR_ITER), stacktop covering it,
  // prev_instr one unit before the target instruction.
  PyObject* func = define(
      "def f(n):\n"
      "  total = 0\n"
      "  for i in range(n):\n"
      "    total += i\n"
      "  return total\n",
      "f");
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  auto* fn = reinterpret_cast<PyFunctionObject*>(func);
  auto* code = reinterpret_cast<PyCodeObject*>(fn->func_code);
  int forIter = findInstruction(code, FOR_ITER);
  ASSERT_GT(forIter, 0);
  for (int round = 0; round < 100; round++) {
    _PyInterpreterFrame* frame = pushFrame(ts, fn);
    PyObject* ten = PyLong_FromLong(10);
    ASSERT_EQ(bindArguments(ts, frame, fn, &ten, 1, nullptr), 0);
    Py_DECREF(ten);
    frame->localsplus[1] = PyLong_FromLong(5);  // total, as if already accumulated
    PyObject* range = eval("range(10)");
    frame->localsplus[code->co_nlocalsplus] = PyObject_GetIter(range);
    Py_DECREF(range);
    frame->stacktop = code->co_nlocalsplus + 1;
    frame->prev_instr = _PyCode_CODE(code) + forIter - 1;
    PyObject* r = resumeInInterpreter(ts, frame, 0);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(repr(r), "50");
    Py_DECREF(r);
  }
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(func);
}

// Creates a frame object for a linked frame without keeping it, then clears:
// the frame object dies with the frame (the refcount-1 path).
PyObject* transientFrameObject(PyObject*, PyObject* func) {
  PyThreadState* ts = PyThreadState_Get();
  auto* fn = reinterpret_cast<PyFunctionObject*>(func);
  _PyInterpreterFrame* frame = pushFrame(ts, fn);
  PyObject* one = PyLong_FromLong(1);
  int rc = bindArguments(ts, frame, fn, &one, 1, nullptr);
  Py_DECREF(one);
  frame->prev_instr = _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable;
  linkFrame(ts, frame);
  PyFrameObject* fo = PyEval_GetFrame();
  bool sawOwnFrame = fo != nullptr && fo->f_frame == frame && frame->frame_obj == fo;
  unlinkFrame(ts, frame);
  clearAndPopFrame(ts, frame);
  if (rc != 0 || !sawOwnFrame) {
    PyErr_SetString(PyExc_RuntimeError, "unexpected frame state");
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyMethodDef kTransientDef = {"transient_frame", transientFrameObject, METH_O, nullptr};

TEST(RuntimeFrames, FrameObjectNotEscapingDiesWithFrame) {
  PyObject* target = define("def target(a):\n  return a\n", "target");
  PyObject* fnObj = PyCFunction_New(&kTransientDef, nullptr);
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;
  Py_ssize_t before = Py_REFCNT(target);
  for (int i = 0; i < 50; i++) {
    PyObject* r = PyObject_CallOneArg(fnObj, target);
    if (r == nullptr) PyErr_Print();
    ASSERT_NE(r, nullptr);
    Py_DECREF(r);
  }
  EXPECT_EQ(Py_REFCNT(target), before);
  EXPECT_EQ(ts->datastack_top, top);
  Py_DECREF(fnObj);
  Py_DECREF(target);
}

}  // namespace
