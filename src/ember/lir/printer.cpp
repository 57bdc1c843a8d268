// LIR printer; the format is described in printer.h. Deterministic: output
// depends only on the Function (no addresses other than Call targets, which
// are data).
#include "ember/lir/printer.h"

#include <cstdio>
#include <functional>

#include "ember/regalloc/names.h"
#include "ember/regalloc/regalloc.h"

namespace ember::lir {

namespace {

using Annotate = std::function<std::string(VReg)>;

class Printer {
 public:
  explicit Printer(Annotate annotate) : annotate_(std::move(annotate)) {}

  std::string vreg(VReg v) const {
    std::string s = "%" + std::to_string(v);
    if (annotate_) s += "[" + annotate_(v) + "]";
    return s;
  }

  std::string operand(const Operand& o) const {
    switch (o.kind) {
      case Operand::Kind::VReg:
        return vreg(o.asVReg());
      case Operand::Kind::Imm:
        return "imm(" + std::to_string(o.value) + ")";
      case Operand::Kind::Frame:
        return "frame";
      case Operand::Kind::TState:
        return "tstate";
      case Operand::Kind::None:
        break;
    }
    return "none";
  }

  std::string instr(const Instr& in) const {
    std::string s;
    if (in.dst != kNoVReg) s += vreg(in.dst) + " = ";
    s += opName(in.op);
    bool imm_shown = false;
    if (in.op == Op::Call) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " 0x%llx", static_cast<unsigned long long>(in.imm));
      s += buf;
      imm_shown = true;
    }
    std::vector<std::string> parts;
    for (size_t i = 0; i < in.srcs.size(); i++) {
      if (i == 0 && isMemoryOp(in.op)) {
        std::string m = "[" + operand(in.srcs[0]);
        if (in.imm > 0) m += "+" + std::to_string(in.imm);
        if (in.imm < 0) m += std::to_string(in.imm);
        parts.push_back(m + "]");
        imm_shown = true;
      } else {
        parts.push_back(operand(in.srcs[i]));
      }
    }
    if (in.target0 >= 0) {
      std::string t = "bb" + std::to_string(in.target0);
      if (in.op == Op::Jump || !in.args.empty()) {
        t += "(";
        for (size_t i = 0; i < in.args.size(); i++) t += (i ? ", " : "") + operand(in.args[i]);
        t += ")";
      }
      parts.push_back(t);
    }
    if (in.target1 >= 0) parts.push_back("bb" + std::to_string(in.target1));
    for (size_t i = 0; i < parts.size(); i++) s += (i ? ", " : " ") + parts[i];
    if (in.deopt >= 0) s += " deopt#" + std::to_string(in.deopt);
    if (in.flags & kCallReturnsInt32) s += " int32";
    if (in.flags & ~kCallReturnsInt32) s += " flags=" + std::to_string(in.flags & ~kCallReturnsInt32);
    if (!imm_shown && in.imm != 0) s += " imm=" + std::to_string(in.imm);
    if (in.hir_origin >= 0) s += " hir=" + std::to_string(in.hir_origin);
    if (in.bc_index >= 0) s += " bc=" + std::to_string(in.bc_index);
    if (!in.comment.empty()) {
      std::string c = in.comment;
      for (char& ch : c)
        if (ch == '\n' || ch == '\r') ch = ' ';
      s += " ; " + c;
    }
    return s;
  }

  std::string function(const Function& f) const {
    std::string s = "function " + f.name + " vregs=" + std::to_string(f.num_vregs) + "\n";
    for (size_t b = 0; b < f.blocks.size(); b++) {
      const Block& blk = f.blocks[b];
      s += "bb" + std::to_string(b);
      if (!blk.params.empty()) {
        s += "(";
        for (size_t i = 0; i < blk.params.size(); i++) s += (i ? ", " : "") + vreg(blk.params[i]);
        s += ")";
      }
      s += ":\n";
      for (const Instr& in : blk.instrs) s += "  " + instr(in) + "\n";
    }
    for (size_t d = 0; d < f.deopts.size(); d++) {
      const DeoptInfo& di = f.deopts[d];
      s += "deopt#" + std::to_string(d) + ": @bc " + std::to_string(di.bc_index) +
           (di.throw_mode ? " throw [" : " resume [");
      for (size_t i = 0; i < di.stack.size(); i++) s += (i ? " " : "") + vreg(di.stack[i]);
      s += "]\n";
    }
    return s;
  }

 private:
  Annotate annotate_;
};

}  // namespace

bool isMemoryOp(Op op) { return op == Op::Lea || op == Op::Load || op == Op::Load32 || op == Op::Store; }

std::string print(const Function& f) { return Printer(nullptr).function(f); }

std::string print(const Instr& in) { return Printer(nullptr).instr(in); }

std::string print(const Function& f, const regalloc::Allocation& a) {
  return Printer([&a](VReg v) {
           if (v < 0 || v >= static_cast<VReg>(a.vreg_loc.size())) return std::string("-");
           return regalloc::locationName(a.vreg_loc[v]);
         }).function(f);
}

}  // namespace ember::lir
