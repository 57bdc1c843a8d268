#include "ember/hir/util.h"

#include <algorithm>

#include "ember/common/check.h"

namespace ember::hir {

bool consumesOperand(const Instr& ins, size_t i, RefMode mode) {
  if (ins.op == Op::Phi) return true;
  if (ins.op == Op::CheckNull || ins.op == Op::CheckNeg) return false;
  if (i < 32 && (ins.keep_mask >> i) & 1u) return false;
  if (mode == RefMode::Implicit) return true;
  uint32_t steals = opInfo(ins.op).steals;
  return i < 32 && ((steals >> i) & 1u) != 0;
}

std::vector<InstrId> liveInstrs(const Function& f, BlockId b) {
  std::vector<InstrId> out;
  for (InstrId id : f.block(b).instrs) {
    if (id < f.instrs.size() && !f.instr(id).removed) out.push_back(id);
  }
  return out;
}

std::vector<std::vector<InstrId>> computeUsers(const Function& f) {
  std::vector<std::vector<InstrId>> users(f.instrs.size());
  for (const Block& b : f.blocks) {
    if (b.removed) continue;
    for (InstrId id : b.instrs) {
      if (id >= f.instrs.size()) continue;
      const Instr& ins = f.instr(id);
      if (ins.removed) continue;
      for (InstrId op : ins.operands) {
        if (op < users.size()) users[op].push_back(id);
      }
    }
  }
  return users;
}

std::vector<uint32_t> frameStateUses(const Function& f) {
  std::vector<uint32_t> uses(f.instrs.size(), 0);
  for (const Block& b : f.blocks) {
    if (b.removed) continue;
    for (InstrId id : b.instrs) {
      if (id >= f.instrs.size()) continue;
      const Instr& ins = f.instr(id);
      if (ins.removed || ins.frame_state < 0 ||
          static_cast<size_t>(ins.frame_state) >= f.frame_states.size()) {
        continue;
      }
      for (InstrId v : f.frame_states[ins.frame_state].stack) {
        if (v < uses.size()) uses[v]++;
      }
    }
  }
  return uses;
}

size_t replaceAllUses(Function& f, InstrId from, InstrId to) {
  size_t n = 0;
  for (Instr& ins : f.instrs) {
    if (ins.removed) continue;
    for (InstrId& op : ins.operands) {
      if (op == from) {
        op = to;
        n++;
      }
    }
  }
  for (FrameState& fs : f.frame_states) {
    for (InstrId& v : fs.stack) {
      if (v == from) {
        v = to;
        n++;
      }
    }
  }
  return n;
}

void removePredAt(Function& f, BlockId b, size_t i) {
  Block& blk = f.block(b);
  EMBER_CHECK(i < blk.preds.size(), "pred index out of range");
  blk.preds.erase(blk.preds.begin() + static_cast<long>(i));
  for (InstrId id : blk.instrs) {
    Instr& ins = f.instr(id);
    if (ins.removed) continue;
    if (ins.op != Op::Phi) break;
    if (i < ins.operands.size()) ins.operands.erase(ins.operands.begin() + static_cast<long>(i));
  }
}

bool replacePred(Function& f, BlockId b, BlockId old_pred, BlockId new_pred) {
  for (BlockId& p : f.block(b).preds) {
    if (p == old_pred) {
      p = new_pred;
      return true;
    }
  }
  return false;
}

void retarget(Function& f, BlockId from, BlockId old_target, BlockId new_target) {
  InstrId t = f.terminator(from);
  EMBER_CHECK(t != kNone, "retarget: bb%u has no terminator", from);
  Instr& ins = f.instr(t);
  if (ins.target0 == old_target) ins.target0 = new_target;
  if (ins.target1 == old_target) ins.target1 = new_target;
}

BlockId splitEdge(Function& f, BlockId from, BlockId to) {
  BlockId mid = f.newBlock();
  InstrId br = f.append(mid, Op::Branch);
  f.instr(br).target0 = to;
  InstrId t = f.terminator(from);
  if (t != kNone) f.instr(br).bc_index = f.instr(t).bc_index;
  retarget(f, from, to, mid);
  f.block(mid).preds = {from};
  bool found = replacePred(f, to, from, mid);
  EMBER_CHECK(found, "splitEdge: bb%u is not a pred of bb%u", from, to);
  return mid;
}

bool removeUnreachableBlocks(Function& f) {
  std::vector<uint8_t> reach(f.blocks.size(), 0);
  for (BlockId b : safeRpo(f)) reach[b] = 1;
  bool changed = false;
  for (Block& blk : f.blocks) {
    if (blk.removed || reach[blk.id]) continue;
    blk.removed = true;
    for (InstrId id : blk.instrs) f.instr(id).removed = true;
    blk.instrs.clear();
    blk.preds.clear();
    changed = true;
  }
  for (Block& blk : f.blocks) {
    if (blk.removed) continue;
    for (size_t i = blk.preds.size(); i-- > 0;) {
      BlockId p = blk.preds[i];
      if (p >= f.blocks.size() || !reach[p]) {
        removePredAt(f, blk.id, i);
        changed = true;
      }
    }
  }
  return changed;
}

size_t firstNonPhi(const Function& f, BlockId b) {
  const auto& v = f.block(b).instrs;
  size_t i = 0;
  while (i < v.size() && (f.instr(v[i]).removed || f.instr(v[i]).op == Op::Phi)) i++;
  return i;
}

void eraseInstr(Function& f, InstrId id) {
  Instr& ins = f.instr(id);
  ins.removed = true;
  if (ins.block != kNone && ins.block < f.blocks.size()) {
    auto& v = f.block(ins.block).instrs;
    v.erase(std::remove(v.begin(), v.end(), id), v.end());
  }
}

std::vector<BlockId> safeSuccessors(const Function& f, BlockId b) {
  std::vector<BlockId> out;
  const auto& v = f.block(b).instrs;
  const Instr* term = nullptr;
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    if (*it >= f.instrs.size() || f.instr(*it).removed) continue;
    term = &f.instr(*it);
    break;
  }
  if (term == nullptr) return out;
  auto add = [&](BlockId t) {
    if (t < f.blocks.size() && !f.block(t).removed &&
        std::find(out.begin(), out.end(), t) == out.end()) {
      out.push_back(t);
    }
  };
  if (term->op == Op::Branch) {
    add(term->target0);
  } else if (term->op == Op::CondBranch) {
    add(term->target0);
    add(term->target1);
  }
  return out;
}

std::vector<BlockId> safeRpo(const Function& f) {
  std::vector<BlockId> post;
  if (f.entry >= f.blocks.size() || f.block(f.entry).removed) return post;
  std::vector<uint8_t> seen(f.blocks.size(), 0);
  std::vector<std::pair<BlockId, size_t>> stack;
  // Successors are visited last-first so that the RPO lists a CondBranch's
  // true target before its false target (the order people read).
  std::vector<std::vector<BlockId>> succ_cache(f.blocks.size());
  auto succs = [&](BlockId b) {
    auto v = safeSuccessors(f, b);
    std::reverse(v.begin(), v.end());
    return v;
  };
  stack.push_back({f.entry, 0});
  seen[f.entry] = 1;
  succ_cache[f.entry] = succs(f.entry);
  while (!stack.empty()) {
    auto& [b, idx] = stack.back();
    const auto& succ = succ_cache[b];
    if (idx < succ.size()) {
      BlockId s = succ[idx++];
      if (!seen[s]) {
        seen[s] = 1;
        succ_cache[s] = succs(s);
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

DominatorTree::DominatorTree(const Function& f)
    : rpo_(safeRpo(f)), idom_(f.blocks.size(), kNone), order_(f.blocks.size(), 0) {
  if (rpo_.empty()) return;
  for (uint32_t i = 0; i < rpo_.size(); i++) order_[rpo_[i]] = i;
  // Predecessors from the CFG itself (not Block::preds, which the verifier has
  // yet to check).
  std::vector<std::vector<BlockId>> preds(f.blocks.size());
  for (BlockId b : rpo_) {
    for (BlockId s : safeSuccessors(f, b)) preds[s].push_back(b);
  }
  BlockId entry = rpo_[0];
  idom_[entry] = entry;
  auto intersect = [&](BlockId a, BlockId b) {
    while (a != b) {
      while (order_[a] > order_[b]) a = idom_[a];
      while (order_[b] > order_[a]) b = idom_[b];
    }
    return a;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 1; i < rpo_.size(); i++) {
      BlockId b = rpo_[i];
      BlockId nd = kNone;
      for (BlockId p : preds[b]) {
        if (idom_[p] == kNone) continue;
        nd = nd == kNone ? p : intersect(p, nd);
      }
      if (nd != idom_[b]) {
        idom_[b] = nd;
        changed = true;
      }
    }
  }
}

bool DominatorTree::dominates(BlockId a, BlockId b) const {
  if (!reachable(a) || !reachable(b)) return false;
  while (true) {
    if (a == b) return true;
    BlockId up = idom_[b];
    if (up == b) return false;  // reached the entry
    b = up;
  }
}

}  // namespace ember::hir
