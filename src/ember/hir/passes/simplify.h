// simplify: local rewrites that are exact, repeated until nothing changes.
//
// Rewrites
//  1. Trivial Phis. A Phi whose operands are all one value v (ignoring
//     operands that are the Phi itself, i.e. a loop carrying it around) is v:
//     uses (operands and frame states) are replaced by v and the Phi removed.
//     Ownership: the Phi consumed v once on each path; after replacement its
//     consumer consumes v once on each path instead. Still exactly once.
//  2. Known branches. A CondBranch whose operand's truth is known becomes a
//     Branch to the taken target; the other target loses this pred (and the
//     matching Phi operands), and blocks left unreachable are removed. Known:
//       - an object operand (the branch tests NULL): LoadNull is false;
//         LoadConst and LoadLocal are true (never NULL);
//       - IsNull(x): true for LoadNull, false for LoadConst/LoadLocal;
//       - IsNone(x): false for LoadNull; for LoadConst with `obj` set,
//         whether obj is None (constants parsed from text have no obj and are
//         never folded);
//       - Incref(x) answers as x does.
//     If the CondBranch consumed an object operand (Implicit mode), a Decref of
//     it is left before the Branch, so ownership stays balanced; likewise when
//     it kept the operand and the false edge is taken (that edge proved the
//     value NULL and dropped it; see verifier.h). The IsNone/
//     IsNull that fed it is now unused; dce removes it.
// We do not fold IsNone/IsNull values themselves: HIR has no cint-constant
// opcode, and every consumer in practice is a CondBranch.
//
// Preconditions: verify(f) holds. Postconditions: verify(f) holds; ownership
// (in ctx.ref_mode) is unchanged in meaning. Every rewrite takes one unit of
// fuel.
#pragma once

#include "ember/hir/passes/pass.h"

namespace ember::hir {

class Simplify final : public Pass {
 public:
  const char* name() const override { return "simplify"; }
  bool run(Function& f, PassContext& ctx) override;
};

}  // namespace ember::hir
