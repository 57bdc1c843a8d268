// The builder's driver: leaders, the block worklist, phis on edges, frame
// states and the per-instruction dispatch to the family files.
#include "ember/hir/builder/builder.h"
#include "ember/runtime/inline_caches.h"

#include "ember/common/check.h"
#include "ember/cpython/opcodes.h"

namespace ember::hir {

Builder::Builder(PyCodeObject* c, Function& f) : fn(f), code(c), reader(c) {
  fn.code = c;
  fn.nlocalsplus = c->co_nlocalsplus;
  fn.stacksize = c->co_stacksize;
}

std::vector<InstrId> Builder::popN(int n) {
  std::vector<InstrId> out(stack.end() - n, stack.end());
  stack.resize(stack.size() - static_cast<size_t>(n));
  return out;
}

InstrId Builder::emit(Op op, std::vector<InstrId> operands) {
  InstrId id = fn.append(cur, op, std::move(operands));
  fn.instr(id).bc_index = bc != nullptr ? bc->index : -1;
  return id;
}

InstrId Builder::loadConstObj(PyObject* obj, int64_t index) {
  InstrId v = emit(Op::LoadConst);
  fn.instr(v).obj = obj;
  fn.instr(v).imm0 = index;
  return v;
}

InstrId Builder::helper(HelperId h, std::vector<InstrId> operands, int64_t a, int64_t b,
                        uint32_t keep) {
  InstrId v = emit(Op::CallHelper, std::move(operands));
  Instr& i = fn.instr(v);
  i.helper = h;
  i.imm0 = a;
  i.imm1 = b;
  i.keep_mask = keep;
  i.kind = helperInfo(h).ret == 'I' ? ValueKind::CInt : ValueKind::Object;
  return v;
}

InstrId Builder::helperArray(HelperId h, std::vector<InstrId> operands, int64_t a) {
  int64_t slot = stackSlot(stack.size());
  InstrId v = emit(Op::CallHelperArray, std::move(operands));
  Instr& i = fn.instr(v);
  i.helper = h;
  i.imm0 = a;
  i.imm1 = slot;
  i.kind = helperInfo(h).ret == 'I' ? ValueKind::CInt : ValueKind::Object;
  return v;
}

int32_t Builder::throwState() {
  FrameState fs;
  fs.bc_index = bc->index;
  fs.stack = stack;
  return fn.addFrameState(std::move(fs));
}

int32_t Builder::resumeState(const std::vector<InstrId>& stack_before) {
  FrameState fs;
  fs.bc_index = (bc->opcode == CALL && kwnames_start >= 0) ? kwnames_start : bc->start;
  fs.stack = stack_before;
  return fn.addFrameState(std::move(fs));
}

void Builder::checkNull(InstrId v) {
  InstrId c = emit(Op::CheckNull, {v});
  fn.instr(c).frame_state = throwState();
  fn.instr(c).keep_mask = 1;
}

void Builder::checkNeg(InstrId v) {
  InstrId c = emit(Op::CheckNeg, {v});
  fn.instr(c).frame_state = throwState();
}

void Builder::deoptHere() {
  InstrId d = emit(Op::Deopt);
  fn.instr(d).frame_state = resumeState(stack);
  block_ended = true;
}

// A call can switch on tracing or sys.monitoring (sys.settrace, set_events),
// which the interpreter notices at the caller's very next instruction because
// the running code is re-instrumented in place. Compiled code notices here: a
// Checkpoint whose resume state is the instruction after the call, with the
// call's result on the stack. Like the interpreter's CALL, it also services
// the eval breaker.
void Builder::checkpointAfter(int raise_at) {
  InstrId cp = emit(Op::Checkpoint);
  FrameState fs;
  fs.bc_index = bc->next;
  fs.raise_at = raise_at;
  fs.stack = stack;
  fn.instr(cp).frame_state = fn.addFrameState(std::move(fs));
}

int64_t Builder::attrCache(PyObject* name) {
  auto cache = std::make_shared<runtime::AttrCache>();
  cache->name = name;
  fn.runtime_data.push_back(cache);
  return reinterpret_cast<int64_t>(cache.get());
}

int64_t Builder::globalCache(PyObject* name) {
  auto cache = std::make_shared<runtime::GlobalCache>();
  cache->name = name;
  fn.runtime_data.push_back(cache);
  return reinterpret_cast<int64_t>(cache.get());
}

void Builder::pushFromSlots(int count) {
  size_t base = stack.size();
  for (int k = 0; k < count; k++) {
    InstrId v = emit(Op::LoadFrameSlot);
    fn.instr(v).imm0 = stackSlot(base + static_cast<size_t>(k));
    push(v);
  }
}

BlockId Builder::blockFor(int unit, const std::vector<InstrId>& edge_stack, BlockId from) {
  auto it = blocks_.find(unit);
  if (it == blocks_.end()) {
    PendingBlock pb;
    pb.block = fn.newBlock();
    pb.unit = unit;
    pb.depth = edge_stack.size();
    // One phi per stack slot; operands are added per incoming edge.
    for (size_t k = 0; k < edge_stack.size(); k++) {
      InstrId phi = fn.newInstr(Op::Phi);
      fn.instr(phi).kind = fn.instr(edge_stack[k]).kind;
      fn.instr(phi).bc_index = unit;
      fn.instr(phi).block = pb.block;
      fn.block(pb.block).instrs.push_back(phi);
    }
    it = blocks_.emplace(unit, pb).first;
    worklist_.push_back(unit);
  }
  PendingBlock& pb = it->second;
  if (pb.depth != edge_stack.size()) {
    unsupported = "stack depth mismatch at " + std::to_string(unit * 2);
    return kNone;
  }
  Block& target = fn.block(pb.block);
  target.preds.push_back(from);
  for (size_t k = 0; k < edge_stack.size(); k++) {
    fn.instr(target.instrs[k]).operands.push_back(edge_stack[k]);
  }
  return pb.block;
}

void Builder::jumpTo(int unit) {
  BlockId t = blockFor(unit, stack, cur);
  InstrId br = emit(Op::Branch);
  fn.instr(br).target0 = t;
  block_ended = true;
}

void Builder::findLeaders() {
  int n = static_cast<int>(Py_SIZE(code));
  leader_.assign(n + 1, false);
  leader_[0] = true;
  for (const auto& in : reader.instrs()) {
    if (reader.isJump(in.opcode)) {
      int t = reader.jumpTarget(in);
      if (t >= 0 && t <= n) leader_[t] = true;
      if (in.next <= n) leader_[in.next] = true;
    }
  }
}

Result<bool> Builder::build() {
  for (const auto& in : reader.instrs()) {
    if (in.opcode == RETURN_GENERATOR || in.opcode == YIELD_VALUE) {
      return CompileError{FailReason::Generator, ""};
    }
  }
  if (reader.instrumented()) return CompileError{FailReason::Instrumented, ""};
  findLeaders();
  BlockId entry = fn.newBlock();
  fn.entry = entry;
  PendingBlock pb;
  pb.block = entry;
  pb.unit = 0;
  pb.depth = 0;
  blocks_.emplace(0, pb);
  worklist_.push_back(0);
  while (!worklist_.empty()) {
    int unit = worklist_.back();
    worklist_.pop_back();
    auto r = translateBlock(unit);
    if (!r.ok()) return r.error();
  }
  return true;
}

Result<bool> Builder::translateBlock(int unit) {
  PendingBlock& pb = blocks_.at(unit);
  if (pb.built) return true;
  pb.built = true;
  cur = pb.block;
  stack.clear();
  for (size_t k = 0; k < pb.depth; k++) stack.push_back(fn.block(cur).instrs[k]);
  block_ended = false;
  kwnames = nullptr;
  kwnames_start = -1;
  int pos = reader.positionOf(unit);
  if (pos < 0) return CompileError{FailReason::Internal, "jump into the middle of an instruction"};
  const auto& instrs = reader.instrs();
  for (size_t p = static_cast<size_t>(pos); p < instrs.size(); p++) {
    bc = &instrs[p];
    if (p != static_cast<size_t>(pos) && leader_[bc->start]) {
      jumpTo(bc->start);  // fall through into the next block
      break;
    }
    bool handled = translateLocalsConsts() || translateOperators() || translateContainers() ||
                   translateCallsAttrs() || translateControl() || translateMisc();
    if (!unsupported.empty()) return CompileError{FailReason::StackMismatch, unsupported};
    if (!handled) {
      return CompileError{FailReason::UnsupportedOpcode, bytecode::opcodeName(bc->opcode)};
    }
    if (!block_ended && (bc->opcode == CALL || bc->opcode == CALL_FUNCTION_EX)) {
      checkpointAfter(bc->next - 1);  // the CALL's last cache unit: its line and handler range
    }
    if (block_ended) break;
    if (p + 1 == instrs.size()) {
      return CompileError{FailReason::Internal, "fell off the end of the bytecode"};
    }
  }
  if (!block_ended) return CompileError{FailReason::Internal, "block without terminator"};
  return true;
}

Result<std::unique_ptr<Function>> buildHir(PyCodeObject* code, const std::string& name) {
  auto fn = std::make_unique<Function>();
  fn->name = name;
  Builder b(code, *fn);
  auto r = b.build();
  if (!r.ok()) return r.error();
  return fn;
}

}  // namespace ember::hir
