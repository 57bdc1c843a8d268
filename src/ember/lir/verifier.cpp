// LIR verifier; what it checks is listed in verifier.h.
//
// Dominators are the plain iterative bitset formulation (dom(entry) =
// {entry}; dom(b) = {b} + intersection of dom(p) over reachable preds).
// LIR functions are small enough (tens to a few hundred blocks) that the
// quadratic bitsets are cheaper to get right than Lengauer–Tarjan or
// Cooper–Harvey–Kennedy, and this runs only when verifying.
#include "ember/lir/verifier.h"

#include <optional>

#include "ember/lir/printer.h"

namespace ember::lir {

namespace {

// Expected number of srcs, or nullopt when variable (Call) or unknown.
std::optional<size_t> srcCount(Op op) {
  switch (op) {
    case Op::Move:
    case Op::Lea:
    case Op::Load:
    case Op::Load32:
    case Op::Incref:
    case Op::Decref:
    case Op::XDecref:
    case Op::CondJump:
    case Op::GuardZero:
    case Op::GuardNeg:
    case Op::Ret:
      return 1;
    case Op::Store:
    case Op::CmpEq:
      return 2;
    case Op::Jump:
    case Op::Checkpoint:
    case Op::DeoptJump:
      return 0;
    default:
      return std::nullopt;
  }
}

bool needsDeopt(Op op) { return op == Op::GuardZero || op == Op::GuardNeg || op == Op::DeoptJump; }

class Verifier {
 public:
  explicit Verifier(const Function& f) : f_(f), nb_(static_cast<int>(f.blocks.size())) {}

  std::vector<std::string> run() {
    if (nb_ == 0) {
      errors_.push_back("function has no blocks");
      return errors_;
    }
    if (f_.num_vregs < 0) {
      errors_.push_back("num_vregs is negative");
      return errors_;
    }
    def_block_.assign(f_.num_vregs, -1);
    def_index_.assign(f_.num_vregs, -2);
    structure();
    dominators();
    uses();
    return errors_;
  }

 private:
  std::string at(int b, int i) const {
    return "bb" + std::to_string(b) + "[" + std::to_string(i) + "] `" + print(f_.blocks[b].instrs[i]) + "`: ";
  }
  void err(int b, int i, const std::string& msg) { errors_.push_back(at(b, i) + msg); }
  bool inRange(VReg v) const { return v >= 0 && v < f_.num_vregs; }
  bool validBlock(BlockId t) const { return t >= 0 && t < nb_; }

  void define(VReg v, int b, int index, const std::string& where) {
    if (!inRange(v)) {
      errors_.push_back(where + "defines %" + std::to_string(v) + ", out of range [0, " +
                        std::to_string(f_.num_vregs) + ")");
      return;
    }
    if (def_block_[v] >= 0) {
      errors_.push_back(where + "%" + std::to_string(v) + " is defined more than once (first in bb" +
                        std::to_string(def_block_[v]) + ")");
      return;
    }
    def_block_[v] = b;
    def_index_[v] = index;
  }

  void structure() {
    for (int b = 0; b < nb_; b++) {
      const Block& blk = f_.blocks[b];
      std::string bname = "bb" + std::to_string(b) + ": ";
      if (blk.id != b) errors_.push_back(bname + "Block::id is " + std::to_string(blk.id) + ", not its index");
      for (VReg p : blk.params) define(p, b, -1, bname + "parameter ");
      if (blk.instrs.empty()) {
        errors_.push_back(bname + "empty block (no terminator)");
        continue;
      }
      if (!isTerminator(blk.instrs.back().op))
        err(b, static_cast<int>(blk.instrs.size()) - 1, "block does not end with a terminator");
      for (int i = 0; i < static_cast<int>(blk.instrs.size()); i++) instr(b, i);
    }
  }

  void instr(int b, int i) {
    const Instr& in = f_.blocks[b].instrs[i];
    const int n = static_cast<int>(f_.blocks[b].instrs.size());
    if (isTerminator(in.op) && i != n - 1) err(b, i, "terminator in the middle of the block");
    if (in.dst != kNoVReg) {
      if (!opHasDst(in.op)) err(b, i, std::string(opName(in.op)) + " defines no value");
      else define(in.dst, b, i, at(b, i));
    } else if (opHasDst(in.op) && in.op != Op::Call) {
      err(b, i, std::string(opName(in.op)) + " needs a destination");
    }
    if (auto want = srcCount(in.op); want && in.srcs.size() != *want)
      err(b, i, std::string(opName(in.op)) + " takes " + std::to_string(*want) + " operand(s), has " +
                    std::to_string(in.srcs.size()));
    if (in.op == Op::Call && in.srcs.size() > 6) err(b, i, "Call has more than 6 arguments");
    for (const Operand& o : in.srcs)
      if (o.kind == Operand::Kind::None) err(b, i, "missing operand");
    for (const Operand& o : in.args)
      if (o.kind == Operand::Kind::None) err(b, i, "missing jump argument");

    if (in.op == Op::Jump) {
      if (!validBlock(in.target0)) {
        err(b, i, "jump target does not exist");
      } else if (in.args.size() != f_.blocks[in.target0].params.size()) {
        err(b, i, "passes " + std::to_string(in.args.size()) + " argument(s) to bb" + std::to_string(in.target0) +
                      ", which has " + std::to_string(f_.blocks[in.target0].params.size()) + " parameter(s)");
      }
      if (in.target1 >= 0) err(b, i, "Jump has a second target");
    } else if (in.op == Op::CondJump) {
      std::vector<BlockId> targets = {in.target0};
      if (in.target1 != in.target0) targets.push_back(in.target1);
      for (BlockId t : targets) {
        if (!validBlock(t)) err(b, i, "branch target does not exist");
        else if (!f_.blocks[t].params.empty())
          err(b, i, "CondJump target bb" + std::to_string(t) + " has parameters (split the edge)");
      }
      if (!in.args.empty()) err(b, i, "CondJump passes arguments");
    } else if (in.target0 >= 0 || in.target1 >= 0 || !in.args.empty()) {
      err(b, i, std::string(opName(in.op)) + " has targets or jump arguments");
    }

    if (in.deopt < -1 || in.deopt >= static_cast<int>(f_.deopts.size()))
      err(b, i, "deopt#" + std::to_string(in.deopt) + " does not exist");
    else if (in.deopt < 0 && needsDeopt(in.op))
      err(b, i, std::string(opName(in.op)) + " needs a deopt");
  }

  void dominators() {
    reachable_.assign(nb_, false);
    preds_.assign(nb_, {});
    std::vector<int> work = {0};
    reachable_[0] = true;
    while (!work.empty()) {
      int b = work.back();
      work.pop_back();
      for (BlockId s : succs(b)) {
        preds_[s].push_back(b);
        if (!reachable_[s]) {
          reachable_[s] = true;
          work.push_back(s);
        }
      }
    }
    dom_.assign(nb_, std::vector<bool>(nb_, true));
    dom_[0].assign(nb_, false);
    dom_[0][0] = true;
    for (bool changed = true; changed;) {
      changed = false;
      for (int b = 1; b < nb_; b++) {
        if (!reachable_[b]) continue;
        std::vector<bool> d(nb_, true);
        for (int p : preds_[b])
          for (int k = 0; k < nb_; k++) d[k] = d[k] && dom_[p][k];
        d[b] = true;
        if (d != dom_[b]) {
          dom_[b] = std::move(d);
          changed = true;
        }
      }
    }
  }

  // Successors that exist (bad targets were reported already).
  std::vector<BlockId> succs(int b) const {
    std::vector<BlockId> out;
    if (f_.blocks[b].instrs.empty()) return out;
    const Instr& t = f_.blocks[b].instrs.back();
    if (t.op == Op::Jump && validBlock(t.target0)) out.push_back(t.target0);
    if (t.op == Op::CondJump) {
      if (validBlock(t.target0)) out.push_back(t.target0);
      if (validBlock(t.target1)) out.push_back(t.target1);
    }
    return out;
  }

  void use(VReg v, int b, int i, const char* what) {
    std::string name = "%" + std::to_string(v);
    if (!inRange(v)) {
      err(b, i, what + std::string(" ") + name + " is out of range");
      return;
    }
    int db = def_block_[v];
    if (db < 0) {
      err(b, i, what + std::string(" ") + name + " is never defined");
      return;
    }
    if (!reachable_[b]) return;
    bool ok = db == b ? def_index_[v] < i : dom_[b][db];
    if (!ok) err(b, i, what + std::string(" ") + name + " is not dominated by its definition (in bb" +
                           std::to_string(db) + ")");
  }

  void uses() {
    for (int b = 0; b < nb_; b++) {
      const Block& blk = f_.blocks[b];
      for (int i = 0; i < static_cast<int>(blk.instrs.size()); i++) {
        const Instr& in = blk.instrs[i];
        for (const Operand& o : in.srcs)
          if (o.isVReg()) use(o.asVReg(), b, i, "operand");
        for (const Operand& o : in.args)
          if (o.isVReg()) use(o.asVReg(), b, i, "jump argument");
        if (in.deopt >= 0 && in.deopt < static_cast<int>(f_.deopts.size()))
          for (VReg v : f_.deopts[in.deopt].stack) use(v, b, i, "deopt value");
      }
    }
  }

  const Function& f_;
  const int nb_;
  std::vector<std::string> errors_;
  std::vector<int> def_block_, def_index_;
  std::vector<bool> reachable_;
  std::vector<std::vector<int>> preds_;
  std::vector<std::vector<bool>> dom_;
};

}  // namespace

std::vector<std::string> verify(const Function& f) { return Verifier(f).run(); }

}  // namespace ember::lir
