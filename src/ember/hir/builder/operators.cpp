// Builder family: unary/binary/compare operators, subscripts, slices, matching.
#include "ember/cpython/opcodes.h"
#include "ember/hir/builder/builder.h"

namespace ember::hir {

namespace {
// 3.12 CALL_INTRINSIC_1 numbering (Include/internal/pycore_intrinsics.h).
constexpr int kIntrinsicUnaryPositive = 5;
constexpr int kIntrinsicListToTuple = 6;
}  // namespace

bool Builder::translateOperators() {
  int oparg = bc->oparg;
  auto unary = [&](HelperId h) {
    InstrId v = pop();
    InstrId r = helper(h, {v});
    checkNull(r);
    push(r);
  };
  auto binary = [&](HelperId h, int64_t a) {
    InstrId right = pop();
    InstrId left = pop();
    InstrId r = helper(h, {left, right}, a);
    checkNull(r);
    push(r);
  };
  switch (bc->opcode) {
    case UNARY_NEGATIVE:
      unary(HelperId::unary_negative);
      return true;
    case UNARY_INVERT:
      unary(HelperId::unary_invert);
      return true;
    case UNARY_NOT:
      unary(HelperId::unary_not);
      return true;
    case CALL_INTRINSIC_1:
      if (oparg == kIntrinsicUnaryPositive) {
        unary(HelperId::unary_positive);
        return true;
      }
      if (oparg == kIntrinsicListToTuple) {
        unary(HelperId::list_to_tuple);
        return true;
      }
      return false;
    case BINARY_OP:
      binary(HelperId::binary_op, oparg);
      return true;
    case COMPARE_OP:
      binary(HelperId::compare_op, oparg >> 4);
      return true;
    case IS_OP:
      binary(HelperId::is_op, oparg);
      return true;
    case CONTAINS_OP:
      binary(HelperId::contains_op, oparg);
      return true;
    case BINARY_SUBSCR:
      binary(HelperId::binary_subscr, 0);
      return true;
    case STORE_SUBSCR: {
      InstrId sub = pop();
      InstrId container = pop();
      InstrId v = pop();
      checkNeg(helper(HelperId::store_subscr, {container, sub, v}));
      return true;
    }
    case DELETE_SUBSCR: {
      InstrId sub = pop();
      InstrId container = pop();
      checkNeg(helper(HelperId::delete_subscr, {container, sub}));
      return true;
    }
    case BINARY_SLICE: {
      InstrId stop = pop();
      InstrId start = pop();
      InstrId container = pop();
      InstrId r = helper(HelperId::binary_slice, {container, start, stop});
      checkNull(r);
      push(r);
      return true;
    }
    case STORE_SLICE: {
      InstrId stop = pop();
      InstrId start = pop();
      InstrId container = pop();
      InstrId v = pop();
      checkNeg(helper(HelperId::store_slice, {container, start, stop, v}));
      return true;
    }
    case BUILD_SLICE: {
      InstrId step = oparg == 3 ? pop() : kNone;
      InstrId stop = pop();
      InstrId start = pop();
      if (step == kNone) step = loadConstObj(Py_None, -1);
      InstrId r = helper(HelperId::build_slice, {start, stop, step});
      checkNull(r);
      push(r);
      return true;
    }
    case GET_LEN: {
      InstrId r = helper(HelperId::get_len, {peek(1)}, 0, 0, /*keep=*/1);
      checkNull(r);
      push(r);
      return true;
    }
    case MATCH_MAPPING:
    case MATCH_SEQUENCE: {
      HelperId h = bc->opcode == MATCH_MAPPING ? HelperId::match_mapping : HelperId::match_sequence;
      InstrId r = helper(h, {peek(1)}, 0, 0, 1);
      checkNull(r);
      push(r);
      return true;
    }
    case MATCH_KEYS: {
      InstrId r = helper(HelperId::match_keys, {peek(2), peek(1)}, 0, 0, 3);
      checkNull(r);
      push(r);
      return true;
    }
    case MATCH_CLASS: {
      InstrId names = pop();
      InstrId type = pop();
      InstrId subject = pop();
      InstrId r = helper(HelperId::match_class, {subject, type, names}, oparg);
      checkNull(r);
      push(r);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ember::hir
