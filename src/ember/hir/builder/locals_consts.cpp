// Builder family: constants, locals, cells, globals and pure stack shuffles.
#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

bool Builder::translateLocalsConsts() {
  int oparg = bc->oparg;
  switch (bc->opcode) {
    case NOP:
    case RESUME:
      // The interpreter services the eval breaker at every function start
      // (signal handlers, pending calls, thread switches); so does compiled
      // code. Raised there, an exception belongs to the RESUME.
      if (oparg < 2) checkpointAfter(bc->start);
      return true;
    case LOAD_CONST: {
      push(loadConstObj(PyTuple_GET_ITEM(code->co_consts, oparg), oparg));
      return true;
    }
    case LOAD_FAST:
    case LOAD_CLOSURE: {
      InstrId v = emit(Op::LoadLocal);
      fn.instr(v).imm0 = oparg;
      push(v);
      return true;
    }
    case LOAD_FAST_CHECK: {
      InstrId c = emit(Op::CheckBound);
      fn.instr(c).imm0 = oparg;
      fn.instr(c).frame_state = resumeState(stack);
      InstrId v = emit(Op::LoadLocal);
      fn.instr(v).imm0 = oparg;
      push(v);
      return true;
    }
    case LOAD_FAST_AND_CLEAR: {
      InstrId v = emit(Op::LoadLocalRaw);
      fn.instr(v).imm0 = oparg;
      push(v);
      return true;
    }
    case STORE_FAST: {
      InstrId v = pop();
      InstrId s = emit(Op::StoreLocal, {v});
      fn.instr(s).imm0 = oparg;
      return true;
    }
    case DELETE_FAST: {
      InstrId c = emit(Op::CheckBound);
      fn.instr(c).imm0 = oparg;
      fn.instr(c).frame_state = resumeState(stack);
      InstrId null = emit(Op::LoadNull);
      InstrId s = emit(Op::StoreLocal, {null});
      fn.instr(s).imm0 = oparg;
      return true;
    }
    case POP_TOP:
      emit(Op::Decref, {pop()});
      return true;
    case END_FOR:
      emit(Op::Decref, {pop()});
      emit(Op::Decref, {pop()});
      return true;
    case PUSH_NULL:
      push(emit(Op::LoadNull));
      return true;
    case COPY: {
      // The interpreter's COPY never sees NULL (the compiler guarantees it).
      InstrId v = emit(Op::Incref, {peek(oparg)});
      fn.instr(v).keep_mask = 1;
      push(v);
      return true;
    }
    case SWAP: {
      std::swap(stack[stack.size() - 1], stack[stack.size() - static_cast<size_t>(oparg)]);
      return true;
    }
    case LOAD_DEREF: {
      InstrId v = helper(HelperId::load_deref, {}, oparg);
      checkNull(v);
      push(v);
      return true;
    }
    case STORE_DEREF: {
      InstrId v = pop();
      InstrId r = helper(HelperId::store_deref, {v}, oparg);
      checkNeg(r);
      return true;
    }
    case DELETE_DEREF: {
      InstrId r = helper(HelperId::delete_deref, {}, oparg);
      checkNeg(r);
      return true;
    }
    case MAKE_CELL: {
      InstrId r = helper(HelperId::make_cell, {}, oparg);
      checkNeg(r);
      return true;
    }
    case COPY_FREE_VARS: {
      InstrId r = helper(HelperId::copy_free_vars, {}, oparg);
      checkNeg(r);
      return true;
    }
    case LOAD_GLOBAL: {
      InstrId v = helper(HelperId::load_global_cached, {}, globalCache(name(oparg >> 1)));
      checkNull(v);
      if (oparg & 1) push(emit(Op::LoadNull));
      push(v);
      return true;
    }
    case STORE_GLOBAL: {
      InstrId v = pop();
      InstrId r = helper(HelperId::store_global, {v}, reinterpret_cast<int64_t>(name(oparg)));
      checkNeg(r);
      return true;
    }
    case DELETE_GLOBAL: {
      InstrId r = helper(HelperId::delete_global, {}, reinterpret_cast<int64_t>(name(oparg)));
      checkNeg(r);
      return true;
    }
    case LOAD_ASSERTION_ERROR: {
      InstrId v = helper(HelperId::load_assertion_error, {});
      checkNull(v);
      push(v);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
