#include "ember/lir/lir.h"

namespace ember::lir {

namespace {
struct Info {
  const char* name;
  bool dst, term, clob;
};
const Info kInfo[] = {
#define X(name, dst, term, clob, doc) {#name, dst, term, clob},
    EMBER_LIR_OPS(X)
#undef X
};
}  // namespace

const char* opName(Op op) { return kInfo[static_cast<int>(op)].name; }
bool opHasDst(Op op) { return kInfo[static_cast<int>(op)].dst; }
bool isTerminator(Op op) { return kInfo[static_cast<int>(op)].term; }
bool clobbersCallerSaved(Op op) { return kInfo[static_cast<int>(op)].clob; }

std::vector<BlockId> Function::successors(BlockId b) const {
  const Block& blk = blocks[b];
  if (blk.instrs.empty()) return {};
  const Instr& t = blk.instrs.back();
  if (t.op == Op::Jump) return {t.target0};
  if (t.op == Op::CondJump) return {t.target0, t.target1};
  return {};
}

}  // namespace ember::lir
