// Helpers shared by the HIR gtests: parse text or fail the test.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ember/hir/hir.h"
#include "ember/hir/parser.h"

namespace ember::hir::testing {

inline Function parseOrDie(const std::string& text) {
  auto r = parse(text);
  if (!r.ok()) {
    ADD_FAILURE() << "parse failed: " << r.error().toString() << "\n" << text;
    return Function{};
  }
  return std::move(r.value());
}

// A small function that exercises calls, checks, a branch and two returns.
inline const char* kAddAndTest =
    "function add_and_test nlocalsplus=2 stacksize=2\n"
    "bb0:\n"
    "  v0 = LoadLocal imm0=0 @2\n"
    "  v1 = LoadConst imm0=1 @4\n"
    "  v2 = CallHelper<binary_op> v0 v1 @6\n"
    "  CheckNull v2 fs{@6} @6\n"
    "  v3:i = CallHelper<is_true> v2 keep=0x1 @8\n"
    "  CheckNeg v3 fs{@8: v2} @8\n"
    "  CondBranch v3 -> bb1 bb2 @8\n"
    "bb1 (preds bb0):\n"
    "  Return v2 @10\n"
    "bb2 (preds bb0):\n"
    "  Decref v2 @12\n"
    "  v4 = LoadConst imm0=0 @12\n"
    "  Return v4 @14\n";

}  // namespace ember::hir::testing
