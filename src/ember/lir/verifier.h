// The LIR verifier: run after lowering (always in tests, and when the
// pipeline verifies), before register allocation, so malformed LIR is named
// at its instruction instead of surfacing as a wrong allocation.
//
// verify(f) checks:
//  1. structure: there is an entry block; blocks[i].id == i; every block ends
//     in exactly one terminator (Jump, CondJump, Ret, DeoptJump) and has none
//     before it;
//  2. operands: counts per opcode (Call: at most 6, the System V integer
//     argument registers); no Kind::None operands; every vreg in
//     [0, num_vregs); only ops that may define a value have a dst, and all of
//     them except Call must;
//  3. SSA: every vreg is defined exactly once, by a dst or a block parameter;
//  4. dominance: every use (srcs, Jump args, deopt stack) is dominated by its
//     definition — in the same block before the instruction (parameters come
//     first), or in a block that dominates this one. Dominators are computed
//     over the block graph from the entry; uses in unreachable blocks are only
//     checked for being defined somewhere;
//  5. control flow: Jump's target exists and its argument count equals the
//     target's parameter count; CondJump's targets exist and take no
//     parameters (lowering splits such edges); other ops name no targets and
//     pass no args;
//  6. deopt: indices are -1 or valid; GuardZero, GuardNeg and DeoptJump have
//     one.
// Each error quotes the instruction as the printer prints it, with its block
// and index: "bb2[3] `%5 = Call 0x10 %1`: %1 is used before its definition".
// An empty result means f is well formed.
#pragma once

#include <string>
#include <vector>

#include "ember/lir/lir.h"

namespace ember::lir {

std::vector<std::string> verify(const Function& f);

}  // namespace ember::lir
