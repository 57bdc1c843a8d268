// Builder family: imports, with-statements, f-strings and class building.
#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

bool Builder::translateMisc() {
  int oparg = bc->oparg;
  switch (bc->opcode) {
    case IMPORT_NAME: {
      InstrId fromlist = pop();
      InstrId level = pop();
      InstrId r = helper(HelperId::import_name, {level, fromlist},
                         reinterpret_cast<int64_t>(name(oparg)));
      checkNull(r);
      push(r);
      return true;
    }
    case IMPORT_FROM: {
      InstrId r = helper(HelperId::import_from, {peek(1)}, reinterpret_cast<int64_t>(name(oparg)),
                         0, /*keep=*/1);
      checkNull(r);
      push(r);
      return true;
    }
    case BEFORE_WITH: {
      InstrId mgr = pop();
      checkNeg(helper(HelperId::before_with_into, {mgr}, 0, stackSlot(stack.size())));
      pushFromSlots(2);
      return true;
    }
    case FORMAT_VALUE: {
      InstrId spec = (oparg & 4) ? pop() : emit(Op::LoadNull);
      InstrId v = pop();
      InstrId r = helper(HelperId::format_value, {v, spec}, oparg & 3);
      checkNull(r);
      push(r);
      return true;
    }
    case LOAD_BUILD_CLASS: {
      InstrId r = helper(HelperId::load_build_class, {});
      checkNull(r);
      push(r);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
