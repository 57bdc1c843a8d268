// The compile driver: one function from code object to installed machine code.
#pragma once

#include <string>

#include "ember/common/result.h"
#include "ember/cpython/py312.h"

namespace ember::runtime {

// Whether the current configuration wants `func` compiled (mode, filter, JIT
// list, code kind). Generators and the like are never candidates.
bool isCandidate(PyFunctionObject* func);

// Compiles func's code (once per code object), records the outcome in its
// CodeState and in stats(), and installs the compiled entry on func. Never
// raises: a failure leaves the function interpreted. Returns true on success.
bool compileFunction(PyFunctionObject* func);

// The text of one pipeline stage for func ("bytecode", "hir", "hir-passes",
// "hir-final", "lir", "regalloc", "asm"), compiled afresh and not installed.
Result<std::string> dumpStage(PyFunctionObject* func, const std::string& stage);

}  // namespace ember::runtime
