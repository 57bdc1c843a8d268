// Random valid functions: a generator builds CFGs the way the builder does
// (a value stack per block, one Phi per stack slot at block entry, every
// object consumed exactly once), with loops, diamonds, critical edges,
// unreachable blocks, kept operands, NULL-test branches, deopts and
// checks. Each must verify in Implicit mode, then survive the whole pipeline
// with verification after every pass, under random fuel and disabled passes.
// The generator is the oracle for "valid input"; the verifier is the oracle
// for "valid output".
#include <gtest/gtest.h>

#include <random>

#include "ember/hir/passes/pipeline.h"
#include "ember/hir/printer.h"
#include "ember/hir/verifier.h"

namespace ember::hir {
namespace {

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  Function make() {
    Function f;
    f.name = "random";
    f.nlocalsplus = 3;
    int n = 2 + pick(7);
    std::vector<int> depth(n);
    for (int b = 0; b < n; b++) {
      f.newBlock();
      depth[b] = b == 0 ? 0 : pick(3);
      for (int k = 0; k < depth[b]; k++) {
        InstrId phi = f.append(b, Op::Phi);
        (void)phi;
      }
    }
    for (int b = 0; b < n; b++) body(f, b, depth);
    return f;
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  InstrId emit(Function& f, BlockId b, Op op, std::vector<InstrId> ops = {}) { return f.append(b, op, std::move(ops)); }

  int32_t fs(Function& f, const std::vector<InstrId>& stack) { return f.addFrameState({bc_++, stack}); }

  // Pops or pushes until the stack has `d` values.
  void fit(Function& f, BlockId b, std::vector<InstrId>& st, int d) {
    while (static_cast<int>(st.size()) > d) {
      emit(f, b, Op::Decref, {st.back()});
      st.pop_back();
    }
    while (static_cast<int>(st.size()) < d) st.push_back(emit(f, b, pick(2) ? Op::LoadNull : Op::LoadConst));
  }

  void edge(Function& f, BlockId from, BlockId to, const std::vector<InstrId>& st) {
    for (BlockId p : f.block(to).preds) {
      if (p == from) return;  // both arms of a CondBranch to one block: one edge
    }
    f.block(to).preds.push_back(from);
    auto live = f.block(to).instrs;
    for (size_t k = 0; k < st.size(); k++) f.instr(live[k]).operands.push_back(st[k]);
  }

  void body(Function& f, BlockId b, const std::vector<int>& depth) {
    std::vector<InstrId> st(f.block(b).instrs.begin(), f.block(b).instrs.end());
    int n = static_cast<int>(depth.size());
    int ops = pick(6);
    for (int i = 0; i < ops; i++) {
      switch (pick(8)) {
        case 0:
          st.push_back(emit(f, b, Op::LoadConst));
          break;
        case 1: {
          InstrId v = emit(f, b, Op::LoadLocal);
          f.instr(v).imm0 = pick(3);
          st.push_back(v);
          break;
        }
        case 2:
          if (!st.empty()) {
            InstrId c = emit(f, b, Op::Incref, {st.back()});
            f.instr(c).keep_mask = 1;
            st.push_back(c);
          }
          break;
        case 3:
          if (!st.empty()) {
            emit(f, b, pick(2) ? Op::Decref : Op::StoreLocal, {st.back()});
            st.pop_back();
          }
          break;
        case 4:
          if (st.size() >= 2) {
            InstrId r = st.back();
            st.pop_back();
            InstrId l = st.back();
            st.pop_back();
            InstrId v = emit(f, b, Op::CallHelper, {l, r});
            f.instr(v).helper = HelperId::binary_op;
            InstrId c = emit(f, b, Op::CheckNull, {v});
            f.instr(c).keep_mask = 1;
            f.instr(c).frame_state = fs(f, st);
            st.push_back(v);
          }
          break;
        case 5:
          if (!st.empty()) {
            InstrId t = emit(f, b, Op::CallHelper, {st.back()});
            f.instr(t).helper = HelperId::is_true;
            f.instr(t).kind = ValueKind::CInt;
            f.instr(t).keep_mask = 1;
            InstrId c = emit(f, b, Op::CheckNeg, {t});
            f.instr(c).frame_state = fs(f, st);
          }
          break;
        case 6: {
          InstrId c = emit(f, b, Op::Checkpoint);
          f.instr(c).frame_state = fs(f, st);
          break;
        }
        default:
          st.push_back(emit(f, b, Op::LoadNull));
      }
    }
    // terminator
    int kind = pick(10);
    if (kind == 0) {
      InstrId d = emit(f, b, Op::Deopt);
      f.instr(d).frame_state = fs(f, st);
      return;
    }
    if (kind == 1) {
      fit(f, b, st, 1);
      emit(f, b, Op::Return, {st[0]});
      return;
    }
    BlockId t = static_cast<BlockId>(pick(n));
    BlockId e = static_cast<BlockId>(pick(n));
    if (kind >= 5 && t != e && depth[t] == depth[e] + 1) {
      // FOR_ITER: a kept NULL test; the value goes on along the true edge
      // only (it is NULL on the false edge).
      fit(f, b, st, depth[e]);
      InstrId v = emit(f, b, pick(2) ? Op::LoadNull : (pick(2) ? Op::LoadConst : Op::LoadLocalRaw));
      InstrId br = emit(f, b, Op::CondBranch, {v});
      f.instr(br).keep_mask = 1;
      f.instr(br).target0 = t;
      f.instr(br).target1 = e;
      edge(f, b, e, st);
      st.push_back(v);
      edge(f, b, t, st);
      return;
    }
    if (kind <= 4 || depth[t] != depth[e]) {
      fit(f, b, st, depth[t]);
      InstrId br = emit(f, b, Op::Branch);
      f.instr(br).target0 = t;
      edge(f, b, t, st);
      return;
    }
    int mode = pick(3);
    if (mode == 0) {
      // A consuming NULL test on a fresh object.
      InstrId v = emit(f, b, pick(2) ? Op::LoadNull : Op::LoadConst);
      fit(f, b, st, depth[t]);
      InstrId br = emit(f, b, Op::CondBranch, {v});
      f.instr(br).target0 = t;
      f.instr(br).target1 = e;
    } else {
      fit(f, b, st, depth[t]);
      InstrId probe = emit(f, b, Op::LoadNull);
      if (!st.empty() && pick(2)) {
        emit(f, b, Op::Decref, {probe});
        probe = st.back();
      } else {
        st.push_back(probe);
      }
      InstrId c = emit(f, b, mode == 1 ? Op::IsNull : Op::IsNone, {probe});
      f.instr(c).kind = ValueKind::CInt;
      f.instr(c).keep_mask = 1;
      if (st.back() == probe && static_cast<int>(st.size()) > depth[t]) {
        emit(f, b, Op::Decref, {probe});
        st.pop_back();
      }
      InstrId br = emit(f, b, Op::CondBranch, {c});
      f.instr(br).target0 = t;
      f.instr(br).target1 = e;
    }
    edge(f, b, t, st);
    edge(f, b, e, st);
  }

  std::mt19937 rng_;
  int bc_ = 0;
};

TEST(HirRandomCfg, PipelineKeepsRandomFunctionsValid) {
  int valid = 0;
  for (uint32_t seed = 0; seed < 3000; seed++) {
    Gen gen(seed);
    Function f = gen.make();
    // Phis of unreachable-only preds etc. are fine; blocks nobody reaches may
    // have Phis without operands if they have no preds: drop those functions'
    // bad blocks by verifying first.
    auto errors = verifyOwnership(f, RefMode::Implicit);
    if (!errors.empty()) continue;
    valid++;
    std::string before = print(f);
    PassContext ctx;
    ctx.verify = true;
    std::mt19937 r(seed);
    if (r() % 3 == 0) ctx.fuel = r() % 6;
    if (r() % 4 == 0) ctx.disabled = {passNames()[r() % 3]};
    auto res = runPipeline(f, ctx);
    ASSERT_TRUE(res.ok()) << "seed " << seed << ": " << res.error().toString() << "\n--- input:\n" << before;
  }
  std::printf("random cfg: %d valid functions optimised\n", valid);
  EXPECT_GT(valid, 1000);
}

}  // namespace
}  // namespace ember::hir
