// HIR -> LIR lowering.
#pragma once

#include "ember/common/result.h"
#include "ember/hir/hir.h"
#include "ember/lir/lir.h"

namespace ember::lir {

// Address of each runtime helper, indexed by HelperId (supplied by the runtime
// so that lowering does not depend on it).
using HelperAddressFn = void* (*)(hir::HelperId);

// Lowers an optimised HIR function (after refcount insertion) to LIR. Blocks
// are laid out in HIR reverse post-order; phis become block parameters;
// conditional edges into blocks with parameters get their own edge block.
Result<Function> lower(const hir::Function& f, HelperAddressFn helper_address);

// Byte offset of localsplus[i] in a _PyInterpreterFrame.
int64_t localsplusOffset(int64_t i);
int64_t prevInstrOffset();

}  // namespace ember::lir
