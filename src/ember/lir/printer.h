// LIR text: the printer. The format is the debug dump (`lir` and `regalloc`
// stages) and the test format; lir/parser.h reads it back, and
// print(parse(print(f))) == print(f) for every well-formed f.
//
//   function f vregs=7
//   bb0:
//     %0 = Load [frame+16]
//     %1 = Call 0x7f12a0 %0, imm(7) int32 ; PyNumber_Add
//     GuardZero %1 deopt#0
//     Store [tstate+8], %1
//     CondJump %1, bb1, bb2
//   bb1:
//     Jump bb3(%1, imm(0))
//   bb2:
//     Checkpoint deopt#1 bc=12
//     Jump bb3(%0, %1)
//   bb3(%5, %6):
//     Ret %5
//   deopt#0: @bc 12 throw [%0]
//   deopt#1: @bc 12 resume [%0 %1]
//
// Line grammar of an instruction:
//   [%dst = ] Op [0xTARGET (Call)] operands [, bbT0[(args)]] [, bbT1]
//       [deopt#N] [int32] [flags=N] [imm=N] [hir=N] [bc=N] [; comment]
// Operands are %N, imm(N), frame, tstate. Memory ops (Lea, Load, Load32,
// Store) write their first operand and offset as [base+off]. `imm=` appears
// only for an immediate the op does not otherwise show; `int32` is
// kCallReturnsInt32, `flags=` any other flag bits. Blocks print as bbN where N
// is the block's index (its position), whatever Block::id says.
// A comment's newlines print as spaces (the only lossy case).
//
// The annotated overload adds each vreg's location, `%5[rbx]`, `%6[s2]`; the
// parser skips such annotations.
#pragma once

#include <string>

#include "ember/lir/lir.h"

namespace ember::regalloc {
struct Allocation;
}

namespace ember::lir {

std::string print(const Function& f);
std::string print(const Instr& in);  // one line, no indentation or newline
// With each vreg's location from the allocation (for the `regalloc` dump).
std::string print(const Function& f, const regalloc::Allocation& a);

// True for the ops whose first operand and imm print as [base+off].
bool isMemoryOp(Op op);

}  // namespace ember::lir
