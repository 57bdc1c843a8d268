// Live intervals for linear scan: one conservative range per vreg.
//
// A vreg's interval is the half-open range [start, end) of positions (see
// liveness.h for the numbering) that covers its definition, every use, every
// block where it is live-in (from the block's start) and every block where it
// is live-out (to the block's end). It is the hull of the true live range:
// no holes, no splitting. Two vregs whose intervals are disjoint are never
// live at the same time, so they may share a register or a stack slot.
//   def by dst at instruction i of block b:  start = defPos(b, i)
//   def as a parameter of block b:           start = blockStart(b)
//   use at instruction i of block b:         end >= usePos(b, i) + 1
// A vreg defined but never used gets [def, def + 1): it still needs a place
// to be written to.
//
// `crossing` is computed precisely, not from the hull: during the backward
// walk that rebuilds per-instruction liveness, every vreg live after a
// clobbering instruction (clobbersCallerSaved) and not defined by it crosses
// it. A clobbering non-terminator with a deopt (Checkpoint) makes its
// deopt-stack vregs crossing as well, because the deopt exit runs after
// the runtime call and reads them then. DeoptJump (a clobbering terminator)
// is not such a case: its exit stores the stack into the frame before it
// calls anything, so its deopt vregs are ordinary uses. A vreg whose hull merely spans a
// clobbering instruction in an unrelated block does not cross: its register
// holds nothing of value there.
//
// `hints` links a block parameter and the Jump arguments flowing into it, and
// a Move's dst and vreg source, so the allocator can try to give both the same
// register (the edge copy or the move becomes a no-op when the intervals do
// not overlap).
//
// buildIntervals also validates what the allocator relies on (operand ranges,
// single definitions, targets, deopt indices, no use reachable without a def)
// and fails as a value on malformed input; the full checks are in
// lir/verifier.h.
#pragma once

#include <string>
#include <vector>

#include "ember/common/result.h"
#include "ember/lir/lir.h"

namespace ember::regalloc {

struct Interval {
  lir::VReg vreg = lir::kNoVReg;
  int start = 0;
  int end = 0;  // exclusive
  bool crossing = false;
  std::vector<lir::VReg> hints;
};

struct IntervalSet {
  // Indexed by vreg; vregs never defined have start == end == 0 and defined == false.
  std::vector<Interval> by_vreg;
  std::vector<bool> defined;
};

Result<IntervalSet> buildIntervals(const lir::Function& f);

}  // namespace ember::regalloc
