// Register allocation for LIR: linear scan (Poletto & Sarkar, 1999) with
// whole-interval spilling.
//
// Pipeline
//   1. buildIntervals (intervals.h): validate, number positions, liveness to a
//      fixed point, one hull interval [start, end) per vreg, the `crossing`
//      flag (live across a caller-saved-clobbering instruction), edge hints.
//   2. Register scan: intervals by increasing start. Expire active intervals
//      that ended; take a free register from the interval's class — crossing
//      intervals only kCalleeSaved; others prefer kCallerSaved, then
//      kCalleeSaved, so callee-saved registers (which cost a save/restore in
//      the prologue) stay free for the values that need them. A hint partner's
//      register (block param <-> Jump arg, Move dst <-> src) is tried first.
//      When nothing is free: among the current interval and the active ones
//      holding a register the current one may use, the one ending furthest
//      away is spilled (the classic heuristic: it frees a register for the
//      longest time). A spilled vreg lives in a stack slot for its whole
//      life; the register it held so far simply goes back to the pool for
//      the current interval (nothing else used it meanwhile, so no fix-up).
//   3. Slot packing: spilled intervals get slots by a second scan in start
//      order, reusing the lowest slot whose previous owner has ended
//      (optimal for interval graphs).
//
// Invariants of the result (checked by the tests with an independent
// liveness computation and by simulating the allocated program):
//   - two vregs live at the same point never share a register or a slot;
//   - a vreg live across a clobbering instruction is in kCalleeSaved or a slot;
//   - kTStateReg, kFrameReg, kScratch0, kScratch1, rsp, rbp are never used.
// A source dying at an instruction may share a register with its dst (the
// emitter reads sources before writing the destination).
//
// Not done: interval splitting (a spilled vreg is in memory everywhere, even
// in a hot loop where a register was free), holes in intervals, spill-cost
// weights by loop depth, rematerialisation of constants. See docs/regalloc.md.
#include "ember/regalloc/regalloc.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "ember/regalloc/intervals.h"
#include "ember/regalloc/names.h"

namespace ember::regalloc {

namespace {

bool isCalleeSaved(int r) {
  for (PhysReg c : kCalleeSaved)
    if (c == r) return true;
  return false;
}

class LinearScan {
 public:
  explicit LinearScan(IntervalSet& set) : set_(set) {}

  Allocation run() {
    const int nv = static_cast<int>(set_.by_vreg.size());
    reg_.assign(nv, -1);
    spilled_.assign(nv, false);
    std::vector<const Interval*> order;
    for (int v = 0; v < nv; v++)
      if (set_.defined[v]) order.push_back(&set_.by_vreg[v]);
    std::sort(order.begin(), order.end(), [](const Interval* a, const Interval* b) {
      return a->start != b->start ? a->start < b->start : a->vreg < b->vreg;
    });

    for (const Interval* cur : order) {
      expire(cur->start);
      int r = pickFree(*cur);
      if (r >= 0) {
        assign(*cur, r);
      } else {
        spillAtInterval(*cur);
      }
    }

    Allocation a;
    a.vreg_loc.assign(nv, Location{});
    std::set<PhysReg> callee;
    for (int v = 0; v < nv; v++) {
      if (!set_.defined[v] || spilled_[v]) continue;
      a.vreg_loc[v] = Location::inReg(static_cast<PhysReg>(reg_[v]));
      if (isCalleeSaved(reg_[v])) callee.insert(static_cast<PhysReg>(reg_[v]));
    }
    a.used_callee_saved.assign(callee.begin(), callee.end());
    a.num_slots = assignSlots(order, a);
    return a;
  }

 private:
  void expire(int pos) {
    std::erase_if(active_, [&](const Interval* it) {
      if (it->end > pos) return false;
      owner_[reg_[it->vreg]] = nullptr;
      return true;
    });
  }

  bool allowed(const Interval& it, int r) const { return !it.crossing || isCalleeSaved(r); }

  int pickFree(const Interval& it) const {
    for (lir::VReg h : it.hints) {
      int r = reg_[h];
      if (r >= 0 && !spilled_[h] && owner_[r] == nullptr && allowed(it, r)) return r;
    }
    if (!it.crossing)
      for (PhysReg r : kCallerSaved)
        if (owner_[r] == nullptr) return r;
    for (PhysReg r : kCalleeSaved)
      if (owner_[r] == nullptr) return r;
    return -1;
  }

  void assign(const Interval& it, int r) {
    reg_[it.vreg] = r;
    owner_[r] = &it;
    active_.push_back(&it);
  }

  void spillAtInterval(const Interval& cur) {
    const Interval* victim = nullptr;
    for (const Interval* a : active_) {
      if (!allowed(cur, reg_[a->vreg])) continue;
      if (victim == nullptr || a->end > victim->end ||
          (a->end == victim->end && a->vreg > victim->vreg))
        victim = a;
    }
    if (victim != nullptr && victim->end > cur.end) {
      int r = reg_[victim->vreg];
      std::erase(active_, victim);
      owner_[r] = nullptr;
      spilled_[victim->vreg] = true;
      assign(cur, r);
    } else {
      spilled_[cur.vreg] = true;
    }
  }

  int assignSlots(const std::vector<const Interval*>& order, Allocation& a) {
    std::set<int> free;
    std::vector<std::pair<int, int>> busy;  // (end, slot)
    int num = 0;
    for (const Interval* it : order) {
      if (!spilled_[it->vreg]) continue;
      std::erase_if(busy, [&](const std::pair<int, int>& b) {
        if (b.first > it->start) return false;
        free.insert(b.second);
        return true;
      });
      int s;
      if (free.empty()) {
        s = num++;
      } else {
        s = *free.begin();
        free.erase(free.begin());
      }
      busy.emplace_back(it->end, s);
      a.vreg_loc[it->vreg] = Location::onStack(s);
    }
    return num;
  }

  IntervalSet& set_;
  std::vector<int> reg_;  // per vreg: register held (or last held), -1 if none
  std::vector<bool> spilled_;
  std::vector<const Interval*> active_;  // intervals currently in a register
  const Interval* owner_[16] = {};
};

}  // namespace

Result<Allocation> allocate(const lir::Function& f) {
  Result<IntervalSet> set = buildIntervals(f);
  if (!set.ok()) return set.error();
  return LinearScan(set.value()).run();
}

std::string printAllocation(const lir::Function& f, const Allocation& a) {
  std::ostringstream out;
  out << "regalloc " << f.name << ": " << a.num_slots << " slots, callee-saved [";
  for (size_t i = 0; i < a.used_callee_saved.size(); i++)
    out << (i ? " " : "") << physRegName(a.used_callee_saved[i]);
  out << "]\n";
  Result<IntervalSet> set = buildIntervals(f);
  if (!set.ok()) {
    out << "  (no intervals: " << set.error().detail << ")\n";
    return out.str();
  }
  const IntervalSet& s = set.value();
  for (int v = 0; v < f.num_vregs; v++) {
    if (!s.defined[v]) continue;
    const Interval& it = s.by_vreg[v];
    std::string loc = v < static_cast<int>(a.vreg_loc.size()) ? locationName(a.vreg_loc[v]) : "-";
    std::string range = "[" + std::to_string(it.start) + ", " + std::to_string(it.end) + ")";
    out << "  %" << v << std::string(v < 10 ? 3 : v < 100 ? 2 : 1, ' ') << range
        << std::string(range.size() < 14 ? 14 - range.size() : 1, ' ') << (it.crossing ? "cross  " : "       ")
        << loc << "\n";
  }
  return out.str();
}

}  // namespace ember::regalloc
