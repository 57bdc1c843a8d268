#include "ember/runtime/watchers.h"

#include "ember/runtime/entry.h"
#include "ember/runtime/eval_breaker.h"
#include "ember/runtime/jit_state.h"

namespace ember::runtime {

namespace {
int g_func_watcher = -1;

int onFunctionEvent(PyFunction_WatchEvent event, PyFunctionObject* func, PyObject* new_value) {
  if (event == PyFunction_EVENT_CREATE && config().mode != Mode::Off) installEntry(func);
  return 0;
}

template <typename F>
void visitFunctions(F f) {
  struct Ctx {
    F* f;
  } ctx{&f};
  PyUnstable_GC_VisitObjects(
      [](PyObject* o, void* arg) -> int {
        if (PyFunction_Check(o)) (*static_cast<Ctx*>(arg)->f)(reinterpret_cast<PyFunctionObject*>(o));
        return 1;
      },
      &ctx);
}
}  // namespace

bool startManaging() {
  // Create the eval-breaker tick function before watching function creation:
  // its own creation must not reach the watcher (it would recurse).
  if (tickCode() == nullptr) return false;
  if (g_func_watcher < 0) {
    g_func_watcher = PyFunction_AddWatcher(onFunctionEvent);
    if (g_func_watcher < 0) return false;
  }
  visitFunctions([](PyFunctionObject* f) { installEntry(f); });
  return true;
}

void stopManaging() {
  if (g_func_watcher >= 0) {
    PyFunction_ClearWatcher(g_func_watcher);
    g_func_watcher = -1;
  }
  visitFunctions([](PyFunctionObject* f) {
    if (f->vectorcall == ember_warmup_entry) restoreInterpreter(f);
  });
}

void parkManagedFunctions() {
  visitFunctions([](PyFunctionObject* f) {
    if (isManaged(f)) parkFunction(f);
  });
}

std::vector<PyObject*> compiledFunctions() {
  std::vector<PyObject*> out;
  visitFunctions([&](PyFunctionObject* f) {
    if (isCompiled(f)) out.push_back(Py_NewRef(reinterpret_cast<PyObject*>(f)));
  });
  return out;
}

}  // namespace ember::runtime
