// Globals, cells and attribute helpers (helpers_names.cpp, helpers_attrs.cpp)
// on real frames, compared with the interpreter's results and errors.
#include <gtest/gtest.h>

#include "ember/runtime/helpers.h"
#include "runtime_test_support.h"

namespace {

using namespace ember::testing;

TEST(RuntimeHelpersNames, LoadGlobalGlobalsThenBuiltins) {
  TestFrame tf("g = 'global'\nlen = 'shadowed'\ndef f(): pass\n", "f");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("g"))), "'global'");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("len"))), "'shadowed'");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("abs"))), "<built-in function abs>");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("nope"))),
            pyOutcome("nope", tf.ns()));
  // NameError.name is set, as the interpreter does for suggestions.
  EXPECT_EQ(ember_h_load_global(tf.frame(), nameImm("nope")), nullptr);
  PyObject* exc = PyErr_GetRaisedException();
  PyObject* name = PyObject_GetAttrString(exc, "name");
  EXPECT_EQ(reprOf(name), "'nope'");
  Py_XDECREF(name);
  Py_DECREF(exc);
}

TEST(RuntimeHelpersNames, LoadGlobalWithMappingBuiltins) {
  // exec() with a non-dict builtins mapping takes the interpreter's slow path.
  TestFrame tf("def f(): pass\n", "f");
  PyObject* ns = tf.ns();
  exec(
      "class Builtins:\n"
      "  def __getitem__(self, k):\n"
      "    if k == 'special': return 42\n"
      "    if k == 'broken': raise ValueError('mapping broke')\n"
      "    raise KeyError(k)\n"
      "mapping = Builtins()\n",
      ns);
  PyObject* mapping = eval("mapping", ns);
  PyObject* saved = tf.frame()->f_builtins;
  tf.frame()->f_builtins = mapping;
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("special"))), "42");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("broken"))),
            "ValueError: mapping broke");
  EXPECT_EQ(outcome(ember_h_load_global(tf.frame(), nameImm("absent"))),
            "NameError: name 'absent' is not defined");
  EXPECT_EQ(outcome(ember_h_load_build_class(tf.frame())),
            "NameError: __build_class__ not found");
  tf.frame()->f_builtins = saved;
  // The interpreter agrees (exec with the mapping as builtins).
  exec("code = compile('result = (special, absent)', 's', 'exec')\n", ns);
  EXPECT_EQ(pyExecOutcome("exec(code, {'__builtins__': mapping})\n", ns),
            "NameError: name 'absent' is not defined");
  Py_DECREF(mapping);
}

TEST(RuntimeHelpersNames, StoreDeleteGlobal) {
  TestFrame tf("def f(): pass\n", "f");
  PyObject* v = PyLong_FromLong(5);
  EXPECT_EQ(outcomeInt(ember_h_store_global(tf.frame(), v, nameImm("x"))), "0");
  EXPECT_EQ(pyOutcome("x", tf.ns()), "5");
  EXPECT_EQ(outcomeInt(ember_h_delete_global(tf.frame(), nameImm("x"))), "0");
  EXPECT_EQ(outcomeInt(ember_h_delete_global(tf.frame(), nameImm("x"))),
            pyExecOutcome("def g():\n  global x\n  del x\ng()\n", tf.ns()));
  Py_DECREF(v);
}

TEST(RuntimeHelpersNames, CellsAndFreeVariables) {
  const char* src =
      "def outer():\n"
      "  c = 1\n"
      "  def inner():\n"
      "    return c\n"
      "  return inner\n"
      "inner = outer()\n"
      "def withcell(a):\n"
      "  def g(): return a\n"
      "  return g\n";
  // make_cell on a parameter keeps the argument; store/load/delete round trip.
  {
    TestFrame tf(src, "withcell");
    int a = tf.slotOf("a");
    tf.frame()->localsplus[a] = PyLong_FromLong(7);
    EXPECT_EQ(outcomeInt(ember_h_make_cell(tf.frame(), a)), "0");
    EXPECT_TRUE(PyCell_Check(tf.frame()->localsplus[a]));
    EXPECT_EQ(outcome(ember_h_load_deref(tf.frame(), a)), "7");
    PyObject* v = PyUnicode_FromString("new");
    EXPECT_EQ(outcomeInt(ember_h_store_deref(tf.frame(), v, a)), "0");
    EXPECT_EQ(outcome(ember_h_load_deref(tf.frame(), a)), "'new'");
    EXPECT_EQ(outcomeInt(ember_h_delete_deref(tf.frame(), a)), "0");
    EXPECT_EQ(outcome(ember_h_load_deref(tf.frame(), a)),
              pyExecOutcome("def h():\n  a = 1\n  del a\n  def k(): return a\n  return a\nh()",
                            tf.ns()));
    EXPECT_EQ(outcomeInt(ember_h_delete_deref(tf.frame(), a)),
              "UnboundLocalError: cannot access local variable 'a' where it is not associated "
              "with a value");
    Py_DECREF(v);
  }
  // copy_free_vars copies the closure; an emptied free cell gives NameError.
  {
    TestFrame tf(src, "inner");
    int c = tf.slotOf("c");
    EXPECT_EQ(outcomeInt(ember_h_copy_free_vars(tf.frame(), 1)), "0");
    EXPECT_EQ(tf.frame()->localsplus[c],
              PyTuple_GET_ITEM(reinterpret_cast<PyFunctionObject*>(tf.func())->func_closure, 0));
    EXPECT_EQ(outcome(ember_h_load_deref(tf.frame(), c)), "1");
    EXPECT_EQ(outcomeInt(ember_h_delete_deref(tf.frame(), c)), "0");
    std::string expected = pyExecOutcome(
        "def o():\n  def i():\n    return c\n  c = 1\n  del c\n  return i\no()()\n", tf.ns());
    EXPECT_EQ(outcome(ember_h_load_deref(tf.frame(), c)), expected);
    EXPECT_EQ(expected,
              "NameError: cannot access free variable 'c' where it is not associated with a "
              "value in enclosing scope");
  }
}

TEST(RuntimeHelpersNames, BuildClassAndAssertionError) {
  TestFrame tf("def f(): pass\n", "f");
  EXPECT_EQ(outcome(ember_h_load_build_class(tf.frame())), "<built-in function __build_class__>");
  EXPECT_EQ(outcome(ember_h_load_assertion_error()), "<class 'AssertionError'>");
}

const char* kAttrSrc =
    "class C:\n"
    "  cls_attr = 'class attribute'\n"
    "  def m(self): return 'method'\n"
    "  @staticmethod\n"
    "  def s(): return 'static'\n"
    "  @property\n"
    "  def p(self): return 'property'\n"
    "  @property\n"
    "  def bad(self): raise RuntimeError('getter failed')\n"
    "class D(C):\n"
    "  def m(self): return 'D.m'\n"
    "  def viasuper(self): return super().m()\n"
    "o = D()\n"
    "o.inst = 'instance'\n"
    "def f(a, b, c, d): return [a, b, c, d, a, b, c, d]\n";

TEST(RuntimeHelpersAttrs, LoadStoreDeleteAttr) {
  TestFrame tf(kAttrSrc, "f");
  PyObject* o = eval("o", tf.ns());
  EXPECT_EQ(outcome(ember_h_load_attr(o, nameImm("inst"))), "'instance'");
  EXPECT_EQ(outcome(ember_h_load_attr(o, nameImm("p"))), "'property'");
  EXPECT_EQ(outcome(ember_h_load_attr(o, nameImm("bad"))), "RuntimeError: getter failed");
  EXPECT_EQ(outcome(ember_h_load_attr(o, nameImm("missing"))), pyOutcome("o.missing", tf.ns()));
  PyObject* v = PyLong_FromLong(3);
  EXPECT_EQ(outcomeInt(ember_h_store_attr(o, v, nameImm("newattr"))), "0");
  EXPECT_EQ(pyOutcome("o.newattr", tf.ns()), "3");
  EXPECT_EQ(outcomeInt(ember_h_delete_attr(o, nameImm("newattr"))), "0");
  EXPECT_EQ(outcomeInt(ember_h_delete_attr(o, nameImm("newattr"))),
            pyExecOutcome("del o.newattr", tf.ns()));
  EXPECT_EQ(outcomeInt(ember_h_store_attr(v, v, nameImm("real"))),
            pyExecOutcome("(3).real = 3", tf.ns()));
  Py_DECREF(v);
  Py_DECREF(o);
}

TEST(RuntimeHelpersAttrs, LoadMethodInto) {
  TestFrame tf(kAttrSrc, "f");
  int s = tf.stackSlots(2);
  PyObject** slots = &tf.frame()->localsplus[s];
  PyObject* o = eval("o", tf.ns());
  // A plain method: [function, self].
  EXPECT_EQ(outcomeInt(ember_h_load_method_into(tf.frame(), o, nameImm("m"), s)), "0");
  EXPECT_EQ(reprOf(slots[0]).rfind("<function D.m", 0), 0u);
  EXPECT_EQ(slots[1], o);
  Py_CLEAR(slots[0]);
  Py_CLEAR(slots[1]);
  // An instance attribute and a staticmethod: [NULL, attr].
  EXPECT_EQ(outcomeInt(ember_h_load_method_into(tf.frame(), o, nameImm("inst"), s)), "0");
  EXPECT_EQ(slots[0], nullptr);
  EXPECT_EQ(reprOf(slots[1]), "'instance'");
  Py_CLEAR(slots[1]);
  EXPECT_EQ(outcomeInt(ember_h_load_method_into(tf.frame(), o, nameImm("s"), s)), "0");
  EXPECT_EQ(slots[0], nullptr);
  Py_CLEAR(slots[1]);
  // Errors leave NULLs.
  EXPECT_EQ(outcomeInt(ember_h_load_method_into(tf.frame(), o, nameImm("nothere"), s)),
            pyOutcome("o.nothere()", tf.ns()));
  EXPECT_EQ(slots[0], nullptr);
  EXPECT_EQ(slots[1], nullptr);
  Py_DECREF(o);
}

TEST(RuntimeHelpersAttrs, LoadSuperAttrInto) {
  TestFrame tf(kAttrSrc, "f");
  int s = tf.stackSlots(2);
  PyObject** slots = &tf.frame()->localsplus[s];
  PyObject* o = eval("o", tf.ns());
  PyObject* D = eval("D", tf.ns());
  PyObject* super = eval("super", tf.ns());
  PyObject* names = PyTuple_Pack(2, PyUnicode_InternFromString("m"),
                                 PyUnicode_InternFromString("nothere"));
  PyObject* savedNames = tf.frame()->f_code->co_names;
  tf.frame()->f_code->co_names = names;  // the helper reads co_names[oparg >> 2]
  // Attribute form (bit 0 clear), two-argument call (bit 1 set): name index 0.
  EXPECT_EQ(outcomeInt(ember_h_load_super_attr_into(tf.frame(), super, D, o, (0 << 2) | 2, s)),
            "0");
  EXPECT_EQ(reprOf(slots[0]).rfind("<bound method C.m", 0), 0u);
  Py_CLEAR(slots[0]);
  // Method form: [NULL, bound attribute], as the generic instruction.
  EXPECT_EQ(outcomeInt(ember_h_load_super_attr_into(tf.frame(), super, D, o, (0 << 2) | 3, s)),
            "0");
  EXPECT_EQ(slots[0], nullptr);
  PyObject* r = PyObject_CallNoArgs(slots[1]);
  EXPECT_EQ(outcome(r), "'method'");
  Py_CLEAR(slots[1]);
  // A missing attribute: the interpreter's AttributeError text.
  EXPECT_EQ(outcomeInt(ember_h_load_super_attr_into(tf.frame(), super, D, o, (1 << 2) | 3, s)),
            pyOutcome("super(D, o).nothere", tf.ns()));
  EXPECT_EQ(slots[0], nullptr);
  EXPECT_EQ(slots[1], nullptr);
  tf.frame()->f_code->co_names = savedNames;
  Py_DECREF(names);
  Py_DECREF(super);
  Py_DECREF(D);
  Py_DECREF(o);
}

TEST(RuntimeHelpersAttrs, ZeroArgumentSuperReadsTheCompiledFrame) {
  // The zero-argument form calls super() with no arguments; super() then finds
  // __class__ and self in the current frame, which must be the compiled one.
  TestFrame tf(kAttrSrc, "f");
  PyObject* o = eval("o", tf.ns());
  // Build the frame the way compiled code would have it: self bound, the
  // __class__ free variable copied, frame linked and past RESUME.
  PyObject* func = eval("D.viasuper", tf.ns());
  PyThreadState* ts = PyThreadState_Get();
  _PyInterpreterFrame* frame = ember::cpython::pushFrame(ts, (PyFunctionObject*)func);
  frame->localsplus[0] = Py_NewRef(o);
  ASSERT_EQ(ember_h_copy_free_vars(frame, frame->f_code->co_nfreevars), 0);
  frame->prev_instr = _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable;
  ember::cpython::linkFrame(ts, frame);
  int s = frame->f_code->co_nlocalsplus;
  frame->localsplus[s] = frame->localsplus[s + 1] = nullptr;
  frame->stacktop = s + 2;
  PyObject* super = eval("super", tf.ns());
  PyObject* cls = eval("C", tf.ns());  // ignored by the zero-argument call
  PyObject* savedNames = frame->f_code->co_names;
  int mIndex = -1;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(savedNames); i++) {
    if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(savedNames, i), "m") == 0) mIndex = i;
  }
  ASSERT_GE(mIndex, 0);
  EXPECT_EQ(ember_h_load_super_attr_into(frame, super, cls, o, (mIndex << 2) | 1, s), 0);
  PyObject* r = PyObject_CallNoArgs(frame->localsplus[s + 1]);
  EXPECT_EQ(outcome(r), "'method'");
  ember::cpython::unlinkFrame(ts, frame);
  ember::cpython::clearAndPopFrame(ts, frame);
  Py_DECREF(cls);
  Py_DECREF(super);
  Py_DECREF(func);
  Py_DECREF(o);
}

}  // namespace
