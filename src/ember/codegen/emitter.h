// x86-64 emission: allocated LIR -> machine code bytes (xbyak encodes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ember/common/result.h"
#include "ember/lir/lir.h"
#include "ember/regalloc/regalloc.h"

namespace ember::codegen {

// Runtime entry points the generated code calls at its exits.
struct RuntimeHooks {
  // Finishes the frame normally and returns `result` (which it passes through).
  void* frame_return = nullptr;   // PyObject* (PyThreadState*, _PyInterpreterFrame*, PyObject*)
  // Leaves for the interpreter; returns what the interpreter returns.
  void* deopt = nullptr;          // PyObject* (PyThreadState*, _PyInterpreterFrame*, int bc_index, int throw)
  // Loop back-edge slow path: 0 go on, 1 resume in the interpreter, -1 raise.
  void* service_breaker = nullptr;  // int (PyThreadState*, _PyInterpreterFrame*)
  void* dealloc = nullptr;        // _Py_Dealloc
};

struct EmitInput {
  const lir::Function* fn = nullptr;
  const regalloc::Allocation* alloc = nullptr;
  int nlocalsplus = 0;
  const uint16_t* code_units = nullptr;  // _PyCode_CODE(code), for prev_instr values
  int64_t clean_version_addr = 0;  // &CompiledCode::clean_version
  RuntimeHooks hooks;
};

struct EmitOutput {
  std::vector<uint8_t> bytes;  // position-independent: only relative jumps to itself
  // Offsets of each LIR block's first byte, for the asm dump.
  std::vector<uint32_t> block_offsets;
  std::vector<std::pair<uint32_t, std::string>> annotations;  // offset -> text
};

// Emits the body function: PyObject* body(PyThreadState* ts, _PyInterpreterFrame* f).
Result<EmitOutput> emit(const EmitInput& in);

}  // namespace ember::codegen
