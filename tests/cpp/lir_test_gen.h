// Random and hand-built LIR programs for tests, and an allocation checker
// that recomputes liveness on its own (per instruction, with std::set, no
// code shared with src/ember/regalloc).
//
// The generator builds structured, well-formed SSA programs: straight-line
// runs of every opcode, if/else diamonds whose join takes block parameters,
// and counted loops (header params = counter + carried values, back-edge Jump
// with arguments, exit through a CondJump to a parameterless block). Values
// used are always ones defined in a dominating position. Blocks may then be
// shuffled (entry stays first) so the allocator sees unnatural layouts.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ember/lir/lir.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_interp.h"

namespace ember::lirtest {

struct GenOptions {
  int max_depth = 3;
  int straight_len = 6;      // max instructions per straight run
  int call_percent = 20;     // share of Call among straight instructions
  int guard_percent = 3;
  int min_live = 0;          // define this many values up front (register pressure)
  bool shuffle_blocks = true;
};

class ProgramGen {
 public:
  ProgramGen(uint64_t seed, GenOptions opt = {}) : rng_(seed), opt_(opt) {}

  lir::Function build() {
    f_ = lir::Function{};
    f_.name = "rand";
    int cur = newBlock();
    std::vector<lir::VReg> avail;
    for (int i = 0; i < opt_.min_live; i++) avail.push_back(def(cur, lir::Op::Move, {lir::Operand::imm(100 + i)}));
    region(cur, avail, 0);
    // Observe every value still available at the end (they all stay live
    // until here): stores are traced and clobber nothing.
    for (lir::VReg v : avail) {
      lir::Instr st;
      st.op = lir::Op::Store;
      st.srcs = {lir::Operand::frame(), lir::Operand::vreg(v)};
      st.imm = 64;
      emit(cur, st);
    }
    lir::VReg acc = avail.empty() ? def(cur, lir::Op::Move, {lir::Operand::imm(7)}) : avail[0];
    lir::Instr r;
    r.op = lir::Op::Ret;
    r.srcs = {lir::Operand::vreg(acc)};
    f_.blocks[cur].instrs.push_back(r);
    if (opt_.shuffle_blocks) shuffle();
    return std::move(f_);
  }

 private:
  int newBlock() {
    lir::Block b;
    b.id = static_cast<int>(f_.blocks.size());
    f_.blocks.push_back(b);
    return b.id;
  }
  lir::VReg def(int b, lir::Op op, std::vector<lir::Operand> srcs, int64_t imm = 0) {
    lir::Instr in;
    in.op = op;
    in.dst = f_.newVReg();
    in.srcs = std::move(srcs);
    in.imm = imm;
    f_.blocks[b].instrs.push_back(in);
    return in.dst;
  }
  void emit(int b, lir::Instr in) { f_.blocks[b].instrs.push_back(std::move(in)); }
  lir::Operand pick(const std::vector<lir::VReg>& avail) {
    if (avail.empty() || rng_.chance(10)) return lir::Operand::imm(rng_.below(5));
    return lir::Operand::vreg(avail[rng_.below(static_cast<int>(avail.size()))]);
  }
  lir::Operand pickArg(const std::vector<lir::VReg>& avail) {
    return rng_.chance(4) ? lir::Operand::frame() : pick(avail);
  }
  lir::VReg pickV(int b, std::vector<lir::VReg>& avail) {
    if (avail.empty()) avail.push_back(def(b, lir::Op::Move, {lir::Operand::imm(rng_.below(9))}));
    return avail[rng_.below(static_cast<int>(avail.size()))];
  }
  int newDeopt(const std::vector<lir::VReg>& avail) {
    lir::DeoptInfo d;
    d.bc_index = rng_.below(100) * 2;
    d.throw_mode = rng_.chance(50);
    for (lir::VReg v : avail)
      if (rng_.chance(30)) d.stack.push_back(v);
    f_.deopts.push_back(d);
    return static_cast<int>(f_.deopts.size()) - 1;
  }

  void straight(int b, std::vector<lir::VReg>& avail) {
    int n = rng_.below(opt_.straight_len + 1);
    for (int k = 0; k < n; k++) {
      int r = rng_.below(100);
      lir::Instr in;
      if (r < opt_.call_percent) {
        in.op = lir::Op::Call;
        in.imm = rng_.chance(30) ? kAddFn : 0x2000 + rng_.below(4);
        int nargs = in.imm == kAddFn ? 2 : rng_.below(7);
        for (int a = 0; a < nargs; a++) in.srcs.push_back(rng_.chance(5) ? lir::Operand::frame() : pick(avail));
        if (rng_.chance(85)) in.dst = f_.newVReg();
        if (rng_.chance(20)) in.flags = lir::kCallReturnsInt32;
        in.comment = "helper";
      } else if (r < opt_.call_percent + opt_.guard_percent) {
        in.op = rng_.chance(50) ? lir::Op::GuardZero : lir::Op::GuardNeg;
        in.srcs = {lir::Operand::vreg(pickV(b, avail))};
        in.deopt = newDeopt(avail);
      } else {
        switch (rng_.below(10)) {
          case 0:
            in.op = lir::Op::Move;
            in.dst = f_.newVReg();
            in.srcs = {lir::Operand::imm(static_cast<int64_t>(rng_.next() % 1000) - 10)};
            break;
          case 1:
          case 2:
            in.op = lir::Op::CmpEq;
            in.dst = f_.newVReg();
            in.srcs = {pick(avail), pick(avail)};
            break;
          case 3:
            in.op = rng_.chance(70) ? lir::Op::Load : lir::Op::Load32;
            in.dst = f_.newVReg();
            in.srcs = {rng_.chance(60) ? lir::Operand::frame() : lir::Operand::tstate()};
            in.imm = 8 * rng_.below(4);
            break;
          case 4:
            in.op = lir::Op::Store;
            in.srcs = {lir::Operand::frame(), pick(avail)};
            in.imm = 8 * rng_.below(4);
            break;
          case 5:
            in.op = lir::Op::Incref;
            in.srcs = {lir::Operand::vreg(pickV(b, avail))};
            break;
          case 6:
            in.op = rng_.chance(50) ? lir::Op::Decref : lir::Op::XDecref;
            in.srcs = {lir::Operand::vreg(pickV(b, avail))};
            break;
          case 7:
            in.op = lir::Op::Checkpoint;
            in.deopt = newDeopt(avail);
            break;
          case 8:
            in.op = lir::Op::Lea;
            in.dst = f_.newVReg();
            in.srcs = {rng_.chance(50) ? lir::Operand::frame() : lir::Operand::vreg(pickV(b, avail))};
            in.imm = 8 * rng_.below(4);
            break;
          default:
            in.op = lir::Op::Move;
            in.dst = f_.newVReg();
            in.srcs = {lir::Operand::vreg(pickV(b, avail))};
            break;
        }
      }
      lir::VReg d = in.dst;
      emit(b, std::move(in));
      if (d != lir::kNoVReg) avail.push_back(d);
    }
  }

  // Emits code starting in block `cur`; on return `cur` is the open block
  // where the program continues and `avail` what dominates it.
  void region(int& cur, std::vector<lir::VReg>& avail, int depth) {
    int parts = 1 + rng_.below(3);
    for (int p = 0; p < parts; p++) {
      straight(cur, avail);
      int r = depth >= opt_.max_depth ? 99 : rng_.below(100);
      if (r < 30) {
        diamond(cur, avail, depth);
      } else if (r < 55) {
        loop(cur, avail, depth);
      }
    }
    straight(cur, avail);
  }

  void diamond(int& cur, std::vector<lir::VReg>& avail, int depth) {
    lir::VReg c = def(cur, lir::Op::CmpEq, {lir::Operand::vreg(pickV(cur, avail)), lir::Operand::imm(rng_.below(3))});
    int t = newBlock(), e = newBlock();
    lir::Instr br;
    br.op = lir::Op::CondJump;
    br.srcs = {lir::Operand::vreg(c)};
    br.target0 = t;
    br.target1 = e;
    emit(cur, br);
    int nparams = rng_.below(4);
    std::vector<lir::VReg> at = avail, ae = avail;
    int tc = t, ec = e;
    region(tc, at, depth + 1);
    region(ec, ae, depth + 1);
    int j = newBlock();
    for (int k = 0; k < nparams; k++) f_.blocks[j].params.push_back(f_.newVReg());
    for (auto [blk, av] : {std::pair{tc, &at}, std::pair{ec, &ae}}) {
      if (rng_.chance(8)) {  // this arm leaves the function
        lir::Instr dj;
        dj.op = lir::Op::DeoptJump;
        dj.deopt = newDeopt(*av);
        emit(blk, dj);
        continue;
      }
      lir::Instr jmp;
      jmp.op = lir::Op::Jump;
      jmp.target0 = j;
      for (int k = 0; k < nparams; k++) jmp.args.push_back(pickArg(*av));
      emit(blk, jmp);
    }
    cur = j;
    for (lir::VReg p : f_.blocks[j].params) avail.push_back(p);
  }

  void loop(int& cur, std::vector<lir::VReg>& avail, int depth) {
    int h = newBlock();
    int ncarried = rng_.below(4);
    lir::VReg ctr = f_.newVReg();
    f_.blocks[h].params.push_back(ctr);
    for (int k = 0; k < ncarried; k++) f_.blocks[h].params.push_back(f_.newVReg());
    lir::Instr pre;
    pre.op = lir::Op::Jump;
    pre.target0 = h;
    pre.args.push_back(lir::Operand::imm(0));
    for (int k = 0; k < ncarried; k++) pre.args.push_back(pick(avail));
    emit(cur, pre);
    std::vector<lir::VReg> inner = avail;
    for (lir::VReg p : f_.blocks[h].params) inner.push_back(p);
    lir::VReg done = def(h, lir::Op::CmpEq, {lir::Operand::vreg(ctr), lir::Operand::imm(1 + rng_.below(3))});
    int body = newBlock();
    int exit = newBlock();
    lir::Instr br;
    br.op = lir::Op::CondJump;
    br.srcs = {lir::Operand::vreg(done)};
    br.target0 = exit;
    br.target1 = body;
    emit(h, br);
    int bc = body;
    std::vector<lir::VReg> binner = inner;
    region(bc, binner, depth + 1);
    lir::VReg next = def(bc, lir::Op::Call, {lir::Operand::vreg(ctr), lir::Operand::imm(1)}, kAddFn);
    lir::Instr back;
    back.op = lir::Op::Jump;
    back.target0 = h;
    back.args.push_back(lir::Operand::vreg(next));
    for (int k = 0; k < ncarried; k++) back.args.push_back(pickArg(binner));
    emit(bc, back);
    cur = exit;
    avail = inner;
  }

  void shuffle() {
    int n = static_cast<int>(f_.blocks.size());
    std::vector<int> perm(n);  // old index -> new index
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = n - 1; i > 1; i--) std::swap(perm[i], perm[1 + rng_.below(i)]);
    std::vector<lir::Block> nb(n);
    for (int i = 0; i < n; i++) {
      lir::Block b = std::move(f_.blocks[i]);
      b.id = perm[i];
      for (lir::Instr& in : b.instrs) {
        if (in.target0 >= 0) in.target0 = perm[in.target0];
        if (in.target1 >= 0) in.target1 = perm[in.target1];
      }
      nb[perm[i]] = std::move(b);
    }
    f_.blocks = std::move(nb);
  }

  Rng rng_;
  GenOptions opt_;
  lir::Function f_;
};

// Independent allocation checker. Returns "" or a description of the first
// violation: live vregs sharing a location, a vreg live across a clobbering
// instruction in a caller-saved register, missing or reserved locations.
inline std::string checkAllocation(const lir::Function& f, const regalloc::Allocation& a) {
  using VSet = std::set<lir::VReg>;
  const int nb = static_cast<int>(f.blocks.size());
  auto uses = [&](const lir::Instr& in) {
    VSet u;
    for (const auto& o : in.srcs)
      if (o.isVReg()) u.insert(o.asVReg());
    for (const auto& o : in.args)
      if (o.isVReg()) u.insert(o.asVReg());
    if (in.deopt >= 0)
      for (lir::VReg v : f.deopts[in.deopt].stack) u.insert(v);
    return u;
  };
  std::vector<VSet> in(nb), out(nb);
  for (bool changed = true; changed;) {
    changed = false;
    for (int b = 0; b < nb; b++) {
      VSet live;
      for (lir::BlockId s : f.successors(b)) live.insert(in[s].begin(), in[s].end());
      out[b] = live;
      for (int i = static_cast<int>(f.blocks[b].instrs.size()) - 1; i >= 0; i--) {
        const lir::Instr& ins = f.blocks[b].instrs[i];
        live.erase(ins.dst);
        for (lir::VReg v : uses(ins)) live.insert(v);
      }
      for (lir::VReg p : f.blocks[b].params) live.erase(p);
      if (live != in[b]) {
        in[b] = live;
        changed = true;
      }
    }
  }
  auto loc = [&](lir::VReg v) { return a.vreg_loc.at(v); };
  auto name = [](lir::VReg v) { return "%" + std::to_string(v); };
  auto distinct = [&](const VSet& s, const std::string& where) -> std::string {
    for (lir::VReg x : s) {
      regalloc::Location l = loc(x);
      if (l.kind == regalloc::Location::Kind::None) return name(x) + " has no location";
      if (l.kind == regalloc::Location::Kind::Reg) {
        for (regalloc::PhysReg r : {regalloc::kTStateReg, regalloc::kFrameReg, regalloc::kScratch0,
                                    regalloc::kScratch1, regalloc::RSP, regalloc::RBP})
          if (l.reg == r) return name(x) + " in a reserved register";
      } else if (l.slot < 0 || l.slot >= a.num_slots) {
        return name(x) + " in a slot out of range";
      }
    }
    std::map<std::pair<int, int>, lir::VReg> owner;
    for (lir::VReg x : s) {
      regalloc::Location l = loc(x);
      auto [it, fresh] = owner.emplace(std::pair{static_cast<int>(l.kind), l.kind == regalloc::Location::Kind::Reg ? l.reg : l.slot}, x);
      if (!fresh) return name(it->second) + " and " + name(x) + " share a location " + where;
    }
    return "";
  };
  for (int b = 0; b < nb; b++) {
    const lir::Block& blk = f.blocks[b];
    VSet live = out[b];
    for (int i = static_cast<int>(blk.instrs.size()) - 1; i >= 0; i--) {
      const lir::Instr& ins = blk.instrs[i];
      std::string where = "at bb" + std::to_string(b) + " instr " + std::to_string(i);
      VSet after = live;
      if (ins.dst != lir::kNoVReg) {
        after.erase(ins.dst);
        VSet w = after;
        w.insert(ins.dst);
        if (auto e = distinct(w, where + " (after)"); !e.empty()) return e;
      }
      if (lir::clobbersCallerSaved(ins.op)) {
        VSet crossing = after;
        if (ins.deopt >= 0 && !lir::isTerminator(ins.op))  // Checkpoint's exit runs after its call
          for (lir::VReg v : f.deopts[ins.deopt].stack) crossing.insert(v);
        for (lir::VReg v : crossing) {
          regalloc::Location l = loc(v);
          if (l.kind == regalloc::Location::Kind::Reg &&
              std::find(std::begin(regalloc::kCalleeSaved), std::end(regalloc::kCalleeSaved), l.reg) ==
                  std::end(regalloc::kCalleeSaved))
            return name(v) + " crosses a clobbering instruction in a caller-saved register " + where;
        }
      }
      live = after;
      for (lir::VReg v : uses(ins)) live.insert(v);
      if (auto e = distinct(live, where + " (before)"); !e.empty()) return e;
    }
    for (lir::VReg p : blk.params) live.insert(p);
    if (auto e = distinct(live, "at bb" + std::to_string(b) + " entry"); !e.empty()) return e;
  }
  return "";
}

}  // namespace ember::lirtest
