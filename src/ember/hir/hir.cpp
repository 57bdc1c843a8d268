#include "ember/hir/hir.h"

#include <algorithm>
#include <cstring>

#include "ember/common/check.h"

namespace ember::hir {

namespace {
const OpInfo kOpInfo[] = {
#define X(name, nops, out, eff, steals, doc) {#name, nops, out, eff, steals, doc},
#include "ember/hir/opcodes.def"
#undef X
};

const HelperInfo kHelperInfo[] = {
    {"none", 'I', "", ""},
#define X(name, ret, sig, doc) {#name, #ret[0], sig, doc},
#include "ember/runtime/helpers.def"
#undef X
};
}  // namespace

const OpInfo& opInfo(Op op) { return kOpInfo[static_cast<int>(op)]; }

bool opFromName(const std::string& name, Op* out) {
  for (size_t i = 0; i < sizeof kOpInfo / sizeof kOpInfo[0]; i++) {
    if (name == kOpInfo[i].name) {
      *out = static_cast<Op>(i);
      return true;
    }
  }
  return false;
}

const HelperInfo& helperInfo(HelperId id) { return kHelperInfo[static_cast<int>(id)]; }

bool helperFromName(const std::string& name, HelperId* out) {
  for (int i = 1; i < static_cast<int>(HelperId::Count); i++) {
    if (name == kHelperInfo[i].name) {
      *out = static_cast<HelperId>(i);
      return true;
    }
  }
  return false;
}

BlockId Function::newBlock() {
  Block b;
  b.id = static_cast<BlockId>(blocks.size());
  blocks.push_back(std::move(b));
  return blocks.back().id;
}

InstrId Function::newInstr(Op op, std::vector<InstrId> operands) {
  Instr i;
  i.op = op;
  i.id = static_cast<InstrId>(instrs.size());
  i.operands = std::move(operands);
  i.kind = opInfo(op).has_output ? ValueKind::Object : ValueKind::None;
  instrs.push_back(std::move(i));
  return instrs.back().id;
}

InstrId Function::append(BlockId b, Op op, std::vector<InstrId> operands) {
  InstrId id = newInstr(op, std::move(operands));
  instrs[id].block = b;
  blocks[b].instrs.push_back(id);
  return id;
}

void Function::insertAt(BlockId b, size_t pos, InstrId id) {
  auto& v = blocks[b].instrs;
  EMBER_CHECK(pos <= v.size(), "insert position out of range");
  v.insert(v.begin() + static_cast<long>(pos), id);
  instrs[id].block = b;
}

int32_t Function::addFrameState(FrameState fs) {
  frame_states.push_back(std::move(fs));
  return static_cast<int32_t>(frame_states.size() - 1);
}

InstrId Function::terminator(BlockId b) const {
  const auto& v = blocks[b].instrs;
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    if (instrs[*it].removed) continue;
    return isTerminator(instrs[*it].op) ? *it : kNone;
  }
  return kNone;
}

std::vector<BlockId> Function::successors(BlockId b) const {
  InstrId t = terminator(b);
  if (t == kNone) return {};
  const Instr& i = instrs[t];
  switch (i.op) {
    case Op::Branch:
      return {i.target0};
    case Op::CondBranch:
      if (i.target0 == i.target1) return {i.target0};
      return {i.target0, i.target1};
    default:
      return {};
  }
}

void Function::recomputePreds() {
  std::vector<std::vector<BlockId>> fresh(blocks.size());
  for (BlockId b : rpo()) {
    for (BlockId s : successors(b)) fresh[s].push_back(b);
  }
  for (auto& blk : blocks) {
    std::vector<BlockId> ordered;
    for (BlockId p : blk.preds) {
      if (std::find(fresh[blk.id].begin(), fresh[blk.id].end(), p) != fresh[blk.id].end() &&
          std::find(ordered.begin(), ordered.end(), p) == ordered.end()) {
        ordered.push_back(p);
      }
    }
    for (BlockId p : fresh[blk.id]) {
      if (std::find(ordered.begin(), ordered.end(), p) == ordered.end()) ordered.push_back(p);
    }
    blk.preds = std::move(ordered);
  }
}

std::vector<BlockId> Function::rpo() const {
  std::vector<BlockId> post;
  std::vector<uint8_t> state(blocks.size(), 0);
  // iterative DFS: (block, next successor index)
  std::vector<std::pair<BlockId, size_t>> stack;
  stack.push_back({entry, 0});
  state[entry] = 1;
  while (!stack.empty()) {
    auto& [b, idx] = stack.back();
    auto succ = successors(b);
    if (idx < succ.size()) {
      BlockId s = succ[idx++];
      if (state[s] == 0) {
        state[s] = 1;
        stack.push_back({s, 0});
      }
    } else {
      post.push_back(b);
      stack.pop_back();
    }
  }
  std::reverse(post.begin(), post.end());
  return post;
}

}  // namespace ember::hir
