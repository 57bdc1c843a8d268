// refcount_insertion: makes every release of an object reference explicit.
//
// Purpose: the builder's IR states ownership implicitly: each object value is
// consumed exactly once, by whatever operand uses it without a keep_mask bit.
// Code generation needs the releases as instructions. This pass inserts them
// from opcodes.def's Steals column, so no lowering rule ever thinks about
// reference counts.
//
// Rule: for every instruction and every object operand i that it consumes
// (util.h consumesOperand, Implicit mode) but does not steal (Explicit mode),
// insert `Decref operand` immediately after the instruction, in operand order.
// That is before the instruction's own error check (CheckNull/CheckNeg follow
// their instruction directly), so inputs are released before an exception
// leaves for the interpreter, as the interpreter itself does (BINARY_OP
// decrefs both inputs, then tests the result). The check's frame state already
// excludes those inputs.
//  - Phis consume on their edge and are released by whoever consumes the Phi:
//    nothing to insert.
//  - CondBranch with an object operand (a NULL test, e.g. POP_JUMP_IF on a
//    for_iter_next result) consumes it on both edges: a Decref goes at the start
//    of each successor, after its Phis. A successor with several preds (or the entry
//    block, which the caller also enters) gets the edge split (new block: Decref, Branch) so the release happens on that edge
//    only. CondBranch on a cint needs nothing, and neither does one
//    whose keep bit is set (the builder's FOR_ITER: the item is consumed on
//    the true edge by the body, and is NULL on the false edge).
//  - Error checks never consume (they only look).
//
// Preconditions: structurally valid IR in which every object value has exactly
// one consuming use on every path (verifyOwnership(f, RefMode::Implicit)).
// Postconditions: verifyOwnership(f, RefMode::Explicit) holds; ctx.ref_mode is
// Explicit. Running it again does nothing (it checks ctx.ref_mode).
// Alternatives rejected: inserting Increfs for borrowed uses instead (the
// interpreter's own convention is steal-or-release-after, so mirroring it keeps
// deopt frame states exact without extra traffic).
#pragma once

#include "ember/hir/passes/pass.h"

namespace ember::hir {

class RefcountInsertion final : public Pass {
 public:
  const char* name() const override { return "refcount_insertion"; }
  bool run(Function& f, PassContext& ctx) override;
};

}  // namespace ember::hir
