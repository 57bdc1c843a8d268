// LIR text: the parser, inverse of lir/printer.h (the format is described
// there). Used by tests and file tests to write LIR by hand.
//
// Guarantee: for every f the printer accepts, print(parse(print(f))) ==
// print(f). The parser checks syntax and numbering only (blocks and deopts
// must appear as bb0, bb1, ... and deopt#0, deopt#1, ... in order); semantic
// checks (SSA, dominance, terminators) are lir/verifier.h's job, so malformed
// but parseable LIR can be written down to test the verifier.
//
// Extras the printer never writes: blank lines and lines starting with ';'
// are ignored; `vregs=N` may be omitted (then num_vregs = highest vreg + 1);
// register annotations like %5[rbx] (the regalloc dump) are skipped.
// Errors are CompileError{FailReason::Internal, "line N: what: text"}.
#pragma once

#include <string_view>

#include "ember/common/result.h"
#include "ember/lir/lir.h"

namespace ember::lir {

Result<Function> parse(std::string_view text);

}  // namespace ember::lir
