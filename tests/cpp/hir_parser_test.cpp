// Parser tests: round trips (text -> Function -> text), forward references,
// and errors that name the line.
#include <gtest/gtest.h>

#include "ember/cpython/py312.h"
#include "ember/hir/parser.h"
#include "ember/hir/printer.h"
#include "hir_test_util.h"

namespace ember::hir {
namespace {

using testing::kAddAndTest;
using testing::parseOrDie;

TEST(HirParser, RoundTripsPrintedText) {
  Function f = parseOrDie(kAddAndTest);
  EXPECT_EQ(print(f), kAddAndTest);
  EXPECT_EQ(print(parseOrDie(print(f))), print(f));
}

TEST(HirParser, LoopWithForwardReferencesAndRenumbering) {
  // Labels are not dense and the Phi names a value defined later.
  const char* text =
      "function loop nlocalsplus=1 stacksize=1\n"
      "bb7:\n"
      "  v10 = LoadNull\n"
      "  Branch -> bb3\n"
      "bb3 (preds bb7, bb5):\n"
      "  v20 = Phi v10 v30\n"
      "  Checkpoint fs{@4: v20} @4\n"
      "  v21:i = IsNull v20 keep=0x1\n"
      "  CondBranch v21 -> bb5 bb9\n"
      "bb5 (preds bb3):\n"
      "  v30 = Incref v20\n"
      "  Decref v20\n"
      "  Branch -> bb3\n"
      "bb9 (preds bb3):\n"
      "  Return v20 @6\n";
  Function f = parseOrDie(text);
  EXPECT_EQ(print(f),
            "function loop nlocalsplus=1 stacksize=1\n"
            "bb0:\n"
            "  v0 = LoadNull\n"
            "  Branch -> bb1\n"
            "bb1 (preds bb0, bb2):\n"
            "  v1 = Phi v0 v3\n"
            "  Checkpoint fs{@4: v1} @4\n"
            "  v2:i = IsNull v1 keep=0x1\n"
            "  CondBranch v2 -> bb2 bb3\n"
            "bb2 (preds bb1):\n"
            "  v3 = Incref v1\n"
            "  Decref v1\n"
            "  Branch -> bb1\n"
            "bb3 (preds bb1):\n"
            "  Return v1 @6\n");
  EXPECT_EQ(print(parseOrDie(print(f))), print(f));
}

TEST(HirParser, ImmediatesHelpersAndComments) {
  const char* text =
      "# a comment line\n"
      "function ? nlocalsplus=0 stacksize=0\n"
      "bb0:\n"
      "  v0 = LoadConst imm0=3 @0  # 'ignored repr'\n"
      "  v1 = LoadNull\n"
      "  v2 = CallHelperArray<call> v1 v0 imm0=-7 imm1=12 fs{@2: v1 v0} @2\n"
      "  Return v2\n";
  Function f = parseOrDie(text);
  ASSERT_EQ(f.instrs.size(), 4u);
  EXPECT_EQ(f.instr(0).imm0, 3);
  EXPECT_EQ(f.instr(0).obj, nullptr);
  EXPECT_EQ(f.instr(2).helper, HelperId::call);
  EXPECT_EQ(f.instr(2).imm0, -7);
  EXPECT_EQ(f.instr(2).imm1, 12);
  ASSERT_GE(f.instr(2).frame_state, 0);
  EXPECT_EQ(f.frame_states[f.instr(2).frame_state].stack.size(), 2u);
  EXPECT_EQ(f.name, "");
  std::string again = print(f);
  EXPECT_EQ(again.find("#"), std::string::npos);
  EXPECT_EQ(print(parseOrDie(again)), again);
}

TEST(HirParser, RoundTripModuloConstReprs) {
  Function f = parseOrDie(kAddAndTest);
  f.instr(1).obj = Py_None;
  std::string with_repr = print(f);
  EXPECT_NE(with_repr.find("# None"), std::string::npos);
  PrintOptions plain;
  plain.const_reprs = false;
  EXPECT_EQ(print(parseOrDie(with_repr)), print(f, plain));
}

void expectError(const std::string& text, const std::string& want) {
  auto r = parse(text);
  ASSERT_FALSE(r.ok()) << "parsed unexpectedly:\n" << text;
  EXPECT_NE(r.error().detail.find(want), std::string::npos) << r.error().detail;
}

TEST(HirParser, ErrorsNameTheLine) {
  expectError("bb0:\n  v0 = Frobnicate\n", "line 2: unknown opcode 'Frobnicate'");
  expectError("bb0:\n  v0 = CallHelper<nope> v1\n", "line 2: unknown helper 'nope'");
  expectError("bb0:\n  Return v9\n", "line 2: undefined value v9");
  expectError("bb0:\n  Branch -> bb4\n", "line 2: undefined block bb4");
  expectError("bb0:\n  v0 = LoadNull\n  v0 = LoadNull\n", "line 3: value v0 defined twice");
  expectError("  v0 = LoadNull\n", "line 1: instruction before the first block");
  expectError("bb0:\n  v0 = LoadConst imm0=x\n", "line 2: bad number 'x'");
  expectError("bb0:\n  v0:q = LoadNull\n", "line 2: unknown kind 'q'");
  expectError("bb0:\n  CheckNull v0 fs{@x}\n", "line 2: bad frame-state bytecode index");
  expectError("bb0 (preds bb1:\n", "line 1:");
  expectError("", "no blocks");
  expectError("function f nlocalsplus=z\nbb0:\n", "line 1: bad function attribute");
}

}  // namespace
}  // namespace ember::hir
