#include "ember/regalloc/edge_moves.h"

#include "ember/common/check.h"

namespace ember::regalloc {

std::vector<Move> jumpMoves(const lir::Function& f, const Allocation& a, const lir::Instr& jump) {
  EMBER_CHECK(jump.op == lir::Op::Jump, "jumpMoves on a %s", lir::opName(jump.op));
  const std::vector<lir::VReg>& params = f.blocks.at(jump.target0).params;
  EMBER_CHECK(params.size() == jump.args.size(), "jump argument count differs from target params");
  std::vector<Move> moves;
  for (size_t k = 0; k < params.size(); k++) {
    Move m;
    m.dst = a.vreg_loc.at(params[k]);
    const lir::Operand& arg = jump.args[k];
    switch (arg.kind) {
      case lir::Operand::Kind::VReg:
        m.src = a.vreg_loc.at(arg.asVReg());
        break;
      case lir::Operand::Kind::Imm:
        m.src_is_imm = true;
        m.imm = arg.value;
        break;
      case lir::Operand::Kind::Frame:
        m.src = Location::inReg(kFrameReg);
        break;
      case lir::Operand::Kind::TState:
        m.src = Location::inReg(kTStateReg);
        break;
      case lir::Operand::Kind::None:
        EMBER_CHECK(false, "jump argument without a value");
    }
    moves.push_back(m);
  }
  return sequentialize(std::move(moves));
}

}  // namespace ember::regalloc
