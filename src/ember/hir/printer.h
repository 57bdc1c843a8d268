// HIR as text: the debug dump, the test format, and what verifier errors quote.
//
// Format (docs/hir.md has a full example):
//
//   function f nlocalsplus=2 stacksize=3
//   bb0:
//     v0 = LoadLocal imm0=0 @2
//     v1 = LoadConst imm0=1 @4  # 1
//     v2 = CallHelper<binary_op> v0 v1 @6
//     CheckNull v2 fs{@6} @6
//     v3:i = CallHelper<is_true> v2 keep=0x1 @8
//     CondBranch v3 -> bb1 bb2 @8
//   bb1 (preds bb0):
//     ...
//
// Numbering is dense and deterministic: blocks are bb0.. in reverse post-order
// from the entry, then unreachable blocks in id order; values are v0.. in the
// order they are defined in that block order. Raw InstrIds/BlockIds and
// pointers never appear, so two functions that differ only in allocation order
// print the same. IR that names a value or block that is not printed (removed,
// out of range) shows it as `v!<raw>` / `bb!<raw>`: only broken IR does that,
// and the verifier is what reports it.
//
// Per instruction: `vN =` (`vN:i =` for a cint value) when it has an output,
// the opcode (with `<helper>` for the CallHelper family), operands, `imm0=` and
// `imm1=` when non-zero or when the opcode's Doc in opcodes.def names them
// (so `LoadLocal imm0=0` shows its slot), `keep=0x..` when non-zero, `-> bbT [bbF]` targets,
// `fs{@bc: stack values}` when a frame state is attached, `@bc` (the bytecode
// origin) when known. A LoadConst whose `obj` is set gets a trailing comment
// with a truncated repr, and so does an immediate that holds the address of
// an entry of the function's co_names/co_consts (a name for load_attr etc.;
// the number itself is printed as is, so such dumps differ between runs); the
// parser ignores comments and yields obj = nullptr,
// so print(parse(text)) == text exactly when no constant carries an object, and
// equals text minus those comments otherwise.
#pragma once

#include <string>
#include <vector>

#include "ember/hir/hir.h"

namespace ember::hir {

struct PrintOptions {
  bool const_reprs = true;  // `# repr` comments (LoadConst obj, name immediates)
};

// The whole function.
std::string print(const Function& f, const PrintOptions& opts = {});

// One instruction (no indentation, no newline), numbered as in print(f).
// Computes the numbering each call: use Names to print many.
std::string printInstr(const Function& f, InstrId id);

// The numbering of one function, for printing many instructions.
class Names {
 public:
  explicit Names(const Function& f, PrintOptions opts = {});
  const std::vector<BlockId>& blockOrder() const { return order_; }
  std::string value(InstrId id) const;
  std::string block(BlockId id) const;
  std::string instr(InstrId id) const;
  std::string blockHeader(BlockId id) const;

 private:
  // The co_names/co_consts entry whose address is `imm`, if any.
  PyObject* codeObjectFor(int64_t imm) const;

  const Function& f_;
  PrintOptions opts_;
  std::vector<BlockId> order_;
  std::vector<uint32_t> block_num_;
  std::vector<uint32_t> value_num_;
};

}  // namespace ember::hir
