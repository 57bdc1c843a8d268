// Primitive kinds and the semantics of every primitive operation.
//
// This header is the single source of truth for what a Static Python
// primitive operation computes. The interpreter path (the functions exported
// by ember._static and called from compiled static modules) and any JIT that
// lowers primitive arithmetic to machine code must both evaluate through these
// templates (or prove they compute the same), so the two can never disagree.
//
// Invariants:
//  - Each integer kind is a two's-complement value of its width; `+ - * neg`
//    wrap modulo 2^N (computed in uint64_t so no signed overflow UB exists).
//  - `//` and `%` truncate toward zero (C semantics). Division by zero is
//    reported to the caller (the templates return false) which raises
//    ZeroDivisionError. MIN // -1 wraps to MIN and MIN % -1 is 0.
//  - Shift counts are read as unsigned: a count >= the width (including any
//    negative count) gives 0 for `<<` and unsigned `>>`, and the sign fill
//    (0 or -1) for `>>` of a signed value.
//  - `double` is IEEE 754 and is handled by CPython's float (not here).
// Kind numbers are part of the metadata format (docs/static-python.md) and
// must not be renumbered.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace ember::staticpy {

// X(name, ctype, number)
#define EMBER_INT_PRIM_KINDS(X) \
  X(int8, int8_t, 1)            \
  X(int16, int16_t, 2)          \
  X(int32, int32_t, 3)          \
  X(int64, int64_t, 4)          \
  X(uint8, uint8_t, 5)          \
  X(uint16, uint16_t, 6)        \
  X(uint32, uint32_t, 7)        \
  X(uint64, uint64_t, 8)

enum class PrimKind : int {
  kObject = 0,
#define EMBER_KIND_ENUM(name, ctype, num) k_##name = num,
  EMBER_INT_PRIM_KINDS(EMBER_KIND_ENUM)
#undef EMBER_KIND_ENUM
  k_double = 9,
  k_cbool = 10,
};

constexpr bool isIntKind(int k) { return k >= 1 && k <= 8; }
constexpr bool isSignedKind(int k) { return k >= 1 && k <= 4; }
constexpr int kindBits(int k) {
  switch (k) {
    case 1: case 5: return 8;
    case 2: case 6: return 16;
    case 3: case 7: return 32;
    case 4: case 8: case 9: return 64;
    case 10: return 8;
    default: return 64;
  }
}

template <class T>
constexpr unsigned widthOf() { return sizeof(T) * 8; }

template <class T> constexpr T primAdd(T a, T b) { return static_cast<T>(uint64_t(a) + uint64_t(b)); }
template <class T> constexpr T primSub(T a, T b) { return static_cast<T>(uint64_t(a) - uint64_t(b)); }
template <class T> constexpr T primMul(T a, T b) { return static_cast<T>(uint64_t(a) * uint64_t(b)); }
template <class T> constexpr T primNeg(T a) { return static_cast<T>(uint64_t(0) - uint64_t(a)); }
template <class T> constexpr T primInvert(T a) { return static_cast<T>(~uint64_t(a)); }
template <class T> constexpr T primAnd(T a, T b) { return static_cast<T>(a & b); }
template <class T> constexpr T primOr(T a, T b) { return static_cast<T>(a | b); }
template <class T> constexpr T primXor(T a, T b) { return static_cast<T>(a ^ b); }

// Truncating division; returns false on a zero divisor.
template <class T>
constexpr bool primFloorDiv(T a, T b, T& out) {
  if (b == 0) return false;
  if constexpr (std::is_signed_v<T>) {
    if (a == std::numeric_limits<T>::min() && b == T(-1)) {
      out = a;  // wraps: -MIN == MIN
      return true;
    }
  }
  out = static_cast<T>(a / b);
  return true;
}

template <class T>
constexpr bool primMod(T a, T b, T& out) {
  if (b == 0) return false;
  if constexpr (std::is_signed_v<T>) {
    if (b == T(-1)) {
      out = 0;
      return true;
    }
  }
  out = static_cast<T>(a % b);
  return true;
}

template <class T>
constexpr T primLshift(T a, T count) {
  uint64_t c = uint64_t(static_cast<std::make_unsigned_t<T>>(count));
  if (c >= widthOf<T>()) return 0;
  return static_cast<T>(uint64_t(a) << c);
}

template <class T>
constexpr T primRshift(T a, T count) {
  uint64_t c = uint64_t(static_cast<std::make_unsigned_t<T>>(count));
  if constexpr (std::is_signed_v<T>) {
    if (c >= widthOf<T>()) return a < 0 ? T(-1) : T(0);
    return static_cast<T>(a >> c);  // arithmetic shift (C++20 defines it)
  } else {
    if (c >= widthOf<T>()) return 0;
    return static_cast<T>(a >> c);
  }
}

// Explicit conversion between widths: keep the low bits (C++20 modular cast).
template <class T>
constexpr T primWrap(uint64_t lowBits) { return static_cast<T>(lowBits); }

// Compile-time checks of the laws above at the edges.
static_assert(primAdd<int8_t>(127, 1) == -128);
static_assert(primSub<uint8_t>(0, 1) == 255);
static_assert(primMul<int16_t>(256, 256) == 0);
static_assert(primNeg<int32_t>(std::numeric_limits<int32_t>::min()) == std::numeric_limits<int32_t>::min());
static_assert(primRshift<int8_t>(-8, 100) == -1);
static_assert(primRshift<int8_t>(-8, 1) == -4);
static_assert(primLshift<uint32_t>(1, 32) == 0);
static_assert(primLshift<int64_t>(1, -1) == 0);

}  // namespace ember::staticpy
