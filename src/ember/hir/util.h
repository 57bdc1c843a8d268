// Small utilities every HIR pass and the verifier share.
//
// What lives here
//  - Use lists (`computeUsers`, `replaceAllUses`): HIR keeps no def-use chains
//    (an Instr only knows its operands), so a pass that needs uses computes them
//    once, rewrites, and recomputes. Functions are small (one Python function),
//    and a pass that keeps chains in sync by hand is where bugs hide.
//  - The ownership rule in one place (`consumesOperand`): whether an operand
//    position releases the value's reference. It depends on whether refcounts are
//    still implicit (before refcount_insertion: every object operand is consumed
//    unless kept) or explicit (after: only steals and Decref release).
//  - Edge surgery that keeps Phi operands in step with `Block::preds`.
//  - A dominator tree (Cooper, Harvey, Kennedy: "A Simple, Fast Dominance
//    Algorithm"), over reachable blocks only; it tolerates broken IR (bad
//    targets are ignored) because the verifier runs it on IR it has not yet
//    judged. Rejected: Lengauer-Tarjan; faster asymptotically, but our CFGs
//    have tens of blocks and the iterative algorithm is a page of code.
#pragma once

#include <cstddef>
#include <vector>

#include "ember/hir/hir.h"

namespace ember::hir {

// Whether object operands are released implicitly (the builder's contract:
// every object operand is consumed unless its keep_mask bit is set) or
// explicitly (after refcount_insertion: only stealing operands and Decref
// release; other operands are borrowed).
enum class RefMode : uint8_t { Implicit, Explicit };

// True if operand i of `ins` releases the operand's reference (for Phis: on the
// edge from pred i). Error checks (CheckNull, CheckNeg) only observe their
// operand: they never consume it, in either mode.
bool consumesOperand(const Instr& ins, size_t i, RefMode mode);

// The live (non-removed) instructions of block b, in order.
std::vector<InstrId> liveInstrs(const Function& f, BlockId b);

// For every value, the instructions using it as an operand, one entry per
// occurrence, in block order (removed instructions and blocks are skipped).
std::vector<std::vector<InstrId>> computeUsers(const Function& f);
// For every value, how many placed, live instructions name it in their frame
// state (an instruction sharing a frame state counts once per instruction).
std::vector<uint32_t> frameStateUses(const Function& f);

// Replaces every use of `from` by `to`: operands of live instructions and the
// stack of every frame state. Returns the number of replaced occurrences.
size_t replaceAllUses(Function& f, InstrId from, InstrId to);

// Removes the i'th predecessor of b together with operand i of each of b's Phis.
void removePredAt(Function& f, BlockId b, size_t i);
// Replaces predecessor `old_pred` by `new_pred` in b's pred list, in place (Phi
// operand order is kept). Returns false if old_pred is not a pred of b.
bool replacePred(Function& f, BlockId b, BlockId old_pred, BlockId new_pred);
// Retargets the terminator of `from`: every target equal to old_target becomes
// new_target. Does not touch pred lists.
void retarget(Function& f, BlockId from, BlockId old_target, BlockId new_target);
// Splits the edge from -> to: a new block holding only `Branch -> to` takes
// from's place in to's preds (same position, so Phis keep their operands) and
// from's terminator targets it. Returns the new block.
BlockId splitEdge(Function& f, BlockId from, BlockId to);
// Removes blocks not reachable from the entry (their instructions too), and
// drops them from the preds (and Phi operands) of reachable blocks. Returns
// whether anything was removed.
bool removeUnreachableBlocks(Function& f);
// Index of the first non-Phi instruction in b.instrs (counting removed ones).
size_t firstNonPhi(const Function& f, BlockId b);

// Marks an instruction removed and drops it from its block's list.
void eraseInstr(Function& f, InstrId id);

// Successors read defensively: invalid or removed target ids are dropped.
std::vector<BlockId> safeSuccessors(const Function& f, BlockId b);
// Reverse post-order from f.entry using safeSuccessors (empty if the entry
// block is invalid).
std::vector<BlockId> safeRpo(const Function& f);

class DominatorTree {
 public:
  explicit DominatorTree(const Function& f);
  bool reachable(BlockId b) const { return b < idom_.size() && idom_[b] != kNone; }
  // Immediate dominator; the entry's idom is itself; kNone if unreachable.
  BlockId idom(BlockId b) const { return b < idom_.size() ? idom_[b] : kNone; }
  // a dominates b (reflexive). False if either is unreachable.
  bool dominates(BlockId a, BlockId b) const;
  const std::vector<BlockId>& rpo() const { return rpo_; }

 private:
  std::vector<BlockId> rpo_;
  std::vector<BlockId> idom_;
  std::vector<uint32_t> order_;  // rpo position
};

}  // namespace ember::hir
