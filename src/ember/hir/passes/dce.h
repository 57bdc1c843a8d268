// dce: removes pure instructions whose values nobody needs.
//
// Only opcodes whose effects are kPure in opcodes.def are candidates (LoadConst,
// LoadNull, Incref, IsNone, IsNull; Phis separately, below). A value named by a
// frame state is needed (the interpreter may read it) and is never removed.
//
// The ownership rule. An object value owns a reference, so "unused" is not the
// test for it: a valid object value always has exactly one release. An object
// value is dead when its only use is a single Decref (and no frame state): the
// instruction and that Decref are removed together. A cint value is dead when
// it has no use at all. Removing an instruction that itself consumed object
// operands (util.h consumesOperand in ctx.ref_mode; e.g. IsNone before
// refcount insertion, or an Incref without its keep bit) leaves a Decref of
// each such operand in its place, so every path still releases them once. The
// usual chain after simplify folds a branch: IsNone(LoadConst) becomes unused ->
// `Decref LoadConst` -> both gone.
//  - Phis: a cint Phi with no uses is removed. Object Phis are kept (removing
//    one would need a Decref on every incoming edge; not worth it here).
//
// Preconditions: verify(f); ownership holds in ctx.ref_mode.
// Postconditions: the same; no dead candidates remain. One unit of fuel per
// removed instruction (a pair counts once).
#pragma once

#include "ember/hir/passes/pass.h"

namespace ember::hir {

class Dce final : public Pass {
 public:
  const char* name() const override { return "dce"; }
  bool run(Function& f, PassContext& ctx) override;
};

}  // namespace ember::hir
