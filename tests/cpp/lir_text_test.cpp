// Tests for the LIR printer and parser: the exact text of a program using
// every syntactic feature, round trips (hand-written and random programs),
// the regalloc-annotated form, and parse errors naming their line.
#include <gtest/gtest.h>

#include "ember/lir/parser.h"
#include "ember/lir/printer.h"
#include "ember/lir/verifier.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_gen.h"

namespace ember::lir {
namespace {

const char* kSample =
    "function sample vregs=9\n"
    "bb0:\n"
    "  %0 = Load [frame+16] hir=3 bc=4\n"
    "  %1 = Load32 [tstate-8]\n"
    "  %2 = Lea [%0]\n"
    "  %3 = Call 0x7f00aa %0, imm(7), frame int32 ; PyNumber_Add\n"
    "  GuardZero %3 deopt#0\n"
    "  Store [%2+24], imm(-5)\n"
    "  %4 = CmpEq %3, %1\n"
    "  Checkpoint deopt#1\n"
    "  CondJump %4, bb1, bb2\n"
    "bb1:\n"
    "  Call 0x10 flags=2 ; no result\n"
    "  Jump bb3(%3, imm(0))\n"
    "bb2:\n"
    "  Incref %0 imm=9\n"
    "  Jump bb3(%0, %1)\n"
    "bb3(%5, %6):\n"
    "  Decref %5\n"
    "  Ret %6\n"
    "deopt#0: @bc 12 throw [%0 %1]\n"
    "deopt#1: @bc 14 resume []\n";

TEST(LirText, ParsesAndPrintsExactly) {
  Result<Function> f = parse(kSample);
  ASSERT_TRUE(f.ok()) << f.error().detail;
  EXPECT_EQ(print(f.value()), kSample);
  const Function& g = f.value();
  EXPECT_EQ(g.name, "sample");
  EXPECT_EQ(g.num_vregs, 9);
  ASSERT_EQ(g.blocks.size(), 4u);
  const Instr& call = g.blocks[0].instrs[3];
  EXPECT_EQ(call.op, Op::Call);
  EXPECT_EQ(call.dst, 3);
  EXPECT_EQ(call.imm, 0x7f00aa);
  EXPECT_EQ(call.flags, kCallReturnsInt32);
  EXPECT_EQ(call.comment, "PyNumber_Add");
  ASSERT_EQ(call.srcs.size(), 3u);
  EXPECT_EQ(call.srcs[1].kind, Operand::Kind::Imm);
  EXPECT_EQ(call.srcs[2].kind, Operand::Kind::Frame);
  EXPECT_EQ(g.blocks[0].instrs[0].imm, 16);
  EXPECT_EQ(g.blocks[0].instrs[0].hir_origin, 3);
  EXPECT_EQ(g.blocks[0].instrs[0].bc_index, 4);
  EXPECT_EQ(g.blocks[0].instrs[1].imm, -8);
  EXPECT_EQ(g.blocks[0].instrs[5].srcs[1].value, -5);
  EXPECT_EQ(g.blocks[1].instrs[0].flags, 2);
  EXPECT_EQ(g.blocks[1].instrs[0].dst, kNoVReg);
  EXPECT_EQ(g.blocks[2].instrs[0].imm, 9);
  EXPECT_EQ(g.blocks[3].params, (std::vector<VReg>{5, 6}));
  EXPECT_EQ(g.blocks[0].instrs.back().target0, 1);
  EXPECT_EQ(g.blocks[0].instrs.back().target1, 2);
  ASSERT_EQ(g.deopts.size(), 2u);
  EXPECT_TRUE(g.deopts[0].throw_mode);
  EXPECT_FALSE(g.deopts[1].throw_mode);
  EXPECT_EQ(g.deopts[0].stack, (std::vector<VReg>{0, 1}));
  EXPECT_EQ(verify(g), std::vector<std::string>{});
}

TEST(LirText, OptionalVregsAndCommentLines) {
  Result<Function> f = parse(
      "; a comment line\n"
      "function odd name\n"
      "\n"
      "bb0:\n"
      "  %4 = Move imm(1)\n"
      "  Ret %4\n");
  ASSERT_TRUE(f.ok()) << f.error().detail;
  EXPECT_EQ(f.value().name, "odd name");
  EXPECT_EQ(f.value().num_vregs, 5);
  std::string once = print(f.value());
  Result<Function> again = parse(once);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(print(again.value()), once);
}

TEST(LirText, RandomProgramsRoundTrip) {
  for (uint64_t seed = 1; seed <= 300; seed++) {
    Function f = lirtest::ProgramGen(seed).build();
    std::string once = print(f);
    Result<Function> g = parse(once);
    ASSERT_TRUE(g.ok()) << "seed " << seed << ": " << g.error().detail;
    ASSERT_EQ(print(g.value()), once) << "seed " << seed;
    ASSERT_EQ(g.value().num_vregs, f.num_vregs);
  }
}

TEST(LirText, AnnotatedWithAllocation) {
  Result<Function> f = parse(
      "function a vregs=3\n"
      "bb0:\n"
      "  %0 = Move imm(1)\n"
      "  %1 = Call 0x20\n"
      "  Store [frame+8], %0\n"
      "  Ret %1\n");
  ASSERT_TRUE(f.ok()) << f.error().detail;
  Result<regalloc::Allocation> a = regalloc::allocate(f.value());
  ASSERT_TRUE(a.ok());
  std::string text = print(f.value(), a.value());
  EXPECT_NE(text.find("%0[rbx] = Move imm(1)"), std::string::npos) << text;  // lives across the call
  EXPECT_NE(text.find("Store [frame+8], %0[rbx]"), std::string::npos) << text;
  // The parser skips the annotations.
  Result<Function> back = parse(text);
  ASSERT_TRUE(back.ok()) << back.error().detail;
  EXPECT_EQ(print(back.value()), print(f.value()));
}

void expectParseError(const std::string& text, const std::string& needle) {
  Result<Function> f = parse(text);
  ASSERT_FALSE(f.ok()) << text;
  EXPECT_NE(f.error().detail.find(needle), std::string::npos) << f.error().detail;
  EXPECT_EQ(f.error().reason, FailReason::Internal);
}

TEST(LirText, ErrorsNameTheLine) {
  expectParseError("bb0:\n", "line 1: expected 'function");
  expectParseError("function f\nbb0:\n  %0 = Frobnicate imm(1)\n", "line 3: unknown opcode 'Frobnicate'");
  expectParseError("function f\nbb0:\n  Ret\nbb2:\n", "line 4: expected bb1");
  expectParseError("function f\n  Ret %0\n", "line 2: instruction outside a block");
  expectParseError("function f\nbb0:\n  %0 = Move imm(1\n", "line 3: expected an operand");
  expectParseError("function f\nbb0:\n  %0 Move imm(1)\n", "line 3: expected '='");
  expectParseError("function f\nbb0:\n  Ret %0 deopt#x\n", "line 3: expected deopt#N");
  expectParseError("function f\nbb0:\n  Ret %0\ndeopt#1: @bc 2 throw []\n", "line 4: expected deopt#0");
  expectParseError("function f\nbb0:\n  Ret %0\ndeopt#0: @bc 2 maybe []\n", "line 4: expected throw or resume");
  expectParseError("function f\nbb0:\n  %1 = Move [frame+8]\n", "line 3: [base+off] only");
  expectParseError("function f\nbb0:\n  Jump bb1(%1\n", "line 3: expected ')'");
  expectParseError("function f vregs=x\n", "line 1: bad vregs=N");
}

}  // namespace
}  // namespace ember::lir
