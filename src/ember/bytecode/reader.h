// Bytecode reader for CPython 3.12.
//
// Decodes a code object's live, quickened instruction array
// (co_code_adaptive): each specialised or superinstruction form is mapped back
// to its base opcode for semantics, while the specialised opcode is kept as
// type feedback. EXTENDED_ARG prefixes are folded into the oparg of the
// instruction they prefix, inline CACHE units are skipped, and jump targets
// are resolved to code-unit indices.
//
// Index conventions (all in 16-bit code units from the start of the code):
//  - `index` is the unit of the instruction itself (after its EXTENDED_ARGs):
//    where the interpreter's prev_instr points while it executes it, the
//    offset used to look up exception handlers and line numbers;
//  - `start` is the unit of its first EXTENDED_ARG (or == index): where a
//    resumption *before* the instruction must land;
//  - `next` is the unit after its inline caches.
#pragma once

#include <string>
#include <vector>

#include "ember/cpython/py312.h"

namespace ember::bytecode {

struct Instr {
  int start = 0;
  int index = 0;
  int next = 0;
  int opcode = 0;       // base opcode (what the instruction means)
  int specialized = 0;  // opcode found in co_code_adaptive (feedback)
  int oparg = 0;
};

class Reader {
 public:
  explicit Reader(PyCodeObject* code);

  const std::vector<Instr>& instrs() const { return instrs_; }
  // Position in instrs() of the instruction at code unit `index` (its
  // `index` or `start`), or -1.
  int positionOf(int index) const;
  // Jump target (code unit) of a jump instruction; for FOR_ITER the unit where
  // the loop exits (past END_FOR).
  int jumpTarget(const Instr& i) const;
  bool isJump(int opcode) const;
  // True if any instruction was instrumented (INSTRUMENTED_*).
  bool instrumented() const { return instrumented_; }
  PyCodeObject* code() const { return code_; }

  // Human-readable listing, one instruction per line, with specialised names.
  std::string dump() const;

 private:
  PyCodeObject* code_;
  std::vector<Instr> instrs_;
  std::vector<int> pos_by_unit_;
  bool instrumented_ = false;
};

// Opcode name of a base opcode, from the `dis` module's tables (cached).
std::string opcodeName(int opcode);

}  // namespace ember::bytecode
