// Where each runtime helper lives: HelperId (rows of runtime/helpers.def) ->
// the address of its extern "C" function ember_h_<Name>, for the code
// generator's calls. Built with the same X-macro as the HelperId enum, so a row
// without a function fails to link, and helper_table.cpp statically checks each
// function's C signature against the row's Ret and Sig columns.
#pragma once

#include "ember/hir/hir.h"

namespace ember::runtime {

// The helper's entry point; nullptr only for HelperId::None or an id out of
// range.
void* helperAddress(ember::hir::HelperId id);

}  // namespace ember::runtime
