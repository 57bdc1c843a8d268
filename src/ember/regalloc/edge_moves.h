// The parallel copy of a Jump, in machine locations: for the emitter.
//
// A Jump passes args[k] to the target's params[k] "at once". jumpMoves builds
// that parallel copy from an Allocation (vreg arguments from their locations,
// immediates as immediate moves, frame/tstate from their fixed registers),
// drops copies that are no-ops because allocation hints put argument and
// parameter in one place, and orders the rest with sequentialize(), so the
// emitter just emits the moves in order (stack-to-stack through kScratch0).
#pragma once

#include <vector>

#include "ember/lir/lir.h"
#include "ember/regalloc/regalloc.h"

namespace ember::regalloc {

std::vector<Move> jumpMoves(const lir::Function& f, const Allocation& a, const lir::Instr& jump);

}  // namespace ember::regalloc
