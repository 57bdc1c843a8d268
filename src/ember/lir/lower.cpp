// HIR -> LIR lowering: each HIR instruction becomes a short, fixed sequence of
// machine-level LIR instructions. The rules are local (no cross-instruction
// pattern matching yet), which keeps them easy to check against the HIR
// opcode table: every opcode has exactly one case below.
//
// Conventions
//  - Object values are vregs holding PyObject*. LoadConst/LoadLocal add the
//    reference the SSA value owns (Incref); Decref releases it (XDecref: a
//    stack value may be the NULL slot).
//  - Before every runtime call, prev_instr is set to the bytecode instruction
//    being executed, so anything that looks at the frame from inside the call
//    (tracebacks, sys._getframe().f_lineno, warnings) sees the right line.
//  - Frame states become DeoptInfos whose stack lists the vregs of the HIR
//    values; CheckNull/CheckNeg raise at the instruction, CheckBound/Deopt and
//    Checkpoint resume before it.
#include "ember/lir/lower.h"

#include <map>

#include "ember/common/check.h"
#include "ember/cpython/py312.h"

namespace ember::lir {

int64_t localsplusOffset(int64_t i) {
  return static_cast<int64_t>(offsetof(_PyInterpreterFrame, localsplus)) + 8 * i;
}
int64_t prevInstrOffset() { return static_cast<int64_t>(offsetof(_PyInterpreterFrame, prev_instr)); }

namespace {

class Lowerer {
 public:
  Lowerer(const hir::Function& h, HelperAddressFn addr) : h_(h), addr_(addr) {}

  Result<Function> run() {
    out_.name = h_.name;
    std::vector<hir::BlockId> order = h_.rpo();
    for (hir::BlockId b : order) {
      block_map_[b] = static_cast<BlockId>(out_.blocks.size());
      Block blk;
      blk.id = static_cast<BlockId>(out_.blocks.size());
      out_.blocks.push_back(std::move(blk));
    }
    // Define vregs for every value first (phis become params), so uses in
    // back-edges resolve.
    for (hir::BlockId b : order) {
      for (hir::InstrId id : h_.block(b).instrs) {
        const hir::Instr& i = h_.instr(id);
        if (i.removed) continue;
        if (i.hasOutput()) vreg_[id] = out_.newVReg();
        if (i.op == hir::Op::Phi) out_.blocks[block_map_[b]].params.push_back(vreg_[id]);
      }
    }
    for (hir::BlockId b : order) {
      cur_ = block_map_[b];
      last_prev_instr_ = -2;
      for (hir::InstrId id : h_.block(b).instrs) {
        const hir::Instr& i = h_.instr(id);
        if (i.removed || i.op == hir::Op::Phi) continue;
        auto r = lowerInstr(i);
        if (!r.ok()) return r.error();
      }
    }
    return std::move(out_);
  }

 private:
  const hir::Function& h_;
  HelperAddressFn addr_;
  Function out_;
  std::map<hir::BlockId, BlockId> block_map_;
  std::map<hir::InstrId, VReg> vreg_;
  BlockId cur_ = 0;
  int last_prev_instr_ = -2;
  const hir::Instr* origin_ = nullptr;

  VReg v(hir::InstrId id) {
    auto it = vreg_.find(id);
    EMBER_CHECK(it != vreg_.end(), "HIR value v%u has no vreg", id);
    return it->second;
  }
  Instr& add(Op op, VReg dst = kNoVReg, std::vector<Operand> srcs = {}, int64_t imm = 0) {
    Instr in;
    in.op = op;
    in.dst = dst;
    in.srcs = std::move(srcs);
    in.imm = imm;
    if (origin_ != nullptr) {
      in.hir_origin = static_cast<int32_t>(origin_->id);
      in.bc_index = origin_->bc_index;
    }
    out_.blocks[cur_].instrs.push_back(std::move(in));
    return out_.blocks[cur_].instrs.back();
  }
  int32_t deopt(int32_t fs_index, bool throw_mode) {
    const hir::FrameState& fs = h_.frame_states.at(static_cast<size_t>(fs_index));
    DeoptInfo d;
    d.bc_index = fs.bc_index;
    d.throw_mode = throw_mode;
    d.raise_at = fs.raise_at;
    for (hir::InstrId s : fs.stack) d.stack.push_back(v(s));
    out_.deopts.push_back(std::move(d));
    return static_cast<int32_t>(out_.deopts.size() - 1);
  }
  void setPrevInstr(int bc_index) {
    if (bc_index < 0 || bc_index == last_prev_instr_ || h_.code == nullptr) return;
    last_prev_instr_ = bc_index;
    auto addr = reinterpret_cast<int64_t>(_PyCode_CODE(h_.code) + bc_index);
    add(Op::Store, kNoVReg, {Operand::frame(), Operand::imm(addr)}, prevInstrOffset());
  }
  std::vector<Operand> edgeArgs(hir::BlockId from, hir::BlockId to) {
    const hir::Block& tb = h_.block(to);
    size_t idx = 0;
    while (idx < tb.preds.size() && tb.preds[idx] != from) idx++;
    EMBER_CHECK(idx < tb.preds.size(), "edge bb%u -> bb%u not in preds", from, to);
    std::vector<Operand> args;
    for (hir::InstrId id : tb.instrs) {
      const hir::Instr& p = h_.instr(id);
      if (p.removed) continue;
      if (p.op != hir::Op::Phi) break;
      args.push_back(Operand::vreg(v(p.operands.at(idx))));
    }
    return args;
  }
  // Target for a conditional edge: the block itself, or a new edge block that
  // passes the phi arguments.
  BlockId condTarget(hir::BlockId from, hir::BlockId to) {
    std::vector<Operand> args = edgeArgs(from, to);
    if (args.empty()) return block_map_.at(to);
    Block eb;
    eb.id = static_cast<BlockId>(out_.blocks.size());
    Instr j;
    j.op = Op::Jump;
    j.target0 = block_map_.at(to);
    j.args = std::move(args);
    eb.instrs.push_back(std::move(j));
    out_.blocks.push_back(std::move(eb));
    return out_.blocks.back().id;
  }

  void callHelper(const hir::Instr& i) {
    const hir::HelperInfo& info = hir::helperInfo(i.helper);
    setPrevInstr(i.bc_index);
    std::vector<Operand> args;
    size_t next_operand = 0;
    if (i.op == hir::Op::CallHelperArray) {
      for (size_t k = 0; k < i.operands.size(); k++) {
        add(Op::Store, kNoVReg, {Operand::frame(), Operand::vreg(v(i.operands[k]))},
            localsplusOffset(i.imm1 + static_cast<int64_t>(k)));
      }
    }
    for (const char* c = info.sig; *c != '\0'; c++) {
      switch (*c) {
        case 'F':
          args.push_back(Operand::frame());
          break;
        case 'T':
          args.push_back(Operand::tstate());
          break;
        case 'o':
          args.push_back(Operand::vreg(v(i.operands.at(next_operand++))));
          break;
        case 'a':
          args.push_back(Operand::imm(i.imm0));
          break;
        case 'b':
          args.push_back(Operand::imm(i.imm1));
          break;
        case 'A': {
          VReg p = out_.newVReg();
          add(Op::Lea, p, {Operand::frame()}, localsplusOffset(i.imm1));
          args.push_back(Operand::vreg(p));
          args.push_back(Operand::imm(static_cast<int64_t>(i.operands.size())));
          break;
        }
        default:
          EMBER_CHECK(false, "bad helper signature character '%c'", *c);
      }
    }
    void* fn = addr_(i.helper);
    EMBER_CHECK(fn != nullptr, "helper %s has no address", info.name);
    Instr& call = add(Op::Call, i.hasOutput() ? v(i.id) : kNoVReg, std::move(args),
                      reinterpret_cast<int64_t>(fn));
    if (info.ret == 'I') call.flags |= kCallReturnsInt32;
    call.comment = info.name;
  }

  Result<bool> lowerInstr(const hir::Instr& i) {
    origin_ = &i;
    using hir::Op;
    switch (i.op) {
      case Op::LoadConst:
        add(lir::Op::Move, v(i.id), {Operand::imm(reinterpret_cast<int64_t>(i.obj))});
        add(lir::Op::Incref, kNoVReg, {Operand::vreg(v(i.id))});
        break;
      case Op::LoadNull:
        add(lir::Op::Move, v(i.id), {Operand::imm(0)});
        break;
      case Op::LoadLocal:
        add(lir::Op::Load, v(i.id), {Operand::frame()}, localsplusOffset(i.imm0));
        add(lir::Op::Incref, kNoVReg, {Operand::vreg(v(i.id))});
        break;
      case Op::LoadFrameSlot:
        add(lir::Op::Load, v(i.id), {Operand::frame()}, localsplusOffset(i.imm0));
        break;
      case Op::LoadLocalRaw:
        add(lir::Op::Load, v(i.id), {Operand::frame()}, localsplusOffset(i.imm0));
        add(lir::Op::Store, kNoVReg, {Operand::frame(), Operand::imm(0)}, localsplusOffset(i.imm0));
        break;
      case Op::StoreLocal: {
        VReg old = out_.newVReg();
        add(lir::Op::Load, old, {Operand::frame()}, localsplusOffset(i.imm0));
        add(lir::Op::Store, kNoVReg, {Operand::frame(), Operand::vreg(v(i.operands[0]))},
            localsplusOffset(i.imm0));
        setPrevInstr(i.bc_index);
        add(lir::Op::XDecref, kNoVReg, {Operand::vreg(old)});
        break;
      }
      case Op::CheckBound: {
        VReg t = out_.newVReg();
        add(lir::Op::Load, t, {Operand::frame()}, localsplusOffset(i.imm0));
        add(lir::Op::GuardZero, kNoVReg, {Operand::vreg(t)}).deopt = deopt(i.frame_state, false);
        break;
      }
      case Op::Incref:
        add(lir::Op::Move, v(i.id), {Operand::vreg(v(i.operands[0]))});
        add(lir::Op::Incref, kNoVReg, {Operand::vreg(v(i.id))});
        break;
      case Op::Decref:
        add(lir::Op::XDecref, kNoVReg, {Operand::vreg(v(i.operands[0]))});
        break;
      case Op::IsNone:
        add(lir::Op::CmpEq, v(i.id),
            {Operand::vreg(v(i.operands[0])), Operand::imm(reinterpret_cast<int64_t>(Py_None))});
        break;
      case Op::IsNull:
        add(lir::Op::CmpEq, v(i.id), {Operand::vreg(v(i.operands[0])), Operand::imm(0)});
        break;
      case Op::CallHelper:
      case Op::CallHelperArray:
        callHelper(i);
        break;
      case Op::CheckNull:
        add(lir::Op::GuardZero, kNoVReg, {Operand::vreg(v(i.operands[0]))}).deopt =
            deopt(i.frame_state, true);
        break;
      case Op::CheckNeg:
        add(lir::Op::GuardNeg, kNoVReg, {Operand::vreg(v(i.operands[0]))}).deopt =
            deopt(i.frame_state, true);
        break;
      case Op::Checkpoint:
        add(lir::Op::Checkpoint).deopt = deopt(i.frame_state, false);
        break;
      case Op::Deopt:
        add(lir::Op::DeoptJump).deopt = deopt(i.frame_state, false);
        break;
      case Op::Branch: {
        Instr& j = add(lir::Op::Jump);
        j.target0 = block_map_.at(i.target0);
        j.args = edgeArgs(i.block, i.target0);
        break;
      }
      case Op::CondBranch: {
        BlockId t = condTarget(i.block, i.target0);
        BlockId f = condTarget(i.block, i.target1);
        Instr& j = add(lir::Op::CondJump, kNoVReg, {Operand::vreg(v(i.operands[0]))});
        j.target0 = t;
        j.target1 = f;
        break;
      }
      case Op::Return:
        // A frame object that outlives the call reports the return's line.
        setPrevInstr(i.bc_index);
        add(lir::Op::Ret, kNoVReg, {Operand::vreg(v(i.operands[0]))});
        break;
      case Op::Phi:
        break;
    }
    origin_ = nullptr;
    return true;
  }
};

}  // namespace

Result<Function> lower(const hir::Function& f, HelperAddressFn helper_address) {
  return Lowerer(f, helper_address).run();
}

}  // namespace ember::lir
