#include "ember/hir/passes/refcount_insertion.h"

#include "ember/common/check.h"

namespace ember::hir {

namespace {

bool isObj(const Function& f, InstrId v) { return f.instr(v).kind == ValueKind::Object; }

// Operands of `ins` that are consumed but not stolen: they need a Decref.
std::vector<InstrId> borrowedReleases(const Function& f, const Instr& ins) {
  std::vector<InstrId> out;
  for (size_t i = 0; i < ins.operands.size(); i++) {
    InstrId v = ins.operands[i];
    if (!isObj(f, v)) continue;
    if (consumesOperand(ins, i, RefMode::Implicit) && !consumesOperand(ins, i, RefMode::Explicit)) {
      out.push_back(v);
    }
  }
  return out;
}

InstrId makeDecref(Function& f, InstrId v, int32_t bc_index) {
  InstrId d = f.newInstr(Op::Decref, {v});
  f.instr(d).bc_index = bc_index;
  return d;
}

}  // namespace

bool RefcountInsertion::run(Function& f, PassContext& ctx) {
  if (ctx.ref_mode == RefMode::Explicit) return false;
  ctx.ref_mode = RefMode::Explicit;
  bool changed = false;
  // Blocks added by edge splitting hold only a Decref and a Branch: iterate
  // over the blocks that existed when the pass started.
  const size_t nblocks = f.blocks.size();
  for (BlockId b = 0; b < nblocks; b++) {
    if (f.block(b).removed) continue;
    std::vector<InstrId> snapshot = liveInstrs(f, b);
    for (InstrId id : snapshot) {
      const Instr& ins = f.instr(id);
      if (ins.op == Op::Phi) continue;
      std::vector<InstrId> rel = borrowedReleases(f, ins);
      if (rel.empty()) continue;
      changed = true;
      int32_t bc = ins.bc_index;
      if (ins.op == Op::CondBranch) {
        // release on every outgoing edge
        for (BlockId s : f.successors(b)) {
          BlockId dest = s;
          // The entry is also entered from the caller: like a block with
          // several preds, it needs the release on its own edge.
          if (f.block(s).preds.size() > 1 || s == f.entry) dest = splitEdge(f, b, s);
          size_t pos = firstNonPhi(f, dest);
          for (InstrId v : rel) f.insertAt(dest, pos++, makeDecref(f, v, bc));
        }
        continue;
      }
      EMBER_CHECK(!isTerminator(ins.op), "refcount_insertion: terminator %s borrows an object", opName(ins.op));
      auto& list = f.block(b).instrs;
      size_t pos = 0;
      while (list[pos] != id) pos++;
      pos++;
      for (InstrId v : rel) f.insertAt(b, pos++, makeDecref(f, v, bc));
    }
  }
  return changed;
}

}  // namespace ember::hir
