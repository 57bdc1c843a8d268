// Import, raise, with, pattern-matching and eval-breaker helpers
// (helpers_imports.cpp, helpers_exc.cpp, helpers_match.cpp, eval_breaker.cpp)
// and the helper address table, compared with the interpreter.
#include <gtest/gtest.h>

#include <csignal>

#include <opcode.h>

#include "ember/cpython/binding.h"
#include "ember/cpython/frames.h"
#include "ember/cpython/recursion.h"
#include "ember/hir/hir.h"
#include "ember/runtime/eval_breaker.h"
#include "ember/runtime/helper_table.h"
#include "ember/runtime/helpers.h"
#include "runtime_test_support.h"

namespace {

using namespace ember::testing;

TEST(RuntimeHelpersImports, ImportNameDefaultAndReplaced) {
  TestFrame tf("def f(): pass\n", "f");
  PyObject* zero = PyLong_FromLong(0);
  PyObject* fromlist = Py_BuildValue("(s)", "path");
  EXPECT_EQ(outcome(ember_h_import_name(tf.frame(), zero, Py_None, nameImm("os.path"))),
            pyOutcome("__import__('os.path')", tf.ns()));
  EXPECT_EQ(outcome(ember_h_import_name(tf.frame(), zero, fromlist, nameImm("os"))),
            pyOutcome("__import__('os', fromlist=['path'])", tf.ns()));
  EXPECT_EQ(outcome(ember_h_import_name(tf.frame(), zero, Py_None, nameImm("no_such_mod_x"))),
            pyExecOutcome("import no_such_mod_x", tf.ns()));
  // A replaced __import__ receives (name, globals, None, fromlist, level).
  PyObject* builtins = PyDict_Copy(tf.frame()->f_builtins);
  exec("def fake(*a): return ('fake', a[0], a[2], a[3], a[4], a[1] is globals())\n", tf.ns());
  PyDict_SetItemString(builtins, "__import__", PyDict_GetItemString(tf.ns(), "fake"));
  PyObject* saved = tf.frame()->f_builtins;
  tf.frame()->f_builtins = builtins;
  EXPECT_EQ(outcome(ember_h_import_name(tf.frame(), zero, fromlist, nameImm("mod"))),
            "('fake', 'mod', None, ('path',), 0, True)");
  PyDict_DelItemString(builtins, "__import__");
  EXPECT_EQ(outcome(ember_h_import_name(tf.frame(), zero, Py_None, nameImm("os"))),
            "ImportError: __import__ not found");
  tf.frame()->f_builtins = saved;
  Py_DECREF(builtins);
  Py_DECREF(fromlist);
  Py_DECREF(zero);
}

TEST(RuntimeHelpersImports, ImportFromFallbacksAndMessages) {
  PyObject* ns = newNamespace();
  exec(
      "import sys, types, os\n"
      "pkg = types.ModuleType('emberpkg')\n"
      "pkg.__file__ = '/tmp/emberpkg/__init__.py'\n"
      "sys.modules['emberpkg'] = pkg\n"
      "sub = types.ModuleType('emberpkg.sub')\n"
      "sys.modules['emberpkg.sub'] = sub\n"
      "circ = types.ModuleType('embercirc')\n"
      "circ.__file__ = '/tmp/embercirc.py'\n"
      "circ.__spec__ = types.SimpleNamespace(_initializing=True)\n"
      "sys.modules['embercirc'] = circ\n"
      "nofile = types.ModuleType('embernofile')\n"
      "sys.modules['embernofile'] = nofile\n"
      "class Obj: pass\n"
      "obj = Obj()\n",
      ns);
  PyObject* os = eval("os", ns);
  PyObject* pkg = eval("pkg", ns);
  PyObject* circ = eval("circ", ns);
  PyObject* nofile = eval("nofile", ns);
  PyObject* obj = eval("obj", ns);
  EXPECT_EQ(outcome(ember_h_import_from(os, nameImm("sep"))), pyOutcome("os.sep", ns));
  // Circular-import fallback to sys.modules["emberpkg.sub"].
  EXPECT_EQ(outcome(ember_h_import_from(pkg, nameImm("sub"))), "<module 'emberpkg.sub'>");
  EXPECT_EQ(outcome(ember_h_import_from(pkg, nameImm("nope"))),
            pyExecOutcome("from emberpkg import nope", ns));
  EXPECT_EQ(outcome(ember_h_import_from(os, nameImm("nope"))),
            pyExecOutcome("from os import nope", ns));
  EXPECT_EQ(outcome(ember_h_import_from(circ, nameImm("nope"))),
            pyExecOutcome("from embercirc import nope", ns));
  EXPECT_EQ(outcome(ember_h_import_from(nofile, nameImm("nope"))),
            pyExecOutcome("from embernofile import nope", ns));
  EXPECT_EQ(outcome(ember_h_import_from(obj, nameImm("nope"))),
            "ImportError: cannot import name 'nope' from '<unknown module name>' (unknown "
            "location)");
  // The ImportError carries name, path and name_from like the interpreter's.
  EXPECT_EQ(ember_h_import_from(circ, nameImm("nope")), nullptr);
  PyObject* exc = PyErr_GetRaisedException();
  PyDict_SetItemString(ns, "mine", exc);
  Py_DECREF(exc);
  exec("try:\n  from embercirc import nope\nexcept ImportError as e:\n  theirs = e\n", ns);
  EXPECT_EQ(pyOutcome("(mine.name, mine.path, mine.name_from)", ns),
            pyOutcome("(theirs.name, theirs.path, theirs.name_from)", ns));
  EXPECT_EQ(pyOutcome("mine.name_from", ns), "'nope'");
  for (PyObject* o : {os, pkg, circ, nofile, obj}) Py_DECREF(o);
  exec("for k in ['emberpkg', 'emberpkg.sub', 'embercirc', 'embernofile']: del sys.modules[k]\n",
       ns);
  Py_DECREF(ns);
}

// The raised exception as "Type: msg | cause=repr | suppress=bool", or the
// interpreter's for a `raise` statement.
std::string describeRaised() {
  PyObject* exc = PyErr_GetRaisedException();
  if (exc == nullptr) return "<nothing raised>";
  PyObject* ns = newNamespace();
  PyDict_SetItemString(ns, "e", exc);
  std::string s = pyOutcome(
      "f'{type(e).__name__}: {e} | cause={e.__cause__!r} | suppress={e.__suppress_context__}'", ns);
  Py_DECREF(ns);
  Py_DECREF(exc);
  return s;
}

std::string pyRaise(const char* stmt, PyObject* ns) {
  std::string src = std::string("try:\n  ") + stmt +
                    "\nexcept BaseException as e:\n"
                    "  result = f'{type(e).__name__}: {e} | cause={e.__cause__!r} | "
                    "suppress={e.__suppress_context__}'\n";
  return pyExecOutcome(src.c_str(), ns);
}

TEST(RuntimeHelpersExc, RaiseVarargs) {
  PyObject* ns = newNamespace();
  exec(
      "class Weird(Exception):\n"
      "  def __new__(cls): return 42\n"
      "class Boom(Exception):\n"
      "  def __init__(self): raise KeyError('in init')\n"
      "inst = ValueError('v')\n",
      ns);
  struct Case {
    const char* exc;
    const char* cause;  // nullptr: no `from`
  } cases[] = {
      {"ValueError", nullptr}, {"inst", nullptr},        {"1", nullptr},
      {"Weird", nullptr},      {"Boom", nullptr},        {"ValueError", "KeyError"},
      {"ValueError", "inst"},  {"KeyError", "None"},     {"KeyError", "1"},
      {"KeyError", "Weird"},   {"KeyError", "Boom"},     {"1", "2"},
  };
  for (auto& c : cases) {
    std::string stmt = std::string("raise ") + c.exc + (c.cause ? std::string(" from ") + c.cause : "");
    std::string expected = pyRaise(stmt.c_str(), ns);
    PyObject* exc = eval(c.exc, ns);
    PyObject* cause = c.cause ? eval(c.cause, ns) : nullptr;
    EXPECT_EQ(ember_h_raise_varargs(exc, cause), -1);
    EXPECT_EQ(describeRaised(), expected) << stmt;
    Py_DECREF(exc);
    Py_XDECREF(cause);
    exec("inst.__cause__ = None\ninst.__suppress_context__ = False\n", ns);
  }
  Py_DECREF(ns);
}

TEST(RuntimeHelpersExc, BeforeWithInto) {
  TestFrame tf(
      "class CM:\n"
      "  def __enter__(self): return 'entered'\n"
      "  def __exit__(self, *a): return None\n"
      "class NoExit:\n"
      "  def __enter__(self): return 1\n"
      "class BadEnter:\n"
      "  def __enter__(self): raise OSError('enter failed')\n"
      "  def __exit__(self, *a): pass\n"
      "def f(a, b, c): return [a, b, c, a, b, c]\n",
      "f");
  int s = tf.stackSlots(2);
  PyObject** slots = &tf.frame()->localsplus[s];
  PyObject* cm = eval("CM()", tf.ns());
  EXPECT_EQ(outcomeInt(ember_h_before_with_into(tf.frame(), cm, s)), "0");
  EXPECT_EQ(reprOf(slots[0]).rfind("<bound method CM.__exit__", 0), 0u);
  EXPECT_EQ(reprOf(slots[1]), "'entered'");
  Py_CLEAR(slots[0]);
  Py_CLEAR(slots[1]);
  const char* bad[] = {"1", "NoExit()", "BadEnter()"};
  for (const char* b : bad) {
    PyObject* mgr = eval(b, tf.ns());
    std::string src = std::string("with ") + b + ": pass\n";
    EXPECT_EQ(outcomeInt(ember_h_before_with_into(tf.frame(), mgr, s)),
              pyExecOutcome(src.c_str(), tf.ns()))
        << b;
    EXPECT_EQ(slots[0], nullptr);
    EXPECT_EQ(slots[1], nullptr);
    Py_DECREF(mgr);
  }
  Py_DECREF(cm);
}

TEST(RuntimeHelpersMatch, MappingSequenceKeys) {
  PyObject* ns = newNamespace();
  exec(
      "import collections\n"
      "dd = collections.defaultdict(int, {'a': 1})\n"
      "class Bad(dict):\n"
      "  def get(self, k, d=None): raise LookupError('no get')\n",
      ns);
  const char* subjects[] = {"{}", "[]", "()", "'str'", "b''", "range(1)", "dd", "1",
                            "collections.OrderedDict()", "bytearray()"};
  for (const char* s : subjects) {
    PyObject* o = eval(s, ns);
    std::string m = std::string("match ") + s +
                    ":\n case {}: result = True\n case _: result = False\n";
    EXPECT_EQ(outcome(ember_h_match_mapping(o)), pyExecOutcome(m.c_str(), ns)) << s;
    std::string q = std::string("match ") + s +
                    ":\n case [*_]: result = True\n case _: result = False\n";
    EXPECT_EQ(outcome(ember_h_match_sequence(o)), pyExecOutcome(q.c_str(), ns)) << s;
    Py_DECREF(o);
  }
  PyObject* dd = eval("dd", ns);
  PyObject* keys = eval("('a',)", ns);
  EXPECT_EQ(outcome(ember_h_match_keys(dd, keys)), "(1,)");
  PyObject* missing = eval("('a', 'zz')", ns);
  EXPECT_EQ(outcome(ember_h_match_keys(dd, missing)), "None");
  EXPECT_EQ(pyOutcome("'zz' in dd", ns), "False");  // get() did not insert
  PyObject* dup = eval("('a', 'a')", ns);
  PyObject* two = eval("{'a': 1, 'b': 2}", ns);
  EXPECT_EQ(outcome(ember_h_match_keys(two, dup)),
            pyExecOutcome("class K: a = 'a'\nmatch {'a': 1, 'b': 2}:\n case {'a': 1, K.a: 2}: pass\n",
                          ns));
  Py_DECREF(two);
  PyObject* empty = PyTuple_New(0);
  EXPECT_EQ(outcome(ember_h_match_keys(dd, empty)), "()");
  PyObject* bad = eval("Bad(a=1)", ns);
  EXPECT_EQ(outcome(ember_h_match_keys(bad, keys)),
            pyExecOutcome("match Bad(a=1):\n case {'a': 1}: pass\n", ns));
  for (PyObject* o : {dd, keys, missing, dup, empty, bad}) Py_DECREF(o);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersMatch, MatchClass) {
  PyObject* ns = newNamespace();
  exec(
      "import math\n"
      "class P:\n"
      "  __match_args__ = ('x', 'y')\n"
      "  def __init__(self): self.x, self.y = 1, 2\n"
      "class L:\n"
      "  __match_args__ = ['x']\n"
      "class N:\n"
      "  __match_args__ = (1,)\n"
      "class Plain:\n"
      "  z = 3\n"
      "class Dup:\n"
      "  __match_args__ = ('z', 'z')\n"
      "  z = 3\n"
      "class Missing:\n"
      "  __match_args__ = ('nothere',)\n",
      ns);
  struct Case {
    const char* subject;
    const char* cls;
    int nargs;
    const char* kwnames;  // tuple expression
    const char* pattern;  // the same pattern in Python syntax
  } cases[] = {
      {"P()", "P", 2, "()", "P(a, b)"},
      {"P()", "P", 1, "('y',)", "P(a, y=b)"},
      {"P()", "P", 3, "()", "P(a, b, c)"},
      {"P()", "Plain", 0, "()", "Plain()"},
      {"Plain()", "Plain", 0, "('z',)", "Plain(z=a)"},
      {"Plain()", "Plain", 1, "()", "Plain(a)"},
      {"Plain()", "L", 0, "()", "L()"},
      {"L()", "L", 1, "()", "L(a)"},
      {"N()", "N", 1, "()", "N(a)"},
      {"Dup()", "Dup", 2, "()", "Dup(a, b)"},
      {"P()", "P", 1, "('x',)", "P(a, x=b)"},
      {"Missing()", "Missing", 1, "()", "Missing(a)"},
      {"Plain()", "Plain", 0, "('nothere',)", "Plain(nothere=a)"},
      {"5", "int", 1, "()", "int(a)"},
      {"'s'", "str", 2, "()", "str(a, b)"},
      {"5", "math.pi", 0, "()", "math.pi()"},
  };
  for (auto& c : cases) {
    std::string src = std::string("match ") + c.subject + ":\n case " + c.pattern +
                      ":\n  result = tuple(v for v in (locals().get('a'), locals().get('b'))"
                      " if v is not None) or ()\n case _:\n  result = None\n";
    exec("a = b = None\n", ns);
    std::string expected = pyExecOutcome(src.c_str(), ns);
    PyObject* subject = eval(c.subject, ns);
    PyObject* cls = eval(c.cls, ns);
    PyObject* names = eval(c.kwnames, ns);
    EXPECT_EQ(outcome(ember_h_match_class(subject, cls, names, c.nargs)), expected)
        << "case " << c.pattern << " with " << c.subject;
    Py_DECREF(subject);
    Py_DECREF(cls);
    Py_DECREF(names);
  }
  Py_DECREF(ns);
}

int gPendingRuns = 0;
int pendingOk(void*) {
  gPendingRuns++;
  return 0;
}
int pendingFails(void*) {
  PyErr_SetString(PyExc_RuntimeError, "pending call failed");
  return -1;
}

TEST(RuntimeEvalBreaker, InstrumentationChangeLeaves) {
  TestFrame tf("def f(): pass\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  PyCodeObject* code = tf.code();
  uint32_t saved = code->_co_instrumentation_version;
  code->_co_instrumentation_version = ts->interp->monitoring_version + 1;
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 1);
  EXPECT_FALSE(PyErr_Occurred());
  code->_co_instrumentation_version = saved;
}

TEST(RuntimeEvalBreaker, RunsPendingCalls) {
  TestFrame tf("def f(): pass\nf()\n", "f");
  PyThreadState* ts = PyThreadState_Get();
  ASSERT_NE(ember::runtime::tickCode(), nullptr);
  tf.frame()->f_code->_co_instrumentation_version = ts->interp->monitoring_version;
  gPendingRuns = 0;
  ASSERT_EQ(Py_AddPendingCall(pendingOk, nullptr), 0);
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 0);
  EXPECT_EQ(gPendingRuns, 1);
  // Nothing pending: a no-op.
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 0);
  EXPECT_EQ(gPendingRuns, 1);
  // A failing pending call surfaces as -1 with no tick frame in the traceback.
  ASSERT_EQ(Py_AddPendingCall(pendingFails, nullptr), 0);
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), -1);
  PyObject* exc = PyErr_GetRaisedException();
  ASSERT_NE(exc, nullptr);
  EXPECT_EQ(reprOf(exc), "RuntimeError('pending call failed')");
  PyObject* tb = PyException_GetTraceback(exc);
  EXPECT_EQ(tb, nullptr) << "the tick's traceback entry must be removed";
  Py_XDECREF(tb);
  Py_DECREF(exc);
}

TEST(RuntimeEvalBreaker, SignalHandlerExceptionKeepsHandlerFrames) {
  TestFrame tf("def f(): pass\nf()\n", "f");  // f() brings its instrumentation up to date
  PyThreadState* ts = PyThreadState_Get();
  PyObject* ns = newNamespace();
  exec(
      "import signal\n"
      "def handler(signum, frame):\n"
      "  raise KeyboardInterrupt('from handler')\n"
      "old = signal.signal(signal.SIGUSR1, handler)\n",
      ns);
  ASSERT_EQ(PyErr_SetInterruptEx(SIGUSR1), 0);
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), -1);
  PyObject* exc = PyErr_GetRaisedException();
  ASSERT_NE(exc, nullptr);
  EXPECT_EQ(reprOf(exc), "KeyboardInterrupt('from handler')");
  PyObject* tb = PyException_GetTraceback(exc);
  ASSERT_NE(tb, nullptr);
  PyCodeObject* code = PyFrame_GetCode(reinterpret_cast<PyTracebackObject*>(tb)->tb_frame);
  EXPECT_EQ(std::string(PyUnicode_AsUTF8(code->co_name)), "handler");
  Py_DECREF(code);
  Py_DECREF(tb);
  Py_DECREF(exc);
  exec("signal.signal(signal.SIGUSR1, old)\n", ns);
  Py_DECREF(ns);
}

TEST(RuntimeEvalBreaker, TickCodeIsRecognisable) {
  PyObject* code = ember::runtime::tickCode();
  ASSERT_NE(code, nullptr);
  ASSERT_TRUE(PyCode_Check(code));
  auto* co = reinterpret_cast<PyCodeObject*>(code);
  EXPECT_EQ(std::string(PyUnicode_AsUTF8(co->co_name)), "_ember_tick");
  EXPECT_EQ(std::string(PyUnicode_AsUTF8(co->co_filename)), "<ember-tick>");
  EXPECT_EQ(ember::runtime::tickCode(), code);
}

TEST(RuntimeHelperTable, EveryHelperHasAnAddress) {
  using ember::hir::HelperId;
  using ember::runtime::helperAddress;
  EXPECT_EQ(helperAddress(HelperId::None), nullptr);
  EXPECT_EQ(helperAddress(HelperId::Count), nullptr);
  for (int i = 1; i < static_cast<int>(HelperId::Count); i++) {
    auto id = static_cast<HelperId>(i);
    EXPECT_NE(helperAddress(id), nullptr) << ember::hir::helperInfo(id).name;
    for (int j = 1; j < i; j++) {
      EXPECT_NE(helperAddress(id), helperAddress(static_cast<HelperId>(j)));
    }
  }
  EXPECT_EQ(helperAddress(HelperId::binary_op), reinterpret_cast<void*>(&ember_h_binary_op));
  EXPECT_EQ(helperAddress(HelperId::service_eval_breaker),
            reinterpret_cast<void*>(&ember_h_service_eval_breaker));
}

}  // namespace

namespace {

using namespace ember::testing;

// The error protocol end to end, as compiled code will run it: a helper fails
// inside a linked frame, the frame is handed to the interpreter with
// throwflag=1 at the failing instruction, and the caller sees the same
// exception and traceback as an interpreted call.
TEST(RuntimeHelpersProtocol, HelperErrorResumesInInterpreterLikeACall) {
  PyObject* ns = newNamespace();
  exec(
      "def f(x):\n"
      "  y = 1\n"
      "  return x.missing\n"
      "import traceback\n"
      "def describe(e):\n"
      "  tb = traceback.extract_tb(e.__traceback__)\n"
      "  return (type(e).__name__, str(e), [(t.name, t.lineno) for t in tb])\n",
      ns);
  PyObject* func = PyDict_GetItemString(ns, "f");
  auto* fn = reinterpret_cast<PyFunctionObject*>(func);
  auto* code = reinterpret_cast<PyCodeObject*>(fn->func_code);
  int loadAttr = -1;
  for (int i = 0; i < static_cast<int>(Py_SIZE(code)); i++) {
    if (_PyCode_CODE(code)[i].op.code == LOAD_ATTR) {
      loadAttr = i;
      break;
    }
  }
  ASSERT_GT(loadAttr, 0);
  PyObject* arg = PyLong_FromLong(3);
  PyThreadState* ts = PyThreadState_Get();
  PyObject** top = ts->datastack_top;

  // "Compiled" activation.
  _PyInterpreterFrame* frame = ember::cpython::pushFrame(ts, fn);
  ASSERT_EQ(ember::cpython::bindArguments(ts, frame, fn, &arg, 1, nullptr), 0);
  ASSERT_EQ(ember::cpython::enterRecursivePy(ts), 0);
  frame->prev_instr = _PyCode_CODE(code) + code->_co_firsttraceable;  // past RESUME
  ember::cpython::linkFrame(ts, frame);
  frame->localsplus[1] = PyLong_FromLong(1);  // y = 1
  frame->prev_instr = _PyCode_CODE(code) + loadAttr;
  PyObject* v = ember_h_load_attr(frame->localsplus[0], nameImm("missing"));
  ASSERT_EQ(v, nullptr);
  // Error exit: empty value stack, leave, unlink, resume with throwflag.
  frame->stacktop = code->co_nlocalsplus;
  ember::cpython::leaveRecursivePy(ts);
  ember::cpython::unlinkFrame(ts, frame);
  PyObject* r = ember::cpython::resumeInInterpreter(ts, frame, 1);
  ASSERT_EQ(r, nullptr);
  EXPECT_EQ(ts->datastack_top, top);
  PyObject* mine = PyErr_GetRaisedException();
  PyDict_SetItemString(ns, "mine", mine);
  Py_DECREF(mine);
  exec("try:\n  f(3)\nexcept AttributeError as e:\n  theirs = e\n", ns);
  std::string expected = pyOutcome("describe(theirs)[:2] + (describe(theirs)[2][-1:],)", ns);
  EXPECT_EQ(pyOutcome("describe(mine)", ns), expected);
  EXPECT_EQ(expected, "('AttributeError', \"'int' object has no attribute 'missing'\", [('f', 3)])");
  Py_DECREF(arg);
  Py_DECREF(ns);
}

}  // namespace

namespace {

using namespace ember::testing;

TEST(RuntimeEvalBreaker, TracingIsSeenEvenAfterEagerInstrumentation) {
  TestFrame tf("def f(): pass\nf()\n", "f", /*link=*/true);
  PyThreadState* ts = PyThreadState_Get();
  PyCodeObject* code = tf.code();
  PyInterpreterState* interp = ts->interp;
  ASSERT_FALSE(ember::runtime::codeIsInstrumented(code, interp));
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 0);
  uint64_t before = interp->monitoring_version;
  PyObject* ns = newNamespace();
  exec("import sys\ndef tracer(*a): return None\nsys.settrace(tracer)\n", ns);
  // 3.12 instrumented the linked frame's code at once: no version mismatch.
  EXPECT_NE(interp->monitoring_version, before);
  EXPECT_EQ(code->_co_instrumentation_version, interp->monitoring_version);
  EXPECT_TRUE(ember::runtime::codeIsInstrumented(code, interp));
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 1);
  exec("sys.settrace(None)\n", ns);
  EXPECT_FALSE(ember::runtime::codeIsInstrumented(code, interp));
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 0);
  // sys.monitoring with a local event on this code only.
  PyDict_SetItemString(ns, "code", reinterpret_cast<PyObject*>(code));
  exec(
      "m = sys.monitoring\n"
      "m.use_tool_id(3, 'ember-test')\n"
      "m.set_local_events(3, code, m.events.LINE)\n",
      ns);
  EXPECT_TRUE(ember::runtime::codeIsInstrumented(code, interp));
  EXPECT_EQ(ember_h_service_eval_breaker(ts, tf.frame()), 1);
  exec("m.set_local_events(3, code, 0)\nm.free_tool_id(3)\n", ns);
  EXPECT_FALSE(ember::runtime::codeIsInstrumented(code, interp));
  Py_DECREF(ns);
}

}  // namespace

namespace {

using namespace ember::testing;

// Helpers borrow their operands: running them (successfully or not) many times
// must leave every operand's reference count where it was.
TEST(RuntimeHelpersRefcounts, OperandsAreBorrowedOnEveryPath) {
  TestFrame tf(
      "class C:\n"
      "  __match_args__ = ('x',)\n"
      "  x = 1\n"
      "  def m(self, *a, **k): return a\n"
      "def f(a, b, c, d, e, g): return [a, b, c, d, e, g, a, b, c, d, e, g]\n",
      "f");
  PyObject* ns = tf.ns();
  PyObject* obj = eval("C()", ns);
  PyObject* cls = eval("C", ns);
  PyObject* tup = eval("(object(), object(), object())", ns);
  PyObject* lst = eval("[object(), object()]", ns);
  PyObject* kw = eval("{'k': object()}", ns);
  PyObject* kwnames = Py_BuildValue("(s)", "k");
  PyObject* names = PyTuple_New(0);
  PyObject* one = PyLong_FromLong(123456);
  PyObject* spec = PyUnicode_FromString(">10");
  PyObject* os = eval("__import__('os')", ns);
  std::vector<PyObject*> watched = {obj, cls, tup, lst, kw, kwnames, names, one, spec, os};
  std::vector<PyObject*> items;
  for (Py_ssize_t i = 0; i < 3; i++) items.push_back(PyTuple_GET_ITEM(tup, i));
  for (PyObject* o : items) watched.push_back(o);
  std::vector<Py_ssize_t> before;
  for (PyObject* o : watched) before.push_back(Py_REFCNT(o));

  int s = tf.stackSlots(6);
  PyObject** slots = &tf.frame()->localsplus[s];
  auto clear = [&] {
    for (int i = 0; i < 6; i++) Py_CLEAR(slots[i]);
  };
  for (int round = 0; round < 50; round++) {
    Py_XDECREF(ember_h_binary_op(one, one, 0));
    Py_XDECREF(ember_h_binary_op(one, tup, 0));  // TypeError
    PyErr_Clear();
    PyObject* stack[] = {nullptr, obj, one, items[0]};
    Py_XDECREF(ember_h_call(PyThreadState_GET(), stack, 4, 0));
    PyObject* mstack[] = {nullptr, cls, obj, one};
    Py_XDECREF(ember_h_call(PyThreadState_GET(), mstack, 4, reinterpret_cast<int64_t>(kwnames)));
    PyErr_Clear();
    EXPECT_EQ(ember_h_unpack_sequence_into(tf.frame(), tup, 3, s), 0);
    clear();
    EXPECT_EQ(ember_h_unpack_sequence_into(tf.frame(), lst, 3, s), -1);
    PyErr_Clear();
    clear();
    EXPECT_EQ(ember_h_unpack_ex_into(tf.frame(), tup, 1, s), 0);
    clear();
    EXPECT_EQ(ember_h_load_method_into(tf.frame(), obj, nameImm("m"), s), 0);
    clear();
    Py_XDECREF(ember_h_call_function_ex(cls, tup, kw));
    PyErr_Clear();
    Py_XDECREF(ember_h_call_function_ex(cls, one, kw));
    PyErr_Clear();
    Py_XDECREF(ember_h_import_from(os, nameImm("nope")));
    PyErr_Clear();
    EXPECT_EQ(ember_h_raise_varargs(one, nullptr), -1);
    PyErr_Clear();
    Py_XDECREF(ember_h_match_class(obj, cls, names, 1));
    Py_XDECREF(ember_h_format_value(one, spec, 2));
    PyObject* d = PyDict_New();
    EXPECT_EQ(ember_h_dict_merge(cls, d, kw), 0);
    EXPECT_EQ(ember_h_dict_merge(cls, d, kw), -1);
    PyErr_Clear();
    Py_DECREF(d);
    EXPECT_EQ(ember_h_before_with_into(tf.frame(), obj, s), -1);
    PyErr_Clear();
    Py_XDECREF(ember_h_build_tuple(items.data(), 3));
    Py_XDECREF(ember_h_build_map(items.data(), 2));
    Py_XDECREF(ember_h_match_keys(kw, names));
  }
  for (size_t i = 0; i < watched.size(); i++) {
    EXPECT_EQ(Py_REFCNT(watched[i]), before[i]) << "operand " << i << " " << reprOf(watched[i]);
  }
  for (PyObject* o : {obj, cls, tup, lst, kw, kwnames, names, one, spec, os}) Py_DECREF(o);
}

}  // namespace
