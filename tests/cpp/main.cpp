// Test entry point: starts an embedded CPython 3.12 once for all C++ tests, so
// tests that build HIR from real code objects can create them.
#include "ember/cpython/py312.h"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Py_InitializeEx(0);
  int rc = RUN_ALL_TESTS();
  Py_FinalizeEx();
  return rc;
}
