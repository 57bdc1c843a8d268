#include "ember/regalloc/intervals.h"

#include <algorithm>
#include <climits>

#include "ember/regalloc/liveness.h"

namespace ember::regalloc {

namespace {

CompileError fail(std::string detail) {
  return CompileError{FailReason::RegisterAllocation, std::move(detail)};
}

std::string where(const lir::Function& f, int b, int i) {
  return "bb" + std::to_string(b) + " instr " + std::to_string(i) + " (" +
         lir::opName(f.blocks[b].instrs[i].op) + ")";
}

// The structural facts liveness and interval building depend on.
Result<bool> validate(const lir::Function& f, std::vector<bool>& defined) {
  const int nb = static_cast<int>(f.blocks.size());
  const int nv = f.num_vregs;
  if (nb == 0) return fail("function has no blocks");
  if (nv < 0) return fail("negative num_vregs");
  defined.assign(nv, false);
  auto define = [&](lir::VReg v, const std::string& at) -> std::string {
    if (v < 0 || v >= nv) return "vreg %" + std::to_string(v) + " out of range at " + at;
    if (defined[v]) return "vreg %" + std::to_string(v) + " defined twice (again at " + at + ")";
    defined[v] = true;
    return {};
  };
  for (int b = 0; b < nb; b++) {
    const lir::Block& blk = f.blocks[b];
    for (lir::VReg p : blk.params)
      if (auto e = define(p, "bb" + std::to_string(b) + " params"); !e.empty()) return fail(e);
    if (blk.instrs.empty() || !lir::isTerminator(blk.instrs.back().op))
      return fail("bb" + std::to_string(b) + " does not end with a terminator");
    for (int i = 0; i < static_cast<int>(blk.instrs.size()); i++) {
      const lir::Instr& in = blk.instrs[i];
      if (lir::isTerminator(in.op) && i + 1 != static_cast<int>(blk.instrs.size()))
        return fail("terminator before the end of the block at " + where(f, b, i));
      if (in.dst != lir::kNoVReg)
        if (auto e = define(in.dst, where(f, b, i)); !e.empty()) return fail(e);
      if (in.deopt < -1 || in.deopt >= static_cast<int>(f.deopts.size()))
        return fail("bad deopt index at " + where(f, b, i));
      bool bad = false;
      forEachUse(f, in, [&](lir::VReg v) { bad |= v < 0 || v >= nv; });
      if (bad) return fail("vreg operand out of range at " + where(f, b, i));
      auto badTarget = [&](lir::BlockId t) { return t < 0 || t >= nb; };
      if (in.op == lir::Op::Jump) {
        if (badTarget(in.target0)) return fail("bad jump target at " + where(f, b, i));
        if (in.args.size() != f.blocks[in.target0].params.size())
          return fail("jump argument count differs from target params at " + where(f, b, i));
      }
      if (in.op == lir::Op::CondJump) {
        if (badTarget(in.target0) || badTarget(in.target1))
          return fail("bad branch target at " + where(f, b, i));
        if (!f.blocks[in.target0].params.empty() || !f.blocks[in.target1].params.empty())
          return fail("CondJump to a block with parameters at " + where(f, b, i));
      }
    }
  }
  return true;
}

}  // namespace

Result<IntervalSet> buildIntervals(const lir::Function& f) {
  IntervalSet set;
  if (auto ok = validate(f, set.defined); !ok.ok()) return ok.error();

  const int nb = static_cast<int>(f.blocks.size());
  const int nv = f.num_vregs;
  Numbering num(f);
  Liveness lv = computeLiveness(f);
  if (!lv.live_in[0].empty()) {
    int first = -1;
    lv.live_in[0].forEach([&](int v) { if (first < 0) first = v; });
    return fail("vreg %" + std::to_string(first) + " may be used before it is defined");
  }

  set.by_vreg.resize(nv);
  std::vector<int> lo(nv, INT_MAX), hi(nv, INT_MIN);
  auto cover = [&](lir::VReg v, int from, int to) {  // [from, to)
    lo[v] = std::min(lo[v], from);
    hi[v] = std::max(hi[v], to);
  };

  for (int b = 0; b < nb; b++) {
    const lir::Block& blk = f.blocks[b];
    lv.live_in[b].forEach([&](int v) { cover(v, num.blockStart(b), num.blockStart(b) + 1); });
    lv.live_out[b].forEach([&](int v) { cover(v, num.blockEnd(b) - 1, num.blockEnd(b)); });
    for (lir::VReg p : blk.params) cover(p, num.blockStart(b), num.blockStart(b) + 1);

    // Backward walk: per-instruction liveness for the crossing flag.
    BitSet live = lv.live_out[b];
    for (int i = static_cast<int>(blk.instrs.size()) - 1; i >= 0; i--) {
      const lir::Instr& in = blk.instrs[i];
      const int use = num.usePos(b, i), def = num.defPos(b, i);
      if (in.dst != lir::kNoVReg) {
        live.reset(in.dst);
        cover(in.dst, def, def + 1);
      }
      if (lir::clobbersCallerSaved(in.op)) {
        live.forEach([&](int v) { set.by_vreg[v].crossing = true; });
        if (in.deopt >= 0 && !lir::isTerminator(in.op))  // Checkpoint: see the header
          for (lir::VReg v : f.deopts[in.deopt].stack) set.by_vreg[v].crossing = true;
      }
      forEachUse(f, in, [&](lir::VReg v) {
        live.set(v);
        cover(v, use, use + 1);
      });
    }
  }

  for (int v = 0; v < nv; v++) {
    Interval& it = set.by_vreg[v];
    it.vreg = v;
    if (!set.defined[v]) {
      if (lo[v] != INT_MAX) return fail("vreg %" + std::to_string(v) + " is used but never defined");
      continue;
    }
    it.start = lo[v];
    it.end = hi[v];
  }

  // Hints: Jump argument k <-> parameter k of the target; Move dst <-> src.
  for (const lir::Block& blk : f.blocks) {
    for (const lir::Instr& in : blk.instrs) {
      if (in.op != lir::Op::Move || in.dst == lir::kNoVReg || in.srcs.empty() || !in.srcs[0].isVReg()) continue;
      lir::VReg s = in.srcs[0].asVReg();
      set.by_vreg[in.dst].hints.push_back(s);
      set.by_vreg[s].hints.push_back(in.dst);
    }
    const lir::Instr& t = blk.instrs.back();
    if (t.op != lir::Op::Jump) continue;
    const auto& params = f.blocks[t.target0].params;
    for (size_t k = 0; k < t.args.size(); k++) {
      if (!t.args[k].isVReg()) continue;
      lir::VReg a = t.args[k].asVReg(), p = params[k];
      if (a == p) continue;
      set.by_vreg[a].hints.push_back(p);
      set.by_vreg[p].hints.push_back(a);
    }
  }
  return set;
}

}  // namespace ember::regalloc
