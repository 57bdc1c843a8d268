// Builder family: building, extending and unpacking containers; iterators.
#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

bool Builder::translateContainers() {
  int oparg = bc->oparg;
  auto build = [&](HelperId h, int count) {
    std::vector<InstrId> items = popN(count);
    InstrId r = helperArray(h, std::move(items));
    checkNull(r);
    push(r);
  };
  // An operation on the container `depth` slots below the (already popped) operands.
  auto update = [&](HelperId h, int depth, std::vector<InstrId> ops_after) {
    std::vector<InstrId> ops{peek(depth)};
    ops.insert(ops.end(), ops_after.begin(), ops_after.end());
    checkNeg(helper(h, std::move(ops), 0, 0, /*keep=*/1));
  };
  switch (bc->opcode) {
    case BUILD_TUPLE:
      build(HelperId::build_tuple, oparg);
      return true;
    case BUILD_LIST:
      build(HelperId::build_list, oparg);
      return true;
    case BUILD_SET:
      build(HelperId::build_set, oparg);
      return true;
    case BUILD_MAP:
      build(HelperId::build_map, oparg * 2);
      return true;
    case BUILD_CONST_KEY_MAP:
      build(HelperId::build_const_key_map, oparg + 1);
      return true;
    case BUILD_STRING:
      build(HelperId::build_string, oparg);
      return true;
    case LIST_APPEND: {
      InstrId v = pop();
      update(HelperId::list_append, oparg, {v});
      return true;
    }
    case SET_ADD: {
      InstrId v = pop();
      update(HelperId::set_add, oparg, {v});
      return true;
    }
    case MAP_ADD: {
      InstrId value = pop();
      InstrId key = pop();
      update(HelperId::map_add, oparg, {key, value});
      return true;
    }
    case LIST_EXTEND: {
      InstrId v = pop();
      update(HelperId::list_extend, oparg, {v});
      return true;
    }
    case SET_UPDATE: {
      InstrId v = pop();
      update(HelperId::set_update, oparg, {v});
      return true;
    }
    case DICT_UPDATE: {
      InstrId v = pop();
      update(HelperId::dict_update, oparg, {v});
      return true;
    }
    case DICT_MERGE: {
      InstrId v = pop();
      InstrId dict = peek(oparg);
      InstrId callable = peek(oparg + 2);
      checkNeg(helper(HelperId::dict_merge, {callable, dict, v}, 0, 0, /*keep=*/3));
      return true;
    }
    case UNPACK_SEQUENCE:
    case UNPACK_EX: {
      InstrId seq = pop();
      int count = bc->opcode == UNPACK_SEQUENCE ? oparg : (oparg & 0xff) + 1 + (oparg >> 8);
      HelperId h = bc->opcode == UNPACK_SEQUENCE ? HelperId::unpack_sequence_into
                                                 : HelperId::unpack_ex_into;
      checkNeg(helper(h, {seq}, oparg, stackSlot(stack.size())));
      pushFromSlots(count);
      return true;
    }
    case GET_ITER: {
      InstrId v = pop();
      InstrId r = helper(HelperId::get_iter, {v});
      checkNull(r);
      push(r);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
