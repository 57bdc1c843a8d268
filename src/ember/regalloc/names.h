// Printable names of physical registers and allocation locations, shared by
// the allocation dump (printAllocation), the LIR printer's regalloc overload
// and the tests.
#pragma once

#include <string>

#include "ember/regalloc/regalloc.h"

namespace ember::regalloc {

// "rax" .. "r15"; "?" for anything else.
const char* physRegName(int reg);
// "rbx", "s3" (stack slot 3), "-" (no location).
std::string locationName(const Location& loc);
// Inverse of locationName for registers and slots; Kind::None if not a name.
Location parseLocationName(const std::string& name);

}  // namespace ember::regalloc
