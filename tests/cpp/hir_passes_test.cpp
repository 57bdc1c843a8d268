// Pass tests that file tests cannot express: folding that needs a real
// constant object (parsed constants have none), fuel limits, and the use and
// edge utilities the passes share.
#include <gtest/gtest.h>

#include <chrono>

#include "ember/cpython/py312.h"
#include "ember/hir/passes/pipeline.h"
#include "ember/hir/printer.h"
#include "ember/hir/util.h"
#include "ember/hir/verifier.h"
#include "hir_test_util.h"

namespace ember::hir {
namespace {

using testing::parseOrDie;

// `if c is None: return 1 else: return 2` with c a constant.
const char* kIsNoneBranch =
    "function is_none nlocalsplus=0 stacksize=1\n"
    "bb0:\n"
    "  v0 = LoadConst imm0=0 @0\n"
    "  v1:i = IsNone v0 @2\n"
    "  CondBranch v1 -> bb1 bb2 @2\n"
    "bb1 (preds bb0):\n"
    "  v2 = LoadConst imm0=1 @4\n"
    "  Return v2 @4\n"
    "bb2 (preds bb0):\n"
    "  v3 = LoadConst imm0=2 @6\n"
    "  Return v3 @6\n";

std::string optimise(Function& f, PassContext& ctx) {
  auto r = runPasses(f, {"simplify", "cfg_cleanup", "dce"}, ctx);
  EXPECT_TRUE(r.ok()) << r.error().toString();
  PrintOptions plain;
  plain.const_reprs = false;
  return print(f, plain);
}

TEST(HirSimplify, FoldsIsNoneOfARealConstant) {
  Function f = parseOrDie(kIsNoneBranch);
  f.instr(0).obj = Py_None;
  PassContext ctx;
  ctx.verify = true;
  EXPECT_EQ(optimise(f, ctx),
            "function is_none nlocalsplus=0 stacksize=1\n"
            "bb0:\n"
            "  v0 = LoadConst imm0=1 @4\n"
            "  Return v0 @4\n");
  Function g = parseOrDie(kIsNoneBranch);
  g.instr(0).obj = Py_True;
  PassContext ctx2;
  ctx2.verify = true;
  EXPECT_EQ(optimise(g, ctx2),
            "function is_none nlocalsplus=0 stacksize=1\n"
            "bb0:\n"
            "  v0 = LoadConst imm0=2 @6\n"
            "  Return v0 @6\n");
}

TEST(HirSimplify, FuelStopsRewrites) {
  // Unlimited: fold, then dce's IsNone removal and the constant pair (3 rewrites
  // plus cfg_cleanup's merge).
  {
    Function f = parseOrDie(kIsNoneBranch);
    f.instr(0).obj = Py_None;
    PassContext ctx;
    ctx.verify = true;
    optimise(f, ctx);
    EXPECT_GE(ctx.fuel_used, 3);
  }
  // No fuel: nothing may change (cfg_cleanup still removes nothing: all reachable).
  {
    Function f = parseOrDie(kIsNoneBranch);
    f.instr(0).obj = Py_None;
    PassContext ctx;
    ctx.verify = true;
    ctx.fuel = 0;
    EXPECT_EQ(optimise(f, ctx), kIsNoneBranch);
    EXPECT_EQ(ctx.fuel_used, 0);
  }
  // One unit: only the branch folds; the result still verifies.
  {
    Function f = parseOrDie(kIsNoneBranch);
    f.instr(0).obj = Py_None;
    PassContext ctx;
    ctx.verify = true;
    ctx.fuel = 1;
    EXPECT_EQ(optimise(f, ctx),
              "function is_none nlocalsplus=0 stacksize=1\n"
              "bb0:\n"
              "  v0 = LoadConst imm0=0 @0\n"
              "  v1:i = IsNone v0 @2\n"
              "  Branch -> bb1 @2\n"
              "bb1 (preds bb0):\n"
              "  v2 = LoadConst imm0=1 @4\n"
              "  Return v2 @4\n");
    EXPECT_EQ(ctx.fuel_used, 1);
  }
}

TEST(HirPassesAfterRefcount, DceWorksOnExplicitIr) {
  // After refcount insertion a borrowed IsNone is followed by an explicit
  // Decref of its operand: removing the IsNone must not add another.
  Function f = parseOrDie(kIsNoneBranch);
  f.instr(0).obj = Py_None;
  PassContext ctx;
  ctx.verify = true;
  auto r = runPasses(f, {"refcount_insertion", "simplify", "cfg_cleanup", "dce"}, ctx);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  PrintOptions plain;
  plain.const_reprs = false;
  EXPECT_EQ(print(f, plain),
            "function is_none nlocalsplus=0 stacksize=1\n"
            "bb0:\n"
            "  v0 = LoadConst imm0=1 @4\n"
            "  Return v0 @4\n");
}

TEST(HirUtil, ReplaceAllUsesCoversFrameStates) {
  Function f = parseOrDie(
      "bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n  Decref v1\n  CheckNull v0 fs{@2: v0 v1}\n  Return v0\n");
  EXPECT_EQ(replaceAllUses(f, 1, 0), 2u);  // the Decref operand and one frame-state slot
  EXPECT_EQ(f.instr(2).operands[0], 0u);
  EXPECT_EQ(f.frame_states[0].stack, (std::vector<InstrId>{0, 0}));
  auto users = computeUsers(f);
  EXPECT_EQ(users[0].size(), 3u);
  EXPECT_EQ(frameStateUses(f)[0], 2u);
}

TEST(HirUtil, EdgeSurgeryKeepsPhisAligned) {
  Function f = parseOrDie(
      "bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n  v2:i = IsNull v0 keep=0x1\n  CondBranch v2 -> bb1 bb2\n"
      "bb1 (preds bb0):\n  Decref v1\n  Branch -> bb3\n"
      "bb2 (preds bb0):\n  Decref v0\n  Branch -> bb3\n"
      "bb3 (preds bb1, bb2):\n  v3 = Phi v0 v1\n  Return v3\n");
  BlockId mid = splitEdge(f, 2, 3);
  EXPECT_EQ(f.block(3).preds, (std::vector<BlockId>{1, mid}));
  EXPECT_EQ(formatErrors(verifyOwnership(f, RefMode::Explicit)), "");
  removePredAt(f, 3, 0);
  EXPECT_EQ(f.instr(f.block(3).instrs[0]).operands, (std::vector<InstrId>{1}));
  EXPECT_EQ(firstNonPhi(f, 3), 1u);
}

TEST(HirDce, ManyDeadChainsInOneBlock) {
  // 3000 x (LoadConst; IsNone (consumes it, result unused)) and 3000 x
  // (LoadConst; Decref): everything but the return goes, in a few sweeps.
  Function f;
  BlockId b = f.newBlock();
  for (int i = 0; i < 3000; i++) {
    InstrId c = f.append(b, Op::LoadConst);
    InstrId n = f.append(b, Op::IsNone, {c});
    f.instr(n).kind = ValueKind::CInt;
    InstrId d = f.append(b, Op::LoadConst);
    f.append(b, Op::Decref, {d});
  }
  InstrId r = f.append(b, Op::LoadNull);
  f.append(b, Op::Return, {r});
  PassContext ctx;
  ctx.verify = true;
  auto t0 = std::chrono::steady_clock::now();
  auto res = runPasses(f, {"dce"}, ctx);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(res.ok()) << res.error().toString();
  EXPECT_EQ(print(f), "function ? nlocalsplus=0 stacksize=0\nbb0:\n  v0 = LoadNull\n  Return v0\n");
  EXPECT_EQ(ctx.fuel_used, 9000);  // IsNone, its LoadConst+Decref pair, the other pair
  EXPECT_LT(ms, 2000.0);
}

}  // namespace
}  // namespace ember::hir
