// The HIR verifier: the pipeline runs it after every pass (always in tests),
// so a pass that breaks an invariant is named at once instead of surfacing as
// a crash in code generation.
//
// verify(f) checks structure and SSA:
//  1. the entry block exists; every live block ends in exactly one terminator
//     and has none before it; each live instruction sits in exactly one block
//     and its `block` field says which;
//  2. Phis come first in a block and have one operand per predecessor;
//  3. operand counts match opcodes.def for non-variadic opcodes; keep_mask has
//     no bit beyond the operands; opcodes without an output define no value;
//  4. every operand is a live, placed instruction that has an output and
//     dominates the use (a Phi's operand i must dominate the end of pred i);
//     uses in unreachable blocks are not checked for dominance;
//  5. Branch/CondBranch targets are live blocks; each reachable block's preds
//     are exactly its reachable CFG predecessors, without duplicates;
//  6. exactly the instructions that can deopt carry a frame state;
//     frame-state values are defined and dominate the instruction;
//  7. kinds: operands of Decref, Return, StoreLocal, IsNone, IsNull, CheckNull
//     are objects; CheckNeg's is a cint; a Phi's operands have the Phi's kind;
//     CondBranch accepts either; CallHelper's operand count matches the
//     helper's signature ('o' characters) and its kind matches the helper's
//     return (I -> cint, O/N -> object); CallHelperArray names an 'A' helper.
//
// verifyOwnership(f, mode) runs verify(f) first, then follows every object
// value along every path (a forward dataflow over the set of values owned at
// each point, which must agree on all edges into a block):
//  - each object value is released exactly once on every path: by an operand
//    that consumes it (util.h consumesOperand: steals/Decref in Explicit mode,
//    any unkept operand in Implicit mode), by a Phi on an edge, by Return, or
//    by a Deopt that hands its frame state to the interpreter;
//  - no value is used (operand or frame state) after its release;
//  - a CondBranch that keeps (keep_mask bit 0) an object operand is a NULL
//    test: on its false edge the value is NULL and needs no release (the
//    builder's FOR_ITER: the item is consumed on the body path only);
//  - nothing is owned at Return, and at every deopt point the owned values are
//    exactly the frame state's (plus CheckNull's own operand, which is NULL on
//    the exit): anything else would leak when the interpreter takes over.
// Use Explicit after refcount_insertion; Implicit states the builder's contract.
//
// Each error is one line: `<block>: <printed instruction>: <what is wrong>`,
// numbered as print(f) numbers them.
#pragma once

#include <string>
#include <vector>

#include "ember/hir/hir.h"
#include "ember/hir/util.h"

namespace ember::hir {

std::vector<std::string> verify(const Function& f);
std::vector<std::string> verifyOwnership(const Function& f, RefMode mode = RefMode::Explicit);

// Joins errors one per line (for failure messages).
std::string formatErrors(const std::vector<std::string>& errors);

}  // namespace ember::hir
