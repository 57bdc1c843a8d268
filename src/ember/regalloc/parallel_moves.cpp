// Parallel-move resolution: turns a parallel copy (every source read before
// any destination is written) into an equivalent sequence of simple moves.
//
// Algorithm (the standard one, e.g. Hack/Boissinot; Cranelift's
// regalloc2 moves): repeatedly emit a pending move whose destination is not
// the source of another pending move — overwriting it can no longer hurt. If
// none is left, every pending move's destination is read by exactly one other
// (each location is written at most once, so the pending moves form disjoint
// cycles): save one move's destination into kScratch1, redirect its readers to
// kScratch1, and the cycle becomes a chain that the first rule drains
// completely (the scratch reader last) before another cycle is broken, so one
// scratch register suffices.
//
// Immediate sources can never be overwritten, so immediate moves are emitted
// after all location moves (their destination may still be read by one).
// Moves with dst == src are dropped; two moves writing one location are a bug
// in the caller (EMBER_CHECK), as is kScratch1 appearing in the input.
// Stack-to-stack moves are left in the output; the emitter routes them through
// kScratch0.
//
// Rejected: a swap-based resolution (xchg) — it needs register-register
// pairs only and x86 xchg with memory is implicitly locked and slow.
#include <algorithm>

#include "ember/common/check.h"
#include "ember/regalloc/regalloc.h"

namespace ember::regalloc {

std::vector<Move> sequentialize(std::vector<Move> parallel) {
  const Location scratch = Location::inReg(kScratch1);
  std::vector<Move> pending, imms, out;
  for (const Move& m : parallel) {
    EMBER_CHECK(m.dst.kind != Location::Kind::None, "parallel move without destination");
    EMBER_CHECK(m.dst != scratch && (m.src_is_imm || m.src != scratch),
                "kScratch1 used by a parallel move");
    for (const Move& o : parallel)
      EMBER_CHECK(&o == &m || o.dst != m.dst, "two parallel moves write the same location");
    if (m.src_is_imm) {
      imms.push_back(m);
    } else {
      EMBER_CHECK(m.src.kind != Location::Kind::None, "parallel move without source");
      if (m.src != m.dst) pending.push_back(m);
    }
  }

  auto isRead = [&](const Location& loc, size_t except) {
    for (size_t j = 0; j < pending.size(); j++)
      if (j != except && pending[j].src == loc) return true;
    return false;
  };

  while (!pending.empty()) {
    bool progress = false;
    for (size_t i = 0; i < pending.size(); i++) {
      if (isRead(pending[i].dst, i)) continue;
      out.push_back(pending[i]);
      pending.erase(pending.begin() + i);
      progress = true;
      break;
    }
    if (progress) continue;
    // Only cycles remain: save the first move's destination and redirect its reader.
    Location saved = pending[0].dst;
    out.push_back(Move{scratch, saved});
    for (Move& m : pending)
      if (m.src == saved) m.src = scratch;
  }
  out.insert(out.end(), imms.begin(), imms.end());
  return out;
}

}  // namespace ember::regalloc
