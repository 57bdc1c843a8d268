// HIR builder: 3.12 bytecode -> HIR, by abstract interpretation of the value
// stack.
//
// The builder walks the reachable bytecode blocks from the entry. It keeps the
// interpreter's value stack as a vector of SSA values; each bytecode
// instruction pops its inputs, emits HIR, and pushes its outputs. At a block
// boundary the stack flows along the edge: the target block starts with one
// Phi per stack slot (trivial phis are removed later by the simplify pass).
//
// Exceptions never flow through compiled code: an instruction that fails
// leaves for the interpreter at that instruction (CheckNull/CheckNeg with the
// stack minus its inputs), and the interpreter finds the handler. Exception
// handler blocks are therefore never reached from the entry and never built.
// This is exact by construction (the interpreter does the unwinding, the
// traceback and the handler), at the price of finishing that invocation in the
// interpreter.
//
// Families of bytecodes live in one file each (locals_consts.cpp,
// operators.cpp, containers.cpp, calls_attrs.cpp, control.cpp, misc.cpp); a
// family method returns false for an opcode it does not handle, which fails
// the compilation with UnsupportedOpcode (the function stays interpreted).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ember/bytecode/reader.h"
#include "ember/common/result.h"
#include "ember/hir/hir.h"

namespace ember::hir {

Result<std::unique_ptr<Function>> buildHir(PyCodeObject* code, const std::string& name);

class Builder {
 public:
  Builder(PyCodeObject* code, Function& fn);
  Result<bool> build();

  // --- state used by the family files --------------------------------------
  Function& fn;
  PyCodeObject* code;
  bytecode::Reader reader;
  std::vector<InstrId> stack;
  BlockId cur = kNone;
  const bytecode::Instr* bc = nullptr;   // instruction being translated
  PyObject* kwnames = nullptr;           // set by KW_NAMES for the next CALL
  int kwnames_start = -1;                // code unit of that KW_NAMES
  std::string unsupported;               // detail for a failure

  InstrId push(InstrId v) { stack.push_back(v); return v; }
  InstrId pop() { InstrId v = stack.back(); stack.pop_back(); return v; }
  InstrId peek(int n) const { return stack[stack.size() - static_cast<size_t>(n)]; }  // 1 = top
  std::vector<InstrId> popN(int n);

  InstrId emit(Op op, std::vector<InstrId> operands = {});
  InstrId loadConstObj(PyObject* obj, int64_t index);
  InstrId helper(HelperId h, std::vector<InstrId> operands, int64_t a = 0, int64_t b = 0,
                 uint32_t keep = 0);
  // Operands are stored to the value stack starting at the depth the first of
  // them had (the builder has already popped them).
  InstrId helperArray(HelperId h, std::vector<InstrId> operands, int64_t a = 0);
  void checkNull(InstrId v);   // raise here if v is NULL (stack = current stack)
  void checkNeg(InstrId v);    // raise here if cint v < 0
  void deoptHere();            // leave before the instruction, stack restored by caller
  // Eval breaker + monitoring check before the next instruction; an
  // exception raised there belongs to the instruction at `raise_at`.
  void checkpointAfter(int raise_at);
  // A new inline cache for this instruction (runtime/inline_caches.h), as an
  // immediate; owned by fn.runtime_data.
  int64_t attrCache(PyObject* name);
  int64_t globalCache(PyObject* name);
  int32_t throwState();
  int32_t resumeState(const std::vector<InstrId>& stack_before);
  // Absolute localsplus index of the value-stack slot at depth d.
  int64_t stackSlot(size_t depth) const { return fn.nlocalsplus + static_cast<int64_t>(depth); }
  // Reads `count` values a multi-result helper wrote at the current stack top.
  void pushFromSlots(int count);
  PyObject* name(int i) const { return PyTuple_GET_ITEM(code->co_names, i); }
  // Ends the current block with a jump/branch to the bytecode at `unit`.
  BlockId blockFor(int unit, const std::vector<InstrId>& stack_on_edge, BlockId from);
  void jumpTo(int unit);

  // --- families ----------------------------------------------------------------
  bool translateLocalsConsts();
  bool translateOperators();
  bool translateContainers();
  bool translateCallsAttrs();
  bool translateControl();
  bool translateMisc();

  bool block_ended = false;  // the current block got its terminator

 private:
  struct PendingBlock {
    BlockId block;
    int unit;
    size_t depth;
    bool built = false;
  };
  std::map<int, PendingBlock> blocks_;  // by first code unit
  std::vector<int> worklist_;
  std::vector<bool> leader_;
  void findLeaders();
  Result<bool> translateBlock(int unit);
};

}  // namespace ember::hir
