// Parses the text printer.h prints back into a Function: the test format, and
// how a dump from a failing run becomes a reproducer.
//
// Grammar (one item per line; `#` starts a comment that runs to the end of the
// line; blank lines are ignored):
//   function NAME [nlocalsplus=N] [stacksize=N]     optional, first
//   bbK [(preds bbA, bbB, ...)]:                    starts a block
//   [vN[:i] =] Op[<helper>] {vM} [imm0=N] [imm1=N] [keep=N] [-> bbT [bbF]]
//        [fs{@N[: vA vB ...]}] [@N]                   an instruction
// Value and block names are labels: they need not be dense or ordered, may be
// used before their definition (Phis in loops), and are renumbered on the next
// print. The first block is the entry. A LoadConst parses with obj = nullptr
// (a repr comment is ignored), so text round-trips exactly:
// print(parse(print(f))) == print(f) whenever no constant carries an object.
// Each instruction gets its own FrameState. The parser checks syntax and that
// every name is defined once; everything else is the verifier's job (the parser
// builds whatever the text says, broken or not).
#pragma once

#include <string>

#include "ember/common/result.h"
#include "ember/hir/hir.h"

namespace ember::hir {

// Errors are CompileError{Internal, "line N: what"}.
Result<Function> parse(const std::string& text);

}  // namespace ember::hir
