// Compile failure as a value.
//
// Every reason a function can be left in the interpreter is one row of
// compile_failures.def; stats() counts failures by the row's name. A compile
// step returns Result<T>: either a T or a CompileError carrying the reason and
// a free-form detail (e.g. the opcode name).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ember {

enum class FailReason {
#define X(name, text) name,
#include "ember/common/compile_failures.def"
#undef X
};

const char* failReasonName(FailReason r);

struct CompileError {
  FailReason reason;
  std::string detail;
  std::string toString() const;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(CompileError err) : v_(std::move(err)) {}
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const CompileError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, CompileError> v_;
};

}  // namespace ember
