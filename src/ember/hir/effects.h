// Effect bits of HIR instructions. Composable constexpr bitsets; predicates
// derive from the bits so a pass asks `isPure(op)` rather than listing opcodes.
#pragma once

#include <cstdint>

namespace ember::hir {

using Effects = uint32_t;
inline constexpr Effects kPure = 0;
inline constexpr Effects kReadsFrame = 1u << 0;      // reads localsplus
inline constexpr Effects kWritesFrame = 1u << 1;     // writes localsplus
inline constexpr Effects kCallsArbitrary = 1u << 2;  // may run any Python code
inline constexpr Effects kCanRaise = 1u << 3;        // result signals an error (NULL / -1)
inline constexpr Effects kCanDeopt = 1u << 4;        // carries a FrameState, may leave to the interpreter
inline constexpr Effects kTerminator = 1u << 5;      // ends a block

inline constexpr int kVariadic = -1;
inline constexpr uint32_t kStealNone = 0;
inline constexpr uint32_t kStealAll = 0xffffffffu;

static_assert((kCallsArbitrary & kCanDeopt) == 0, "effect bits must be distinct");

}  // namespace ember::hir
