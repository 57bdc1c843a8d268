// Parser implementation: a line-oriented reader in two phases. Phase one turns
// each line into a record holding names as text; phase two creates blocks and
// instructions in text order and resolves names, so forward references need no
// patching. The format is in printer.h, the grammar in parser.h.
#include "ember/hir/parser.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <sstream>

namespace ember::hir {

namespace {

struct Token {
  enum Kind { Word, Punct, Arrow } kind;
  std::string text;
};

struct ParsedInstr {
  int line = 0;
  std::string result;
  ValueKind kind = ValueKind::None;
  Op op = Op::Branch;
  HelperId helper = HelperId::None;
  std::vector<std::string> operands;
  int64_t imm0 = 0, imm1 = 0;
  uint32_t keep = 0;
  std::vector<std::string> targets;
  bool has_fs = false;
  int fs_bc = 0;
  std::vector<std::string> fs_values;
  int32_t bc = -1;
};

struct ParsedBlock {
  int line = 0;
  std::string label;
  std::vector<std::string> preds;
  std::vector<ParsedInstr> instrs;
};

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '!' || c == '.'; }

std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      i++;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '>') {
      out.push_back({Token::Arrow, "->"});
      i += 2;
    } else if (isWordChar(c) || c == '-') {
      size_t j = i + 1;
      while (j < s.size() && isWordChar(s[j])) j++;
      out.push_back({Token::Word, s.substr(i, j - i)});
      i = j;
    } else {
      out.push_back({Token::Punct, std::string(1, c)});
      i++;
    }
  }
  return out;
}

bool parseInt(const std::string& s, int base, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, base);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

bool isLabel(const std::string& s, const char* prefix) {
  size_t n = std::char_traits<char>::length(prefix);
  if (s.size() <= n || s.compare(0, n, prefix) != 0) return false;
  for (size_t i = n; i < s.size(); i++) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

class LineParser {
 public:
  LineParser(std::vector<Token> toks, int line) : t_(std::move(toks)), line_(line) {}

  std::string error;

  bool atPunct(const char* p) const { return i_ < t_.size() && t_[i_].kind == Token::Punct && t_[i_].text == p; }
  bool atWord() const { return i_ < t_.size() && t_[i_].kind == Token::Word; }
  bool done() const { return i_ >= t_.size(); }

  bool expectPunct(const char* p) {
    if (atPunct(p)) {
      i_++;
      return true;
    }
    return fail(std::string("expected '") + p + "'" + near());
  }
  bool word(std::string* out, const char* what) {
    if (!atWord()) return fail(std::string("expected ") + what + near());
    *out = t_[i_++].text;
    return true;
  }
  bool fail(const std::string& msg) {
    if (error.empty()) error = "line " + std::to_string(line_) + ": " + msg;
    return false;
  }
  std::string near() const { return done() ? " at end of line" : " near '" + t_[i_].text + "'"; }

  bool blockHeader(ParsedBlock* b) {
    if (!word(&b->label, "block label")) return false;
    if (!isLabel(b->label, "bb")) return fail("bad block label '" + b->label + "'");
    if (atPunct("(")) {
      i_++;
      std::string kw;
      if (!word(&kw, "'preds'") || kw != "preds") return fail("expected 'preds'");
      while (!atPunct(")")) {
        std::string p;
        if (!word(&p, "pred label")) return false;
        if (!isLabel(p, "bb")) return fail("bad block label '" + p + "'");
        b->preds.push_back(p);
        if (atPunct(",")) i_++;
      }
      i_++;
    }
    if (!expectPunct(":")) return false;
    if (!done()) return fail("unexpected text after block header" + near());
    return true;
  }

  bool instr(ParsedInstr* in) {
    in->line = line_;
    // result
    if (i_ + 1 < t_.size() && t_[0].kind == Token::Word && t_[1].kind == Token::Punct &&
        (t_[1].text == "=" || t_[1].text == ":")) {
      in->result = t_[0].text;
      if (!isLabel(in->result, "v")) return fail("bad value name '" + in->result + "'");
      i_ = 1;
      in->kind = ValueKind::Object;
      if (atPunct(":")) {
        i_++;
        std::string k;
        if (!word(&k, "kind")) return false;
        if (k == "i") {
          in->kind = ValueKind::CInt;
        } else if (k != "o") {
          return fail("unknown kind '" + k + "' (use :i for cint)");
        }
      }
      if (!expectPunct("=")) return false;
    }
    std::string opname;
    if (!word(&opname, "opcode")) return false;
    if (!opFromName(opname, &in->op)) return fail("unknown opcode '" + opname + "'");
    if (atPunct("<")) {
      i_++;
      std::string h;
      if (!word(&h, "helper name")) return false;
      if (!helperFromName(h, &in->helper)) return fail("unknown helper '" + h + "'");
      if (!expectPunct(">")) return false;
    }
    while (!done()) {
      if (atWord()) {
        std::string w = t_[i_++].text;
        if (w == "imm0" || w == "imm1" || w == "keep") {
          std::string num;
          if (!expectPunct("=") || !word(&num, "number")) return false;
          int64_t v = 0;
          if (!parseInt(num, w == "keep" ? 0 : 10, &v)) return fail("bad number '" + num + "'");
          if (w == "imm0") in->imm0 = v;
          if (w == "imm1") in->imm1 = v;
          if (w == "keep") in->keep = static_cast<uint32_t>(v);
        } else if (w == "fs") {
          if (!fs(in)) return false;
        } else if (isLabel(w, "v")) {
          in->operands.push_back(w);
        } else {
          return fail("unexpected '" + w + "'");
        }
      } else if (t_[i_].kind == Token::Arrow) {
        i_++;
        while (atWord() && isLabel(t_[i_].text, "bb")) in->targets.push_back(t_[i_++].text);
        if (in->targets.empty() || in->targets.size() > 2) return fail("'->' takes one or two blocks");
      } else if (atPunct("@")) {
        i_++;
        std::string num;
        int64_t v = 0;
        if (!word(&num, "bytecode index") || !parseInt(num, 10, &v)) return fail("bad bytecode index");
        in->bc = static_cast<int32_t>(v);
      } else {
        return fail("unexpected '" + t_[i_].text + "'");
      }
    }
    return true;
  }

 private:
  bool fs(ParsedInstr* in) {
    in->has_fs = true;
    std::string num;
    int64_t v = 0;
    if (!expectPunct("{") || !expectPunct("@")) return false;
    if (!word(&num, "bytecode index") || !parseInt(num, 10, &v)) return fail("bad frame-state bytecode index");
    in->fs_bc = static_cast<int>(v);
    if (atPunct(":")) {
      i_++;
      while (atWord()) {
        std::string val = t_[i_++].text;
        if (!isLabel(val, "v")) return fail("bad value name '" + val + "' in frame state");
        in->fs_values.push_back(val);
      }
    }
    return expectPunct("}");
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int line_;
};

CompileError parseError(const std::string& msg) { return CompileError{FailReason::Internal, msg}; }

}  // namespace

Result<Function> parse(const std::string& text) {
  Function f;
  std::vector<ParsedBlock> blocks;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  bool seen_header = false;
  while (std::getline(in, raw)) {
    line++;
    size_t hash = raw.find('#');
    std::string s = hash == std::string::npos ? raw : raw.substr(0, hash);
    size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    s = s.substr(a);
    if (s.compare(0, 9, "function ") == 0 || s == "function") {
      if (seen_header || !blocks.empty()) return parseError("line " + std::to_string(line) + ": misplaced 'function'");
      seen_header = true;
      std::istringstream ws(s.substr(8));
      std::string w;
      ws >> f.name;
      while (ws >> w) {
        size_t eq = w.find('=');
        int64_t v = 0;
        if (eq == std::string::npos || !parseInt(w.substr(eq + 1), 10, &v)) {
          return parseError("line " + std::to_string(line) + ": bad function attribute '" + w + "'");
        }
        std::string key = w.substr(0, eq);
        if (key == "nlocalsplus") {
          f.nlocalsplus = static_cast<int>(v);
        } else if (key == "stacksize") {
          f.stacksize = static_cast<int>(v);
        } else {
          return parseError("line " + std::to_string(line) + ": unknown function attribute '" + key + "'");
        }
      }
      if (f.name == "?") f.name.clear();
      continue;
    }
    LineParser p(lex(s), line);
    if (s.compare(0, 2, "bb") == 0) {
      ParsedBlock b;
      b.line = line;
      if (!p.blockHeader(&b)) return parseError(p.error);
      blocks.push_back(std::move(b));
      continue;
    }
    ParsedInstr pi;
    if (!p.instr(&pi)) return parseError(p.error);
    if (blocks.empty()) return parseError("line " + std::to_string(line) + ": instruction before the first block");
    blocks.back().instrs.push_back(std::move(pi));
  }
  if (blocks.empty()) return parseError("line " + std::to_string(line) + ": no blocks");

  // phase two: create, then resolve names
  std::map<std::string, BlockId> block_ids;
  for (const auto& b : blocks) {
    if (block_ids.count(b.label)) {
      return parseError("line " + std::to_string(b.line) + ": block " + b.label + " defined twice");
    }
    block_ids[b.label] = f.newBlock();
  }
  f.entry = block_ids[blocks[0].label];
  std::map<std::string, InstrId> values;
  std::vector<std::pair<InstrId, const ParsedInstr*>> made;
  for (const auto& b : blocks) {
    BlockId bid = block_ids[b.label];
    for (const auto& pi : b.instrs) {
      InstrId id = f.append(bid, pi.op);
      Instr& ins = f.instr(id);
      ins.kind = pi.kind;
      ins.helper = pi.helper;
      ins.imm0 = pi.imm0;
      ins.imm1 = pi.imm1;
      ins.keep_mask = pi.keep;
      ins.bc_index = pi.bc;
      if (!pi.result.empty()) {
        if (values.count(pi.result)) {
          return parseError("line " + std::to_string(pi.line) + ": value " + pi.result + " defined twice");
        }
        values[pi.result] = id;
      }
      made.push_back({id, &pi});
    }
  }
  auto value = [&](const std::string& name, int ln, InstrId* out) -> bool {
    auto it = values.find(name);
    if (it == values.end()) return false;
    *out = it->second;
    return true;
  };
  auto block = [&](const std::string& name, BlockId* out) -> bool {
    auto it = block_ids.find(name);
    if (it == block_ids.end()) return false;
    *out = it->second;
    return true;
  };
  for (const auto& b : blocks) {
    for (const auto& p : b.preds) {
      BlockId pid;
      if (!block(p, &pid)) return parseError("line " + std::to_string(b.line) + ": undefined block " + p);
      f.block(block_ids[b.label]).preds.push_back(pid);
    }
  }
  for (auto& [id, pi] : made) {
    std::string where = "line " + std::to_string(pi->line) + ": ";
    for (const auto& name : pi->operands) {
      InstrId v;
      if (!value(name, pi->line, &v)) return parseError(where + "undefined value " + name);
      f.instr(id).operands.push_back(v);
    }
    for (size_t i = 0; i < pi->targets.size(); i++) {
      BlockId t;
      if (!block(pi->targets[i], &t)) return parseError(where + "undefined block " + pi->targets[i]);
      (i == 0 ? f.instr(id).target0 : f.instr(id).target1) = t;
    }
    if (pi->has_fs) {
      FrameState fs;
      fs.bc_index = pi->fs_bc;
      for (const auto& name : pi->fs_values) {
        InstrId v;
        if (!value(name, pi->line, &v)) return parseError(where + "undefined value " + name + " in frame state");
        fs.stack.push_back(v);
      }
      f.instr(id).frame_state = f.addFrameState(std::move(fs));
    }
  }
  return f;
}

}  // namespace ember::hir
