// Finding the functions to manage: a function watcher sees every new
// function object; enabling the JIT also walks the functions that already
// exist (PyUnstable_GC_VisitObjects).
#pragma once

#include <vector>

#include "ember/cpython/py312.h"

namespace ember::runtime {

// Starts watching function creation (idempotent) and installs entries on
// existing functions that are candidates under the current configuration.
bool startManaging();
// Stops watching and gives every function still warming up back to the
// interpreter; compiled functions keep their compiled code.
void stopManaging();
// Every live function object whose vectorcall is the compiled entry.
std::vector<PyObject*> compiledFunctions();  // new references
// Called when sys.monitoring events are switched on: every managed function
// goes back to the interpreter's default entry until monitoring is off again.
void parkManagedFunctions();

}  // namespace ember::runtime
