// Verifier implementation; the list of checks is in verifier.h. The structural
// pass never assumes the IR is valid (ids are range-checked before use) because
// its whole job is to look at IR that may be broken. The ownership pass runs
// only on structurally valid IR.
#include "ember/hir/verifier.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "ember/hir/printer.h"

namespace ember::hir {

namespace {

class Verifier {
 public:
  explicit Verifier(const Function& f) : f_(f), names_(f), dom_(f) {}

  std::vector<std::string> run() {
    if (f_.entry >= f_.blocks.size() || f_.block(f_.entry).removed) {
      errors_.push_back("function: entry block bb!" + std::to_string(f_.entry) + " does not exist");
      return errors_;
    }
    placeInstrs();
    for (const Block& b : f_.blocks) {
      if (!b.removed) checkBlock(b.id);
    }
    for (const Block& b : f_.blocks) {
      if (b.removed) continue;
      for (size_t i = 0; i < b.instrs.size(); i++) {
        InstrId id = b.instrs[i];
        if (id < f_.instrs.size() && !f_.instr(id).removed && owner_[id] == b.id) checkInstr(id);
      }
    }
    checkPreds();
    return errors_;
  }

 private:
  void err(BlockId b, InstrId id, const std::string& msg) {
    std::string s = names_.block(b) + ": ";
    if (id != kNone) s += names_.instr(id) + ": ";
    errors_.push_back(s + msg);
  }

  // Records which block each live instruction is in, and its position.
  void placeInstrs() {
    owner_.assign(f_.instrs.size(), kNone);
    pos_.assign(f_.instrs.size(), 0);
    for (const Block& b : f_.blocks) {
      if (b.removed) continue;
      uint32_t pos = 0;
      for (InstrId id : b.instrs) {
        if (id >= f_.instrs.size()) {
          err(b.id, kNone, "names instruction id " + std::to_string(id) + ", which does not exist");
          continue;
        }
        if (f_.instr(id).removed) continue;
        if (owner_[id] != kNone) {
          err(b.id, id, "instruction is also in " + names_.block(owner_[id]));
          continue;
        }
        owner_[id] = b.id;
        pos_[id] = pos++;
        if (f_.instr(id).block != b.id) {
          err(b.id, id, "instruction's block field says " + names_.block(f_.instr(id).block));
        }
      }
    }
  }

  void checkBlock(BlockId b) {
    std::vector<InstrId> live;
    for (InstrId id : f_.block(b).instrs) {
      if (id < f_.instrs.size() && !f_.instr(id).removed && owner_[id] == b) live.push_back(id);
    }
    if (live.empty()) {
      err(b, kNone, "block is empty (no terminator)");
      return;
    }
    bool seen_non_phi = false;
    for (size_t i = 0; i < live.size(); i++) {
      const Instr& ins = f_.instr(live[i]);
      bool last = i + 1 == live.size();
      if (isTerminator(ins.op) && !last) err(b, live[i], "terminator before the end of the block");
      if (last && !isTerminator(ins.op)) err(b, live[i], "block does not end in a terminator");
      if (ins.op == Op::Phi) {
        if (seen_non_phi) err(b, live[i], "Phi after a non-Phi instruction");
        if (ins.operands.size() != f_.block(b).preds.size()) {
          err(b, live[i], "Phi has " + std::to_string(ins.operands.size()) + " operands but the block has " +
                              std::to_string(f_.block(b).preds.size()) + " preds");
        }
      } else {
        seen_non_phi = true;
      }
    }
  }

  bool validBlock(BlockId b) const { return b < f_.blocks.size() && !f_.block(b).removed; }

  // Whether value v (already known placed) is available at the end of block b
  // (edge == true) or just before instruction `use` in block b.
  bool dominatesUse(InstrId v, BlockId b, InstrId use, bool at_end) const {
    BlockId d = owner_[v];
    if (!dom_.reachable(b)) return true;  // dead code: nothing to check
    if (d == b) return at_end || pos_[v] < pos_[use];
    return dom_.dominates(d, b);
  }

  // Checks that v names a usable value; returns false (after reporting) if not.
  bool checkValue(BlockId b, InstrId id, InstrId v, const std::string& what) {
    if (v >= f_.instrs.size()) {
      err(b, id, what + " names a value that does not exist");
      return false;
    }
    if (f_.instr(v).removed) {
      err(b, id, what + " (" + names_.value(v) + ") was removed");
      return false;
    }
    if (owner_[v] == kNone) {
      err(b, id, what + " (" + names_.value(v) + ") is not placed in a live block");
      return false;
    }
    if (!f_.instr(v).hasOutput()) {
      err(b, id, what + " (" + names_.value(v) + ") has no output");
      return false;
    }
    return true;
  }

  void checkKind(BlockId b, InstrId id, size_t i, ValueKind want) {
    const Instr& ins = f_.instr(id);
    if (i >= ins.operands.size() || ins.operands[i] >= f_.instrs.size()) return;
    ValueKind k = f_.instr(ins.operands[i]).kind;
    if (k != ValueKind::None && k != want) {
      err(b, id, "operand " + std::to_string(i) + " must be " + (want == ValueKind::Object ? "an object" : "a cint"));
    }
  }

  void checkInstr(InstrId id) {
    const Instr& ins = f_.instr(id);
    BlockId b = owner_[id];
    const OpInfo& info = opInfo(ins.op);
    size_t n = ins.operands.size();
    if (info.num_operands != kVariadic && n != static_cast<size_t>(info.num_operands)) {
      err(b, id, std::string(info.name) + " takes " + std::to_string(info.num_operands) + " operands, has " +
                     std::to_string(n));
    }
    if (!info.has_output && ins.kind != ValueKind::None) err(b, id, "opcode has no output but defines a value");
    if (n < 32 && (ins.keep_mask >> n) != 0) err(b, id, "keep_mask names an operand that does not exist");

    // operands and dominance
    const Block& blk = f_.block(b);
    for (size_t i = 0; i < n; i++) {
      InstrId v = ins.operands[i];
      std::string what = "operand " + std::to_string(i);
      if (!checkValue(b, id, v, what)) continue;
      if (ins.op == Op::Phi) {
        if (i < blk.preds.size() && validBlock(blk.preds[i]) && !dominatesUse(v, blk.preds[i], id, true)) {
          err(b, id, what + " (" + names_.value(v) + ") does not dominate the end of pred " +
                         names_.block(blk.preds[i]));
        }
        if (f_.instr(v).kind != ins.kind) err(b, id, what + " (" + names_.value(v) + ") has a different kind");
      } else if (!dominatesUse(v, b, id, false)) {
        err(b, id, what + " (" + names_.value(v) + ") does not dominate its use");
      }
    }

    // targets
    if (ins.op == Op::Branch || ins.op == Op::CondBranch) {
      if (!validBlock(ins.target0)) err(b, id, "target " + names_.block(ins.target0) + " is not a block");
      if (ins.op == Op::CondBranch && !validBlock(ins.target1)) {
        err(b, id, "target " + names_.block(ins.target1) + " is not a block");
      }
    }

    // frame state
    if (canDeopt(ins.op) && ins.frame_state < 0) err(b, id, "can deopt but has no frame state");
    if (!canDeopt(ins.op) && ins.frame_state >= 0) err(b, id, "has a frame state but cannot deopt");
    if (ins.frame_state >= 0) {
      if (static_cast<size_t>(ins.frame_state) >= f_.frame_states.size()) {
        err(b, id, "frame state index " + std::to_string(ins.frame_state) + " does not exist");
      } else {
        const FrameState& fs = f_.frame_states[ins.frame_state];
        for (size_t i = 0; i < fs.stack.size(); i++) {
          InstrId v = fs.stack[i];
          std::string what = "frame-state slot " + std::to_string(i);
          if (!checkValue(b, id, v, what)) continue;
          if (!dominatesUse(v, b, id, false)) {
            err(b, id, what + " (" + names_.value(v) + ") does not dominate the instruction");
          }
        }
      }
    }

    // kinds
    switch (ins.op) {
      case Op::Decref:
      case Op::Return:
      case Op::StoreLocal:
      case Op::IsNone:
      case Op::IsNull:
      case Op::CheckNull:
        checkKind(b, id, 0, ValueKind::Object);
        break;
      case Op::CheckNeg:
        checkKind(b, id, 0, ValueKind::CInt);
        break;
      case Op::CallHelper:
      case Op::CallHelperArray:
        checkHelper(b, id);
        break;
      default:
        break;
    }
  }

  void checkHelper(BlockId b, InstrId id) {
    const Instr& ins = f_.instr(id);
    if (ins.helper == HelperId::None || static_cast<int>(ins.helper) >= static_cast<int>(HelperId::Count)) {
      err(b, id, "names no runtime helper");
      return;
    }
    const HelperInfo& h = helperInfo(ins.helper);
    bool array = std::strchr(h.sig, 'A') != nullptr;
    if (ins.op == Op::CallHelperArray && !array) err(b, id, std::string("helper ") + h.name + " takes no array");
    if (ins.op == Op::CallHelper) {
      if (array) err(b, id, std::string("helper ") + h.name + " takes an array: use CallHelperArray");
      size_t want = static_cast<size_t>(std::count(h.sig, h.sig + std::strlen(h.sig), 'o'));
      if (ins.operands.size() != want) {
        err(b, id, std::string("helper ") + h.name + " takes " + std::to_string(want) + " object operands, has " +
                       std::to_string(ins.operands.size()));
      }
    }
    for (size_t i = 0; i < ins.operands.size(); i++) checkKind(b, id, i, ValueKind::Object);
    if (ins.kind == ValueKind::Object && h.ret == 'I') err(b, id, "helper returns int: the value must be cint");
    if (ins.kind == ValueKind::CInt && h.ret != 'I') err(b, id, "helper returns an object: the value must be object");
  }

  // A reachable block's preds must include every reachable block that
  // branches to it, and name only live blocks that do (an unreachable block
  // that branches here may be listed or not: recomputePreds drops it,
  // cfg_cleanup removes it).
  void checkPreds() {
    std::vector<std::vector<BlockId>> actual(f_.blocks.size());
    std::vector<std::vector<BlockId>> any(f_.blocks.size());
    for (BlockId b : dom_.rpo()) {
      for (BlockId s : safeSuccessors(f_, b)) actual[s].push_back(b);
    }
    for (const Block& blk : f_.blocks) {
      if (blk.removed) continue;
      for (BlockId s : safeSuccessors(f_, blk.id)) any[s].push_back(blk.id);
    }
    for (BlockId b : dom_.rpo()) {
      const auto& preds = f_.block(b).preds;
      for (size_t i = 0; i < preds.size(); i++) {
        if (std::find(preds.begin(), preds.begin() + static_cast<long>(i), preds[i]) !=
            preds.begin() + static_cast<long>(i)) {
          err(b, kNone, "pred " + names_.block(preds[i]) + " is listed twice");
        } else if (std::find(any[b].begin(), any[b].end(), preds[i]) == any[b].end()) {
          err(b, kNone, "pred " + names_.block(preds[i]) + " does not branch here");
        }
      }
      for (BlockId p : actual[b]) {
        if (std::find(preds.begin(), preds.end(), p) == preds.end()) {
          err(b, kNone, names_.block(p) + " branches here but is not in preds");
        }
      }
    }
  }

  const Function& f_;
  Names names_;
  DominatorTree dom_;
  std::vector<BlockId> owner_;
  std::vector<uint32_t> pos_;
  std::vector<std::string> errors_;
};

// The ownership dataflow (see verifier.h).
class OwnershipChecker {
 public:
  OwnershipChecker(const Function& f, RefMode mode) : f_(f), mode_(mode), names_(f) {}

  std::vector<std::string> run() {
    std::vector<BlockId> rpo = safeRpo(f_);
    in_.assign(f_.blocks.size(), std::nullopt);
    from_.assign(f_.blocks.size(), kNone);
    in_[f_.entry] = Owned{};
    for (BlockId b : rpo) {
      if (!in_[b]) continue;  // cannot happen in RPO, but stay safe
      runBlock(b);
    }
    return errors_;
  }

 private:
  using Owned = std::set<InstrId>;

  bool isObj(InstrId v) const { return f_.instr(v).kind == ValueKind::Object; }

  void err(BlockId b, InstrId id, const std::string& msg) {
    std::string s = names_.block(b) + ": ";
    if (id != kNone) s += names_.instr(id) + ": ";
    errors_.push_back(s + msg);
  }

  void leaks(BlockId b, InstrId id, const Owned& owned, const char* where) {
    for (InstrId v : owned) err(b, id, names_.value(v) + " is still owned " + where + " (leak)");
  }

  void runBlock(BlockId b) {
    Owned owned = *in_[b];
    const auto instrs = liveInstrs(f_, b);
    for (InstrId id : instrs) {
      const Instr& ins = f_.instr(id);
      if (ins.op == Op::Phi) {
        if (isObj(id)) owned.insert(id);
        continue;
      }
      // uses: every object operand must be owned here
      for (InstrId v : ins.operands) {
        if (isObj(v) && !owned.count(v)) err(b, id, names_.value(v) + " is used after its release");
      }
      const FrameState* fs = nullptr;
      if (ins.frame_state >= 0) fs = &f_.frame_states[ins.frame_state];
      if (fs != nullptr) {
        for (InstrId v : fs->stack) {
          if (isObj(v) && !owned.count(v)) {
            err(b, id, "frame state names " + names_.value(v) + " after its release");
          }
        }
      }
      // at a deopt point the interpreter takes over exactly the frame state
      if (canDeopt(ins.op) && fs != nullptr && ins.op != Op::Deopt) {
        Owned extra = owned;
        for (InstrId v : fs->stack) extra.erase(v);
        if (ins.op == Op::CheckNull && !ins.operands.empty()) extra.erase(ins.operands[0]);
        for (InstrId v : extra) {
          err(b, id, names_.value(v) + " is owned but not in the frame state (leaks on deopt)");
        }
      }
      // releases
      std::set<InstrId> released_here;
      for (size_t i = 0; i < ins.operands.size(); i++) {
        InstrId v = ins.operands[i];
        if (!isObj(v) || !consumesOperand(ins, i, mode_)) continue;
        if (!owned.erase(v) && released_here.count(v)) {
          err(b, id, names_.value(v) + " is released twice by this instruction");
        }
        released_here.insert(v);
      }
      if (ins.op == Op::Deopt && fs != nullptr) {
        for (InstrId v : fs->stack) owned.erase(v);
      }
      if (ins.hasOutput() && isObj(id)) owned.insert(id);
      if (ins.op == Op::Return || ins.op == Op::Deopt) {
        leaks(b, id, owned, ins.op == Op::Return ? "at return" : "at deopt");
        return;
      }
    }
    // edges
    // A CondBranch that keeps its object operand tests it for NULL: on the
    // false edge the value is NULL and there is nothing to release (FOR_ITER's
    // exhausted path).
    InstrId t = instrs.empty() ? kNone : instrs.back();
    InstrId nulled = kNone;
    if (t != kNone) {
      const Instr& br = f_.instr(t);
      if (br.op == Op::CondBranch && br.target0 != br.target1 && isObj(br.operands[0]) && (br.keep_mask & 1u)) {
        nulled = br.operands[0];
      }
    }
    for (BlockId s : safeSuccessors(f_, b)) {
      if (nulled != kNone && s == f_.instr(t).target1) {
        Owned without = owned;
        without.erase(nulled);
        edge(b, s, without);
      } else {
        edge(b, s, owned);
      }
    }
  }

  void edge(BlockId from, BlockId to, const Owned& out) {
    const Block& blk = f_.block(to);
    auto it = std::find(blk.preds.begin(), blk.preds.end(), from);
    if (it == blk.preds.end()) return;  // reported by verify()
    size_t idx = static_cast<size_t>(it - blk.preds.begin());
    Owned state = out;
    for (InstrId id : liveInstrs(f_, to)) {
      const Instr& ins = f_.instr(id);
      if (ins.op != Op::Phi) break;
      if (idx >= ins.operands.size()) continue;
      InstrId v = ins.operands[idx];
      if (!isObj(v)) continue;
      if (!state.erase(v)) {
        err(to, id, names_.value(v) + " flows in from " + names_.block(from) +
                        (out.count(v) ? " into two Phis" : " after its release"));
      }
    }
    if (!in_[to]) {
      in_[to] = state;
      from_[to] = from;
      return;
    }
    const Owned& have = *in_[to];
    for (InstrId v : state) {
      if (!have.count(v)) {
        err(to, kNone, names_.value(v) + " is owned on entry from " + names_.block(from) + " but not from " +
                           names_.block(from_[to]));
      }
    }
    for (InstrId v : have) {
      if (!state.count(v)) {
        err(to, kNone, names_.value(v) + " is owned on entry from " + names_.block(from_[to]) + " but not from " +
                           names_.block(from));
      }
    }
  }

  const Function& f_;
  RefMode mode_;
  Names names_;
  std::vector<std::optional<Owned>> in_;
  std::vector<BlockId> from_;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> verify(const Function& f) { return Verifier(f).run(); }

std::vector<std::string> verifyOwnership(const Function& f, RefMode mode) {
  auto errors = verify(f);
  if (!errors.empty()) return errors;
  return OwnershipChecker(f, mode).run();
}

std::string formatErrors(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

}  // namespace ember::hir
