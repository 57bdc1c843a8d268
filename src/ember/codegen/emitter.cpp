// x86-64 code generation with xbyak.
//
// The compiled body is a C function `PyObject* body(ts, frame)` called by the
// vectorcall entry (runtime/entry.cpp) once the frame is pushed, bound and
// linked. It keeps ts in r12 and the frame in r13 for its whole life, and
// leaves in one of two ways, both by restoring the saved registers and
// jumping (a tail call, so no body instruction runs after the frame is gone):
//   - Ret: to hooks.frame_return(ts, frame, value), which unlinks, clears
//     and pops the frame and returns the value to the body's caller;
//   - a deopt exit: stores the interpreter's value stack into the frame, sets
//     stacktop, and goes to hooks.deopt(ts, frame, bc_index, throw), which
//     resumes _PyEval_EvalFrameDefault and returns its result.
//
// Stack frame: rbp, then rbx r12 r13 r14 r15 (always saved), then spill slots
// at [rbp - 40 - 8*(slot+1)], padded so rsp is 16-byte aligned at calls.
// rax and r11 are scratch and never allocated. Deopt exits and loop
// checkpoint slow paths are emitted out of line after all blocks.
#include "ember/codegen/emitter.h"

#include <xbyak/xbyak.h>

#include <memory>

#include "ember/common/check.h"
#include "ember/cpython/py312.h"

namespace ember::codegen {

using namespace Xbyak;
using namespace Xbyak::util;
using regalloc::Location;
using regalloc::PhysReg;

namespace {

constexpr int kSavedBytes = 40;  // rbx r12 r13 r14 r15, below the saved rbp

class Emitter : public CodeGenerator {
 public:
  Emitter(const EmitInput& in, uint8_t* buf, size_t size)
      : CodeGenerator(size, buf), in_(in), fn_(*in.fn), alloc_(*in.alloc) {}

  void run() {
    block_labels_.resize(fn_.blocks.size());
    prologue();
    for (size_t b = 0; b < fn_.blocks.size(); b++) {
      L(block_labels_[b]);
      block_offsets.push_back(static_cast<uint32_t>(getSize()));
      const lir::Block& blk = fn_.blocks[b];
      for (size_t k = 0; k < blk.instrs.size(); k++) {
        const lir::Instr& i = blk.instrs[k];
        annotate(i);
        emitInstr(i, static_cast<int>(b));
      }
    }
    emitColdPaths();
  }

  std::vector<uint32_t> block_offsets;
  std::vector<std::pair<uint32_t, std::string>> annotations;

 private:
  const EmitInput& in_;
  const lir::Function& fn_;
  const regalloc::Allocation& alloc_;
  std::vector<Label> block_labels_;
  struct Cold {
    Label label;
    int deopt;
    bool throw_mode;
  };
  std::vector<std::unique_ptr<Cold>> deopt_exits_;
  struct CheckpointPath {
    Label slow, back;
    int deopt;
  };
  std::vector<std::unique_ptr<CheckpointPath>> checkpoints_;

  void annotate(const lir::Instr& i) {
    std::string text = lir::opName(i.op);
    if (!i.comment.empty()) text += " " + i.comment;
    if (i.bc_index >= 0) text += " @" + std::to_string(i.bc_index * 2);
    annotations.push_back({static_cast<uint32_t>(getSize()), text});
  }

  void prologue() {
    push(rbp);
    mov(rbp, rsp);
    push(rbx);
    push(r12);
    push(r13);
    push(r14);
    push(r15);
    int slots = alloc_.num_slots;
    int bytes = slots * 8;
    if ((bytes + 8) % 16 != 0) bytes += 8;  // 6 pushes + return address = 56 bytes
    if (bytes > 0) sub(rsp, bytes);
    mov(r12, rdi);
    mov(r13, rsi);
  }

  static Reg64 reg(int r) { return Reg64(r); }
  Address slot(int s) { return qword[rbp - (kSavedBytes + 8 * (s + 1))]; }
  const Location& loc(lir::VReg v) {
    EMBER_CHECK(v >= 0 && static_cast<size_t>(v) < alloc_.vreg_loc.size(), "vreg %d out of range", v);
    const Location& l = alloc_.vreg_loc[static_cast<size_t>(v)];
    EMBER_CHECK(l.kind != Location::Kind::None, "vreg %d has no location", v);
    return l;
  }

  // Materialises an operand in a register: its own, or `scratch`.
  Reg64 use(const lir::Operand& o, const Reg64& scratch) {
    switch (o.kind) {
      case lir::Operand::Kind::VReg: {
        const Location& l = loc(o.asVReg());
        if (l.kind == Location::Kind::Reg) return reg(l.reg);
        mov(scratch, slot(l.slot));
        return scratch;
      }
      case lir::Operand::Kind::Imm:
        mov(scratch, o.value);
        return scratch;
      case lir::Operand::Kind::Frame:
        return r13;
      case lir::Operand::Kind::TState:
        return r12;
      default:
        EMBER_CHECK(false, "missing operand");
    }
    return scratch;
  }
  // Register to compute a result for vreg d into (its own or rax).
  Reg64 def(lir::VReg d) {
    const Location& l = loc(d);
    return l.kind == Location::Kind::Reg ? reg(l.reg) : rax;
  }
  void finishDef(lir::VReg d, const Reg64& r) {
    const Location& l = loc(d);
    if (l.kind == Location::Kind::Stack) mov(slot(l.slot), r);
  }

  void moveLoc(const Location& dst, const Location& src) {
    if (dst == src) return;
    if (dst.kind == Location::Kind::Reg && src.kind == Location::Kind::Reg) {
      mov(reg(dst.reg), reg(src.reg));
    } else if (dst.kind == Location::Kind::Reg) {
      mov(reg(dst.reg), slot(src.slot));
    } else if (src.kind == Location::Kind::Reg) {
      mov(slot(dst.slot), reg(src.reg));
    } else {
      mov(rax, slot(src.slot));
      mov(slot(dst.slot), rax);
    }
  }
  void moveImm(const Location& dst, int64_t imm) {
    if (dst.kind == Location::Kind::Reg) {
      mov(reg(dst.reg), imm);
    } else {
      mov(rax, imm);
      mov(slot(dst.slot), rax);
    }
  }
  void parallelMove(std::vector<regalloc::Move> moves) {
    for (const regalloc::Move& m : regalloc::sequentialize(std::move(moves))) {
      if (m.src_is_imm) {
        moveImm(m.dst, m.imm);
      } else {
        moveLoc(m.dst, m.src);
      }
    }
  }
  regalloc::Move moveFrom(const Location& dst, const lir::Operand& o) {
    regalloc::Move m;
    m.dst = dst;
    switch (o.kind) {
      case lir::Operand::Kind::VReg:
        m.src = loc(o.asVReg());
        break;
      case lir::Operand::Kind::Imm:
        m.src_is_imm = true;
        m.imm = o.value;
        break;
      case lir::Operand::Kind::Frame:
        m.src = Location::inReg(regalloc::kFrameReg);
        break;
      case lir::Operand::Kind::TState:
        m.src = Location::inReg(regalloc::kTStateReg);
        break;
      default:
        EMBER_CHECK(false, "missing operand");
    }
    return m;
  }

  // Leaves the body for good: restores the callee-saved registers and jumps
  // to `target` (ember_frame_return or ember_deopt) with its arguments
  // already in rdi..rcx, so that it returns straight to the body's caller.
  // No instruction of the body runs after the frame is released, which lets
  // the code memory be freed with its code object (see code_allocator.h).
  void tailExit(int64_t target) {
    lea(rsp, ptr[rbp - kSavedBytes]);
    pop(r15);
    pop(r14);
    pop(r13);
    pop(r12);
    pop(rbx);
    pop(rbp);
    mov(rax, target);
    jmp(rax);
  }

  void callAbs(int64_t target) {
    mov(rax, target);
    call(rax);
  }

  void incref(const Reg64& r) {
    Label skip;
    mov(eax, dword[r]);
    add(eax, 1);
    je(skip);  // immortal: the low 32 bits would wrap to 0
    mov(dword[r], eax);
    L(skip);
  }
  void decref(const Reg64& r, bool maybe_null) {
    Label skip;
    if (maybe_null) {
      test(r, r);
      jz(skip, T_NEAR);
    }
    mov(rax, qword[r]);
    test(eax, eax);
    js(skip, T_NEAR);  // immortal
    sub(rax, 1);
    mov(qword[r], rax);
    jnz(skip, T_NEAR);
    mov(rdi, r);
    callAbs(reinterpret_cast<int64_t>(in_.hooks.dealloc));
    L(skip);
  }

  Label& deoptExit(int deopt, bool throw_mode) {
    auto c = std::make_unique<Cold>();
    c->deopt = deopt;
    c->throw_mode = throw_mode;
    deopt_exits_.push_back(std::move(c));
    return deopt_exits_.back()->label;
  }

  void emitInstr(const lir::Instr& i, int block) {
    using lir::Op;
    switch (i.op) {
      case Op::Move: {
        Location d = loc(i.dst);
        parallelMove({moveFrom(d, i.srcs[0])});
        break;
      }
      case Op::Lea: {
        Reg64 base = use(i.srcs[0], r11);
        Reg64 d = def(i.dst);
        lea(d, ptr[base + static_cast<int32_t>(i.imm)]);
        finishDef(i.dst, d);
        break;
      }
      case Op::Load:
      case Op::Load32: {
        Reg64 base = use(i.srcs[0], r11);
        Reg64 d = def(i.dst);
        if (i.op == Op::Load) {
          mov(d, qword[base + static_cast<int32_t>(i.imm)]);
        } else {
          movsxd(d, dword[base + static_cast<int32_t>(i.imm)]);
        }
        finishDef(i.dst, d);
        break;
      }
      case Op::Store: {
        Reg64 base = use(i.srcs[0], r11);
        const lir::Operand& v = i.srcs[1];
        if (v.kind == lir::Operand::Kind::Imm && v.value >= INT32_MIN && v.value <= INT32_MAX) {
          mov(qword[base + static_cast<int32_t>(i.imm)], static_cast<int32_t>(v.value));
        } else {
          Reg64 s = use(v, rax);
          mov(qword[base + static_cast<int32_t>(i.imm)], s);
        }
        break;
      }
      case Op::Call: {
        static const PhysReg kArgRegs[] = {regalloc::RDI, regalloc::RSI, regalloc::RDX,
                                           regalloc::RCX, regalloc::R8,  regalloc::R9};
        EMBER_CHECK(i.srcs.size() <= 6, "too many call arguments");
        std::vector<regalloc::Move> moves;
        for (size_t k = 0; k < i.srcs.size(); k++) {
          moves.push_back(moveFrom(Location::inReg(kArgRegs[k]), i.srcs[k]));
        }
        parallelMove(std::move(moves));
        callAbs(i.imm);
        if (i.dst != lir::kNoVReg) {
          if (i.flags & lir::kCallReturnsInt32) movsxd(rax, eax);
          const Location& d = loc(i.dst);
          moveLoc(d, Location::inReg(regalloc::RAX));
        }
        break;
      }
      case Op::Incref:
        incref(use(i.srcs[0], r11));
        break;
      case Op::Decref:
      case Op::XDecref:
        decref(use(i.srcs[0], r11), i.op == Op::XDecref);
        break;
      case Op::CmpEq: {
        Reg64 a = use(i.srcs[0], r11);
        const lir::Operand& b = i.srcs[1];
        if (b.kind == lir::Operand::Kind::Imm && b.value >= INT32_MIN && b.value <= INT32_MAX) {
          cmp(a, static_cast<int32_t>(b.value));
        } else {
          Reg64 r = use(b, rax);
          cmp(a, r);
        }
        Reg64 d = def(i.dst);
        setz(al);
        movzx(d.cvt32(), al);
        finishDef(i.dst, d);
        break;
      }
      case Op::Jump: {
        const lir::Block& target = fn_.blocks[static_cast<size_t>(i.target0)];
        std::vector<regalloc::Move> moves;
        for (size_t k = 0; k < i.args.size(); k++) {
          moves.push_back(moveFrom(loc(target.params[k]), i.args[k]));
        }
        parallelMove(std::move(moves));
        if (i.target0 != block + 1) jmp(block_labels_[static_cast<size_t>(i.target0)], T_NEAR);
        break;
      }
      case Op::CondJump: {
        Reg64 c = use(i.srcs[0], r11);
        test(c, c);
        if (i.target1 == block + 1) {
          jnz(block_labels_[static_cast<size_t>(i.target0)], T_NEAR);
        } else if (i.target0 == block + 1) {
          jz(block_labels_[static_cast<size_t>(i.target1)], T_NEAR);
        } else {
          jnz(block_labels_[static_cast<size_t>(i.target0)], T_NEAR);
          jmp(block_labels_[static_cast<size_t>(i.target1)], T_NEAR);
        }
        break;
      }
      case Op::GuardZero: {
        Reg64 c = use(i.srcs[0], r11);
        test(c, c);
        jz(deoptExit(i.deopt, fn_.deopts[static_cast<size_t>(i.deopt)].throw_mode), T_NEAR);
        break;
      }
      case Op::GuardNeg: {
        Reg64 c = use(i.srcs[0], r11);
        test(c, c);
        js(deoptExit(i.deopt, fn_.deopts[static_cast<size_t>(i.deopt)].throw_mode), T_NEAR);
        break;
      }
      case Op::Checkpoint: {
        auto cp = std::make_unique<CheckpointPath>();
        cp->deopt = i.deopt;
        mov(rax, qword[r12 + static_cast<int32_t>(offsetof(PyThreadState, interp))]);
        mov(eax, dword[rax + static_cast<int32_t>(offsetof(PyInterpreterState, ceval.eval_breaker))]);
        test(eax, eax);
        jnz(cp->slow, T_NEAR);
        mov(rax, in_.clean_version_addr);
        mov(rax, qword[rax]);
        mov(r11, qword[r12 + static_cast<int32_t>(offsetof(PyThreadState, interp))]);
        cmp(rax, qword[r11 + static_cast<int32_t>(offsetof(PyInterpreterState, monitoring_version))]);
        jne(cp->slow, T_NEAR);
        L(cp->back);
        checkpoints_.push_back(std::move(cp));
        break;
      }
      case Op::Ret: {
        moveLocsForCall({i.srcs[0]}, 2);
        tailExit(reinterpret_cast<int64_t>(in_.hooks.frame_return));
        break;
      }
      case Op::DeoptJump:
        jmp(deoptExit(i.deopt, false), T_NEAR);
        break;
    }
  }

  // rdi = ts, rsi = frame, then the given operands from rdx on.
  void moveLocsForCall(std::vector<lir::Operand> extra, int first) {
    static const PhysReg kArgRegs[] = {regalloc::RDI, regalloc::RSI, regalloc::RDX,
                                       regalloc::RCX, regalloc::R8,  regalloc::R9};
    std::vector<regalloc::Move> moves;
    moves.push_back(moveFrom(Location::inReg(regalloc::RDI), lir::Operand::tstate()));
    moves.push_back(moveFrom(Location::inReg(regalloc::RSI), lir::Operand::frame()));
    for (size_t k = 0; k < extra.size(); k++) {
      moves.push_back(moveFrom(Location::inReg(kArgRegs[first + static_cast<int>(k)]), extra[k]));
    }
    parallelMove(std::move(moves));
  }

  void storePrevInstr(int bc_index) {
    mov(rax, reinterpret_cast<int64_t>(in_.code_units + bc_index));
    mov(qword[r13 + static_cast<int32_t>(offsetof(_PyInterpreterFrame, prev_instr))], rax);
  }

  void emitDeoptBody(int deopt, bool throw_mode) {
    const lir::DeoptInfo& d = fn_.deopts[static_cast<size_t>(deopt)];
    for (size_t k = 0; k < d.stack.size(); k++) {
      Reg64 v = use(lir::Operand::vreg(d.stack[k]), rax);
      int64_t off = static_cast<int64_t>(offsetof(_PyInterpreterFrame, localsplus)) +
                    8 * (in_.nlocalsplus + static_cast<int64_t>(k));
      mov(qword[r13 + static_cast<int32_t>(off)], v);
    }
    mov(dword[r13 + static_cast<int32_t>(offsetof(_PyInterpreterFrame, stacktop))],
        in_.nlocalsplus + static_cast<int>(d.stack.size()));
    mov(rdi, r12);
    mov(rsi, r13);
    // Throw mode raises with prev_instr at the index passed (ember_deopt).
    mov(edx, throw_mode && d.raise_at >= 0 ? d.raise_at : d.bc_index);
    mov(ecx, throw_mode ? 1 : 0);
    tailExit(reinterpret_cast<int64_t>(in_.hooks.deopt));
  }

  void emitColdPaths() {
    for (auto& cp : checkpoints_) {
      L(cp->slow);
      // Handlers run here see the frame at the instruction the work belongs to.
      const lir::DeoptInfo& d = fn_.deopts[static_cast<size_t>(cp->deopt)];
      storePrevInstr(d.raise_at >= 0 ? d.raise_at : d.bc_index);
      mov(rdi, r12);
      mov(rsi, r13);
      callAbs(reinterpret_cast<int64_t>(in_.hooks.service_breaker));
      test(eax, eax);
      jz(cp->back, T_NEAR);
      Label resume;
      jg(resume, T_NEAR);
      emitDeoptBody(cp->deopt, true);
      L(resume);
      emitDeoptBody(cp->deopt, false);
    }
    for (auto& c : deopt_exits_) {
      L(c->label);
      emitDeoptBody(c->deopt, c->throw_mode);
    }
  }
};

}  // namespace

Result<EmitOutput> emit(const EmitInput& in) {
  size_t size = 64 * 1024;
  for (int attempt = 0; attempt < 5; attempt++, size *= 4) {
    std::vector<uint8_t> buf(size);
    try {
      Emitter e(in, buf.data(), buf.size());
      e.run();
      EmitOutput out;
      out.bytes.assign(buf.data(), buf.data() + e.getSize());
      out.block_offsets = std::move(e.block_offsets);
      out.annotations = std::move(e.annotations);
      return out;
    } catch (const Xbyak::Error& err) {
      if (static_cast<int>(err) != Xbyak::ERR_CODE_IS_TOO_BIG) {
        return CompileError{FailReason::Assembler, err.what()};
      }
    } catch (const std::exception& err) {
      return CompileError{FailReason::Assembler, err.what()};
    }
  }
  return CompileError{FailReason::TooLarge, "machine code over 16 MiB"};
}

}  // namespace ember::codegen
