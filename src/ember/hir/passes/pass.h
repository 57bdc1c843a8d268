// The one interface every HIR pass implements, and the context a pipeline run
// carries from pass to pass.
//
// A pass is a name and `bool run(Function&, PassContext&)` that returns whether
// it changed anything. Passes keep no state between runs (create one per use);
// they read and write options, fuel and the reference mode through the context.
// Timing, dumping and verification are not the passes' business: pipeline.h's
// runPass wraps each run in a scope that does all three, so a new pass gets
// them for free and cannot forget them.
//
// Fuel (EMBER_OPT_FUEL=N): every individual rewrite in a pass that optimises
// (simplify, dce, cfg_cleanup) first calls takeFuel(); with N units, only the
// first N rewrites of the whole compilation happen. Bisecting N finds the one
// rewrite that breaks a program. Mandatory lowering (refcount_insertion) never
// takes fuel: skipping it would not be an optimisation but a miscompile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ember/hir/hir.h"
#include "ember/hir/util.h"

namespace ember::hir {

struct PassTiming {
  std::string pass;
  double ms = 0;
};

struct PassContext {
  bool verify = false;       // run the verifier after every pass (always in tests)
  bool time_passes = false;  // record timings
  bool dump_passes = false;  // append before/after text of every pass to `dump`
  std::string dump;
  std::vector<std::string> disabled;  // pass names to skip
  int64_t fuel = -1;                  // rewrites left; -1 = unlimited
  int64_t fuel_used = 0;              // rewrites done (for bisect reports)
  std::vector<PassTiming> timings;
  // Implicit until refcount_insertion has run, Explicit after (util.h).
  RefMode ref_mode = RefMode::Implicit;

  bool isDisabled(const std::string& pass) const;
  // Takes one unit of fuel before a rewrite. False means: do not rewrite.
  bool takeFuel();
  // Reads EMBER_OPT_FUEL (a non-negative integer); -1 when unset or invalid.
  static int64_t fuelFromEnv();
};

class Pass {
 public:
  virtual ~Pass() = default;
  virtual const char* name() const = 0;
  virtual bool run(Function& f, PassContext& ctx) = 0;
};

// A new instance of the pass with this name, or nullptr.
std::unique_ptr<Pass> createPass(const std::string& name);
// Every pass name createPass knows.
std::vector<std::string> passNames();

}  // namespace ember::hir
