#include "ember/common/result.h"

namespace ember {

const char* failReasonName(FailReason r) {
  switch (r) {
#define X(name, text) \
  case FailReason::name: \
    return text;
#include "ember/common/compile_failures.def"
#undef X
  }
  return "?";
}

std::string CompileError::toString() const {
  std::string s = failReasonName(reason);
  if (!detail.empty()) s += ": " + detail;
  return s;
}

}  // namespace ember
