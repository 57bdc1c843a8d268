// The HIR pass pipeline: which passes run, in which order, and the scope each
// runs in.
//
// runPipeline is the one place that says what the JIT does to HIR between the
// builder and LIR lowering:
//     verify input -> simplify, cfg_cleanup, dce (again once if they changed
//     anything) -> refcount_insertion
// Every step runs through runPass, whose PassScope
//  - skips the pass if its name is in ctx.disabled;
//  - times it (ctx.time_passes -> ctx.timings);
//  - appends the printed function before and after to ctx.dump
//    (ctx.dump_passes);
//  - runs the verifier after it (ctx.verify): verifyOwnership in ctx.ref_mode,
//    which includes the structural checks, and turns failures into a
//    CompileError (reason Internal) naming the pass and quoting the errors.
// While the pipeline runs, a failed EMBER_CHECK prints the current HIR.
//
// Result<bool>: the value says whether any pass changed the function.
#pragma once

#include <string>
#include <vector>

#include "ember/common/result.h"
#include "ember/hir/hir.h"
#include "ember/hir/passes/pass.h"

namespace ember::hir {

// The whole pipeline. On error the function may be half-transformed: drop it.
Result<bool> runPipeline(Function& f, PassContext& ctx);

// One pass in its scope (disable check, timing, dumps, verification).
Result<bool> runPass(Function& f, Pass& pass, PassContext& ctx);

// The named passes in order, each through runPass (file tests, tools). An
// unknown name is an error. Verifies the input first when ctx.verify.
Result<bool> runPasses(Function& f, const std::vector<std::string>& names, PassContext& ctx);

// Verifies f as the pipeline does (ownership in ctx.ref_mode); `step` names
// what produced it in the error.
Result<bool> verifyStep(const Function& f, const PassContext& ctx, const std::string& step);

}  // namespace ember::hir
