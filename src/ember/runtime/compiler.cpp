// The compile driver. The pipeline is one short function (compileCode):
// read bytecode -> build HIR -> HIR passes (verified when asked) -> lower to
// LIR -> allocate registers -> emit x86-64 -> install. Each step returns a
// Result, so any failure becomes a counted reason and the function stays in
// the interpreter. Dumps of each stage are collected into a Dumps object when
// requested, for -X jit-dump and ember.jit.dump().
#include "ember/runtime/compiler.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "ember/bytecode/reader.h"
#include "ember/codegen/emitter.h"
#include "ember/hir/builder/builder.h"
#include "ember/hir/passes/pipeline.h"
#include "ember/hir/printer.h"
#include "ember/lir/lower.h"
#include "ember/lir/printer.h"
#include "ember/regalloc/regalloc.h"
#include "ember/runtime/code_allocator.h"
#include "ember/runtime/entry.h"
#include "ember/runtime/eval_breaker.h"
#include "ember/runtime/helper_table.h"
#include "ember/runtime/jit_state.h"

namespace ember::runtime {

namespace {

constexpr int kCoGeneratorFlags = CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE;
constexpr Py_ssize_t kMaxCodeUnits = 20000;

struct Dumps {
  std::set<std::string> want;
  std::map<std::string, std::string> text;
  bool wants(const std::string& s) const { return want.count(s) != 0; }
};

std::string hexAsm(const codegen::EmitOutput& out, const void* base) {
  // Machine code with the LIR instruction each range came from. A real
  // disassembly is produced by objdump when it is installed.
  std::ostringstream os;
  std::string objdump;
  char tmpl[] = "/tmp/ember-asm-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd >= 0) {
    ssize_t w = write(fd, out.bytes.data(), out.bytes.size());
    close(fd);
    if (w == static_cast<ssize_t>(out.bytes.size())) {
      char cmd[512];
      std::snprintf(cmd, sizeof cmd,
                    "objdump -D -b binary -mi386:x86-64 -M intel --adjust-vma=0x%llx %s 2>/dev/null",
                    static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(base)), tmpl);
      FILE* p = popen(cmd, "r");
      if (p != nullptr) {
        char buf[512];
        while (fgets(buf, sizeof buf, p) != nullptr) objdump += buf;
        pclose(p);
      }
    }
    unlink(tmpl);
  }
  os << "; " << out.bytes.size() << " bytes at " << base << "\n";
  os << "; LIR origins (offset: instruction)\n";
  for (const auto& [off, text] : out.annotations) os << ";   " << off << ": " << text << "\n";
  if (!objdump.empty()) {
    os << objdump;
  } else {
    for (size_t i = 0; i < out.bytes.size(); i++) {
      char b[4];
      std::snprintf(b, sizeof b, "%02x", out.bytes[i]);
      os << b << ((i % 16 == 15) ? "\n" : " ");
    }
    os << "\n";
  }
  return os.str();
}

Result<CompiledCode*> compileCode(PyFunctionObject* func, Dumps* dumps, bool install) {
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  std::string name = functionKey(func);
  if (co->co_flags & kCoGeneratorFlags) return CompileError{FailReason::Generator, ""};
  if (Py_SIZE(co) > kMaxCodeUnits) return CompileError{FailReason::TooLarge, ""};
  if (reinterpret_cast<PyObject*>(co) == tickCode()) return CompileError{FailReason::NotAFunction, "runtime helper"};

  if (dumps != nullptr && dumps->wants("bytecode")) dumps->text["bytecode"] = bytecode::Reader(co).dump();

  auto hir = hir::buildHir(co, name);
  if (!hir.ok()) return hir.error();
  hir::Function& hf = *hir.value();
  if (dumps != nullptr && dumps->wants("hir")) dumps->text["hir"] = hir::print(hf);

  hir::PassContext ctx;
  ctx.verify = config().verify;
  ctx.time_passes = config().time_passes;
  ctx.dump_passes = dumps != nullptr && dumps->wants("hir-passes");
  ctx.fuel = hir::PassContext::fuelFromEnv();
  for (const auto& p : config().disabled_passes) ctx.disabled.push_back(p);
  auto piped = hir::runPipeline(hf, ctx);
  for (const auto& t : ctx.timings) stats().pass_ms[t.pass] += t.ms;
  if (dumps != nullptr && ctx.dump_passes) dumps->text["hir-passes"] = ctx.dump;
  if (!piped.ok()) return piped.error();
  if (dumps != nullptr && dumps->wants("hir-final")) dumps->text["hir-final"] = hir::print(hf);

  auto lowered = lir::lower(hf, helperAddress);
  if (!lowered.ok()) return lowered.error();
  lir::Function& lf = lowered.value();
  if (dumps != nullptr && dumps->wants("lir")) dumps->text["lir"] = lir::print(lf);

  auto alloc = regalloc::allocate(lf);
  if (!alloc.ok()) return alloc.error();
  if (dumps != nullptr && dumps->wants("regalloc")) {
    dumps->text["regalloc"] = regalloc::printAllocation(lf, alloc.value());
  }

  codegen::EmitInput in;
  in.fn = &lf;
  in.alloc = &alloc.value();
  in.nlocalsplus = co->co_nlocalsplus;
  in.code_units = reinterpret_cast<const uint16_t*>(_PyCode_CODE(co));
  auto cc = std::make_unique<CompiledCode>();
  in.clean_version_addr = reinterpret_cast<int64_t>(&cc->clean_version);
  in.hooks.frame_return = reinterpret_cast<void*>(ember_frame_return);
  in.hooks.deopt = reinterpret_cast<void*>(ember_deopt);
  in.hooks.service_breaker = helperAddress(hir::HelperId::service_eval_breaker);
  in.hooks.dealloc = reinterpret_cast<void*>(_Py_Dealloc);
  auto out = codegen::emit(in);
  if (!out.ok()) return out.error();

  if (!install) {
    if (dumps != nullptr && dumps->wants("asm")) dumps->text["asm"] = hexAsm(out.value(), nullptr);
    return static_cast<CompiledCode*>(nullptr);
  }
  CodeBlock block = installCode(out.value().bytes.data(), out.value().bytes.size());
  void* mem = block.start;
  if (mem == nullptr) return CompileError{FailReason::OutOfMemory, "executable memory"};
  if (dumps != nullptr && dumps->wants("asm")) dumps->text["asm"] = hexAsm(out.value(), mem);
  if (config().perf_map) {
    PyUnstable_PerfMapState_Init();
    PyUnstable_WritePerfMapEntry(mem, static_cast<unsigned int>(out.value().bytes.size()),
                                 ("ember:" + name).c_str());
  }
  cc->body = reinterpret_cast<BodyFn>(mem);
  cc->size = out.value().bytes.size();
  cc->block = block;
  cc->runtime_data = std::move(hf.runtime_data);
  cc->name = name;
  return cc.release();
}

void recordFailure(const std::string& name, const CompileError& err) {
  std::string reason = failReasonName(err.reason);
  stats().failures[reason]++;
  if (stats().failure_examples.count(reason) == 0) {
    stats().failure_examples[reason] = name + (err.detail.empty() ? "" : ": " + err.detail);
  }
}

}  // namespace

bool isCandidate(PyFunctionObject* func) {
  const Config& c = config();
  if (c.mode == Mode::Off) return false;
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  if (co->co_flags & kCoGeneratorFlags) return false;
  if (reinterpret_cast<PyObject*>(co) == tickCode()) return false;
  std::string key = functionKey(func);
  if (!matchesFilter(key)) return false;
  if (c.mode == Mode::List && c.jit_list.count(key) == 0) return false;
  return true;
}

bool compileFunction(PyFunctionObject* func) {
  auto* co = reinterpret_cast<PyCodeObject*>(func->func_code);
  CodeState* st = codeState(co, true);
  if (st == nullptr) return false;
  if (st->compiled != nullptr) {
    installEntry(func);
    return true;
  }
  if (st->failed) return false;
  // Compilation may touch Python (e.g. reprs in dumps): keep the caller's
  // exception state exactly as it was.
  PyObject* saved = PyErr_GetRaisedException();
  std::string name = functionKey(func);
  Dumps dumps;
  dumps.want = config().dump_stages;
  auto t0 = std::chrono::steady_clock::now();
  auto r = compileCode(func, dumps.want.empty() ? nullptr : &dumps, true);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  stats().total_compile_ms += ms;
  for (const auto& [stage, text] : dumps.text) logText("=== " + stage + " " + name + " ===\n" + text);
  bool ok = r.ok();
  if (ok) {
    st->compiled = r.value();
    co->co_version = 0;
    stats().compiled++;
    stats().function_ms[name] = ms;
    PyFunction_SetVectorcall(func, ember_compiled_entry);
  } else {
    st->failed = true;
    recordFailure(name, r.error());
    if (!config().dump_stages.empty()) logText("ember: not compiled " + name + ": " + r.error().toString());
    restoreInterpreter(func);
  }
  PyErr_Clear();
  PyErr_SetRaisedException(saved);
  return ok;
}

Result<std::string> dumpStage(PyFunctionObject* func, const std::string& stage) {
  static const std::set<std::string> kStages = {"bytecode", "hir", "hir-passes", "hir-final",
                                                "lir", "regalloc", "asm"};
  if (kStages.count(stage) == 0) return CompileError{FailReason::Internal, "unknown stage '" + stage + "'"};
  Dumps dumps;
  dumps.want = {stage};
  PyObject* saved = PyErr_GetRaisedException();
  auto r = compileCode(func, &dumps, false);
  PyErr_Clear();
  PyErr_SetRaisedException(saved);
  if (dumps.text.count(stage) != 0) return dumps.text[stage];
  if (!r.ok()) return r.error();
  return std::string();
}

}  // namespace ember::runtime
