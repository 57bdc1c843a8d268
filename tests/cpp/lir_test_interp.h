// A LIR interpreter for tests: runs a Function either on its vregs (the
// reference semantics) or on a simulated machine (16 registers + spill slots)
// through a register Allocation, and records an observable trace. Running both
// and comparing traces is the allocator's main correctness test.
//
// Semantics (test-only, deterministic):
//  - memory is a map address -> int64; an unwritten address reads as a hash of
//    the address. Frame and TState operands are fixed fake addresses.
//  - Call: the target kAddFn returns src0 + src1; any other target returns a
//    hash of (target, args). The trace records target and arguments.
//  - Store, Incref, Decref, XDecref, Call, Ret and deopt exits are traced.
//  - GuardZero / GuardNeg exit via their deopt when the condition holds; the
//    trace records the deopt's stack values. Checkpoint exits via its deopt on
//    a deterministic schedule (a hash of the step count).
// Machine mode models the ABI: after reading its sources, every instruction
// whose clobbersCallerSaved() is true overwrites every caller-saved register
// (and the scratch registers) with garbage; a clobbering non-terminator's deopt
// exit reads the stack *after* that. Jump arguments go to the target's
// params through jumpMoves() (sequentialize() and kScratch1), as the
// emitter will do.
// Registers and slots start as garbage, so a value read from a location that
// another vreg overwrote shows up as a trace difference.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ember/lir/lir.h"
#include "ember/regalloc/edge_moves.h"
#include "ember/regalloc/regalloc.h"

namespace ember::lirtest {

inline constexpr int64_t kAddFn = 0x1000;
inline constexpr int64_t kFrameAddr = 0x7f0000001000;
inline constexpr int64_t kTStateAddr = 0x7f0000002000;

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x1234567) {}
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }
};

inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb3fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

struct RunResult {
  std::vector<std::string> trace;
  std::string error;  // non-empty: the run itself went wrong (bad location, ...)
};

// alloc == nullptr: reference run on vregs. Otherwise: machine run.
inline RunResult runLir(const lir::Function& f, const regalloc::Allocation* alloc,
                        uint64_t garbage_seed = 1, int max_steps = 20000) {
  using lir::Op;
  using regalloc::Location;
  RunResult res;
  Rng garbage(garbage_seed);
  std::vector<int64_t> vregs(f.num_vregs, 0);
  std::vector<bool> vdef(f.num_vregs, false);
  int64_t regs[16];
  for (int64_t& r : regs) r = static_cast<int64_t>(garbage.next());
  std::vector<int64_t> slots(alloc ? alloc->num_slots : 0);
  for (int64_t& s : slots) s = static_cast<int64_t>(garbage.next());
  std::map<int64_t, int64_t> mem;

  auto locOf = [&](lir::VReg v) -> Location {
    if (v < 0 || v >= static_cast<int>(alloc->vreg_loc.size())) return Location{};
    return alloc->vreg_loc[v];
  };
  auto getLoc = [&](const Location& l) -> int64_t {
    if (l.kind == Location::Kind::Reg && l.reg >= 0 && l.reg < 16) return regs[l.reg];
    if (l.kind == Location::Kind::Stack && l.slot >= 0 && l.slot < static_cast<int>(slots.size()))
      return slots[l.slot];
    res.error = "bad location";
    return 0;
  };
  auto setLoc = [&](const Location& l, int64_t v) {
    if (l.kind == Location::Kind::Reg && l.reg >= 0 && l.reg < 16) {
      regs[l.reg] = v;
      return;
    }
    if (l.kind == Location::Kind::Stack && l.slot >= 0 && l.slot < static_cast<int>(slots.size())) {
      slots[l.slot] = v;
      return;
    }
    res.error = "bad location";
  };
  auto read = [&](lir::VReg v) -> int64_t {
    if (!alloc) {
      if (!vdef[v]) res.error = "read of undefined %" + std::to_string(v);
      return vregs[v];
    }
    return getLoc(locOf(v));
  };
  auto write = [&](lir::VReg v, int64_t x) {
    if (!alloc) {
      vregs[v] = x;
      vdef[v] = true;
      return;
    }
    Location l = locOf(v);
    if (l.kind == Location::Kind::Reg &&
        (l.reg == regalloc::kTStateReg || l.reg == regalloc::kFrameReg || l.reg == regalloc::kScratch0 ||
         l.reg == regalloc::kScratch1 || l.reg == regalloc::RSP || l.reg == regalloc::RBP))
      res.error = "vreg in a reserved register";
    setLoc(l, x);
  };
  auto val = [&](const lir::Operand& o) -> int64_t {
    switch (o.kind) {
      case lir::Operand::Kind::VReg:
        return read(o.asVReg());
      case lir::Operand::Kind::Imm:
        return o.value;
      case lir::Operand::Kind::Frame:
        return kFrameAddr;
      case lir::Operand::Kind::TState:
        return kTStateAddr;
      case lir::Operand::Kind::None:
        break;
    }
    res.error = "missing operand";
    return 0;
  };
  auto clobber = [&]() {
    if (!alloc) return;
    for (regalloc::PhysReg r : regalloc::kCallerSaved) regs[r] = static_cast<int64_t>(garbage.next());
    regs[regalloc::kScratch0] = static_cast<int64_t>(garbage.next());
    regs[regalloc::kScratch1] = static_cast<int64_t>(garbage.next());
  };
  auto load = [&](int64_t addr) -> int64_t {
    auto it = mem.find(addr);
    return it != mem.end() ? it->second : static_cast<int64_t>(mix(static_cast<uint64_t>(addr)));
  };
  auto deoptExit = [&](const lir::Instr& in, const char* why) {
    std::string s = std::string("deopt ") + why + " #" + std::to_string(in.deopt) + " [";
    for (lir::VReg v : f.deopts[in.deopt].stack) s += std::to_string(read(v)) + " ";
    res.trace.push_back(s + "]");
  };

  for (size_t k = 0; k < f.blocks[0].params.size(); k++) write(f.blocks[0].params[k], 1000 + k);
  int b = 0, steps = 0;
  for (;;) {
    const lir::Block& blk = f.blocks[b];
    int next = -1;
    for (const lir::Instr& in : blk.instrs) {
      if (!res.error.empty()) return res;
      if (++steps > max_steps) {
        res.trace.push_back("out of steps");
        return res;
      }
      auto src = [&](size_t i) { return i < in.srcs.size() ? val(in.srcs[i]) : (res.error = "missing src", 0); };
      switch (in.op) {
        case Op::Move:
          write(in.dst, src(0));
          break;
        case Op::Lea:
          write(in.dst, src(0) + in.imm);
          break;
        case Op::Load:
          write(in.dst, load(src(0) + in.imm));
          break;
        case Op::Load32:
          write(in.dst, static_cast<int32_t>(load(src(0) + in.imm)));
          break;
        case Op::Store: {
          int64_t a = src(0) + in.imm, x = src(1);
          mem[a] = x;
          res.trace.push_back("store " + std::to_string(a) + " " + std::to_string(x));
          break;
        }
        case Op::Call: {
          std::vector<int64_t> args;
          for (size_t i = 0; i < in.srcs.size(); i++) args.push_back(src(i));
          std::string s = "call " + std::to_string(in.imm) + "(";
          uint64_t h = mix(static_cast<uint64_t>(in.imm));
          for (int64_t a : args) {
            s += std::to_string(a) + " ";
            h = mix(h ^ static_cast<uint64_t>(a));
          }
          res.trace.push_back(s + ")");
          int64_t r = in.imm == kAddFn && args.size() == 2 ? args[0] + args[1] : static_cast<int64_t>(h);
          if (in.flags & lir::kCallReturnsInt32) r = static_cast<int32_t>(r);
          clobber();
          if (in.dst != lir::kNoVReg) write(in.dst, r);
          break;
        }
        case Op::Incref:
          res.trace.push_back("incref " + std::to_string(src(0)));
          break;
        case Op::Decref:
        case Op::XDecref:
          res.trace.push_back(std::string(lir::opName(in.op)) + " " + std::to_string(src(0)));
          clobber();
          break;
        case Op::CmpEq:
          write(in.dst, src(0) == src(1) ? 1 : 0);
          break;
        case Op::Jump: {
          const lir::Block& t = f.blocks[in.target0];
          if (!alloc) {
            std::vector<int64_t> vals;
            for (const lir::Operand& a : in.args) vals.push_back(val(a));
            for (size_t k = 0; k < vals.size(); k++) write(t.params[k], vals[k]);
          } else {
            regs[regalloc::kFrameReg] = kFrameAddr;
            regs[regalloc::kTStateReg] = kTStateAddr;
            for (const regalloc::Move& m : regalloc::jumpMoves(f, *alloc, in))
              setLoc(m.dst, m.src_is_imm ? m.imm : getLoc(m.src));
          }
          next = in.target0;
          break;
        }
        case Op::CondJump:
          next = src(0) != 0 ? in.target0 : in.target1;
          break;
        case Op::GuardZero:
          if (src(0) == 0) {
            deoptExit(in, "zero");
            return res;
          }
          break;
        case Op::GuardNeg:
          if (static_cast<int32_t>(src(0)) < 0) {
            deoptExit(in, "neg");
            return res;
          }
          break;
        case Op::Checkpoint:
          clobber();
          res.trace.push_back("checkpoint");
          if (in.deopt >= 0 && mix(static_cast<uint64_t>(steps) * 7919) % 8 == 0) {
            deoptExit(in, "checkpoint");
            return res;
          }
          break;
        case Op::Ret:
          res.trace.push_back("ret " + std::to_string(src(0)));
          return res;
        case Op::DeoptJump:
          deoptExit(in, "jump");  // the exit stores the stack before it calls anything
          return res;
        default:
          res.error = std::string("op not simulated: ") + lir::opName(in.op);
          return res;
      }
      if (next >= 0) break;
    }
    if (!res.error.empty()) return res;
    if (next < 0) {
      res.error = "fell off bb" + std::to_string(b);
      return res;
    }
    b = next;
  }
}

}  // namespace ember::lirtest
