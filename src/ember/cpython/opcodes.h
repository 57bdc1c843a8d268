// 3.12 opcode numbers and tables. The numbers come from CPython's public
// <opcode.h>; the de-specialisation and cache-size tables are hidden in
// libpython and instantiated in opcode_tables.c.
#pragma once

#include "ember/cpython/py312.h"
#include <opcode.h>

extern "C" {
int ember_opcode_deopt(int op);   // base opcode of a specialised/superinstruction form
int ember_opcode_caches(int op);  // inline cache units following a base opcode
}
