#include "ember/hir/passes/pipeline.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "ember/common/check.h"
#include "ember/hir/passes/cfg_cleanup.h"
#include "ember/hir/passes/dce.h"
#include "ember/hir/passes/refcount_insertion.h"
#include "ember/hir/passes/simplify.h"
#include "ember/hir/printer.h"
#include "ember/hir/verifier.h"

namespace ember::hir {

// --- PassContext and the pass registry -----------------------------------------

bool PassContext::isDisabled(const std::string& pass) const {
  for (const auto& d : disabled) {
    if (d == pass) return true;
  }
  return false;
}

bool PassContext::takeFuel() {
  if (fuel == 0) return false;
  if (fuel > 0) fuel--;
  fuel_used++;
  return true;
}

int64_t PassContext::fuelFromEnv() {
  const char* s = std::getenv("EMBER_OPT_FUEL");
  if (s == nullptr || *s == '\0') return -1;
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (*end != '\0' || v < 0) return -1;
  return v;
}

namespace {

struct PassEntry {
  const char* name;
  std::unique_ptr<Pass> (*make)();
};

template <typename T>
std::unique_ptr<Pass> make() {
  return std::make_unique<T>();
}

const PassEntry kPasses[] = {
    {"simplify", make<Simplify>},
    {"cfg_cleanup", make<CfgCleanup>},
    {"dce", make<Dce>},
    {"refcount_insertion", make<RefcountInsertion>},
};

}  // namespace

std::unique_ptr<Pass> createPass(const std::string& name) {
  for (const auto& e : kPasses) {
    if (name == e.name) return e.make();
  }
  return nullptr;
}

std::vector<std::string> passNames() {
  std::vector<std::string> out;
  for (const auto& e : kPasses) out.push_back(e.name);
  return out;
}

// --- scopes -------------------------------------------------------------------

namespace {

// While alive, a failed EMBER_CHECK prints the function being optimised.
class CheckContextScope {
 public:
  explicit CheckContextScope(const Function& f) { setCheckContext(&dump, const_cast<Function*>(&f)); }
  ~CheckContextScope() { setCheckContext(nullptr, nullptr); }

 private:
  static const char* dump(void* arg) {
    static thread_local std::string text;
    text = print(*static_cast<const Function*>(arg));
    return text.c_str();
  }
};

// Times, dumps and verifies one pass run.
class PassScope {
 public:
  PassScope(Function& f, const char* name, PassContext& ctx)
      : f_(f), name_(name), ctx_(ctx), start_(std::chrono::steady_clock::now()) {
    if (ctx_.dump_passes) ctx_.dump += "=== before " + name_ + " ===\n" + print(f_);
  }

  Result<bool> finish(bool changed) {
    if (ctx_.time_passes) {
      std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start_;
      ctx_.timings.push_back({name_, ms.count()});
    }
    if (ctx_.dump_passes) {
      ctx_.dump += "=== after " + name_ + (changed ? "" : " (unchanged)") + " ===\n";
      if (changed) ctx_.dump += print(f_);
    }
    if (ctx_.verify) {
      auto v = verifyStep(f_, ctx_, "pass " + name_);
      if (!v.ok()) return v;
    }
    return changed;
  }

 private:
  Function& f_;
  std::string name_;
  PassContext& ctx_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Result<bool> verifyStep(const Function& f, const PassContext& ctx, const std::string& step) {
  auto errors = verifyOwnership(f, ctx.ref_mode);
  if (errors.empty()) return true;
  return CompileError{FailReason::Internal, "HIR verifier failed after " + step + ":\n" + formatErrors(errors)};
}

Result<bool> runPass(Function& f, Pass& pass, PassContext& ctx) {
  if (ctx.isDisabled(pass.name())) return false;
  PassScope scope(f, pass.name(), ctx);
  bool changed = pass.run(f, ctx);
  return scope.finish(changed);
}

Result<bool> runPasses(Function& f, const std::vector<std::string>& names, PassContext& ctx) {
  CheckContextScope check_context(f);
  if (ctx.verify) {
    auto v = verifyStep(f, ctx, "input");
    if (!v.ok()) return v;
  }
  bool changed = false;
  for (const auto& name : names) {
    auto pass = createPass(name);
    if (pass == nullptr) return CompileError{FailReason::Internal, "unknown HIR pass '" + name + "'"};
    auto r = runPass(f, *pass, ctx);
    if (!r.ok()) return r;
    changed |= r.value();
  }
  return changed;
}

Result<bool> runPipeline(Function& f, PassContext& ctx) {
  CheckContextScope check_context(f);
  if (ctx.verify) {
    auto v = verifyStep(f, ctx, "input (the HIR builder)");
    if (!v.ok()) return v;
  }
  Simplify simplify;
  CfgCleanup cfg_cleanup;
  Dce dce;
  RefcountInsertion refcount_insertion;
  bool changed = false;
  for (int round = 0; round < 2; round++) {
    bool round_changed = false;
    for (Pass* pass : {static_cast<Pass*>(&simplify), static_cast<Pass*>(&cfg_cleanup), static_cast<Pass*>(&dce)}) {
      auto r = runPass(f, *pass, ctx);
      if (!r.ok()) return r;
      round_changed |= r.value();
    }
    changed |= round_changed;
    if (!round_changed) break;
  }
  auto r = runPass(f, refcount_insertion, ctx);
  if (!r.ok()) return r;
  return changed || r.value();
}

}  // namespace ember::hir
