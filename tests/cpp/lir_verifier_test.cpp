// Tests for the LIR verifier: well-formed programs (hand-written and random)
// verify clean, and each kind of error is reported with the instruction it
// concerns. Programs are written in LIR text (see lir/printer.h).
#include <gtest/gtest.h>

#include "ember/lir/parser.h"
#include "ember/lir/printer.h"
#include "ember/lir/verifier.h"
#include "lir_test_gen.h"

namespace ember::lir {
namespace {

std::vector<std::string> verifyText(const std::string& body) {
  Result<Function> f = parse("function v\n" + body);
  EXPECT_TRUE(f.ok()) << f.error().detail;
  if (!f.ok()) return {"parse error"};
  return verify(f.value());
}

// Expects exactly one error containing each needle (and the quoted instruction).
void expectError(const std::string& body, const std::string& needle, const std::string& quote = "") {
  std::vector<std::string> errs = verifyText(body);
  ASSERT_EQ(errs.size(), 1u) << body << "\nerrors:\n" << ::testing::PrintToString(errs);
  EXPECT_NE(errs[0].find(needle), std::string::npos) << errs[0];
  if (!quote.empty()) {
    EXPECT_NE(errs[0].find("`" + quote + "`"), std::string::npos) << errs[0];
  }
}

TEST(LirVerifier, WellFormedLoop) {
  EXPECT_EQ(verifyText("bb0:\n"
                       "  %0 = Move imm(0)\n"
                       "  Jump bb1(%0)\n"
                       "bb1(%1):\n"
                       "  %2 = CmpEq %1, imm(3)\n"
                       "  CondJump %2, bb3, bb2\n"
                       "bb2:\n"
                       "  %3 = Call 0x10 %1, imm(1)\n"
                       "  Checkpoint deopt#0\n"
                       "  Jump bb1(%3)\n"
                       "bb3:\n"
                       "  Ret %1\n"
                       "deopt#0: @bc 2 resume [%3 %1]\n"),
            std::vector<std::string>{});
}

TEST(LirVerifier, RandomProgramsAreWellFormed) {
  for (uint64_t seed = 1; seed <= 200; seed++) {
    Function f = lirtest::ProgramGen(seed).build();
    ASSERT_EQ(verify(f), std::vector<std::string>{}) << "seed " << seed << "\n" << print(f);
  }
}

TEST(LirVerifier, MissingTerminator) {
  expectError("bb0:\n  %0 = Move imm(1)\n", "does not end with a terminator", "%0 = Move imm(1)");
}

TEST(LirVerifier, EmptyBlock) {
  std::vector<std::string> errs = verifyText("bb0:\n  Jump bb1()\nbb1:\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("bb1: empty block"), std::string::npos) << errs[0];
}

TEST(LirVerifier, TerminatorInTheMiddle) {
  expectError("bb0:\n  %0 = Move imm(1)\n  Ret %0\n  Ret %0\n", "terminator in the middle", "Ret %0");
}

TEST(LirVerifier, DefinedTwice) {
  expectError("bb0:\n  %0 = Move imm(1)\n  %0 = Move imm(2)\n  Ret %0\n", "%0 is defined more than once");
  expectError("bb0:\n  %0 = Move imm(1)\n  Jump bb1(%0)\nbb1(%0):\n  Ret %0\n", "%0 is defined more than once");
}

TEST(LirVerifier, NeverDefined) {
  expectError("bb0:\n  Ret %3\n", "operand %3 is never defined", "Ret %3");
}

TEST(LirVerifier, VRegOutOfRange) {
  Result<Function> f = parse("function v vregs=1\nbb0:\n  %0 = Move imm(1)\n  %1 = Move %0\n  Ret %1\n");
  ASSERT_TRUE(f.ok());
  std::vector<std::string> errs = verify(f.value());
  ASSERT_GE(errs.size(), 1u);
  EXPECT_NE(errs[0].find("out of range"), std::string::npos) << errs[0];
}

TEST(LirVerifier, UseBeforeDefInBlock) {
  expectError("bb0:\n  %1 = Move %0\n  %0 = Move imm(1)\n  Ret %1\n", "%0 is not dominated", "%1 = Move %0");
}

TEST(LirVerifier, UseNotDominated) {
  // %1 is defined on one arm of the diamond only.
  expectError("bb0:\n  %0 = Move imm(1)\n  CondJump %0, bb1, bb2\n"
              "bb1:\n  %1 = Move imm(2)\n  Jump bb3()\n"
              "bb2:\n  Jump bb3()\n"
              "bb3:\n  Ret %1\n",
              "%1 is not dominated by its definition (in bb1)", "Ret %1");
}

TEST(LirVerifier, DeoptStackUseNotDominated) {
  expectError("bb0:\n  %0 = Move imm(1)\n  GuardZero %0 deopt#0\n  %1 = Move imm(2)\n  Ret %1\n"
              "deopt#0: @bc 0 throw [%1]\n",
              "deopt value %1 is not dominated");
}

TEST(LirVerifier, JumpArgCount) {
  expectError("bb0:\n  %0 = Move imm(1)\n  Jump bb1(%0)\nbb1(%1, %2):\n  Ret %1\n",
              "passes 1 argument(s) to bb1, which has 2 parameter(s)", "Jump bb1(%0)");
}

TEST(LirVerifier, CondJumpToBlockWithParams) {
  expectError("bb0:\n  %0 = Move imm(1)\n  CondJump %0, bb1, bb2\nbb1(%1):\n  Ret %1\nbb2:\n  Ret %0\n",
              "CondJump target bb1 has parameters");
}

TEST(LirVerifier, BadTarget) {
  expectError("bb0:\n  Jump bb7()\n", "jump target does not exist");
}

TEST(LirVerifier, DeoptIndex) {
  expectError("bb0:\n  %0 = Move imm(1)\n  GuardZero %0 deopt#4\n  Ret %0\n", "deopt#4 does not exist");
  expectError("bb0:\n  %0 = Move imm(1)\n  GuardNeg %0\n  Ret %0\n", "GuardNeg needs a deopt");
}

TEST(LirVerifier, CallArity) {
  expectError("bb0:\n  %0 = Move imm(1)\n  %1 = Call 0x10 %0, %0, %0, %0, %0, %0, %0\n  Ret %1\n",
              "Call has more than 6 arguments");
}

TEST(LirVerifier, OperandCountAndDst) {
  expectError("bb0:\n  %0 = Move imm(1)\n  %1 = CmpEq %0\n  Ret %1\n", "CmpEq takes 2 operand(s), has 1");
  expectError("bb0:\n  %0 = Move imm(1)\n  %1 = Store [frame], %0\n  Ret %0\n", "Store defines no value");
  expectError("bb0:\n  Move imm(1)\n  Ret imm(0)\n", "Move needs a destination");
}

TEST(LirVerifier, ReportsEveryError) {
  std::vector<std::string> errs = verifyText("bb0:\n  %0 = CmpEq %9\n  Jump bb5()\n");
  EXPECT_EQ(errs.size(), 3u) << ::testing::PrintToString(errs);  // arity, bad target, undefined %9
}

}  // namespace
}  // namespace ember::lir
