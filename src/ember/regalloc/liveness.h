// Liveness of LIR vregs: linear positions and live-in/live-out sets per block.
//
// Positions. The allocator sees the function as one line of positions, blocks
// in their given (emission) order. Block b occupies [blockStart(b), blockEnd(b)):
//   blockStart(b)        its parameters are defined here
//   usePos(b, i)         = blockStart(b) + 2 + 2*i: instruction i reads its operands
//   defPos(b, i)         = usePos(b, i) + 1: instruction i writes its dst
//   blockEnd(b)          = blockStart(b) + 2 + 2*n = blockStart(b + 1)
// Two positions per instruction give "use at p, def at p + 1": a source dying
// at an instruction and that instruction's dst never overlap, so they may share
// a register (the emitter reads all sources before writing dst).
//
// Uses of an instruction (forEachUse): every VReg operand in srcs and args, and
// every vreg of the deopt stack when instr.deopt >= 0 (the deopt exit reads them).
// Defs: dst, and a block's params at its start.
//
// Liveness is the textbook backward dataflow, iterated to a fixed point
// (loops need more than one pass): liveOut(b) = U liveIn(succ),
// liveIn(b) = uses(b) U (liveOut(b) - defs(b)), where uses(b) are the vregs read
// in b before any def in b. Sets are dense bitsets (vregs are dense ints).
// Blocks are iterated in reverse linear order, which converges in a couple of
// rounds for reducible graphs laid out in roughly reverse post order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/lir/lir.h"

namespace ember::regalloc {

// A fixed-size set of small non-negative ints.
class BitSet {
 public:
  BitSet() = default;
  explicit BitSet(int n) : words_((n + 63) / 64, 0) {}
  bool test(int i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void set(int i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  void reset(int i) { words_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  // this |= o; returns true if anything changed.
  bool unionWith(const BitSet& o);
  template <typename Fn>
  void forEach(Fn fn) const {
    for (size_t w = 0; w < words_.size(); w++) {
      uint64_t bits = words_[w];
      while (bits != 0) {
        int b = __builtin_ctzll(bits);
        fn(static_cast<int>(w * 64 + b));
        bits &= bits - 1;
      }
    }
  }
  bool empty() const;

 private:
  std::vector<uint64_t> words_;
};

// Calls fn(VReg) for every vreg the instruction reads (srcs, args, deopt stack).
template <typename Fn>
void forEachUse(const lir::Function& f, const lir::Instr& in, Fn fn) {
  for (const lir::Operand& o : in.srcs)
    if (o.isVReg()) fn(o.asVReg());
  for (const lir::Operand& o : in.args)
    if (o.isVReg()) fn(o.asVReg());
  if (in.deopt >= 0 && in.deopt < static_cast<int>(f.deopts.size()))
    for (lir::VReg v : f.deopts[in.deopt].stack) fn(v);
}

struct Numbering {
  std::vector<int> block_start;  // per block; block_start[n] == total positions
  explicit Numbering(const lir::Function& f);
  int blockStart(int b) const { return block_start[b]; }
  int blockEnd(int b) const { return block_start[b + 1]; }
  int usePos(int b, int i) const { return block_start[b] + 2 + 2 * i; }
  int defPos(int b, int i) const { return usePos(b, i) + 1; }
};

struct Liveness {
  std::vector<BitSet> live_in, live_out;  // per block
};

// Requires: every vreg operand in [0, f.num_vregs), every Jump/CondJump target
// a valid block index. (allocate() checks that first.)
Liveness computeLiveness(const lir::Function& f);

}  // namespace ember::regalloc
