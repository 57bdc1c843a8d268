#include "ember/bytecode/reader.h"

#include <cstdio>

#include "ember/cpython/opcodes.h"

namespace ember::bytecode {

Reader::Reader(PyCodeObject* code) : code_(code) {
  const _Py_CODEUNIT* units = _PyCode_CODE(code);
  int n = static_cast<int>(Py_SIZE(code));
  pos_by_unit_.assign(n + 1, -1);
  int i = 0;
  while (i < n) {
    Instr in;
    in.start = i;
    int oparg = 0;
    int op = units[i].op.code;
    // EXTENDED_ARG prefixes (possibly specialised forms never exist for it).
    while (ember_opcode_deopt(op) == EXTENDED_ARG && i + 1 < n) {
      oparg = (oparg << 8) | units[i].op.arg;
      i++;
      op = units[i].op.code;
    }
    if (op >= MIN_INSTRUMENTED_OPCODE) instrumented_ = true;
    int base = ember_opcode_deopt(op);
    oparg = (oparg << 8) | units[i].op.arg;
    in.index = i;
    in.opcode = base;
    in.specialized = op;
    in.oparg = oparg;
    in.next = i + 1 + ember_opcode_caches(base);
    for (int u = in.start; u <= in.index; u++) pos_by_unit_[u] = static_cast<int>(instrs_.size());
    instrs_.push_back(in);
    i = in.next;
  }
}

int Reader::positionOf(int index) const {
  if (index < 0 || index >= static_cast<int>(pos_by_unit_.size())) return -1;
  return pos_by_unit_[index];
}

bool Reader::isJump(int op) const {
  switch (op) {
    case JUMP_FORWARD:
    case JUMP_BACKWARD:
    case JUMP_BACKWARD_NO_INTERRUPT:
    case POP_JUMP_IF_FALSE:
    case POP_JUMP_IF_TRUE:
    case POP_JUMP_IF_NONE:
    case POP_JUMP_IF_NOT_NONE:
    case FOR_ITER:
    case SEND:
      return true;
    default:
      return false;
  }
}

int Reader::jumpTarget(const Instr& in) const {
  switch (in.opcode) {
    case JUMP_BACKWARD:
    case JUMP_BACKWARD_NO_INTERRUPT:
      return in.next - in.oparg;
    case FOR_ITER:
      return in.next + in.oparg + 1;  // past the END_FOR the oparg points at
    default:
      return in.next + in.oparg;
  }
}

std::string opcodeName(int opcode) {
  static PyObject* names = nullptr;
  if (names == nullptr) {
    PyObject* dis = PyImport_ImportModule("dis");
    if (dis != nullptr) {
      names = PyObject_GetAttrString(dis, "_all_opname");
      Py_DECREF(dis);
    }
    if (names == nullptr) PyErr_Clear();
  }
  if (names != nullptr && PyList_Check(names) && opcode >= 0 && opcode < PyList_GET_SIZE(names)) {
    const char* s = PyUnicode_AsUTF8(PyList_GET_ITEM(names, opcode));
    if (s != nullptr) return s;
    PyErr_Clear();
  }
  return "op" + std::to_string(opcode);
}

std::string Reader::dump() const {
  std::string out;
  char buf[160];
  for (const Instr& in : instrs_) {
    std::string name = opcodeName(in.specialized);
    std::snprintf(buf, sizeof buf, "%5d  %-28s %d", in.index * 2, name.c_str(), in.oparg);
    out += buf;
    if (isJump(in.opcode)) out += " -> " + std::to_string(jumpTarget(in) * 2);
    out += "\n";
  }
  return out;
}

}  // namespace ember::bytecode
