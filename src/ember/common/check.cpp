#include "ember/common/check.h"

namespace ember {

namespace {
const char* (*g_dump)(void*) = nullptr;
void* g_dump_arg = nullptr;
}  // namespace

void setCheckContext(const char* (*dump)(void*), void* arg) {
  g_dump = dump;
  g_dump_arg = arg;
}

void checkFailed(const char* file, int line, const char* cond, const char* msg) {
  std::fprintf(stderr, "ember: check failed at %s:%d: %s\n  %s\n", file, line, cond, msg);
  if (g_dump != nullptr) {
    const char* text = g_dump(g_dump_arg);
    if (text != nullptr) std::fprintf(stderr, "while compiling:\n%s\n", text);
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace ember
