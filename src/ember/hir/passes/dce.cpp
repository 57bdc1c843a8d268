#include "ember/hir/passes/dce.h"

#include <algorithm>

namespace ember::hir {

namespace {

// One sweep over all blocks; returns whether anything was removed. Use lists
// are computed once per sweep. A removal changes the uses of the removed
// instruction's operands (a Decref may take its place), so those values are
// marked stale and left for the next sweep; everything else stays exact.
bool sweep(Function& f, PassContext& ctx) {
  auto users = computeUsers(f);
  auto fs_uses = frameStateUses(f);
  std::vector<uint8_t> stale(f.instrs.size(), 0);
  bool changed = false;
  for (BlockId b = 0; b < f.blocks.size(); b++) {
    if (f.block(b).removed) continue;
    for (InstrId id : liveInstrs(f, b)) {
      const Instr& ins = f.instr(id);
      if (ins.removed || stale[id] || !isPure(ins.op) || !ins.hasOutput() || fs_uses[id] != 0) continue;
      const auto& u = users[id];
      InstrId paired = kNone;
      if (ins.kind == ValueKind::Object) {
        if (ins.op == Op::Phi || u.size() != 1) continue;
        const Instr& user = f.instr(u[0]);
        if (user.op != Op::Decref || user.removed) continue;
        paired = u[0];
      } else if (!u.empty()) {
        continue;
      }
      if (!ctx.takeFuel()) break;
      // Release what the removed instruction consumed, in its place.
      std::vector<InstrId> consumed;
      for (size_t i = 0; i < ins.operands.size(); i++) {
        InstrId v = ins.operands[i];
        stale[v] = 1;
        if (f.instr(v).kind == ValueKind::Object && ins.op != Op::Phi && consumesOperand(ins, i, ctx.ref_mode)) {
          consumed.push_back(v);
        }
      }
      int32_t bc = ins.bc_index;
      for (InstrId v : consumed) {
        InstrId d = f.newInstr(Op::Decref, {v});
        f.instr(d).bc_index = bc;
        auto& list = f.block(b).instrs;
        f.insertAt(b, static_cast<size_t>(std::find(list.begin(), list.end(), id) - list.begin()), d);
      }
      // Marked now, dropped from the block lists once at the end of the sweep.
      f.instr(id).removed = true;
      if (paired != kNone) f.instr(paired).removed = true;
      changed = true;
    }
  }
  if (changed) {
    for (Block& blk : f.blocks) {
      auto& v = blk.instrs;
      v.erase(std::remove_if(v.begin(), v.end(), [&](InstrId i) { return f.instr(i).removed; }), v.end());
    }
  }
  return changed;
}

}  // namespace

bool Dce::run(Function& f, PassContext& ctx) {
  bool changed = false;
  while (sweep(f, ctx)) changed = true;
  return changed;
}

}  // namespace ember::hir
