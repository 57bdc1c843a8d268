// Builder family: jumps, branches, loops, return and raise.
#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

bool Builder::translateControl() {
  int oparg = bc->oparg;
  // Two-way branch on a cint condition: to `if_true` when cond != 0.
  auto branch = [&](InstrId cond, int if_true, int if_false) {
    if (if_true == if_false) {
      jumpTo(if_true);
      return;
    }
    BlockId t = blockFor(if_true, stack, cur);
    BlockId f = blockFor(if_false, stack, cur);
    InstrId br = emit(Op::CondBranch, {cond});
    fn.instr(br).target0 = t;
    fn.instr(br).target1 = f;
    block_ended = true;
  };
  switch (bc->opcode) {
    case RETURN_VALUE:
      emit(Op::Return, {pop()});
      block_ended = true;
      return true;
    case RETURN_CONST:
      emit(Op::Return, {loadConstObj(PyTuple_GET_ITEM(code->co_consts, oparg), oparg)});
      block_ended = true;
      return true;
    case JUMP_FORWARD:
    case JUMP_BACKWARD_NO_INTERRUPT:
      jumpTo(reader.jumpTarget(*bc));
      return true;
    case JUMP_BACKWARD: {
      InstrId cp = emit(Op::Checkpoint);
      fn.instr(cp).frame_state = resumeState(stack);
      jumpTo(reader.jumpTarget(*bc));
      return true;
    }
    case POP_JUMP_IF_TRUE:
    case POP_JUMP_IF_FALSE: {
      InstrId v = pop();
      InstrId t = helper(HelperId::is_true, {v});
      checkNeg(t);
      int target = reader.jumpTarget(*bc);
      if (bc->opcode == POP_JUMP_IF_TRUE) {
        branch(t, target, bc->next);
      } else {
        branch(t, bc->next, target);
      }
      return true;
    }
    case POP_JUMP_IF_NONE:
    case POP_JUMP_IF_NOT_NONE: {
      InstrId v = pop();
      InstrId c = emit(Op::IsNone, {v});
      fn.instr(c).kind = ValueKind::CInt;
      int target = reader.jumpTarget(*bc);
      if (bc->opcode == POP_JUMP_IF_NONE) {
        branch(c, target, bc->next);
      } else {
        branch(c, bc->next, target);
      }
      return true;
    }
    case FOR_ITER: {
      InstrId it = peek(1);
      InstrId v = helper(HelperId::for_iter_next, {it}, 0, 0, /*keep=*/1);
      BlockId from = cur;
      BlockId exhausted = fn.newBlock();
      fn.block(exhausted).preds.push_back(from);
      std::vector<InstrId> body_stack = stack;
      body_stack.push_back(v);
      BlockId body = blockFor(bc->next, body_stack, from);
      InstrId br = emit(Op::CondBranch, {v});
      fn.instr(br).target0 = body;
      fn.instr(br).target1 = exhausted;
      fn.instr(br).keep_mask = 1;  // the item is consumed on the body path; NULL otherwise
      // Exhausted (or failed): tell which, drop the iterator, leave the loop.
      cur = exhausted;
      checkNeg(helper(HelperId::for_iter_error, {}));
      emit(Op::Decref, {pop()});
      jumpTo(reader.jumpTarget(*bc));
      return true;
    }
    case RAISE_VARARGS: {
      if (oparg == 0) {
        // A bare re-raise adds no traceback entry in the interpreter: let it do it.
        deoptHere();
        return true;
      }
      InstrId cause = oparg == 2 ? pop() : emit(Op::LoadNull);
      InstrId exc = pop();
      checkNeg(helper(HelperId::raise_varargs, {exc, cause}));
      deoptHere();  // not reached: raise_varargs always fails
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
