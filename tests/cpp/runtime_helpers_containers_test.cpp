// Container, string, unpacking and call helpers (helpers_containers.cpp,
// helpers_strings.cpp, helpers_unpack.cpp, helpers_calls.cpp) compared with the
// interpreter's results and exact error messages.
#include <gtest/gtest.h>

#include <vector>

#include "ember/runtime/helpers.h"
#include "runtime_test_support.h"

namespace {

using namespace ember::testing;

// The items of a tuple expression as a vector of borrowed references (the
// tuple itself is kept in `keep`).
std::vector<PyObject*> items(const char* tupleExpr, PyObject* ns, PyObject** keep) {
  *keep = eval(tupleExpr, ns);
  std::vector<PyObject*> v;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(*keep); i++) v.push_back(PyTuple_GET_ITEM(*keep, i));
  return v;
}

TEST(RuntimeHelpersContainers, Builders) {
  PyObject* ns = newNamespace();
  PyObject* keep;
  auto v = items("(1, 'a', 1, None)", ns, &keep);
  EXPECT_EQ(outcome(ember_h_build_tuple(v.data(), v.size())), "(1, 'a', 1, None)");
  EXPECT_EQ(outcome(ember_h_build_list(v.data(), v.size())), "[1, 'a', 1, None]");
  EXPECT_EQ(outcome(ember_h_build_set(v.data(), 2)), pyOutcome("{1, 'a'}", ns));
  EXPECT_EQ(outcome(ember_h_build_map(v.data(), v.size())), "{1: None}");
  EXPECT_EQ(outcome(ember_h_build_tuple(v.data(), 0)), "()");
  Py_DECREF(keep);
  auto u = items("([1], 2)", ns, &keep);
  EXPECT_EQ(outcome(ember_h_build_set(u.data(), u.size())), pyOutcome("{[1], 2}", ns));
  EXPECT_EQ(outcome(ember_h_build_map(u.data(), u.size())), pyOutcome("{[1]: 2}", ns));
  Py_DECREF(keep);
  auto c = items("(1, 2, ('x', 'y'))", ns, &keep);
  EXPECT_EQ(outcome(ember_h_build_const_key_map(c.data(), c.size())), "{'x': 1, 'y': 2}");
  EXPECT_EQ(outcome(ember_h_build_const_key_map(c.data() + 1, 2)),
            "SystemError: bad BUILD_CONST_KEY_MAP keys argument");
  Py_DECREF(keep);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersContainers, AppendAddExtendUpdate) {
  PyObject* ns = newNamespace();
  exec(
      "l = []\ns = set()\nd = {}\n"
      "class NotMap:\n  pass\n"
      "class KeysOnly:\n  def keys(self): return ['k']\n  def __getitem__(self, k): return 'v'\n",
      ns);
  PyObject* l = eval("l", ns);
  PyObject* s = eval("s", ns);
  PyObject* d = eval("d", ns);
  PyObject* one = PyLong_FromLong(1);
  PyObject* lst = eval("[1]", ns);
  EXPECT_EQ(outcomeInt(ember_h_list_append(l, one)), "0");
  EXPECT_EQ(outcomeInt(ember_h_set_add(s, one)), "0");
  EXPECT_EQ(outcomeInt(ember_h_set_add(s, lst)), pyOutcome("{[1]}", ns));
  EXPECT_EQ(outcomeInt(ember_h_map_add(d, one, one)), "0");
  EXPECT_EQ(outcomeInt(ember_h_map_add(d, lst, one)), pyOutcome("{[1]: 1}", ns));
  PyObject* range = eval("range(2, 4)", ns);
  EXPECT_EQ(outcomeInt(ember_h_list_extend(l, range)), "0");
  EXPECT_EQ(reprOf(l), "[1, 2, 3]");
  EXPECT_EQ(outcomeInt(ember_h_list_extend(l, one)), pyOutcome("[*1]", ns));
  EXPECT_EQ(outcomeInt(ember_h_set_update(s, range)), "0");
  EXPECT_EQ(reprOf(s), "{1, 2, 3}");
  EXPECT_EQ(outcomeInt(ember_h_set_update(s, one)), pyOutcome("{*1}", ns));
  PyObject* km = eval("KeysOnly()", ns);
  EXPECT_EQ(outcomeInt(ember_h_dict_update(d, km)), "0");
  EXPECT_EQ(reprOf(d), "{1: 1, 'k': 'v'}");
  PyObject* nm = eval("NotMap()", ns);
  EXPECT_EQ(outcomeInt(ember_h_dict_update(d, nm)), pyOutcome("{**NotMap()}", ns));
  EXPECT_EQ(outcomeInt(ember_h_dict_update(d, one)), pyOutcome("{**1}", ns));
  for (PyObject* o : {l, s, d, one, lst, range, km, nm}) Py_DECREF(o);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersContainers, DictMergeNamesTheCallable) {
  PyObject* ns = newNamespace();
  exec("def f(**k): return k\nclass C:\n  def m(self, **k): pass\nobj = C()\n", ns);
  PyObject* f = eval("f", ns);
  PyObject* m = eval("obj.m", ns);
  PyObject* d = eval("{'a': 1}", ns);
  PyObject* dup = eval("{'a': 2}", ns);
  PyObject* one = PyLong_FromLong(1);
  EXPECT_EQ(outcomeInt(ember_h_dict_merge(f, d, dup)), pyOutcome("f(**{'a': 1}, **{'a': 2})", ns));
  EXPECT_EQ(outcomeInt(ember_h_dict_merge(f, d, one)), pyOutcome("f(**{}, **1)", ns));
  EXPECT_EQ(outcomeInt(ember_h_dict_merge(m, d, one)), pyOutcome("obj.m(**{}, **1)", ns));
  PyObject* len = eval("len", ns);
  EXPECT_EQ(outcomeInt(ember_h_dict_merge(len, d, one)), pyOutcome("len(**{}, **1)", ns));
  PyObject* ok = eval("{'b': 2}", ns);
  EXPECT_EQ(outcomeInt(ember_h_dict_merge(f, d, ok)), "0");
  EXPECT_EQ(reprOf(d), "{'a': 1, 'b': 2}");
  for (PyObject* o : {f, m, d, dup, one, len, ok}) Py_DECREF(o);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersStrings, FormatValueAndBuildString) {
  PyObject* ns = newNamespace();
  exec("class W:\n  def __format__(self, spec): return f'W<{spec}>'\n"
       "  def __repr__(self): return 'W()'\n  def __str__(self): return 'w'\n",
       ns);
  PyObject* w = eval("W()", ns);
  PyObject* pi = eval("3.14159", ns);
  PyObject* s = eval("'h\\xe9'", ns);
  PyObject* spec = PyUnicode_FromString(".2f");
  PyObject* xspec = PyUnicode_FromString("x");
  EXPECT_EQ(outcome(ember_h_format_value(w, nullptr, 0)), pyOutcome("f'{W()}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(w, xspec, 0)), pyOutcome("f'{W():x}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(w, nullptr, 1)), pyOutcome("f'{W()!s}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(w, nullptr, 2)), pyOutcome("f'{W()!r}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(s, nullptr, 3)), pyOutcome("f'{\"h\\xe9\"!a}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(pi, spec, 0)), pyOutcome("f'{3.14159:.2f}'", ns));
  EXPECT_EQ(outcome(ember_h_format_value(pi, xspec, 0)), pyOutcome("f'{3.14159:x}'", ns));
  // An exact str with no spec is returned as is.
  PyObject* same = ember_h_format_value(s, nullptr, 0);
  EXPECT_EQ(same, s);
  Py_XDECREF(same);
  PyObject* parts[] = {s, spec, xspec};
  EXPECT_EQ(outcome(ember_h_build_string(parts, 3)), "'hé.2fx'");
  EXPECT_EQ(outcome(ember_h_build_string(parts, 0)), "''");
  for (PyObject* o : {w, pi, s, spec, xspec}) Py_DECREF(o);
  Py_DECREF(ns);
}

// Unpacks `expr` with the helper into a frame and renders the slots in
// interpreter stack order (bottom first) as a Python list, or the error.
std::string unpackWith(bool ex, int64_t oparg, int total, const char* expr, PyObject* ns) {
  TestFrame tf("def f(a, b, c, d, e, g, h, i): return [a, b, c, d, e, g, h, i, a, b]\n", "f");
  int base = tf.stackSlots(total);
  PyObject* seq = eval(expr, ns);
  int rc = ex ? ember_h_unpack_ex_into(tf.frame(), seq, oparg, base)
              : ember_h_unpack_sequence_into(tf.frame(), seq, oparg, base);
  Py_DECREF(seq);
  if (rc != 0) {
    for (int i = 0; i < total; i++) EXPECT_EQ(tf.frame()->localsplus[base + i], nullptr);
    return takeError();
  }
  // Top of stack (item 0) is the last slot: list from the top down.
  PyObject* list = PyList_New(0);
  for (int i = total - 1; i >= 0; i--) PyList_Append(list, tf.frame()->localsplus[base + i]);
  std::string s = reprOf(list);
  Py_DECREF(list);
  return s;
}

TEST(RuntimeHelpersUnpack, SequenceMatchesInterpreter) {
  PyObject* ns = newNamespace();
  exec("def gen(n):\n  yield from range(n)\n", ns);
  struct Case {
    int n;
    const char* value;
    const char* targets;
  } cases[] = {
      {2, "(1, 2)", "x0, x1"},      {3, "[1, 2, 3]", "x0, x1, x2"}, {2, "'ab'", "x0, x1"},
      {3, "gen(3)", "x0, x1, x2"},  {3, "(1, 2)", "x0, x1, x2"},    {2, "[1, 2, 3]", "x0, x1"},
      {2, "gen(5)", "x0, x1"},      {2, "1", "x0, x1"},              {1, "gen(0)", "x0,"},
      {2, "{1: 2, 3: 4}", "x0, x1"},
  };
  for (auto& c : cases) {
    std::string py = std::string(c.targets) + " = " + c.value + "\nresult = [" + c.targets + "]\n";
    EXPECT_EQ(unpackWith(false, c.n, c.n, c.value, ns), pyExecOutcome(py.c_str(), ns))
        << c.targets << " = " << c.value;
  }
  Py_DECREF(ns);
}

TEST(RuntimeHelpersUnpack, StarredMatchesInterpreter) {
  PyObject* ns = newNamespace();
  struct Case {
    int before, after;
    const char* value;
    const char* targets;
    const char* order;
  } cases[] = {
      {1, 1, "(1, 2, 3, 4)", "x0, *s, x1", "[x0, s, x1]"},
      {0, 2, "[1, 2]", "*s, x0, x1", "[s, x0, x1]"},
      {2, 0, "'abcd'", "x0, x1, *s", "[x0, x1, s]"},
      {2, 1, "(1, 2)", "x0, x1, *s, x2", "[x0, x1, s, x2]"},
      {1, 2, "[1, 2]", "x0, *s, x1, x2", "[x0, s, x1, x2]"},
      {1, 1, "5", "x0, *s, x1", "[x0, s, x1]"},
      {0, 0, "range(3)", "*s,", "[s]"},
  };
  for (auto& c : cases) {
    std::string py =
        std::string(c.targets) + " = " + c.value + "\nresult = " + c.order + "\n";
    EXPECT_EQ(unpackWith(true, c.before | (c.after << 8), c.before + 1 + c.after, c.value, ns),
              pyExecOutcome(py.c_str(), ns))
        << c.targets << " = " << c.value;
  }
  Py_DECREF(ns);
}

TEST(RuntimeHelpersCalls, CallShapesAndKwnames) {
  PyObject* ns = newNamespace();
  exec(
      "def f(a, b=2, *args, k=0, **kw): return (a, b, args, k, kw)\n"
      "class C:\n"
      "  def m(self, x, y=1): return ('m', x, y)\n"
      "o = C()\n",
      ns);
  PyObject* f = eval("f", ns);
  PyObject* o = eval("o", ns);
  PyObject* m = eval("C.m", ns);
  PyObject* one = PyLong_FromLong(1);
  PyObject* two = PyLong_FromLong(2);
  PyObject* three = PyLong_FromLong(3);
  // [NULL, f, 1, 2, 3]: a plain call; slot 0 doubles as args[-1] scratch.
  {
    PyObject* stack[] = {nullptr, f, one, two, three};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack, 5, 0)), pyOutcome("f(1, 2, 3)", ns));
    EXPECT_EQ(stack[0], nullptr);
    EXPECT_EQ(stack[1], f);
  }
  // kwnames apply to the last arguments.
  {
    PyObject* kwnames = Py_BuildValue("(ss)", "k", "z");
    PyObject* stack[] = {nullptr, f, one, two, three};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack, 5, reinterpret_cast<int64_t>(kwnames))),
              pyOutcome("f(1, k=2, z=3)", ns));
    PyObject* bad = Py_BuildValue("(ss)", "a", "a");
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack, 5, reinterpret_cast<int64_t>(bad))),
              pyOutcome("f(1, a=2)", ns));
    Py_DECREF(bad);
    Py_DECREF(kwnames);
  }
  // Method form [meth, self, args...].
  {
    PyObject* stack[] = {m, o, two};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack, 3, 0)), pyOutcome("o.m(2)", ns));
    PyObject* kwnames = Py_BuildValue("(s)", "y");
    PyObject* stack2[] = {m, o, two, three};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack2, 4, reinterpret_cast<int64_t>(kwnames))),
              pyOutcome("o.m(2, y=3)", ns));
    Py_DECREF(kwnames);
    PyObject* stack3[] = {m, o};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack3, 2, 0)), pyOutcome("o.m()", ns));
  }
  // Not callable.
  {
    PyObject* stack[] = {nullptr, one};
    EXPECT_EQ(outcome(ember_h_call(PyThreadState_GET(), stack, 2, 0)), pyExecOutcome("one = 1\none()", ns));
  }
  for (PyObject* x : {f, o, m, one, two, three}) Py_DECREF(x);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersCalls, CallFunctionEx) {
  PyObject* ns = newNamespace();
  exec("def f(*a, **k): return (a, k)\n", ns);
  PyObject* f = eval("f", ns);
  PyObject* tup = eval("(1, 2)", ns);
  PyObject* lst = eval("[1, 2]", ns);
  PyObject* kw = eval("{'x': 1}", ns);
  PyObject* one = PyLong_FromLong(1);
  PyObject* print = eval("print", ns);
  EXPECT_EQ(outcome(ember_h_call_function_ex(f, tup, nullptr)), pyOutcome("f(*(1, 2))", ns));
  EXPECT_EQ(outcome(ember_h_call_function_ex(f, lst, kw)), pyOutcome("f(*[1, 2], **{'x': 1})", ns));
  EXPECT_EQ(outcome(ember_h_call_function_ex(f, one, nullptr)), pyOutcome("f(*1)", ns));
  EXPECT_EQ(outcome(ember_h_call_function_ex(print, one, nullptr)), pyOutcome("print(*1)", ns));
  PyObject* mp = eval("__import__('types').MappingProxyType({'y': 2})", ns);
  EXPECT_EQ(outcome(ember_h_call_function_ex(f, tup, mp)), pyOutcome("f(*(1, 2), y=2)", ns));
  EXPECT_EQ(outcome(ember_h_call_function_ex(f, tup, one)), pyOutcome("f(*(1, 2), **1)", ns));
  for (PyObject* x : {f, tup, lst, kw, one, print, mp}) Py_DECREF(x);
  Py_DECREF(ns);
}

TEST(RuntimeHelpersCalls, MakeFunctionFlags) {
  TestFrame tf(
      "G = 'module global'\n"
      "def maker(x):\n"
      "  def f(a, b=1, *, c=2) -> int:\n"
      "    return (a, b, c, x, G)\n"
      "  return f\n"
      "ref = maker(9)\n",
      "maker");
  PyObject* ref = eval("ref", tf.ns());
  auto* rf = reinterpret_cast<PyFunctionObject*>(ref);
  // Reuse the reference function's parts, in MAKE_FUNCTION's order.
  PyObject* annotations = eval("('return', 'int')", tf.ns());
  PyObject* args[] = {rf->func_defaults, rf->func_kwdefaults, annotations, rf->func_closure,
                      rf->func_code};
  PyObject* fn = ember_h_make_function(tf.frame(), args, 5, 0x0f);
  ASSERT_NE(fn, nullptr);
  auto* nf = reinterpret_cast<PyFunctionObject*>(fn);
  EXPECT_EQ(nf->func_globals, tf.frame()->f_globals);
  EXPECT_EQ(nf->func_version, reinterpret_cast<PyCodeObject*>(rf->func_code)->co_version);
  PyDict_SetItemString(tf.ns(), "made", fn);
  EXPECT_EQ(pyOutcome("made(0)", tf.ns()), pyOutcome("ref(0)", tf.ns()));
  EXPECT_EQ(pyOutcome("made.__annotations__", tf.ns()), "{'return': 'int'}");
  EXPECT_EQ(pyOutcome("made.__qualname__", tf.ns()), "'maker.<locals>.f'");
  Py_DECREF(fn);
  // Only defaults and closure.
  PyObject* args2[] = {rf->func_defaults, rf->func_closure, rf->func_code};
  fn = ember_h_make_function(tf.frame(), args2, 3, 0x09);
  ASSERT_NE(fn, nullptr);
  PyDict_SetItemString(tf.ns(), "made2", fn);
  EXPECT_EQ(pyOutcome("made2(0, c=5)", tf.ns()), "(0, 1, 5, 9, 'module global')");
  EXPECT_EQ(pyOutcome("made2(0)", tf.ns()),
            "TypeError: maker.<locals>.f() missing 1 required keyword-only argument: 'c'");
  Py_DECREF(fn);
  Py_DECREF(annotations);
  Py_DECREF(ref);
}

}  // namespace
