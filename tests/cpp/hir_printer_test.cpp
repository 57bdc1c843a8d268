// Printer tests on hand-built functions: dense numbering independent of raw
// ids, every field of the line format, and robustness on broken IR.
#include <gtest/gtest.h>

#include "ember/cpython/py312.h"
#include "ember/hir/hir.h"
#include "ember/hir/printer.h"

namespace ember::hir {
namespace {

// if x is None: return x else: return binary_op(x, 1)
Function makeDiamond() {
  Function f;
  f.name = "diamond";
  f.nlocalsplus = 1;
  f.stacksize = 2;
  BlockId b0 = f.newBlock();
  BlockId b1 = f.newBlock();
  BlockId b2 = f.newBlock();
  BlockId b3 = f.newBlock();
  InstrId x = f.append(b0, Op::LoadLocal);
  f.instr(x).bc_index = 2;
  InstrId isn = f.append(b0, Op::IsNone, {x});
  f.instr(isn).kind = ValueKind::CInt;
  f.instr(isn).keep_mask = 1;
  InstrId br = f.append(b0, Op::CondBranch, {isn});
  f.instr(br).target0 = b1;
  f.instr(br).target1 = b2;
  InstrId j1 = f.append(b1, Op::Branch);
  f.instr(j1).target0 = b3;
  InstrId one = f.append(b2, Op::LoadConst);
  f.instr(one).imm0 = 1;
  InstrId add = f.append(b2, Op::CallHelper, {x, one});
  f.instr(add).helper = HelperId::binary_op;
  f.instr(add).bc_index = 8;
  InstrId chk = f.append(b2, Op::CheckNull, {add});
  f.instr(chk).frame_state = f.addFrameState({8, {}});
  f.instr(chk).bc_index = 8;
  InstrId j2 = f.append(b2, Op::Branch);
  f.instr(j2).target0 = b3;
  // phi placed in b3 created late so its raw id is the largest
  f.block(b3).preds = {b1, b2};
  InstrId phi = f.newInstr(Op::Phi, {x, add});
  f.insertAt(b3, 0, phi);
  f.append(b3, Op::Return, {phi});
  f.recomputePreds();
  return f;
}

TEST(HirPrinter, PrintsDiamond) {
  Function f = makeDiamond();
  EXPECT_EQ(print(f),
            "function diamond nlocalsplus=1 stacksize=2\n"
            "bb0:\n"
            "  v0 = LoadLocal imm0=0 @2\n"
            "  v1:i = IsNone v0 keep=0x1\n"
            "  CondBranch v1 -> bb1 bb2\n"
            "bb1 (preds bb0):\n"
            "  Branch -> bb3\n"
            "bb2 (preds bb0):\n"
            "  v2 = LoadConst imm0=1\n"
            "  v3 = CallHelper<binary_op> v0 v2 @8\n"
            "  CheckNull v3 fs{@8} @8\n"
            "  Branch -> bb3\n"
            "bb3 (preds bb1, bb2):\n"
            "  v4 = Phi v0 v3\n"
            "  Return v4\n");
}

TEST(HirPrinter, NumberingIgnoresRawIds) {
  // The same function built with blocks allocated in a different order.
  Function f;
  f.name = "g";
  BlockId exit = f.newBlock();
  BlockId entry = f.newBlock();
  f.entry = entry;
  InstrId c = f.append(entry, Op::LoadNull);
  InstrId br = f.append(entry, Op::Branch);
  f.instr(br).target0 = exit;
  f.append(exit, Op::Return, {c});
  f.recomputePreds();
  EXPECT_EQ(print(f),
            "function g nlocalsplus=0 stacksize=0\n"
            "bb0:\n"
            "  v0 = LoadNull\n"
            "  Branch -> bb1\n"
            "bb1 (preds bb0):\n"
            "  Return v0\n");
}

TEST(HirPrinter, FrameStatesImmediatesAndConstRepr) {
  Function f;
  BlockId b = f.newBlock();
  InstrId k = f.append(b, Op::LoadConst);
  f.instr(k).imm0 = 3;
  f.instr(k).obj = Py_None;
  InstrId n = f.append(b, Op::LoadNull);
  InstrId call = f.append(b, Op::CallHelperArray, {n, k});
  f.instr(call).helper = HelperId::call;
  f.instr(call).imm0 = 0;
  f.instr(call).imm1 = -2;
  InstrId chk = f.append(b, Op::CheckNull, {call});
  f.instr(chk).frame_state = f.addFrameState({14, {k, n}});
  f.append(b, Op::Return, {call});
  std::string text = print(f);
  EXPECT_NE(text.find("v0 = LoadConst imm0=3  # None\n"), std::string::npos) << text;
  EXPECT_NE(text.find("v2 = CallHelperArray<call> v1 v0 imm0=0 imm1=-2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CheckNull v2 fs{@14: v0 v1}\n"), std::string::npos) << text;
  PrintOptions plain;
  plain.const_reprs = false;
  EXPECT_NE(print(f, plain).find("v0 = LoadConst imm0=3\n"), std::string::npos);
}

TEST(HirPrinter, BrokenIrDoesNotCrash) {
  Function f;
  BlockId b = f.newBlock();
  InstrId dead = f.newInstr(Op::LoadNull);  // never placed
  InstrId br = f.append(b, Op::CondBranch, {dead});
  f.instr(br).target0 = 7;
  f.instr(br).target1 = kNone;
  f.instr(br).frame_state = 9;
  std::string text = print(f);
  EXPECT_NE(text.find("CondBranch v!0 -> bb!7 bb!none fs{!9}"), std::string::npos) << text;
  EXPECT_EQ(printInstr(f, br), "CondBranch v!0 -> bb!7 bb!none fs{!9}");
}

}  // namespace
}  // namespace ember::hir
