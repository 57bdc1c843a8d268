// Tests for regalloc::allocate. Two independent oracles:
//  - checkAllocation (lir_test_gen.h) recomputes per-instruction liveness and
//    checks that simultaneously live vregs have distinct locations and that
//    nothing live across a clobbering instruction sits in a caller-saved
//    register;
//  - runLir (lir_test_interp.h) executes the program on vregs and on the
//    simulated machine through the allocation (clobbering caller-saved
//    registers at calls, edge moves through sequentialize) and the traces
//    must match.
// Hand-written programs cover the specific rules; seeded random programs
// (straight-line, diamonds, loops, call-heavy, high pressure, shuffled block
// order) cover the combinations.
#include <gtest/gtest.h>

#include <algorithm>

#include "ember/regalloc/edge_moves.h"
#include "ember/regalloc/regalloc.h"
#include "lir_test_gen.h"
#include "lir_test_interp.h"

namespace ember::regalloc {
namespace {

using lir::Op;
using lir::Operand;

// A tiny builder for hand-written programs.
struct B {
  lir::Function f;
  int cur = 0;
  B() {
    f.name = "t";
    block();
  }
  int block(int nparams = 0) {
    lir::Block b;
    b.id = static_cast<int>(f.blocks.size());
    for (int i = 0; i < nparams; i++) b.params.push_back(f.newVReg());
    f.blocks.push_back(b);
    cur = b.id;
    return b.id;
  }
  lir::Instr& add(Op op, std::vector<Operand> srcs = {}, bool dst = false) {
    lir::Instr in;
    in.op = op;
    in.srcs = std::move(srcs);
    if (dst) in.dst = f.newVReg();
    f.blocks[cur].instrs.push_back(in);
    return f.blocks[cur].instrs.back();
  }
  lir::VReg imm(int64_t v) { return add(Op::Move, {Operand::imm(v)}, true).dst; }
  lir::VReg call(std::vector<Operand> args, int64_t fn = 0x2000) {
    lir::Instr& in = add(Op::Call, std::move(args), true);
    in.imm = fn;
    return in.dst;
  }
  void store(lir::VReg v, int off = 0) {
    add(Op::Store, {Operand::frame(), Operand::vreg(v)}).imm = off;
  }
  void ret(lir::VReg v) { add(Op::Ret, {Operand::vreg(v)}); }
  int deopt(std::vector<lir::VReg> stack) {
    lir::DeoptInfo d;
    d.stack = std::move(stack);
    f.deopts.push_back(d);
    return static_cast<int>(f.deopts.size()) - 1;
  }
};

Operand V(lir::VReg v) { return Operand::vreg(v); }

bool inCalleeSaved(const Location& l) {
  return l.kind == Location::Kind::Reg &&
         std::find(std::begin(kCalleeSaved), std::end(kCalleeSaved), l.reg) != std::end(kCalleeSaved);
}
bool inCallerSaved(const Location& l) { return l.kind == Location::Kind::Reg && !inCalleeSaved(l); }

// Allocates f, runs both oracles, returns the allocation.
Allocation checkedAllocate(const lir::Function& f, uint64_t garbage_seed = 1) {
  Result<Allocation> r = allocate(f);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
  if (!r.ok()) return {};
  Allocation a = r.value();
  EXPECT_EQ(lirtest::checkAllocation(f, a), "") << printAllocation(f, a);
  lirtest::RunResult ref = lirtest::runLir(f, nullptr);
  lirtest::RunResult got = lirtest::runLir(f, &a, garbage_seed);
  EXPECT_EQ(ref.error, "");
  EXPECT_EQ(got.error, "");
  EXPECT_EQ(ref.trace, got.trace) << printAllocation(f, a);
  EXPECT_TRUE(std::is_sorted(a.used_callee_saved.begin(), a.used_callee_saved.end()));
  return a;
}

TEST(RegallocAlloc, StraightLineNoCalls) {
  B b;
  lir::VReg x = b.imm(1), y = b.imm(2);
  lir::VReg z = b.add(Op::CmpEq, {V(x), V(y)}, true).dst;
  b.store(x);
  b.ret(z);
  Allocation a = checkedAllocate(b.f);
  EXPECT_EQ(a.num_slots, 0);
  // Nothing crosses a call: only caller-saved registers, no prologue saves.
  for (lir::VReg v : {x, y, z}) EXPECT_TRUE(inCallerSaved(a.vreg_loc[v])) << v;
  EXPECT_TRUE(a.used_callee_saved.empty());
}

TEST(RegallocAlloc, LiveAcrossCallGetsCalleeSaved) {
  B b;
  lir::VReg x = b.imm(5), y = b.imm(6);
  lir::VReg r = b.call({V(y)});  // y dies at the call, x survives it
  b.store(x);
  b.ret(r);
  Allocation a = checkedAllocate(b.f);
  EXPECT_TRUE(inCalleeSaved(a.vreg_loc[x]));
  EXPECT_TRUE(inCallerSaved(a.vreg_loc[y]));  // dies at the call: does not cross
  EXPECT_TRUE(inCallerSaved(a.vreg_loc[r]));  // defined by the call: does not cross
  ASSERT_EQ(a.used_callee_saved.size(), 1u);
  EXPECT_EQ(a.used_callee_saved[0], a.vreg_loc[x].reg);
}

TEST(RegallocAlloc, DecrefClobbers) {
  B b;
  lir::VReg x = b.imm(5), y = b.imm(6);
  b.add(Op::Decref, {V(y)});
  b.ret(x);
  Allocation a = checkedAllocate(b.f);
  EXPECT_TRUE(inCalleeSaved(a.vreg_loc[x]));
}

TEST(RegallocAlloc, CheckpointDeoptStackCrosses) {
  B b;
  lir::VReg x = b.imm(5), y = b.imm(6);
  b.add(Op::Checkpoint).deopt = b.deopt({x});  // x's last use is the deopt exit
  b.ret(y);                                    // y lives across the checkpoint
  Allocation a = checkedAllocate(b.f);
  EXPECT_FALSE(inCallerSaved(a.vreg_loc[x]));
  EXPECT_FALSE(inCallerSaved(a.vreg_loc[y]));
}

TEST(RegallocAlloc, DeoptJumpStackIsAnOrdinaryUse) {
  // DeoptJump's exit stores the stack before it calls anything: no crossing.
  B b;
  lir::VReg x = b.imm(5), y = b.imm(6);
  b.add(Op::DeoptJump).deopt = b.deopt({x, y});
  Allocation a = checkedAllocate(b.f);
  EXPECT_TRUE(inCallerSaved(a.vreg_loc[x]));
  EXPECT_TRUE(inCallerSaved(a.vreg_loc[y]));
  EXPECT_TRUE(a.used_callee_saved.empty());
}

TEST(RegallocAlloc, GuardDeoptStackIsAUse) {
  B b;
  lir::VReg x = b.imm(5), y = b.imm(0);
  b.add(Op::GuardZero, {V(y)}).deopt = b.deopt({x, y});
  b.ret(y);
  Allocation a = checkedAllocate(b.f);
  EXPECT_NE(a.vreg_loc[x], a.vreg_loc[y]);
  // A guard does not clobber: the deopt stack may stay in caller-saved registers.
  EXPECT_TRUE(inCallerSaved(a.vreg_loc[x]));
}

TEST(RegallocAlloc, SpillsUnderPressure) {
  B b;
  std::vector<lir::VReg> vs;
  for (int i = 0; i < 14; i++) vs.push_back(b.imm(100 + i));
  for (lir::VReg v : vs) b.store(v, 8 * (v % 4));
  b.ret(vs[0]);
  Allocation a = checkedAllocate(b.f);
  int in_regs = 0, on_stack = 0;
  for (lir::VReg v : vs) (a.vreg_loc[v].kind == Location::Kind::Reg ? in_regs : on_stack)++;
  EXPECT_EQ(in_regs, 10);  // every allocatable register
  EXPECT_EQ(on_stack, 4);
  EXPECT_EQ(a.num_slots, 4);
}

TEST(RegallocAlloc, SpillsAcrossCallsBeyondCalleeSaved) {
  B b;
  std::vector<lir::VReg> vs;
  for (int i = 0; i < 5; i++) vs.push_back(b.imm(10 + i));
  lir::VReg r = b.call({Operand::imm(1)});
  for (lir::VReg v : vs) b.store(v);
  b.ret(r);
  Allocation a = checkedAllocate(b.f);
  int callee = 0, stack = 0;
  for (lir::VReg v : vs) {
    EXPECT_FALSE(inCallerSaved(a.vreg_loc[v]));
    callee += inCalleeSaved(a.vreg_loc[v]);
    stack += a.vreg_loc[v].kind == Location::Kind::Stack;
  }
  EXPECT_EQ(callee, 3);
  EXPECT_EQ(stack, 2);
  EXPECT_EQ(a.used_callee_saved, (std::vector<PhysReg>{RBX, R14, R15}));
}

TEST(RegallocAlloc, SlotsAreReused) {
  // Two waves of 12 live values, one after the other: the second wave reuses
  // the first wave's slots.
  B b;
  for (int wave = 0; wave < 2; wave++) {
    std::vector<lir::VReg> vs;
    for (int i = 0; i < 12; i++) vs.push_back(b.imm(wave * 100 + i));
    for (lir::VReg v : vs) b.store(v);
  }
  b.ret(b.imm(0));
  Allocation a = checkedAllocate(b.f);
  EXPECT_EQ(a.num_slots, 2);
}

TEST(RegallocAlloc, LoopParamsShareRegisterWithArgs) {
  // bb0: Jump bb1(0)   bb1(i): c = i == 3; CondJump c, bb3, bb2
  // bb2: n = add(i, 1); Jump bb1(n)   bb3: Ret i
  B b;
  b.add(Op::Jump).args = {Operand::imm(0)};
  b.f.blocks[0].instrs.back().target0 = 1;
  int h = b.block(1);
  lir::VReg i = b.f.blocks[h].params[0];
  lir::VReg c = b.add(Op::CmpEq, {V(i), Operand::imm(3)}, true).dst;
  lir::Instr& br = b.add(Op::CondJump, {V(c)});
  br.target0 = 3;
  br.target1 = 2;
  b.block();
  lir::VReg n = b.add(Op::CmpEq, {V(i), V(i)}, true).dst;  // stand-in for i + 1 without a call
  lir::VReg n2 = b.call({V(i), V(n)}, lirtest::kAddFn);
  lir::Instr& j = b.add(Op::Jump);
  j.target0 = h;
  j.args = {V(n2)};
  b.block();
  b.ret(c);  // not i: i must die in the body for the hint to be usable
  Allocation a = checkedAllocate(b.f);
  EXPECT_EQ(a.vreg_loc[i], a.vreg_loc[n2]) << printAllocation(b.f, a);
}

TEST(RegallocAlloc, ValueLiveAroundLoopIsNotClobbered) {
  // x is defined before a loop whose body calls, and used after the loop.
  B b;
  lir::VReg x = b.imm(77);
  b.add(Op::Jump).args = {Operand::imm(0)};
  b.f.blocks[0].instrs.back().target0 = 1;
  int h = b.block(1);
  lir::VReg i = b.f.blocks[h].params[0];
  lir::VReg c = b.add(Op::CmpEq, {V(i), Operand::imm(4)}, true).dst;
  lir::Instr& br = b.add(Op::CondJump, {V(c)});
  br.target0 = 3;
  br.target1 = 2;
  b.block();
  lir::VReg n = b.call({V(i), Operand::imm(1)}, lirtest::kAddFn);
  lir::Instr& j = b.add(Op::Jump);
  j.target0 = h;
  j.args = {V(n)};
  b.block();
  b.store(x);
  b.ret(i);
  Allocation a = checkedAllocate(b.f);
  EXPECT_FALSE(inCallerSaved(a.vreg_loc[x]));
}

TEST(RegallocAlloc, RejectsMalformedInput) {
  {
    B b;  // use of a vreg never defined
    lir::VReg x = b.f.newVReg();
    b.ret(x);
    EXPECT_FALSE(allocate(b.f).ok());
  }
  {
    B b;  // missing terminator
    b.imm(1);
    EXPECT_FALSE(allocate(b.f).ok());
  }
  {
    B b;  // defined twice
    lir::VReg x = b.imm(1);
    b.add(Op::Move, {Operand::imm(2)}).dst = x;
    b.ret(x);
    EXPECT_FALSE(allocate(b.f).ok());
  }
  {
    B b;  // jump argument count mismatch
    b.add(Op::Jump).target0 = 1;
    b.block(1);
    b.ret(b.f.blocks[1].params[0]);
    Result<Allocation> r = allocate(b.f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().reason, FailReason::RegisterAllocation);
  }
}

void randomRun(uint64_t seed, lirtest::GenOptions opt) {
  lir::Function f = lirtest::ProgramGen(seed, opt).build();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Result<Allocation> r = allocate(f);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  Allocation a = r.value();
  ASSERT_EQ(lirtest::checkAllocation(f, a), "") << printAllocation(f, a);
  lirtest::RunResult ref = lirtest::runLir(f, nullptr);
  ASSERT_EQ(ref.error, "");
  for (uint64_t g = 1; g <= 2; g++) {
    lirtest::RunResult got = lirtest::runLir(f, &a, seed * 31 + g);
    ASSERT_EQ(got.error, "");
    ASSERT_EQ(ref.trace, got.trace) << printAllocation(f, a);
  }
}

TEST(RegallocRandom, Mixed) {
  for (uint64_t seed = 1; seed <= 400; seed++) randomRun(seed, {});
}

TEST(RegallocRandom, StraightLine) {
  lirtest::GenOptions opt;
  opt.max_depth = 0;
  opt.straight_len = 30;
  for (uint64_t seed = 1; seed <= 200; seed++) randomRun(seed, opt);
}

TEST(RegallocRandom, CallHeavy) {
  lirtest::GenOptions opt;
  opt.call_percent = 60;
  opt.min_live = 4;
  for (uint64_t seed = 1; seed <= 200; seed++) randomRun(seed, opt);
}

TEST(RegallocRandom, HighPressure) {
  lirtest::GenOptions opt;
  opt.min_live = 14;
  opt.call_percent = 10;
  opt.straight_len = 10;
  int spilled_programs = 0;
  for (uint64_t seed = 1; seed <= 200; seed++) {
    randomRun(seed, opt);
    lir::Function f = lirtest::ProgramGen(seed, opt).build();
    Result<Allocation> r = allocate(f);
    if (r.ok() && r.value().num_slots > 0) spilled_programs++;
  }
  EXPECT_EQ(spilled_programs, 200);  // more than 10 live values always spill
}

TEST(RegallocRandom, DeepLoopsInOrder) {
  lirtest::GenOptions opt;
  opt.max_depth = 5;
  opt.shuffle_blocks = false;
  for (uint64_t seed = 1; seed <= 200; seed++) randomRun(seed, opt);
}

TEST(RegallocRandom, LargePrograms) {
  // Thousands of instructions and vregs: correctness at scale, and a smoke
  // test of scale (allocating 15k instructions takes ~50 ms; the checker's
  // std::set liveness is what takes time here).
  lirtest::GenOptions opt;
  opt.max_depth = 6;
  opt.straight_len = 40;
  opt.min_live = 20;
  for (uint64_t seed = 1; seed <= 4; seed++) {  // 150 to 6500 instructions
    lir::Function f = lirtest::ProgramGen(seed, opt).build();
    int n = 0;
    for (const lir::Block& b : f.blocks) n += static_cast<int>(b.instrs.size());
    SCOPED_TRACE("seed " + std::to_string(seed) + ", " + std::to_string(n) + " instructions");
    randomRun(seed, opt);
  }
}

TEST(RegallocAlloc, MoveHintCoalesces) {
  B b;
  lir::VReg x = b.imm(5);
  lir::VReg y = b.add(Op::Move, {V(x)}, true).dst;  // x dies here
  b.ret(y);
  Allocation a = checkedAllocate(b.f);
  EXPECT_EQ(a.vreg_loc[x], a.vreg_loc[y]);
}

TEST(RegallocAlloc, JumpMovesUseAllocation) {
  // bb0: a, b; Jump bb1(b, a, imm(3), frame)  bb1(p, q, r, s): ...
  B b;
  lir::VReg x = b.imm(1), y = b.imm(2);
  lir::Instr& j = b.add(Op::Jump);
  j.target0 = 1;
  j.args = {V(y), V(x), Operand::imm(3), Operand::frame()};
  int t = b.block(4);
  const std::vector<lir::VReg> ps = b.f.blocks[t].params;
  for (lir::VReg p : ps) b.store(p);
  b.ret(ps[0]);
  Allocation a = checkedAllocate(b.f);
  std::vector<Move> moves = jumpMoves(b.f, a, b.f.blocks[0].instrs.back());
  // Every parameter that is not already in place is written exactly once.
  for (size_t k = 0; k < ps.size(); k++) {
    int writes = 0;
    for (const Move& m : moves) writes += m.dst == a.vreg_loc[ps[k]];
    EXPECT_LE(writes, 1);
  }
  bool frame_read = false, imm_written = false;
  for (const Move& m : moves) {
    frame_read |= !m.src_is_imm && m.src == Location::inReg(kFrameReg);
    imm_written |= m.src_is_imm && m.imm == 3 && m.dst == a.vreg_loc[ps[2]];
  }
  EXPECT_TRUE(frame_read);
  EXPECT_TRUE(imm_written);
}

TEST(RegallocAlloc, PrintAllocationShowsIntervals) {
  B b;
  lir::VReg x = b.imm(5);
  lir::VReg r = b.call({Operand::imm(1)});
  b.store(x);
  b.ret(r);
  Allocation a = checkedAllocate(b.f);
  std::string text = printAllocation(b.f, a);
  EXPECT_NE(text.find("%0"), std::string::npos) << text;
  EXPECT_NE(text.find("cross"), std::string::npos) << text;
  EXPECT_NE(text.find("rbx"), std::string::npos) << text;
}

}  // namespace
}  // namespace ember::regalloc
