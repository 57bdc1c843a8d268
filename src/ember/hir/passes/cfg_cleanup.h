// cfg_cleanup: tidies the control-flow graph the builder (one block per
// bytecode basic block, plus edge blocks) and simplify (folded branches) leave.
//
// Rewrites, repeated until nothing changes:
//  1. Unreachable blocks are removed; reachable blocks drop them from their
//     preds and Phi operands. (Always done; takes no fuel.)
//  2. A CondBranch whose targets are equal becomes a Branch. If it consumed an
//     object operand (Implicit mode), a Decref of it is left before the Branch.
//  3. Jump threading: a block E (not the entry) that holds only `Branch -> T`
//     is bypassed: each pred P of E branches to T directly, and T's Phis get
//     E's operand for the new edge from P. If P is already a pred of T (a
//     CondBranch whose other arm goes to T), the two edges become one, which
//     is only allowed when every Phi of T takes the same operand on both;
//     otherwise P is skipped. The operands are valid in P: a value that dominates E's end
//     was defined before E, hence on every path into P.
//  4. Block merging: a block B (not the entry) whose single pred P ends in
//     `Branch -> B` is appended to P. B's Phis have one operand each and are
//     replaced by it; B's successors name P instead of B in their preds (same
//     position, so their Phi operands stay aligned).
// Ownership: no rewrite moves a consuming use across a path that did not
// already contain it, so "released exactly once on every path" is kept.
//
// Preconditions: verify(f). Postconditions: verify(f); no unreachable blocks;
// no CondBranch with equal targets; no empty-forwarding blocks except where
// skipped above. Rewrites 2-4 take one unit of fuel each.
#pragma once

#include "ember/hir/passes/pass.h"

namespace ember::hir {

class CfgCleanup final : public Pass {
 public:
  const char* name() const override { return "cfg_cleanup"; }
  bool run(Function& f, PassContext& ctx) override;
};

}  // namespace ember::hir
