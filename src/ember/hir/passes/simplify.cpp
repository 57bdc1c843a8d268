#include "ember/hir/passes/simplify.h"

#include <algorithm>
#include <optional>

#include "ember/cpython/py312.h"

namespace ember::hir {

namespace {

// What a value's null-ness is, when we can tell without running anything.
std::optional<bool> knownNonNull(const Function& f, InstrId v) {
  for (int depth = 0; depth < 8; depth++) {
    const Instr& ins = f.instr(v);
    switch (ins.op) {
      case Op::LoadNull:
        return false;
      case Op::LoadConst:
      case Op::LoadLocal:
        return true;
      case Op::Incref:
        v = ins.operands[0];
        continue;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<bool> knownIsNone(const Function& f, InstrId v) {
  for (int depth = 0; depth < 8; depth++) {
    const Instr& ins = f.instr(v);
    switch (ins.op) {
      case Op::LoadNull:
        return false;
      case Op::LoadConst:
        if (ins.obj == nullptr) return std::nullopt;
        return ins.obj == Py_None;
      case Op::Incref:
        v = ins.operands[0];
        continue;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

// The truth CondBranch would see for operand v.
std::optional<bool> knownTruth(const Function& f, InstrId v) {
  const Instr& ins = f.instr(v);
  if (ins.kind == ValueKind::Object) return knownNonNull(f, v);
  if (ins.op == Op::IsNull) {
    auto nn = knownNonNull(f, ins.operands[0]);
    if (nn) return !*nn;
    return std::nullopt;
  }
  if (ins.op == Op::IsNone) return knownIsNone(f, ins.operands[0]);
  return std::nullopt;
}

bool simplifyPhis(Function& f, PassContext& ctx) {
  bool changed = false;
  for (Block& blk : f.blocks) {
    if (blk.removed) continue;
    for (InstrId id : liveInstrs(f, blk.id)) {
      const Instr& phi = f.instr(id);
      if (phi.op != Op::Phi) break;
      InstrId same = kNone;
      bool trivial = true;
      for (InstrId op : phi.operands) {
        if (op == id || op == same) continue;
        if (same != kNone) {
          trivial = false;
          break;
        }
        same = op;
      }
      if (!trivial || same == kNone || !ctx.takeFuel()) continue;
      replaceAllUses(f, id, same);
      eraseInstr(f, id);
      changed = true;
    }
  }
  return changed;
}

bool foldBranches(Function& f, PassContext& ctx) {
  bool changed = false;
  for (Block& blk : f.blocks) {
    if (blk.removed) continue;
    InstrId t = f.terminator(blk.id);
    if (t == kNone || f.instr(t).op != Op::CondBranch) continue;
    InstrId cond = f.instr(t).operands[0];
    auto truth = knownTruth(f, cond);
    if (!truth || !ctx.takeFuel()) continue;
    Instr& br = f.instr(t);
    BlockId taken = *truth ? br.target0 : br.target1;
    BlockId other = *truth ? br.target1 : br.target0;
    // Keep ownership balanced: a consumed object operand is released before
    // the Branch; a kept one that the branch proved NULL (false edge) was
    // dropped by that edge and now needs an explicit (no-op) release.
    bool is_obj = f.instr(cond).kind == ValueKind::Object;
    bool nulled_edge = !*truth && (br.keep_mask & 1u) && br.target0 != br.target1;
    bool release = is_obj && (consumesOperand(br, 0, ctx.ref_mode) || nulled_edge);
    int32_t bc = br.bc_index;
    br.op = Op::Branch;
    br.operands.clear();
    br.keep_mask = 0;
    br.target0 = taken;
    br.target1 = kNone;
    br.frame_state = -1;
    if (release) {
      InstrId d = f.newInstr(Op::Decref, {cond});
      f.instr(d).bc_index = bc;
      auto& list = f.block(blk.id).instrs;
      size_t pos = static_cast<size_t>(std::find(list.begin(), list.end(), t) - list.begin());
      f.insertAt(blk.id, pos, d);
    }
    if (other != taken) {
      auto& preds = f.block(other).preds;
      auto it = std::find(preds.begin(), preds.end(), blk.id);
      if (it != preds.end()) removePredAt(f, other, static_cast<size_t>(it - preds.begin()));
    }
    changed = true;
  }
  if (changed) removeUnreachableBlocks(f);
  return changed;
}

}  // namespace

bool Simplify::run(Function& f, PassContext& ctx) {
  bool changed = false;
  while (true) {
    bool progress = simplifyPhis(f, ctx);
    progress |= foldBranches(f, ctx);
    if (!progress) break;
    changed = true;
  }
  return changed;
}

}  // namespace ember::hir
