#include "ember/hir/passes/cfg_cleanup.h"

#include <algorithm>

namespace ember::hir {

namespace {

bool contains(const std::vector<BlockId>& v, BlockId b) { return std::find(v.begin(), v.end(), b) != v.end(); }

bool hasPhis(const Function& f, BlockId b) {
  auto live = liveInstrs(f, b);
  return !live.empty() && f.instr(live[0]).op == Op::Phi;
}

// Whether every Phi of t takes the same operand from pred a as from pred b
// (then the edges a -> t and b -> t can become one).
bool sameIncoming(const Function& f, BlockId t, BlockId a, BlockId b) {
  const auto& preds = f.block(t).preds;
  size_t ia = static_cast<size_t>(std::find(preds.begin(), preds.end(), a) - preds.begin());
  size_t ib = static_cast<size_t>(std::find(preds.begin(), preds.end(), b) - preds.begin());
  for (InstrId id : liveInstrs(f, t)) {
    const Instr& phi = f.instr(id);
    if (phi.op != Op::Phi) break;
    if (phi.operands[ia] != phi.operands[ib]) return false;
  }
  return true;
}

bool foldEqualTargets(Function& f, PassContext& ctx) {
  bool changed = false;
  for (BlockId b = 0; b < f.blocks.size(); b++) {
    if (f.block(b).removed) continue;
    InstrId t = f.terminator(b);
    if (t == kNone) continue;
    const Instr& br = f.instr(t);
    if (br.op != Op::CondBranch || br.target0 != br.target1 || !ctx.takeFuel()) continue;
    InstrId cond = br.operands[0];
    bool release = f.instr(cond).kind == ValueKind::Object && consumesOperand(br, 0, ctx.ref_mode);
    int32_t bc = br.bc_index;
    Instr& w = f.instr(t);
    w.op = Op::Branch;
    w.operands.clear();
    w.keep_mask = 0;
    w.target1 = kNone;
    w.frame_state = -1;
    if (release) {
      InstrId d = f.newInstr(Op::Decref, {cond});
      f.instr(d).bc_index = bc;
      auto& list = f.block(b).instrs;
      f.insertAt(b, static_cast<size_t>(std::find(list.begin(), list.end(), t) - list.begin()), d);
    }
    changed = true;
  }
  return changed;
}

bool threadJumps(Function& f, PassContext& ctx) {
  bool changed = false;
  for (BlockId e = 0; e < f.blocks.size(); e++) {
    if (f.block(e).removed || e == f.entry) continue;
    auto live = liveInstrs(f, e);
    if (live.size() != 1 || f.instr(live[0]).op != Op::Branch) continue;
    BlockId t = f.instr(live[0]).target0;
    if (t == e) continue;
    auto& tpreds = f.block(t).preds;
    auto eit = std::find(tpreds.begin(), tpreds.end(), e);
    if (eit == tpreds.end()) continue;
    size_t eidx = static_cast<size_t>(eit - tpreds.begin());
    bool phis = hasPhis(f, t);
    std::vector<BlockId> preds = f.block(e).preds;
    for (BlockId p : preds) {
      bool already = contains(f.block(t).preds, p);
      if (already && phis && !sameIncoming(f, t, p, e)) continue;
      if (!ctx.takeFuel()) continue;
      retarget(f, p, e, t);
      if (!already) {
        f.block(t).preds.push_back(p);
        for (InstrId id : liveInstrs(f, t)) {
          Instr& phi = f.instr(id);
          if (phi.op != Op::Phi) break;
          phi.operands.push_back(phi.operands[eidx]);
        }
      }
      auto& ep = f.block(e).preds;
      ep.erase(std::remove(ep.begin(), ep.end(), p), ep.end());
      changed = true;
    }
  }
  if (changed) removeUnreachableBlocks(f);
  return changed;
}

bool mergeBlocks(Function& f, PassContext& ctx) {
  bool changed = false;
  for (BlockId b : safeRpo(f)) {
    Block& blk = f.block(b);
    if (blk.removed || b == f.entry || blk.preds.size() != 1) continue;
    BlockId p = blk.preds[0];
    if (p == b) continue;
    InstrId pt = f.terminator(p);
    if (pt == kNone || f.instr(pt).op != Op::Branch || f.instr(pt).target0 != b) continue;
    if (!ctx.takeFuel()) continue;
    for (InstrId id : liveInstrs(f, b)) {
      Instr& phi = f.instr(id);
      if (phi.op != Op::Phi) break;
      InstrId v = phi.operands[0];
      replaceAllUses(f, id, v);
      eraseInstr(f, id);
    }
    eraseInstr(f, pt);
    for (InstrId id : liveInstrs(f, b)) {
      f.instr(id).block = p;
      f.block(p).instrs.push_back(id);
    }
    for (BlockId s : f.successors(p)) replacePred(f, s, b, p);
    Block& gone = f.block(b);
    gone.instrs.clear();
    gone.preds.clear();
    gone.removed = true;
    changed = true;
  }
  return changed;
}

}  // namespace

bool CfgCleanup::run(Function& f, PassContext& ctx) {
  bool changed = false;
  while (true) {
    bool progress = removeUnreachableBlocks(f);
    progress |= foldEqualTargets(f, ctx);
    progress |= threadJumps(f, ctx);
    progress |= mergeBlocks(f, ctx);
    if (!progress) break;
    changed = true;
  }
  return changed;
}

}  // namespace ember::hir
