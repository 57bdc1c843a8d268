// Operator, subscript, iteration and truth helpers (helpers_ops.cpp,
// helpers_iter.cpp) compared with the interpreter on real objects, including
// error types and messages.
#include <gtest/gtest.h>

#include <opcode.h>

#include "ember/runtime/helpers.h"
#include "runtime_test_support.h"

namespace {

using namespace ember::testing;

struct BinCase {
  int oparg;
  const char* symbol;
  bool inplace;
};

const BinCase kBinOps[] = {
    {NB_ADD, "+", false},          {NB_AND, "&", false},
    {NB_FLOOR_DIVIDE, "//", false}, {NB_LSHIFT, "<<", false},
    {NB_MATRIX_MULTIPLY, "@", false}, {NB_MULTIPLY, "*", false},
    {NB_REMAINDER, "%", false},    {NB_OR, "|", false},
    {NB_POWER, "**", false},       {NB_RSHIFT, ">>", false},
    {NB_SUBTRACT, "-", false},     {NB_TRUE_DIVIDE, "/", false},
    {NB_XOR, "^", false},          {NB_INPLACE_ADD, "+=", true},
    {NB_INPLACE_AND, "&=", true},  {NB_INPLACE_FLOOR_DIVIDE, "//=", true},
    {NB_INPLACE_LSHIFT, "<<=", true}, {NB_INPLACE_MATRIX_MULTIPLY, "@=", true},
    {NB_INPLACE_MULTIPLY, "*=", true}, {NB_INPLACE_REMAINDER, "%=", true},
    {NB_INPLACE_OR, "|=", true},   {NB_INPLACE_POWER, "**=", true},
    {NB_INPLACE_RSHIFT, ">>=", true}, {NB_INPLACE_SUBTRACT, "-=", true},
    {NB_INPLACE_TRUE_DIVIDE, "/=", true}, {NB_INPLACE_XOR, "^=", true},
};

// Operand pairs as Python expressions; each is tried with every operator.
const char* kOperands[][2] = {
    {"7", "3"},          {"-7", "2"},         {"2.5", "4"},     {"{1, 2}", "{2, 3}"},
    {"[1, 2]", "[3]"},   {"'ab'", "3"},       {"1", "0"},       {"1", "'a'"},
    {"None", "None"},    {"Box([1])", "Box([2])"}, {"2", "-1"}, {"10**20", "3"},
};

TEST(RuntimeHelpersOps, BinaryOpMatchesInterpreterForAllOperators) {
  PyObject* ns = newNamespace();
  exec(
      "class Box:\n"
      "  def __init__(self, v): self.v = v\n"
      "  def __repr__(self): return f'Box({self.v!r})'\n"
      "  def __add__(self, o): return Box(self.v + o.v)\n"
      "  def __iadd__(self, o): self.v += o.v; return self\n"
      "  def __matmul__(self, o): return 'matmul'\n",
      ns);
  ASSERT_EQ(sizeof(kBinOps) / sizeof(kBinOps[0]), 26u);
  for (const BinCase& op : kBinOps) {
    for (auto& pair : kOperands) {
      std::string setup = std::string("a = ") + pair[0] + "\nb = " + pair[1] + "\n";
      std::string py = setup + (op.inplace ? std::string("a ") + op.symbol + " b\nresult = a\n"
                                           : std::string("result = a ") + op.symbol + " b\n");
      std::string expected = pyExecOutcome(py.c_str(), ns);
      exec(setup.c_str(), ns);
      PyObject* a = eval("a", ns);
      PyObject* b = eval("b", ns);
      std::string got = outcome(ember_h_binary_op(a, b, op.oparg));
      EXPECT_EQ(got, expected) << pair[0] << " " << op.symbol << " " << pair[1];
      Py_DECREF(a);
      Py_DECREF(b);
    }
  }
  EXPECT_EQ(outcome(ember_h_binary_op(Py_None, Py_None, 99)),
            "SystemError: ember: bad BINARY_OP oparg 99");
  Py_DECREF(ns);
}

TEST(RuntimeHelpersOps, UnaryAndIntrinsics) {
  PyObject* ns = newNamespace();
  const char* values[] = {"5", "-2.5", "[]", "[1]", "'s'", "None", "True", "{1: 2}"};
  for (const char* v : values) {
    PyObject* o = eval(v, ns);
    std::string e = std::string("-(") + v + ")";
    EXPECT_EQ(outcome(ember_h_unary_negative(o)), pyOutcome(e.c_str(), ns)) << v;
    e = std::string("~(") + v + ")";
    EXPECT_EQ(outcome(ember_h_unary_invert(o)), pyOutcome(e.c_str(), ns)) << v;
    e = std::string("+(") + v + ")";
    EXPECT_EQ(outcome(ember_h_unary_positive(o)), pyOutcome(e.c_str(), ns)) << v;
    e = std::string("not (") + v + ")";
    EXPECT_EQ(outcome(ember_h_unary_not(o)), pyOutcome(e.c_str(), ns)) << v;
    e = std::string("1 if (") + v + ") else 0";
    EXPECT_EQ(outcomeInt(ember_h_is_true(o)), pyOutcome(e.c_str(), ns)) << v;
    Py_DECREF(o);
  }
  exec("class Bad:\n  def __bool__(self): raise ValueError('no truth')\nbad = Bad()\n", ns);
  PyObject* bad = eval("bad", ns);
  EXPECT_EQ(outcomeInt(ember_h_is_true(bad)), "ValueError: no truth");
  EXPECT_EQ(outcome(ember_h_unary_not(bad)), "ValueError: no truth");
  Py_DECREF(bad);
  PyObject* list = eval("[1, 'x']", ns);
  EXPECT_EQ(outcome(ember_h_list_to_tuple(list)), "(1, 'x')");
  Py_DECREF(list);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersOps, CompareIsContains) {
  PyObject* ns = newNamespace();
  const char* ops[] = {"<", "<=", "==", "!=", ">", ">="};
  const char* pairs[][2] = {{"1", "2"}, {"'a'", "'a'"}, {"1", "'a'"}, {"[1]", "[1, 0]"},
                            {"None", "None"}};
  for (int op = Py_LT; op <= Py_GE; op++) {
    for (auto& p : pairs) {
      PyObject* l = eval(p[0], ns);
      PyObject* r = eval(p[1], ns);
      std::string e = std::string(p[0]) + " " + ops[op] + " " + p[1];
      EXPECT_EQ(outcome(ember_h_compare_op(l, r, op)), pyOutcome(e.c_str(), ns)) << e;
      PyDict_SetItemString(ns, "l", l);
      PyDict_SetItemString(ns, "r", r);
      EXPECT_EQ(outcome(ember_h_is_op(l, r, 0)), pyOutcome("l is r", ns));
      EXPECT_EQ(outcome(ember_h_is_op(l, r, 1)), pyOutcome("l is not r", ns));
      e = std::string("(") + p[0] + ") in (" + p[1] + ")";
      EXPECT_EQ(outcome(ember_h_contains_op(l, r, 0)), pyOutcome(e.c_str(), ns)) << e;
      e = std::string("(") + p[0] + ") not in (" + p[1] + ")";
      EXPECT_EQ(outcome(ember_h_contains_op(l, r, 1)), pyOutcome(e.c_str(), ns)) << e;
      Py_DECREF(l);
      Py_DECREF(r);
    }
  }
  Py_DECREF(ns);
}

TEST(RuntimeHelpersOps, SubscriptsAndSlices) {
  PyObject* ns = newNamespace();
  exec("l = [0, 1, 2, 3, 4]\nd = {'k': 1}\ntwo = 2\n", ns);
  PyObject* l = eval("l", ns);
  PyObject* d = eval("d", ns);
  PyObject* two = PyLong_FromLong(2);
  PyObject* ten = PyLong_FromLong(10);
  PyObject* k = PyUnicode_FromString("k");
  PyObject* missing = PyUnicode_FromString("missing");
  EXPECT_EQ(outcome(ember_h_binary_subscr(l, two)), pyOutcome("l[2]", ns));
  EXPECT_EQ(outcome(ember_h_binary_subscr(l, ten)), pyOutcome("l[10]", ns));
  EXPECT_EQ(outcome(ember_h_binary_subscr(d, missing)), pyOutcome("d['missing']", ns));
  EXPECT_EQ(outcome(ember_h_binary_subscr(two, two)), pyOutcome("two[2]", ns));
  EXPECT_EQ(outcomeInt(ember_h_store_subscr(d, missing, two)), "0");
  EXPECT_EQ(reprOf(d), "{'k': 1, 'missing': 2}");
  EXPECT_EQ(outcomeInt(ember_h_delete_subscr(d, k)), "0");
  EXPECT_EQ(outcomeInt(ember_h_delete_subscr(d, k)), pyExecOutcome("del d['k']", ns));
  EXPECT_EQ(outcomeInt(ember_h_store_subscr(two, two, two)), pyExecOutcome("two[2] = 2", ns));
  EXPECT_EQ(outcome(ember_h_binary_slice(l, two, Py_None)), pyOutcome("l[2:]", ns));
  EXPECT_EQ(outcome(ember_h_binary_slice(l, Py_None, two)), pyOutcome("l[:2]", ns));
  EXPECT_EQ(outcome(ember_h_binary_slice(l, k, two)), pyOutcome("l['k':2]", ns));
  PyObject* repl = eval("['a', 'b']", ns);
  EXPECT_EQ(outcomeInt(ember_h_store_slice(l, Py_None, two, repl)), "0");
  EXPECT_EQ(reprOf(l), "['a', 'b', 2, 3, 4]");
  EXPECT_EQ(outcomeInt(ember_h_store_slice(two, Py_None, two, repl)),
            pyExecOutcome("x = 2\nx[:2] = ['a']", ns));
  EXPECT_EQ(outcome(ember_h_build_slice(two, ten, Py_None)), "slice(2, 10, None)");
  EXPECT_EQ(outcome(ember_h_build_slice(two, ten, two)), "slice(2, 10, 2)");
  EXPECT_EQ(outcome(ember_h_get_len(l)), "5");
  EXPECT_EQ(outcome(ember_h_get_len(two)), pyOutcome("len(2)", ns));
  for (PyObject* o : {l, d, two, ten, k, missing, repl}) Py_DECREF(o);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersOps, IterationProtocol) {
  PyObject* ns = newNamespace();
  exec(
      "def gen():\n"
      "  yield 1\n"
      "  raise KeyError('boom')\n"
      "class It:\n"
      "  def __iter__(self): return self\n"
      "  def __next__(self): raise StopIteration\n",
      ns);
  PyObject* v = eval("[1, 2]", ns);
  PyObject* it = ember_h_get_iter(v);
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(outcome(ember_h_for_iter_next(it)), "1");
  EXPECT_EQ(outcome(ember_h_for_iter_next(it)), "2");
  PyObject* end = ember_h_for_iter_next(it);
  EXPECT_EQ(end, nullptr);
  EXPECT_EQ(outcomeInt(ember_h_for_iter_error()), "0");
  Py_DECREF(it);
  PyObject* g = eval("gen()", ns);
  EXPECT_EQ(outcome(ember_h_for_iter_next(g)), "1");
  EXPECT_EQ(ember_h_for_iter_next(g), nullptr);
  EXPECT_EQ(outcomeInt(ember_h_for_iter_error()), "KeyError: 'boom'");
  Py_DECREF(g);
  PyObject* custom = eval("It()", ns);
  EXPECT_EQ(ember_h_for_iter_next(custom), nullptr);
  EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_StopIteration));
  EXPECT_EQ(outcomeInt(ember_h_for_iter_error()), "0");
  EXPECT_FALSE(PyErr_Occurred());
  Py_DECREF(custom);
  PyObject* five = PyLong_FromLong(5);
  EXPECT_EQ(outcome(ember_h_get_iter(five)), pyOutcome("iter(5)", ns));
  Py_DECREF(five);
  Py_DECREF(v);
  Py_DECREF(ns);
}

}  // namespace
