// The JIT's process-wide state: configuration, per-code-object state, stats.
//
// Per code object, a CodeState hangs off the code's co_extra slot (freed with
// the code object). It counts interpreted calls in auto mode and points at the
// compiled body once there is one; every function object sharing the code
// shares the compiled body (globals, builtins and closure cells are read from
// the frame, never baked in).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ember/cpython/py312.h"
#include "ember/runtime/code_allocator.h"
#include "ember/runtime/native_stack.h"

namespace ember::runtime {

enum class Mode { Off, Auto, All, List };

struct Config {
  Mode mode = Mode::Off;
  uint32_t threshold = 1000;
  std::string filter;                  // glob over "module:qualname"
  std::set<std::string> dump_stages;   // printed to the log for each compile
  std::set<std::string> disabled_passes;
  bool verify = false;
  bool time_passes = false;
  bool perf_map = false;
  std::string log_file;
  std::set<std::string> jit_list;      // "module:qualname" (List mode)
};

using BodyFn = NativeBody;  // a compiled body: PyObject* body(ts, frame)

struct CompiledCode {
  BodyFn body = nullptr;
  CodeBlock block;  // the executable memory holding body, freed with the code object
  std::vector<std::shared_ptr<void>> runtime_data;  // inline caches the body points at
  // The interpreter's monitoring_version at which this code was last found
  // free of tracing, profiling and sys.monitoring (codeIsInstrumented false).
  // Entry and every loop checkpoint compare it with the live version: on a
  // mismatch the slow path asks codeIsInstrumented again and either hands
  // the frame to the interpreter or records the new version. Comparing
  // against the code object's own _co_instrumentation_version would not do:
  // sys.settrace re-instruments the code of frames already running, so that
  // version catches up while compiled code is still executing.
  uint64_t clean_version = ~uint64_t{0};
  size_t size = 0;
  std::string name;
};

struct CodeState {
  uint32_t calls = 0;
  CompiledCode* compiled = nullptr;
  bool failed = false;
  bool suppressed = false;
};

struct Stats {
  uint64_t compiled = 0;
  std::map<std::string, uint64_t> failures;   // by FailReason name
  std::map<std::string, std::string> failure_examples;  // reason -> one "name: detail"
  double total_compile_ms = 0;
  std::map<std::string, double> function_ms;  // per compiled function
  std::map<std::string, double> pass_ms;
  uint64_t deopts_throw = 0;   // exits raising an exception in the interpreter
  uint64_t deopts_resume = 0;  // other exits to the interpreter
};

Config& config();
Stats& stats();

// The CodeState of `code`, created if `create`; nullptr on failure/absent.
CodeState* codeState(PyCodeObject* code, bool create);

// co_extra as codeobject.c lays it out (the struct is private to that file):
// a size and that many slots. Read directly on the call path, where the
// checked PyUnstable_Code_GetExtra shows up in profiles; codeState() verifies
// the layout the first time it stores a CodeState and turns this off if the
// two disagree.
struct CodeExtraLayout {
  Py_ssize_t size;
  void* slots[1];
};
extern Py_ssize_t g_fast_extra_index;  // -1: use codeState()

inline CodeState* existingCodeState(PyCodeObject* code) {
  Py_ssize_t index = g_fast_extra_index;
  if (index < 0) return codeState(code, false);
  auto* extra = static_cast<CodeExtraLayout*>(code->co_extra);
  if (extra == nullptr || index >= extra->size) return nullptr;
  return static_cast<CodeState*>(extra->slots[index]);
}

// "module:qualname" of a function.
std::string functionKey(PyFunctionObject* func);
bool matchesFilter(const std::string& key);

// Writes a line of log output (stderr or the configured log file).
void logText(const std::string& text);

}  // namespace ember::runtime
