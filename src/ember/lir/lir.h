// LIR: ember's low-level IR. Machine-level operations on virtual registers,
// in the order the code generator will emit them, produced from HIR by
// lir/lower.cpp and consumed by the register allocator (regalloc/) and the
// x86-64 emitter (codegen/).
//
// Shape
//  - A Function is a list of Blocks in final linear (emission) order; block 0
//    is the entry. Each Block is a list of Instrs ending in one terminator
//    (Jump, CondJump, Ret, DeoptJump).
//  - Values are virtual registers (VReg, dense ints). Every vreg is defined
//    exactly once (SSA): by an instruction's `dst` or as a block parameter.
//    Block parameters replace HIR phis: a Jump passes `args` that become the
//    target's `params` (a parallel copy on the edge). CondJump never targets a
//    block with parameters (lowering splits such edges).
//  - Two machine values are always available and never allocated: the
//    PyThreadState* and the _PyInterpreterFrame* of the activation
//    (Operand::tstate(), Operand::frame()).
//  - All vregs are 64-bit integers/pointers; object/refcount meaning is
//    carried by the opcode (Incref, Decref, XDecref).
//
// Calls follow the System V C ABI: up to 6 integer arguments, result in rax,
// caller-saved registers clobbered. The register allocator must therefore
// keep any vreg that is live across a Call (or Decref/XDecref, which may call
// _Py_Dealloc, or Checkpoint, which may call the runtime) in a callee-saved
// register or a stack slot: see `clobbersCallerSaved`.
//
// Deoptimisation: a DeoptInfo (bytecode index, throw or resume, and the vregs
// that form the interpreter's value stack) is referenced by Guard*, DeoptJump
// and Checkpoint. Those vregs are *uses* at that point for liveness.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::lir {

using VReg = int32_t;
using BlockId = int32_t;
inline constexpr VReg kNoVReg = -1;

// X(Name, HasDst, IsTerminator, ClobbersCallerSaved, Doc)
#define EMBER_LIR_OPS(X)                                                                         \
  X(Move, true, false, false, "dst = src0 (vreg or imm)")                                        \
  X(Lea, true, false, false, "dst = src0 + imm (address arithmetic; src0: vreg, frame or tstate)")          \
  X(Load, true, false, false, "dst = *(int64*)(src0 + imm)  (src0: vreg, frame or tstate)")      \
  X(Load32, true, false, false, "dst = *(int32*)(src0 + imm), sign-extended")                    \
  X(Store, false, false, false, "*(int64*)(src0 + imm) = src1 (vreg or imm)")                    \
  X(Call, true, false, true, "dst = ((fn)imm)(srcs...), C ABI, at most 6 srcs; dst may be none") \
  X(Incref, false, false, false, "Py_INCREF(src0) (src0 non-NULL)")                              \
  X(Decref, false, false, true, "Py_DECREF(src0) (src0 non-NULL), may call _Py_Dealloc")         \
  X(XDecref, false, false, true, "Py_XDECREF(src0), may call _Py_Dealloc")                       \
  X(CmpEq, true, false, false, "dst = (src0 == src1) ? 1 : 0")                                   \
  X(Jump, false, true, false, "goto target0, passing args to its params")                       \
  X(CondJump, false, true, false, "if src0 != 0 goto target0 else target1")                     \
  X(GuardZero, false, false, false, "if src0 == 0 leave via deopt")                              \
  X(GuardNeg, false, false, false, "if (int32)src0 < 0 leave via deopt")                         \
  X(Checkpoint, false, false, true,                                                              \
    "if the eval breaker is set or the code's instrumentation changed, call the runtime; "       \
    "it may leave via deopt (throw or resume)")                                                  \
  X(Ret, false, true, true, "finish the frame and return src0 to the caller")                    \
  X(DeoptJump, false, true, true, "leave via deopt unconditionally")

enum class Op : uint8_t {
#define X(name, dst, term, clob, doc) name,
  EMBER_LIR_OPS(X)
#undef X
};

const char* opName(Op op);
bool opHasDst(Op op);
bool isTerminator(Op op);
// True for instructions during which caller-saved registers do not survive.
bool clobbersCallerSaved(Op op);

struct Operand {
  enum class Kind : uint8_t { None, VReg, Imm, Frame, TState };
  Kind kind = Kind::None;
  int64_t value = 0;  // vreg number or immediate

  static Operand vreg(VReg v) { return {Kind::VReg, v}; }
  static Operand imm(int64_t i) { return {Kind::Imm, i}; }
  static Operand frame() { return {Kind::Frame, 0}; }
  static Operand tstate() { return {Kind::TState, 0}; }
  bool isVReg() const { return kind == Kind::VReg; }
  VReg asVReg() const { return static_cast<VReg>(value); }
};

struct DeoptInfo {
  int bc_index = 0;         // code-unit index of the bytecode instruction
  bool throw_mode = false;  // true: raise at the instruction; false: resume before it
  int raise_at = -1;        // throw mode: prev_instr index when not bc_index (FrameState::raise_at)
  std::vector<VReg> stack;  // the interpreter's value stack, bottom .. top
  // For Checkpoint only: a second exit in resume mode at the same point
  // (the throw exit is this one with throw_mode = true).
};

struct Instr {
  Op op = Op::Move;
  VReg dst = kNoVReg;
  std::vector<Operand> srcs;
  int64_t imm = 0;             // Load/Store offset, Call target address
  BlockId target0 = -1;
  BlockId target1 = -1;
  std::vector<Operand> args;   // Jump: values for target0's params
  int32_t deopt = -1;          // index into Function::deopts
  int32_t hir_origin = -1;     // HIR instruction id this came from (for dumps)
  int32_t bc_index = -1;       // bytecode origin
  uint8_t flags = 0;           // kCallReturnsInt32 ...
  std::string comment;         // e.g. the helper's name, printed in dumps
};

// Instr::flags bits.
inline constexpr uint8_t kCallReturnsInt32 = 1;  // Call: the C function returns int; sign-extend eax

struct Block {
  BlockId id = -1;
  std::vector<VReg> params;
  std::vector<Instr> instrs;
};

struct Function {
  std::string name;
  std::vector<Block> blocks;  // linear order; blocks[0] is the entry
  std::vector<DeoptInfo> deopts;
  int num_vregs = 0;

  VReg newVReg() { return num_vregs++; }
  std::vector<BlockId> successors(BlockId b) const;
};

}  // namespace ember::lir
