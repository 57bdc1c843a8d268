/* The 3.12 opcode tables (_PyOpcode_Deopt, _PyOpcode_Caches) are hidden in
 * libpython. They are instantiated here from the internal header, in a C file
 * because C++ rejects their designated initialisers, and reached from C++
 * through the two accessors below (declared in cpython/opcodes.h). */
#define NEED_OPCODE_TABLES
#include "ember/cpython/py312.h"
#include <internal/pycore_opcode.h>

int ember_opcode_deopt(int op) { return _PyOpcode_Deopt[op & 0xff]; }
int ember_opcode_caches(int op) { return _PyOpcode_Caches[op & 0xff]; }
const char* ember_opcode_name(int op) {
#ifdef Py_DEBUG
  return _PyOpcode_OpName[op & 0xff];
#else
  return NULL;
#endif
}
