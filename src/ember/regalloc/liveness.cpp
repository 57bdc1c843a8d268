#include "ember/regalloc/liveness.h"

namespace ember::regalloc {

bool BitSet::unionWith(const BitSet& o) {
  bool changed = false;
  for (size_t i = 0; i < words_.size(); i++) {
    uint64_t n = words_[i] | o.words_[i];
    changed |= n != words_[i];
    words_[i] = n;
  }
  return changed;
}

bool BitSet::empty() const {
  for (uint64_t w : words_)
    if (w != 0) return false;
  return true;
}

Numbering::Numbering(const lir::Function& f) {
  block_start.reserve(f.blocks.size() + 1);
  int pos = 0;
  for (const lir::Block& b : f.blocks) {
    block_start.push_back(pos);
    pos += 2 + 2 * static_cast<int>(b.instrs.size());
  }
  block_start.push_back(pos);
}

Liveness computeLiveness(const lir::Function& f) {
  const int nb = static_cast<int>(f.blocks.size());
  const int nv = f.num_vregs;
  // Per block: gen = read before written in the block, kill = defined in it.
  std::vector<BitSet> gen(nb, BitSet(nv)), kill(nb, BitSet(nv));
  for (int b = 0; b < nb; b++) {
    const lir::Block& blk = f.blocks[b];
    // Walk backwards: a use makes it live, a def (later in the walk = earlier
    // in the block) removes it again.
    for (int i = static_cast<int>(blk.instrs.size()) - 1; i >= 0; i--) {
      const lir::Instr& in = blk.instrs[i];
      if (in.dst != lir::kNoVReg) {
        gen[b].reset(in.dst);
        kill[b].set(in.dst);
      }
      forEachUse(f, in, [&](lir::VReg v) { gen[b].set(v); });
    }
    for (lir::VReg p : blk.params) {
      gen[b].reset(p);
      kill[b].set(p);
    }
  }

  Liveness lv;
  lv.live_in.assign(nb, BitSet(nv));
  lv.live_out.assign(nb, BitSet(nv));
  bool changed = true;
  while (changed) {
    changed = false;
    for (int b = nb - 1; b >= 0; b--) {
      for (lir::BlockId s : f.successors(b)) lv.live_out[b].unionWith(lv.live_in[s]);
      // live_in = gen | (live_out - kill), built by scanning live_out.
      BitSet in = gen[b];
      lv.live_out[b].forEach([&](int v) {
        if (!kill[b].test(v)) in.set(v);
      });
      changed |= lv.live_in[b].unionWith(in);
    }
  }
  return lv;
}

}  // namespace ember::regalloc
