// Tests for regalloc::sequentialize: each parallel copy is simulated twice —
// as a true parallel copy and as the emitted sequence on a register/slot
// state where kScratch1 starts as garbage — and the resulting states must
// agree on every location the parallel copy defines and on every location it
// does not write (except kScratch1 and kScratch0).
#include <gtest/gtest.h>

#include <map>

#include "ember/regalloc/names.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_interp.h"

namespace ember::regalloc {
namespace {

using State = std::map<std::string, int64_t>;

Location R(PhysReg r) { return Location::inReg(r); }
Location S(int s) { return Location::onStack(s); }
Move mv(Location d, Location s) { return Move{d, s}; }
Move mi(Location d, int64_t v) {
  Move m;
  m.dst = d;
  m.src_is_imm = true;
  m.imm = v;
  return m;
}

State initial() {
  State s;
  for (int r = 0; r < 16; r++) s[physRegName(r)] = 100 + r;
  for (int k = 0; k < 8; k++) s["s" + std::to_string(k)] = 200 + k;
  return s;
}

State runParallel(const std::vector<Move>& moves) {
  State s = initial(), before = s;
  for (const Move& m : moves) s[locationName(m.dst)] = m.src_is_imm ? m.imm : before[locationName(m.src)];
  return s;
}

State runSequence(const std::vector<Move>& seq) {
  State s = initial();
  s["r11"] = -1;  // scratch starts as garbage
  for (const Move& m : seq) s[locationName(m.dst)] = m.src_is_imm ? m.imm : s[locationName(m.src)];
  return s;
}

void expectEquivalent(const std::vector<Move>& par) {
  std::vector<Move> seq = sequentialize(par);
  State want = runParallel(par), got = runSequence(seq);
  for (auto& [loc, v] : want) {
    if (loc == "r11" || loc == "rax") continue;
    EXPECT_EQ(got[loc], v) << "location " << loc;
  }
  for (const Move& m : seq) {
    EXPECT_FALSE(!m.src_is_imm && m.src == m.dst) << "self move emitted";
  }
}

TEST(RegallocMoves, EmptyAndSelfMoves) {
  EXPECT_TRUE(sequentialize({}).empty());
  EXPECT_TRUE(sequentialize({mv(R(RBX), R(RBX)), mv(S(1), S(1))}).empty());
}

TEST(RegallocMoves, Chain) {
  // rcx <- rdx <- rsi <- rdi: must be emitted back to front.
  std::vector<Move> par = {mv(R(RCX), R(RDX)), mv(R(RDX), R(RSI)), mv(R(RSI), R(RDI))};
  std::vector<Move> seq = sequentialize(par);
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_EQ(seq[0].dst, R(RCX));
  EXPECT_EQ(seq[1].dst, R(RDX));
  EXPECT_EQ(seq[2].dst, R(RSI));
  expectEquivalent(par);
}

TEST(RegallocMoves, Swap) {
  std::vector<Move> par = {mv(R(RBX), R(R14)), mv(R(R14), R(RBX))};
  std::vector<Move> seq = sequentialize(par);
  EXPECT_EQ(seq.size(), 3u);  // one save to scratch + two moves
  bool uses_scratch = false;
  for (const Move& m : seq) uses_scratch |= m.dst == R(kScratch1);
  EXPECT_TRUE(uses_scratch);
  expectEquivalent(par);
}

TEST(RegallocMoves, ThreeCycleAndStack) {
  expectEquivalent({mv(R(RCX), R(RDX)), mv(R(RDX), S(3)), mv(S(3), R(RCX))});
  expectEquivalent({mv(S(0), S(1)), mv(S(1), S(2)), mv(S(2), S(0))});
}

TEST(RegallocMoves, FanOutAndTwoCycles) {
  expectEquivalent({mv(R(RCX), R(RDX)), mv(R(RDX), R(RCX)), mv(R(RSI), R(RCX)), mv(R(R8), R(R9)),
                    mv(R(R9), R(R8)), mv(S(4), R(R8))});
}

TEST(RegallocMoves, ImmediatesLast) {
  // rbx's old value must reach r14 before rbx gets the constant.
  std::vector<Move> par = {mi(R(RBX), 42), mv(R(R14), R(RBX)), mi(S(2), -7)};
  std::vector<Move> seq = sequentialize(par);
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_FALSE(seq[0].src_is_imm);
  EXPECT_TRUE(seq[1].src_is_imm && seq[2].src_is_imm);
  expectEquivalent(par);
}

TEST(RegallocMoves, RandomPermutationsWithImmediates) {
  std::vector<Location> pool;
  for (PhysReg r : kCalleeSaved) pool.push_back(R(r));
  for (PhysReg r : kCallerSaved) pool.push_back(R(r));
  for (int s = 0; s < 8; s++) pool.push_back(S(s));
  for (uint64_t seed = 1; seed <= 500; seed++) {
    lirtest::Rng rng(seed);
    std::vector<Location> dsts = pool;
    for (size_t i = dsts.size() - 1; i > 0; i--) std::swap(dsts[i], dsts[rng.below(static_cast<int>(i) + 1)]);
    int n = 1 + rng.below(static_cast<int>(pool.size()));
    std::vector<Move> par;
    for (int i = 0; i < n; i++) {
      if (rng.chance(15))
        par.push_back(mi(dsts[i], rng.below(1000)));
      else
        par.push_back(mv(dsts[i], pool[rng.below(static_cast<int>(pool.size()))]));
    }
    SCOPED_TRACE("seed " + std::to_string(seed));
    expectEquivalent(par);
  }
}

TEST(RegallocMovesDeathTest, DuplicateDestination) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(sequentialize({mv(R(RBX), R(RCX)), mv(R(RBX), R(RDX))}), "same location");
}

}  // namespace
}  // namespace ember::regalloc
