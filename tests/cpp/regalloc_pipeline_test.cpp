// The LIR tools and the allocator on LIR from the real front end: each Python
// function is compiled by CPython, built into HIR, optimised, lowered (with
// fake helper addresses), then
//   - verified by lir::verify,
//   - printed, parsed and printed again (exact round trip),
//   - allocated, checked by the independent checker, and run on vregs and on
//     the simulated machine (lir_test_interp.h): calls and memory have
//     made-up but deterministic semantics, so branches go every which way and
//     loops run until the step budget; the two traces must agree.
// Functions the builder or lowering does not support yet are skipped.
// EMBER_TEST_SHOW_LIR=1 prints each allocated function.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "ember/cpython/py312.h"
#include "ember/hir/builder/builder.h"
#include "ember/hir/passes/pipeline.h"
#include "ember/lir/lower.h"
#include "ember/lir/parser.h"
#include "ember/lir/printer.h"
#include "ember/lir/verifier.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_gen.h"
#include "lir_test_interp.h"

namespace ember::regalloc {
namespace {

const char* kSource = R"PY(
def add(a, b):
    return a + b

def branchy(x):
    if x is None:
        return 0
    if x:
        y = x * 2
    else:
        y = -x
    return y

def loop(n):
    total = 0
    i = 0
    while i < n:
        total += i
        i += 1
    return total

def nested_loops(n):
    r = 0
    for i in range(n):
        for j in range(i):
            if j == 3:
                break
            r += j
    return r

def many_live(a, b, c, d):
    e = a + b; f = b + c; g = c + d; h = d + a; i = a * b; j = b * c
    k = c * d; l = d * a; m = e + f; n = g + h; o = i + j; p = k + l
    return a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p

def calls(f, x):
    return f(x, 1, key=2) + len([x])

def unpack(p):
    a, b = p
    c, *d = p
    return a, b, c, d

def cond_expr(a, b):
    return a if a and b or not a else b

def attrs(o):
    o.x = o.y + 1
    return o.method(1)

def compare_chain(a, b, c):
    return a < b < c
)PY";

void* fakeHelper(hir::HelperId id) { return reinterpret_cast<void*>(0x100000 + 16 * static_cast<int64_t>(id)); }

class RegallocPipeline : public ::testing::TestWithParam<const char*> {
 protected:
  static PyObject* ns;
  static void SetUpTestSuite() {
    ns = PyDict_New();
    PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
    PyObject* r = PyRun_String(kSource, Py_file_input, ns, ns);
    if (r == nullptr) PyErr_Print();
    Py_XDECREF(r);
  }
  static void TearDownTestSuite() { Py_CLEAR(ns); }
};
PyObject* RegallocPipeline::ns = nullptr;

TEST_P(RegallocPipeline, VerifyRoundTripAllocateSimulate) {
  ASSERT_NE(ns, nullptr);
  PyObject* fn = PyDict_GetItemString(ns, GetParam());
  ASSERT_NE(fn, nullptr) << GetParam();
  auto* code = reinterpret_cast<PyCodeObject*>(PyFunction_GET_CODE(fn));
  auto built = hir::buildHir(code, GetParam());
  if (!built.ok()) GTEST_SKIP() << "builder: " << built.error().toString();
  hir::Function& hf = *built.value();
  hir::PassContext ctx;
  auto piped = hir::runPipeline(hf, ctx);
  if (!piped.ok()) GTEST_SKIP() << "pipeline: " << piped.error().toString();
  auto lowered = lir::lower(hf, fakeHelper);
  if (!lowered.ok()) GTEST_SKIP() << "lowering: " << lowered.error().toString();
  const lir::Function& f = lowered.value();
  std::string text = lir::print(f);

  EXPECT_EQ(lir::verify(f), std::vector<std::string>{}) << text;
  auto parsed = lir::parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
  EXPECT_EQ(lir::print(parsed.value()), text);

  auto a = allocate(f);
  ASSERT_TRUE(a.ok()) << a.error().detail << "\n" << text;
  EXPECT_EQ(lirtest::checkAllocation(f, a.value()), "") << lir::print(f, a.value());
  if (std::getenv("EMBER_TEST_SHOW_LIR") != nullptr)
    std::printf("%s%s", lir::print(f, a.value()).c_str(), printAllocation(f, a.value()).c_str());
  lirtest::RunResult ref = lirtest::runLir(f, nullptr, 1, 5000);
  ASSERT_EQ(ref.error, "") << text;
  for (uint64_t g = 1; g <= 3; g++) {
    lirtest::RunResult got = lirtest::runLir(f, &a.value(), g, 5000);
    ASSERT_EQ(got.error, "");
    ASSERT_EQ(ref.trace, got.trace) << lir::print(f, a.value()) << printAllocation(f, a.value());
  }
}

INSTANTIATE_TEST_SUITE_P(Lir, RegallocPipeline,
                         ::testing::Values("add", "branchy", "loop", "nested_loops", "many_live", "calls", "unpack",
                                           "cond_expr", "attrs", "compare_chain"));

}  // namespace
}  // namespace ember::regalloc
