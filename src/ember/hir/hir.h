// HIR: ember's high-level IR. A typed SSA register machine over one Python
// function, built from 3.12 bytecode by abstract interpretation of the value
// stack (hir/builder/).
//
// Shape
//  - A Function owns all Instrs and Blocks in flat vectors; Instr and Block are
//    named by dense 32-bit ids (InstrId, BlockId), never by pointer, so the IR
//    can be printed, parsed back and compared as text.
//  - An Instr that has an output *is* the SSA value it defines ("v<id>").
//  - Each Block is a list of InstrIds ending in exactly one terminator
//    (Branch, CondBranch, Return, Deopt). Phis come first in a block; a Phi's
//    operand i flows in along the edge from preds[i].
//  - Every opcode's facts (operand count, output, effects, which operands it
//    steals) are one row of opcodes.def.
//
// Values and ownership
//  - Object values own one reference, like the interpreter's stack slots.
//    Because values come from a stack discipline, each object value is consumed
//    exactly once on every path: by an instruction that steals it, by a Phi, or
//    by a Decref the refcount pass inserts after a borrowing use. `keep_mask`
//    marks operands an instruction only peeks at (e.g. the list of LIST_APPEND,
//    which stays on the stack): those are not consumed there.
//  - Locals are not SSA values: they live in the frame's localsplus at all times
//    (LoadLocal/StoreLocal), which is what keeps the frame exact for tracebacks,
//    f_locals and deoptimisation.
//
// Frame states
//  - An instruction that can leave compiled code (effect kCanDeopt) refers to a
//    FrameState: the bytecode instruction it belongs to and the SSA values that
//    make up the interpreter's value stack at that point. CheckNull/CheckNeg
//    raise *at* that instruction (the stack excludes the inputs it consumed);
//    CheckBound/Deopt/Checkpoint resume *before* it (the stack includes them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ember/hir/effects.h"

typedef struct _object PyObject;
struct PyCodeObject;

namespace ember::hir {

enum class Op : uint8_t {
#define X(name, nops, out, eff, steals, doc) name,
#include "ember/hir/opcodes.def"
#undef X
};

struct OpInfo {
  const char* name;
  int num_operands;  // or kVariadic
  bool has_output;
  Effects effects;
  uint32_t steals;
  const char* doc;
};

const OpInfo& opInfo(Op op);
inline const char* opName(Op op) { return opInfo(op).name; }
inline bool isTerminator(Op op) { return (opInfo(op).effects & kTerminator) != 0; }
inline bool canDeopt(Op op) { return (opInfo(op).effects & kCanDeopt) != 0; }
inline bool isPure(Op op) { return opInfo(op).effects == kPure; }
// Looks an opcode up by name; returns false if there is none.
bool opFromName(const std::string& name, Op* out);

// The runtime helpers callable from HIR (rows of runtime/helpers.def).
enum class HelperId : uint16_t {
  None = 0,
#define X(name, ret, sig, doc) name,
#include "ember/runtime/helpers.def"
#undef X
  Count
};

struct HelperInfo {
  const char* name;
  char ret;         // 'O', 'N' or 'I'
  const char* sig;  // see helpers.def
  const char* doc;
};
const HelperInfo& helperInfo(HelperId id);
bool helperFromName(const std::string& name, HelperId* out);

using InstrId = uint32_t;
using BlockId = uint32_t;
inline constexpr uint32_t kNone = 0xffffffffu;

enum class ValueKind : uint8_t {
  None,    // no output
  Object,  // PyObject*, owned (may be NULL only where the op's Doc says so)
  CInt,    // machine integer
};

struct FrameState {
  int bc_index = 0;              // code-unit index of the bytecode instruction
  std::vector<InstrId> stack;    // bottom .. top
  // Where an exception raised at this point belongs when that is not
  // bc_index: a Checkpoint after a CALL resumes at the next instruction but
  // raises (signal handlers) inside the CALL, as the interpreter does.
  // Code-unit index for prev_instr; -1: bc_index.
  int raise_at = -1;
};

struct Instr {
  Op op = Op::Branch;
  InstrId id = kNone;
  BlockId block = kNone;
  ValueKind kind = ValueKind::None;
  std::vector<InstrId> operands;
  int64_t imm0 = 0;
  int64_t imm1 = 0;
  HelperId helper = HelperId::None;  // CallHelper, CallHelperArray
  PyObject* obj = nullptr;           // LoadConst: the constant (borrowed from the code object)
  BlockId target0 = kNone;           // Branch, CondBranch (true)
  BlockId target1 = kNone;           // CondBranch (false)
  int32_t frame_state = -1;          // index into Function::frame_states
  uint32_t keep_mask = 0;            // operands peeked, not consumed
  int32_t bc_index = -1;             // origin: code-unit index of the bytecode instruction
  bool removed = false;              // dropped by a pass; ignored everywhere

  bool hasOutput() const { return kind != ValueKind::None; }
};

struct Block {
  BlockId id = kNone;
  std::vector<InstrId> instrs;
  std::vector<BlockId> preds;  // order matches Phi operand order
  bool removed = false;
};

class Function {
 public:
  std::string name;            // qualname, for dumps
  PyCodeObject* code = nullptr; // borrowed; null for functions parsed from text
  int nlocalsplus = 0;
  int stacksize = 0;
  BlockId entry = 0;

  std::vector<Instr> instrs;
  std::vector<Block> blocks;
  std::vector<FrameState> frame_states;
  // Run-time data that instructions point at through an immediate (inline
  // caches). Owned here while compiling, then by the compiled code.
  std::vector<std::shared_ptr<void>> runtime_data;

  Instr& instr(InstrId id) { return instrs[id]; }
  const Instr& instr(InstrId id) const { return instrs[id]; }
  Block& block(BlockId id) { return blocks[id]; }
  const Block& block(BlockId id) const { return blocks[id]; }

  BlockId newBlock();
  // Creates an instruction (not yet placed in a block). Sets kind from the
  // opcode's HasOutput (Object) unless the caller changes it.
  InstrId newInstr(Op op, std::vector<InstrId> operands = {});
  // Creates and appends to the end of block b.
  InstrId append(BlockId b, Op op, std::vector<InstrId> operands = {});
  // Inserts an existing instruction into block b at position pos.
  void insertAt(BlockId b, size_t pos, InstrId id);
  int32_t addFrameState(FrameState fs);

  // Successors of a block, from its terminator (empty for Return/Deopt).
  std::vector<BlockId> successors(BlockId b) const;
  // The terminator of b, or kNone if the block is unterminated.
  InstrId terminator(BlockId b) const;
  // Recomputes every block's preds from the terminators, keeping the existing
  // order for preds that remain (Phi operand order depends on it).
  void recomputePreds();
  // Blocks reachable from entry in reverse post-order.
  std::vector<BlockId> rpo() const;
};

}  // namespace ember::hir
