// Pipeline and pass-infrastructure tests: refcount insertion on a realistic
// function, the scope's dump/timing/disable/verify behaviour, and fuel.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ember/hir/passes/pipeline.h"
#include "ember/hir/passes/refcount_insertion.h"
#include "ember/hir/printer.h"
#include "ember/hir/verifier.h"
#include "hir_test_util.h"

namespace ember::hir {
namespace {

using testing::kAddAndTest;
using testing::parseOrDie;

PassContext testContext() {
  PassContext ctx;
  ctx.verify = true;
  return ctx;
}

TEST(HirRefcount, ReleasesBorrowedOperandsBeforeTheCheck) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx = testContext();
  auto r = runPasses(f, {"refcount_insertion"}, ctx);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_TRUE(r.value());
  EXPECT_EQ(ctx.ref_mode, RefMode::Explicit);
  EXPECT_EQ(print(f),
            "function add_and_test nlocalsplus=2 stacksize=2\n"
            "bb0:\n"
            "  v0 = LoadLocal imm0=0 @2\n"
            "  v1 = LoadConst imm0=1 @4\n"
            "  v2 = CallHelper<binary_op> v0 v1 @6\n"
            "  Decref v0 @6\n"
            "  Decref v1 @6\n"
            "  CheckNull v2 fs{@6} @6\n"
            "  v3:i = CallHelper<is_true> v2 keep=0x1 @8\n"
            "  CheckNeg v3 fs{@8: v2} @8\n"
            "  CondBranch v3 -> bb1 bb2 @8\n"
            "bb1 (preds bb0):\n"
            "  Return v2 @10\n"
            "bb2 (preds bb0):\n"
            "  Decref v2 @12\n"
            "  v4 = LoadConst imm0=0 @12\n"
            "  Return v4 @14\n");
  // A second run is a no-op.
  RefcountInsertion again;
  EXPECT_FALSE(again.run(f, ctx));
}

TEST(HirRefcount, ObjectCondBranchReleasesOnBothEdges) {
  // for_iter_next-like: branch on the object's NULL-ness. bb0 -> bb2 is a
  // critical edge (bb2 has two preds), so it is split.
  Function f = parseOrDie(
      "bb0:\n"
      "  v0 = LoadLocal imm0=0\n"
      "  v1 = CallHelper<for_iter_next> v0 keep=0x1\n"
      "  CondBranch v1 -> bb1 bb2\n"
      "bb1 (preds bb0):\n"
      "  Branch -> bb2\n"
      "bb2 (preds bb0, bb1):\n"
      "  Return v0\n");
  PassContext ctx = testContext();
  auto r = runPasses(f, {"refcount_insertion"}, ctx);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(print(f),
            "function ? nlocalsplus=0 stacksize=0\n"
            "bb0:\n"
            "  v0 = LoadLocal imm0=0\n"
            "  v1 = CallHelper<for_iter_next> v0 keep=0x1\n"
            "  CondBranch v1 -> bb1 bb2\n"
            "bb1 (preds bb0):\n"
            "  Decref v1\n"
            "  Branch -> bb3\n"
            "bb2 (preds bb0):\n"
            "  Decref v1\n"
            "  Branch -> bb3\n"
            "bb3 (preds bb2, bb1):\n"
            "  Return v0\n");
}

TEST(HirPipeline, RunsAndVerifies) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx = testContext();
  ctx.time_passes = true;
  auto r = runPipeline(f, ctx);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(ctx.ref_mode, RefMode::Explicit);
  EXPECT_EQ(formatErrors(verifyOwnership(f, RefMode::Explicit)), "");
  ASSERT_FALSE(ctx.timings.empty());
  EXPECT_EQ(ctx.timings.back().pass, "refcount_insertion");
  EXPECT_EQ(ctx.timings.front().pass, "simplify");
}

TEST(HirPipeline, DumpsBeforeAndAfter) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx = testContext();
  ctx.dump_passes = true;
  ASSERT_TRUE(runPipeline(f, ctx).ok());
  EXPECT_NE(ctx.dump.find("=== before simplify ===\nfunction add_and_test"), std::string::npos) << ctx.dump;
  EXPECT_NE(ctx.dump.find("=== after simplify (unchanged) ==="), std::string::npos) << ctx.dump;
  EXPECT_NE(ctx.dump.find("=== after refcount_insertion ===\nfunction add_and_test"), std::string::npos);
  EXPECT_NE(ctx.dump.find("  Decref v0 @6\n"), std::string::npos);
}

TEST(HirPipeline, DisabledPassesAreSkipped) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx = testContext();
  ctx.disabled = {"refcount_insertion"};
  ctx.time_passes = true;
  ASSERT_TRUE(runPipeline(f, ctx).ok());
  EXPECT_EQ(ctx.ref_mode, RefMode::Implicit);
  EXPECT_EQ(print(f), kAddAndTest);
  for (const auto& t : ctx.timings) EXPECT_NE(t.pass, "refcount_insertion");
}

// A pass that breaks the IR, to see the scope name it.
class Breaker final : public Pass {
 public:
  const char* name() const override { return "breaker"; }
  bool run(Function& f, PassContext&) override {
    f.instr(f.terminator(f.entry)).removed = true;
    return true;
  }
};

TEST(HirPipeline, VerifierFailureNamesThePass) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx = testContext();
  Breaker b;
  auto r = runPass(f, b, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, FailReason::Internal);
  EXPECT_NE(r.error().detail.find("HIR verifier failed after pass breaker"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("block does not end in a terminator"), std::string::npos) << r.error().detail;
  // Without verification the same pass "succeeds".
  Function g = parseOrDie(kAddAndTest);
  PassContext loose;
  EXPECT_TRUE(runPass(g, b, loose).ok());
}

TEST(HirPipeline, BadInputIsBlamedOnTheBuilder) {
  Function f = parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n  Return v1\n");
  PassContext ctx = testContext();
  auto r = runPipeline(f, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("after input (the HIR builder)"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("v0 is still owned at return"), std::string::npos) << r.error().detail;
}

TEST(HirPipeline, UnknownPassName) {
  Function f = parseOrDie(kAddAndTest);
  PassContext ctx;
  auto r = runPasses(f, {"nonsense"}, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().detail.find("unknown HIR pass 'nonsense'"), std::string::npos);
}

TEST(HirPipeline, PassRegistry) {
  for (const auto& name : passNames()) {
    auto p = createPass(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(name, p->name());
  }
  EXPECT_EQ(createPass("nope"), nullptr);
}

TEST(HirPipeline, FuelCountsDown) {
  PassContext ctx;
  ctx.fuel = 2;
  EXPECT_TRUE(ctx.takeFuel());
  EXPECT_TRUE(ctx.takeFuel());
  EXPECT_FALSE(ctx.takeFuel());
  EXPECT_EQ(ctx.fuel_used, 2);
  PassContext unlimited;
  for (int i = 0; i < 100; i++) EXPECT_TRUE(unlimited.takeFuel());
  setenv("EMBER_OPT_FUEL", "17", 1);
  EXPECT_EQ(PassContext::fuelFromEnv(), 17);
  setenv("EMBER_OPT_FUEL", "x", 1);
  EXPECT_EQ(PassContext::fuelFromEnv(), -1);
  unsetenv("EMBER_OPT_FUEL");
  EXPECT_EQ(PassContext::fuelFromEnv(), -1);
}

}  // namespace
}  // namespace ember::hir
