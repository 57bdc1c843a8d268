// Register allocation for LIR: interface. See regalloc.cpp for the algorithm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/common/result.h"
#include "ember/lir/lir.h"

namespace ember::regalloc {

// x86-64 register numbers (the hardware encoding, as xbyak's Operand::Code).
enum PhysReg : int8_t {
  RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
  R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15,
};

// Fixed roles, never handed to vregs.
inline constexpr PhysReg kTStateReg = R12;  // PyThreadState* of the activation
inline constexpr PhysReg kFrameReg = R13;   // _PyInterpreterFrame* of the activation
inline constexpr PhysReg kScratch0 = RAX;   // code generator scratch (and call results)
inline constexpr PhysReg kScratch1 = R11;   // code generator / move-resolution scratch

// Allocatable registers. Callee-saved ones survive calls; caller-saved ones
// are only given to vregs whose interval crosses no clobbering instruction.
inline constexpr PhysReg kCalleeSaved[] = {RBX, R14, R15};
inline constexpr PhysReg kCallerSaved[] = {RCX, RDX, RSI, RDI, R8, R9, R10};

struct Location {
  enum class Kind : uint8_t { None, Reg, Stack };
  Kind kind = Kind::None;
  int8_t reg = -1;   // Reg: a PhysReg
  int32_t slot = -1; // Stack: spill slot index (8 bytes each; the emitter decides the address)

  static Location inReg(PhysReg r) { return {Kind::Reg, r, -1}; }
  static Location onStack(int32_t s) { return {Kind::Stack, -1, s}; }
  bool operator==(const Location& o) const { return kind == o.kind && reg == o.reg && slot == o.slot; }
  bool operator!=(const Location& o) const { return !(*this == o); }
};

struct Allocation {
  std::vector<Location> vreg_loc;  // indexed by VReg; Kind::None for vregs never defined
  int num_slots = 0;               // spill slots used
  std::vector<PhysReg> used_callee_saved;  // which callee-saved registers the prologue must save
};

// Allocates every vreg of f. Fails (as a value) only on malformed input.
Result<Allocation> allocate(const lir::Function& f);

// Human-readable dump of the allocation (intervals and locations), for
// ember.jit.dump(f, "regalloc").
std::string printAllocation(const lir::Function& f, const Allocation& a);

// A parallel copy (all sources read before any destination is written),
// e.g. block parameters on an edge, or the arguments of a call.
struct Move {
  Location dst;
  Location src;             // ignored when src_is_imm
  bool src_is_imm = false;
  int64_t imm = 0;
};

// Orders a parallel copy into a sequence of simple moves with the same effect.
// Cycles are broken through kScratch1 (never a source or destination of the
// input). Stack-to-stack moves are allowed in the output: the emitter routes
// them through kScratch0.
std::vector<Move> sequentialize(std::vector<Move> parallel);

}  // namespace ember::regalloc
