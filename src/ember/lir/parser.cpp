// LIR parser: line-oriented recursive descent over the printer's format
// (printer.h). One Cursor per line; every helper either consumes what it
// recognises and returns true, or leaves the cursor alone and returns false,
// and the first hard error is kept with its line number.
#include "ember/lir/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "ember/lir/printer.h"

namespace ember::lir {

namespace {

#define X(name, dst, term, clob, doc) +1
constexpr int kNumOps = 0 EMBER_LIR_OPS(X);
#undef X

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) i_++;
  }
  bool atEnd() {
    ws();
    return i_ >= s_.size();
  }
  char peek() {
    ws();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  bool startsWith(std::string_view tok) {
    ws();
    return s_.substr(i_).substr(0, tok.size()) == tok;
  }
  bool eat(std::string_view tok) {
    if (!startsWith(tok)) return false;
    i_ += tok.size();
    return true;
  }
  // A word: letters, digits, '_'.
  std::string word() {
    ws();
    size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) i_++;
    return std::string(s_.substr(b, i_ - b));
  }
  // Decimal with optional sign, or 0x hex (read as uint64, stored as int64).
  bool integer(int64_t& out) {
    ws();
    size_t b = i_;
    bool neg = false;
    if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) neg = s_[i_++] == '-';
    if (s_.substr(i_, 2) == "0x" || s_.substr(i_, 2) == "0X") {
      i_ += 2;
      size_t d = i_;
      while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) i_++;
      if (d == i_) return reset(b);
      uint64_t v = std::strtoull(std::string(s_.substr(d, i_ - d)).c_str(), nullptr, 16);
      out = static_cast<int64_t>(neg ? ~v + 1 : v);
      return true;
    }
    size_t d = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) i_++;
    if (d == i_) return reset(b);
    uint64_t v = std::strtoull(std::string(s_.substr(d, i_ - d)).c_str(), nullptr, 10);
    out = static_cast<int64_t>(neg ? ~v + 1 : v);
    return true;
  }
  // %N, optionally followed by a location annotation [..] which is skipped.
  bool vreg(VReg& out) {
    ws();
    size_t b = i_;
    if (!eat("%")) return false;
    int64_t v;
    if (s_.substr(i_, 1) == "-" || !integer(v)) return reset(b);
    out = static_cast<VReg>(v);
    if (i_ < s_.size() && s_[i_] == '[') {
      size_t close = s_.find(']', i_);
      if (close == std::string_view::npos) return reset(b);
      i_ = close + 1;
    }
    return true;
  }
  bool blockRef(BlockId& out) {
    size_t b = i_;
    if (!eat("bb")) return false;
    int64_t v;
    if (s_.substr(i_, 1) == "-" || !integer(v)) return reset(b);
    out = static_cast<BlockId>(v);
    return true;
  }
  bool operand(Operand& out) {
    VReg v;
    if (vreg(v)) {
      out = Operand::vreg(v);
      return true;
    }
    size_t b = i_;
    if (eat("imm(")) {
      int64_t x;
      if (!integer(x) || !eat(")")) return reset(b);
      out = Operand::imm(x);
      return true;
    }
    std::string w = word();
    if (w == "frame") out = Operand::frame();
    else if (w == "tstate") out = Operand::tstate();
    else if (w == "none") out = Operand{};
    else return reset(b);
    return true;
  }
  std::string_view rest() {
    std::string_view r = s_.substr(i_);
    i_ = s_.size();
    return r;
  }
  size_t pos() const { return i_; }

 private:
  bool reset(size_t b) {
    i_ = b;
    return false;
  }
  std::string_view s_;
  size_t i_ = 0;
};

class Parser {
 public:
  Result<Function> run(std::string_view text) {
    size_t start = 0;
    int line_no = 0;
    bool header = false;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(start, nl - start);
      start = nl + 1;
      line_no++;
      Cursor c(line);
      if (c.atEnd() || c.peek() == ';') continue;
      std::string err;
      if (!header) {
        err = functionHeader(c);
        header = true;
      } else if (c.startsWith("bb")) {
        err = blockHeader(c);
      } else if (c.startsWith("deopt#")) {
        err = deoptLine(c);
      } else if (f_.blocks.empty()) {
        err = "instruction outside a block";
      } else {
        err = instruction(c);
      }
      if (!err.empty())
        return CompileError{FailReason::Internal,
                            "line " + std::to_string(line_no) + ": " + err + ": " + std::string(line)};
      if (start > text.size()) break;
    }
    if (!header) return CompileError{FailReason::Internal, "line 1: expected 'function <name>'"};
    if (!explicit_vregs_) f_.num_vregs = max_vreg_ + 1;
    return std::move(f_);
  }

 private:
  void saw(VReg v) { max_vreg_ = std::max(max_vreg_, v); }

  std::string functionHeader(Cursor& c) {
    if (!c.eat("function")) return "expected 'function <name> vregs=N'";
    std::string_view rest = c.rest();
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    size_t v = rest.rfind(" vregs=");
    if (v == std::string_view::npos && rest.substr(0, 6) == "vregs=") v = 0;
    else if (v != std::string_view::npos) v += 1;
    if (v == std::string_view::npos) {
      f_.name = std::string(rest);
      while (!f_.name.empty() && (f_.name.back() == ' ' || f_.name.back() == '\r')) f_.name.pop_back();
      return "";
    }
    f_.name = std::string(rest.substr(0, v == 0 ? 0 : v - 1));
    Cursor n(rest.substr(v + 6));
    int64_t num;
    if (!n.integer(num) || num < 0 || !n.atEnd()) return "bad vregs=N";
    f_.num_vregs = static_cast<int>(num);
    explicit_vregs_ = true;
    return "";
  }

  std::string blockHeader(Cursor& c) {
    BlockId id;
    if (!c.blockRef(id)) return "expected bbN";
    if (id != static_cast<BlockId>(f_.blocks.size()))
      return "expected bb" + std::to_string(f_.blocks.size()) + " (blocks are numbered in order)";
    Block b;
    b.id = id;
    if (c.eat("(")) {
      if (!c.eat(")")) {
        do {
          VReg v;
          if (!c.vreg(v)) return "expected a block parameter %N";
          saw(v);
          b.params.push_back(v);
        } while (c.eat(","));
        if (!c.eat(")")) return "expected ')' after block parameters";
      }
    }
    if (!c.eat(":") || !c.atEnd()) return "expected ':' at the end of the block header";
    f_.blocks.push_back(std::move(b));
    return "";
  }

  std::string deoptLine(Cursor& c) {
    c.eat("deopt#");
    int64_t idx;
    if (!c.integer(idx) || idx != static_cast<int64_t>(f_.deopts.size()))
      return "expected deopt#" + std::to_string(f_.deopts.size()) + " (deopts are numbered in order)";
    DeoptInfo d;
    int64_t bc;
    if (!c.eat(":") || !c.eat("@bc") || !c.integer(bc)) return "expected 'deopt#N: @bc K'";
    d.bc_index = static_cast<int>(bc);
    std::string mode = c.word();
    if (mode != "throw" && mode != "resume") return "expected throw or resume";
    d.throw_mode = mode == "throw";
    if (!c.eat("[")) return "expected '[' before the deopt stack";
    while (!c.eat("]")) {
      VReg v;
      if (!c.vreg(v)) return "expected %N or ']' in the deopt stack";
      saw(v);
      d.stack.push_back(v);
    }
    if (!c.atEnd()) return "junk after the deopt stack";
    f_.deopts.push_back(std::move(d));
    return "";
  }

  bool atAnnotation(Cursor& c) {
    for (std::string_view a : {"deopt#", "int32", "flags=", "imm=", "hir=", "bc=", ";"})
      if (c.startsWith(a)) return true;
    return false;
  }

  std::string instruction(Cursor& c) {
    Instr in;
    VReg dst;
    if (c.vreg(dst)) {
      if (!c.eat("=")) return "expected '=' after the destination";
      in.dst = dst;
      saw(dst);
    }
    std::string name = c.word();
    int op = 0;
    while (op < kNumOps && name != opName(static_cast<Op>(op))) op++;
    if (op == kNumOps) return "unknown opcode '" + name + "'";
    in.op = static_cast<Op>(op);
    if (in.op == Op::Call && !c.integer(in.imm)) return "expected the call target address";

    // Operands and targets, comma-separated.
    bool first = true;
    while (!c.atEnd() && !atAnnotation(c)) {
      if (!first && !c.eat(",")) return "expected ',' between operands";
      if (c.startsWith("[")) {
        if (!first || !isMemoryOp(in.op)) return "[base+off] only as the first operand of a memory op";
        c.eat("[");
        Operand base;
        if (!c.operand(base)) return "expected a base operand";
        if (base.isVReg()) saw(base.asVReg());
        if (c.peek() == '+' || c.peek() == '-') {
          if (!c.integer(in.imm)) return "expected an offset";
        }
        if (!c.eat("]")) return "expected ']'";
        in.srcs.push_back(base);
      } else if (c.startsWith("bb")) {
        BlockId t;
        if (!c.blockRef(t)) return "expected bbN";
        if (in.target0 < 0 && in.target1 < 0) {
          in.target0 = t;
          if (c.eat("(")) {
            if (!c.eat(")")) {
              do {
                Operand a;
                if (!c.operand(a)) return "expected a jump argument";
                if (a.isVReg()) saw(a.asVReg());
                in.args.push_back(a);
              } while (c.eat(","));
              if (!c.eat(")")) return "expected ')' after jump arguments";
            }
          }
        } else if (in.target1 < 0) {
          in.target1 = t;
        } else {
          return "more than two targets";
        }
      } else {
        if (in.target0 >= 0) return "operands must come before targets";
        Operand o;
        if (!c.operand(o)) return "expected an operand";
        if (o.isVReg()) saw(o.asVReg());
        in.srcs.push_back(o);
      }
      first = false;
    }

    // Annotations.
    while (!c.atEnd()) {
      int64_t v;
      if (c.eat("deopt#")) {
        if (!c.integer(v)) return "expected deopt#N";
        in.deopt = static_cast<int32_t>(v);
      } else if (c.eat("int32")) {
        in.flags |= kCallReturnsInt32;
      } else if (c.eat("flags=")) {
        if (!c.integer(v)) return "expected flags=N";
        in.flags |= static_cast<uint8_t>(v);
      } else if (c.eat("imm=")) {
        if (!c.integer(in.imm)) return "expected imm=N";
      } else if (c.eat("hir=")) {
        if (!c.integer(v)) return "expected hir=N";
        in.hir_origin = static_cast<int32_t>(v);
      } else if (c.eat("bc=")) {
        if (!c.integer(v)) return "expected bc=N";
        in.bc_index = static_cast<int32_t>(v);
      } else if (c.eat(";")) {
        std::string_view r = c.rest();
        if (!r.empty() && r[0] == ' ') r.remove_prefix(1);
        while (!r.empty() && r.back() == '\r') r.remove_suffix(1);
        in.comment = std::string(r);
      } else {
        return "unexpected text";
      }
    }
    f_.blocks.back().instrs.push_back(std::move(in));
    return "";
  }

  Function f_;
  bool explicit_vregs_ = false;
  VReg max_vreg_ = -1;
};

}  // namespace

Result<Function> parse(std::string_view text) { return Parser().run(text); }

}  // namespace ember::lir
