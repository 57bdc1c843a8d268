// Assertions for ember's compiler and runtime.
//
// EMBER_CHECK(cond, fmt, ...) is always on: a failed check prints the message
// (and whatever the current compilation registered as context, e.g. the IR
// being built) and aborts. It is for invariants whose violation would make the
// JIT produce wrong code; user-reachable conditions are never checks, they are
// CompileError values (see result.h) or Python exceptions.
// EMBER_DCHECK is the same in debug builds and nothing otherwise.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace ember {

// Called on a failed check; prints the registered context, then aborts.
[[noreturn]] void checkFailed(const char* file, int line, const char* cond, const char* msg);

// The text of the IR currently being compiled, printed by a failed check.
// Set by the pipeline; cleared when the compilation ends.
void setCheckContext(const char* (*dump)(void*), void* arg);

}  // namespace ember

#define EMBER_CHECK(cond, ...)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      char ember_check_msg_[512];                                        \
      std::snprintf(ember_check_msg_, sizeof ember_check_msg_, "" __VA_ARGS__); \
      ::ember::checkFailed(__FILE__, __LINE__, #cond, ember_check_msg_); \
    }                                                                    \
  } while (0)

#ifdef NDEBUG
#define EMBER_DCHECK(cond, ...) \
  do {                          \
  } while (0)
#else
#define EMBER_DCHECK(cond, ...) EMBER_CHECK(cond, __VA_ARGS__)
#endif
