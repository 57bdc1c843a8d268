// Builder family: calls, function creation and attribute access.
#include <bit>

#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

bool Builder::translateCallsAttrs() {
  int oparg = bc->oparg;
  switch (bc->opcode) {
    case KW_NAMES:
      kwnames = PyTuple_GET_ITEM(code->co_consts, oparg);
      kwnames_start = bc->start;
      return true;
    case CALL: {
      std::vector<InstrId> ops = popN(oparg + 2);
      InstrId r = helperArray(HelperId::call, std::move(ops), reinterpret_cast<int64_t>(kwnames));
      checkNull(r);
      push(r);
      kwnames = nullptr;
      kwnames_start = -1;
      return true;
    }
    case CALL_FUNCTION_EX: {
      InstrId kwargs = (oparg & 1) ? pop() : emit(Op::LoadNull);
      InstrId callargs = pop();
      InstrId func = pop();
      InstrId null_slot = pop();
      emit(Op::Decref, {null_slot});
      InstrId r = helper(HelperId::call_function_ex, {func, callargs, kwargs});
      checkNull(r);
      push(r);
      return true;
    }
    case MAKE_FUNCTION: {
      int count = 1 + std::popcount(static_cast<unsigned>(oparg & 0xf));
      std::vector<InstrId> ops = popN(count);
      InstrId r = helperArray(HelperId::make_function, std::move(ops), oparg);
      checkNull(r);
      push(r);
      return true;
    }
    case LOAD_ATTR: {
      InstrId owner = pop();
      int64_t cache = attrCache(name(oparg >> 1));
      if (oparg & 1) {
        checkNeg(helper(HelperId::load_method_cached_into, {owner}, cache, stackSlot(stack.size())));
        pushFromSlots(2);
      } else {
        InstrId r = helper(HelperId::load_attr_cached, {owner}, cache);
        checkNull(r);
        push(r);
      }
      return true;
    }
    case STORE_ATTR: {
      InstrId owner = pop();
      InstrId v = pop();
      checkNeg(helper(HelperId::store_attr_cached, {owner, v}, attrCache(name(oparg))));
      return true;
    }
    case DELETE_ATTR: {
      InstrId owner = pop();
      checkNeg(helper(HelperId::delete_attr, {owner}, reinterpret_cast<int64_t>(name(oparg))));
      return true;
    }
    case LOAD_SUPER_ATTR: {
      InstrId self = pop();
      InstrId cls = pop();
      InstrId gsuper = pop();
      checkNeg(helper(HelperId::load_super_attr_into, {gsuper, cls, self}, oparg,
                      stackSlot(stack.size())));
      pushFromSlots((oparg & 1) ? 2 : 1);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
