#include "ember/regalloc/names.h"

#include <cstdlib>

namespace ember::regalloc {

namespace {
const char* const kNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
}

const char* physRegName(int reg) { return reg >= 0 && reg < 16 ? kNames[reg] : "?"; }

std::string locationName(const Location& loc) {
  switch (loc.kind) {
    case Location::Kind::Reg:
      return physRegName(loc.reg);
    case Location::Kind::Stack:
      return "s" + std::to_string(loc.slot);
    case Location::Kind::None:
      break;
  }
  return "-";
}

Location parseLocationName(const std::string& name) {
  for (int r = 0; r < 16; r++)
    if (name == kNames[r]) return Location::inReg(static_cast<PhysReg>(r));
  if (name.size() >= 2 && name[0] == 's' && name.find_first_not_of("0123456789", 1) == std::string::npos)
    return Location::onStack(std::atoi(name.c_str() + 1));
  return Location{};
}

}  // namespace ember::regalloc
