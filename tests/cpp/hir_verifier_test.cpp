// Verifier tests: a valid function passes, and each kind of error is caught
// (and quoted in printed form). Also the dominator tree the verifier uses.
#include <gtest/gtest.h>

#include "ember/hir/printer.h"
#include "ember/hir/util.h"
#include "ember/hir/verifier.h"
#include "hir_test_util.h"

namespace ember::hir {
namespace {

using testing::kAddAndTest;
using testing::parseOrDie;

std::string joined(const std::vector<std::string>& errors) { return formatErrors(errors); }

// Expects exactly the errors containing the given fragments (each one found).
void expectErrors(const std::vector<std::string>& errors, std::vector<std::string> want) {
  std::string all = joined(errors);
  EXPECT_FALSE(errors.empty()) << "no errors, wanted: " << want[0];
  for (const auto& w : want) EXPECT_NE(all.find(w), std::string::npos) << "missing '" << w << "' in:\n" << all;
}

TEST(HirVerifier, AcceptsValidFunction) {
  Function f = parseOrDie(kAddAndTest);
  EXPECT_EQ(joined(verify(f)), "");
  EXPECT_EQ(joined(verifyOwnership(f, RefMode::Implicit)), "");
}

TEST(HirVerifier, MissingAndMisplacedTerminators) {
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n")),
               {"bb0: v0 = LoadNull: block does not end in a terminator"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  Return v0\n  Return v0\n")),
               {"bb0: Return v0: terminator before the end of the block"});
  Function f = parseOrDie("bb0:\n  Branch -> bb1\nbb1 (preds bb0):\n  Deopt fs{@0}\n");
  f.block(1).instrs.clear();
  expectErrors(verify(f), {"bb1: block is empty"});
}

TEST(HirVerifier, PhiPlacementAndArity) {
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  Branch -> bb1\n"
                                 "bb1 (preds bb0):\n  v1 = Phi v0 v0\n  Return v1\n")),
               {"v1 = Phi v0 v0: Phi has 2 operands but the block has 1 preds"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  Branch -> bb1\n"
                                 "bb1 (preds bb0):\n  v1 = LoadNull\n  v2 = Phi v0\n  Decref v1\n  Return v2\n")),
               {"v2 = Phi v0: Phi after a non-Phi instruction"});
}

TEST(HirVerifier, OperandCountsAndKeepMask) {
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  Return v0 v0\n")),
               {"Return takes 1 operands, has 2"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  Decref v0 keep=0x2\n  Deopt fs{@0}\n")),
               {"keep_mask names an operand that does not exist"});
  Function f = parseOrDie("bb0:\n  v0 = LoadNull\n  Return v0\n");
  f.instr(1).kind = ValueKind::Object;
  expectErrors(verify(f), {"opcode has no output but defines a value"});
}

TEST(HirVerifier, UndefinedAndNonDominatingOperands) {
  // use before def in one block
  expectErrors(verify(parseOrDie("bb0:\n  Decref v0\n  v0 = LoadNull\n  Deopt fs{@0}\n")),
               {"bb0: Decref v0: operand 0 (v0) does not dominate its use"});
  // def in one arm of a diamond, use in the join
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  CondBranch v0 -> bb1 bb2\n"
                                 "bb1 (preds bb0):\n  v1 = LoadNull\n  Branch -> bb3\n"
                                 "bb2 (preds bb0):\n  Branch -> bb3\n"
                                 "bb3 (preds bb1, bb2):\n  Return v1\n")),
               {"Return v1: operand 0 (v1) does not dominate its use"});
  // Phi operand must dominate the end of its pred (v1 comes from the wrong pred)
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  CondBranch v0 -> bb1 bb2\n"
                                 "bb1 (preds bb0):\n  v1 = LoadNull\n  Branch -> bb3\n"
                                 "bb2 (preds bb0):\n  v2 = LoadNull\n  Branch -> bb3\n"
                                 "bb3 (preds bb1, bb2):\n  v3 = Phi v2 v1\n  Return v3\n")),
               {"operand 0 (v2) does not dominate the end of pred bb1",
                "operand 1 (v1) does not dominate the end of pred bb2"});
  // removed definition, and a use of something without an output
  Function f = parseOrDie("bb0:\n  v0 = LoadNull\n  Return v0\n");
  f.instr(0).removed = true;
  expectErrors(verify(f), {"operand 0 (v!0) was removed"});
  Function g = parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = Incref v0 keep=0x1\n  Decref v0\n  Return v1\n");
  g.instr(1).operands[0] = 3;  // the Decref: no output
  expectErrors(verify(g), {"has no output"});
}

TEST(HirVerifier, TargetsAndPreds) {
  Function f = parseOrDie("bb0:\n  Branch -> bb1\nbb1 (preds bb0):\n  Deopt fs{@0}\n");
  f.instr(0).target0 = 9;
  expectErrors(verify(f), {"target bb!9 is not a block"});
  expectErrors(verify(parseOrDie("bb0:\n  Branch -> bb1\nbb1:\n  Deopt fs{@0}\n")),
               {"bb1: bb0 branches here but is not in preds"});
  expectErrors(verify(parseOrDie("bb0:\n  Branch -> bb1\nbb1 (preds bb0, bb0):\n  Deopt fs{@0}\n")),
               {"pred bb0 is listed twice"});
  expectErrors(verify(parseOrDie("bb0:\n  Branch -> bb1\nbb1 (preds bb0, bb2):\n  Deopt fs{@0}\n"
                                 "bb2:\n  Deopt fs{@0}\n")),
               {"pred bb2 does not branch here"});
}

TEST(HirVerifier, FrameStates) {
  expectErrors(verify(parseOrDie("bb0:\n  Deopt\n")), {"Deopt: can deopt but has no frame state"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  CheckNull v0 fs{@2: v1}\n  v1 = LoadNull\n"
                                 "  Decref v1\n  Return v0\n")),
               {"frame-state slot 0 (v1) does not dominate the instruction"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull fs{@0}\n  Return v0\n")),
               {"v0 = LoadNull fs{@0}: has a frame state but cannot deopt"});
  Function f = parseOrDie("bb0:\n  Deopt fs{@0}\n");
  f.instr(0).frame_state = 5;
  expectErrors(verify(f), {"frame state index 5 does not exist"});
}

TEST(HirVerifier, Kinds) {
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1:i = IsNull v0\n  Return v1\n")),
               {"Return v1: operand 0 must be an object"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  StoreLocal v1 imm0=0\n  v1:i = IsNull v0\n  Deopt fs{@0}\n")),
               {"operand 0 must be an object"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  CheckNeg v0 fs{@0}\n  Return v0\n")),
               {"CheckNeg v0 fs{@0}: operand 0 must be a cint"});
  // CondBranch takes either kind
  EXPECT_EQ(joined(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  CondBranch v0 -> bb1 bb1\n"
                                     "bb1 (preds bb0):\n  Return v0\n"))),
            "");
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1:i = IsNull v0\n  Branch -> bb1\n"
                                 "bb1 (preds bb0):\n  v2 = Phi v0\n  v3:i = Phi v0\n  Return v2\n")),
               {"v3:i = Phi v0: operand 0 (v0) has a different kind"});
}

TEST(HirVerifier, HelperSignatures) {
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = CallHelper<binary_op> v0\n  Return v1\n")),
               {"helper binary_op takes 2 object operands, has 1"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = CallHelper<is_true> v0\n  Return v1\n")),
               {"helper returns int: the value must be cint"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = CallHelper<build_tuple> v0\n  Return v1\n")),
               {"takes an array: use CallHelperArray"});
  expectErrors(verify(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = CallHelper v0\n  Return v1\n")),
               {"names no runtime helper"});
}

TEST(HirVerifier, StructuralErrorsInPlacement) {
  Function f = parseOrDie("bb0:\n  v0 = LoadNull\n  Branch -> bb1\nbb1 (preds bb0):\n  Return v0\n");
  f.block(1).instrs.insert(f.block(1).instrs.begin(), 0);  // v0 in two blocks
  expectErrors(verify(f), {"instruction is also in bb0"});
  Function g = parseOrDie("bb0:\n  v0 = LoadNull\n  Return v0\n");
  g.instr(0).block = 7;
  expectErrors(verify(g), {"instruction's block field says bb!7"});
  Function h = parseOrDie("bb0:\n  Deopt fs{@0}\n");
  h.entry = 3;
  expectErrors(verify(h), {"entry block bb!3 does not exist"});
}

// --- ownership ---------------------------------------------------------------

TEST(HirVerifierOwnership, LeakAtReturn) {
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n  Return v1\n"),
                               RefMode::Explicit),
               {"bb0: Return v1: v0 is still owned at return (leak)"});
}

TEST(HirVerifierOwnership, UseAfterReleaseAndDoubleRelease) {
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  Decref v0\n  Return v0\n"), RefMode::Explicit),
               {"bb0: Return v0: v0 is used after its release"});
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n"
                                          "  v2 = CallHelperArray<build_tuple> v0 v0\n  Return v2\n"),
                               RefMode::Implicit),
               {"v0 is released twice by this instruction", "v1 is still owned at return"});
  // a borrowing use after release (Explicit: CallHelper borrows)
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  Decref v0\n"
                                          "  v1 = CallHelper<get_iter> v0\n  Return v1\n"),
                               RefMode::Explicit),
               {"v0 is used after its release"});
}

TEST(HirVerifierOwnership, ModesDiffer) {
  // After refcount insertion a CallHelper borrows: its operands must be
  // released explicitly. Before, the call itself consumes them.
  const char* text = "bb0:\n  v0 = LoadNull\n  v1 = CallHelper<get_iter> v0\n  Return v1\n";
  EXPECT_EQ(joined(verifyOwnership(parseOrDie(text), RefMode::Implicit)), "");
  expectErrors(verifyOwnership(parseOrDie(text), RefMode::Explicit), {"v0 is still owned at return"});
}

TEST(HirVerifierOwnership, PathsMustAgree) {
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  v1:i = IsNull v0 keep=0x1\n"
                                          "  CondBranch v1 -> bb1 bb2\n"
                                          "bb1 (preds bb0):\n  Decref v0\n  Branch -> bb3\n"
                                          "bb2 (preds bb0):\n  Branch -> bb3\n"
                                          "bb3 (preds bb1, bb2):\n  v2 = LoadNull\n  Return v2\n"),
                               RefMode::Explicit),
               {"bb3: v0 is owned on entry from bb2 but not from bb1"});
}

TEST(HirVerifierOwnership, PhisConsumeOnTheirEdge) {
  const char* good =
      "bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n  v2:i = IsNull v0 keep=0x1\n  CondBranch v2 -> bb1 bb2\n"
      "bb1 (preds bb0):\n  Decref v1\n  Branch -> bb3\n"
      "bb2 (preds bb0):\n  Decref v0\n  Branch -> bb3\n"
      "bb3 (preds bb1, bb2):\n  v3 = Phi v0 v1\n  Return v3\n";
  EXPECT_EQ(joined(verifyOwnership(parseOrDie(good), RefMode::Explicit)), "");
  const char* twice =
      "bb0:\n  v0 = LoadNull\n  Branch -> bb1\n"
      "bb1 (preds bb0):\n  v1 = Phi v0\n  v2 = Phi v0\n  Decref v1\n  Return v2\n";
  expectErrors(verifyOwnership(parseOrDie(twice), RefMode::Explicit), {"v0 flows in from bb0 into two Phis"});
}

TEST(HirVerifierOwnership, DeoptPointsHandOverTheFrameState) {
  // v1 is owned at the CheckNull but not in its frame state: it would leak.
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  v1 = LoadNull\n"
                                          "  v2 = CallHelper<get_iter> v0\n  CheckNull v2 fs{@4}\n"
                                          "  Decref v1\n  Return v2\n"),
                               RefMode::Implicit),
               {"CheckNull v2 fs{@4}: v1 is owned but not in the frame state (leaks on deopt)"});
  // a frame state naming a released value
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  Decref v0\n  Deopt fs{@4: v0}\n"),
                               RefMode::Explicit),
               {"frame state names v0 after its release"});
  // Deopt hands its frame state over: nothing leaks
  EXPECT_EQ(joined(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n  Deopt fs{@4: v0}\n"), RefMode::Explicit)),
            "");
}

TEST(HirVerifierOwnership, StructuralErrorsComeFirst) {
  expectErrors(verifyOwnership(parseOrDie("bb0:\n  v0 = LoadNull\n"), RefMode::Explicit),
               {"does not end in a terminator"});
}

// --- dominators ----------------------------------------------------------------

TEST(HirDominators, DiamondAndLoop) {
  Function f = parseOrDie(
      "bb0:\n  v0 = LoadNull\n  CondBranch v0 -> bb1 bb2\n"
      "bb1 (preds bb0):\n  Branch -> bb3\n"
      "bb2 (preds bb0):\n  Branch -> bb3\n"
      "bb3 (preds bb1, bb2, bb4):\n  CondBranch v0 -> bb4 bb5\n"
      "bb4 (preds bb3):\n  Branch -> bb3\n"
      "bb5 (preds bb3):\n  Return v0\n"
      "bb6:\n  Return v0\n");
  // Parsed blocks keep text order as ids.
  DominatorTree dom(f);
  EXPECT_EQ(dom.idom(0), 0u);
  EXPECT_EQ(dom.idom(1), 0u);
  EXPECT_EQ(dom.idom(2), 0u);
  EXPECT_EQ(dom.idom(3), 0u);
  EXPECT_EQ(dom.idom(4), 3u);
  EXPECT_EQ(dom.idom(5), 3u);
  EXPECT_TRUE(dom.dominates(3, 4));
  EXPECT_TRUE(dom.dominates(0, 5));
  EXPECT_TRUE(dom.dominates(5, 5));
  EXPECT_FALSE(dom.dominates(1, 3));
  EXPECT_FALSE(dom.dominates(4, 3));
  EXPECT_FALSE(dom.reachable(6));
  EXPECT_FALSE(dom.dominates(0, 6));
  EXPECT_EQ(dom.idom(6), kNone);
  EXPECT_EQ(dom.rpo().size(), 6u);
  EXPECT_EQ(dom.rpo()[0], 0u);
}

TEST(HirDominators, IrreducibleLoop) {
  // bb1 and bb2 both enter the cycle: neither dominates the other.
  Function f = parseOrDie(
      "bb0:\n  v0 = LoadNull\n  CondBranch v0 -> bb1 bb2\n"
      "bb1 (preds bb0, bb2):\n  CondBranch v0 -> bb2 bb3\n"
      "bb2 (preds bb0, bb1):\n  Branch -> bb1\n"
      "bb3 (preds bb1):\n  Return v0\n");
  DominatorTree dom(f);
  EXPECT_EQ(dom.idom(1), 0u);
  EXPECT_EQ(dom.idom(2), 0u);
  EXPECT_EQ(dom.idom(3), 1u);
  EXPECT_EQ(joined(verify(f)), "");
}

}  // namespace
}  // namespace ember::hir
