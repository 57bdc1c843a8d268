// Printer implementation; the format is described in printer.h. Python is used
// only for constant reprs, and only when the interpreter is initialised.
#include "ember/hir/printer.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "ember/cpython/py312.h"
#include "ember/hir/util.h"

namespace ember::hir {

namespace {

constexpr size_t kMaxRepr = 40;

std::string constRepr(PyObject* obj) {
  if (obj == nullptr || !Py_IsInitialized()) return "";
  std::string out;
  PyObject* r = PyObject_Repr(obj);
  if (r == nullptr) {
    PyErr_Clear();
    out = std::string("<") + Py_TYPE(obj)->tp_name + ">";
  } else {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(r, &n);
    if (s == nullptr) {
      PyErr_Clear();
      out = std::string("<") + Py_TYPE(obj)->tp_name + ">";
    } else {
      out.assign(s, static_cast<size_t>(n));
    }
    Py_DECREF(r);
  }
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (out.size() > kMaxRepr) out = out.substr(0, kMaxRepr) + "...";
  return out;
}

// Immediates an opcode's Doc (opcodes.def) names are always printed, even when
// zero (`LoadLocal imm0=0`), so the slot or constant index is never implicit.
bool docMentions(Op op, const char* imm) { return std::strstr(opInfo(op).doc, imm) != nullptr; }

}  // namespace

Names::Names(const Function& f, PrintOptions opts)
    : f_(f), opts_(opts), block_num_(f.blocks.size(), kNone), value_num_(f.instrs.size(), kNone) {
  order_ = safeRpo(f);
  std::vector<uint8_t> placed(f.blocks.size(), 0);
  for (BlockId b : order_) placed[b] = 1;
  for (const Block& b : f.blocks) {
    if (!b.removed && !placed[b.id]) order_.push_back(b.id);
  }
  for (uint32_t i = 0; i < order_.size(); i++) block_num_[order_[i]] = i;
  uint32_t next = 0;
  for (BlockId b : order_) {
    for (InstrId id : f.block(b).instrs) {
      if (id >= f.instrs.size()) continue;
      const Instr& ins = f.instr(id);
      if (ins.removed || !ins.hasOutput()) continue;
      if (value_num_[id] == kNone) value_num_[id] = next++;
    }
  }
}

PyObject* Names::codeObjectFor(int64_t imm) const {
  if (f_.code == nullptr || imm == 0 || !Py_IsInitialized()) return nullptr;
  // Compare addresses only: an immediate that is not one of these pointers is
  // never dereferenced.
  for (PyObject* tuple : {f_.code->co_names, f_.code->co_consts}) {
    if (tuple == nullptr || !PyTuple_Check(tuple)) continue;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
      PyObject* item = PyTuple_GET_ITEM(tuple, i);
      if (reinterpret_cast<intptr_t>(item) == imm) return item;
    }
  }
  return nullptr;
}

std::string Names::value(InstrId id) const {
  if (id < value_num_.size() && value_num_[id] != kNone) return "v" + std::to_string(value_num_[id]);
  if (id == kNone) return "v!none";
  return "v!" + std::to_string(id);
}

std::string Names::block(BlockId id) const {
  if (id < block_num_.size() && block_num_[id] != kNone) return "bb" + std::to_string(block_num_[id]);
  if (id == kNone) return "bb!none";
  return "bb!" + std::to_string(id);
}

std::string Names::blockHeader(BlockId id) const {
  std::string s = block(id);
  const Block& b = f_.block(id);
  if (!b.preds.empty()) {
    s += " (preds";
    for (size_t i = 0; i < b.preds.size(); i++) {
      s += i == 0 ? " " : ", ";
      s += block(b.preds[i]);
    }
    s += ")";
  }
  s += ":";
  return s;
}

std::string Names::instr(InstrId id) const {
  if (id >= f_.instrs.size()) return "<no instruction " + std::to_string(id) + ">";
  const Instr& ins = f_.instr(id);
  std::string s;
  if (ins.hasOutput()) {
    s += value(id);
    if (ins.kind == ValueKind::CInt) s += ":i";
    s += " = ";
  }
  s += opName(ins.op);
  if (ins.op == Op::CallHelper || ins.op == Op::CallHelperArray || ins.helper != HelperId::None) {
    s += "<";
    s += static_cast<int>(ins.helper) < static_cast<int>(HelperId::Count) ? helperInfo(ins.helper).name
                                                                          : "?";
    s += ">";
  }
  for (InstrId op : ins.operands) s += " " + value(op);
  char buf[64];
  if (ins.imm0 != 0 || docMentions(ins.op, "imm0")) {
    std::snprintf(buf, sizeof buf, " imm0=%" PRId64, ins.imm0);
    s += buf;
  }
  if (ins.imm1 != 0 || docMentions(ins.op, "imm1")) {
    std::snprintf(buf, sizeof buf, " imm1=%" PRId64, ins.imm1);
    s += buf;
  }
  if (ins.keep_mask != 0) {
    std::snprintf(buf, sizeof buf, " keep=0x%x", ins.keep_mask);
    s += buf;
  }
  if (ins.op == Op::Branch || ins.op == Op::CondBranch || ins.target0 != kNone ||
      ins.target1 != kNone) {
    s += " ->";
    if (ins.target0 != kNone || ins.op == Op::Branch || ins.op == Op::CondBranch) {
      s += " " + block(ins.target0);
    }
    if (ins.target1 != kNone || ins.op == Op::CondBranch) s += " " + block(ins.target1);
  }
  if (ins.frame_state >= 0) {
    if (static_cast<size_t>(ins.frame_state) < f_.frame_states.size()) {
      const FrameState& fs = f_.frame_states[ins.frame_state];
      s += " fs{@" + std::to_string(fs.bc_index);
      if (!fs.stack.empty()) {
        s += ":";
        for (InstrId v : fs.stack) s += " " + value(v);
      }
      s += "}";
    } else {
      s += " fs{!" + std::to_string(ins.frame_state) + "}";
    }
  }
  if (ins.bc_index >= 0) s += " @" + std::to_string(ins.bc_index);
  if (opts_.const_reprs) {
    std::string note;
    if (ins.op == Op::LoadConst && ins.obj != nullptr) note = constRepr(ins.obj);
    for (int64_t imm : {ins.imm0, ins.imm1}) {
      PyObject* named = codeObjectFor(imm);
      if (named == nullptr) continue;
      if (!note.empty()) note += "; ";
      note += constRepr(named);
    }
    if (!note.empty()) s += "  # " + note;
  }
  return s;
}

std::string print(const Function& f, const PrintOptions& opts) {
  Names names(f, opts);
  // The name is one token in the text form: whitespace would not parse back.
  std::string name = f.name.empty() ? std::string("?") : f.name;
  for (char& c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '#') c = '_';
  }
  std::string out = "function " + name;
  out += " nlocalsplus=" + std::to_string(f.nlocalsplus);
  out += " stacksize=" + std::to_string(f.stacksize) + "\n";
  for (BlockId b : names.blockOrder()) {
    out += names.blockHeader(b) + "\n";
    for (InstrId id : f.block(b).instrs) {
      if (id < f.instrs.size() && f.instr(id).removed) continue;
      out += "  " + names.instr(id) + "\n";
    }
  }
  return out;
}

std::string printInstr(const Function& f, InstrId id) { return Names(f).instr(id); }

}  // namespace ember::hir
