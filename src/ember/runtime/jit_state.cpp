#include "ember/runtime/jit_state.h"

#include <fnmatch.h>

#include <cstdio>

namespace ember::runtime {

Py_ssize_t g_fast_extra_index = -1;

namespace {
Py_ssize_t g_extra_index = -1;
bool g_layout_checked = false;

// The code object is being freed: no activation of its compiled body is live
// (each holds the code through its frame) and bodies never run after their
// frame is released, so the machine code can go too (code_allocator.h).
void freeCodeState(void* p) {
  auto* st = static_cast<CodeState*>(p);
  if (st->compiled != nullptr) {
    releaseCode(st->compiled->block);
    delete st->compiled;
  }
  delete st;
}

std::string str(PyObject* o) {
  if (o == nullptr || !PyUnicode_Check(o)) return "?";
  const char* s = PyUnicode_AsUTF8(o);
  if (s == nullptr) {
    PyErr_Clear();
    return "?";
  }
  return s;
}
}  // namespace

Config& config() {
  static Config c;
  return c;
}

Stats& stats() {
  static Stats s;
  return s;
}

CodeState* codeState(PyCodeObject* code, bool create) {
  if (g_extra_index < 0) {
    if (!create) return nullptr;
    g_extra_index = PyUnstable_Eval_RequestCodeExtraIndex(freeCodeState);
    if (g_extra_index < 0) {
      PyErr_Clear();
      return nullptr;
    }
  }
  void* p = nullptr;
  if (PyUnstable_Code_GetExtra(reinterpret_cast<PyObject*>(code), g_extra_index, &p) < 0) {
    PyErr_Clear();
    return nullptr;
  }
  if (p != nullptr || !create) return static_cast<CodeState*>(p);
  auto* st = new CodeState();
  if (PyUnstable_Code_SetExtra(reinterpret_cast<PyObject*>(code), g_extra_index, st) < 0) {
    PyErr_Clear();
    delete st;
    return nullptr;
  }
  if (!g_layout_checked) {
    g_layout_checked = true;
    auto* extra = static_cast<CodeExtraLayout*>(code->co_extra);
    bool same = extra != nullptr && g_extra_index < extra->size && extra->slots[g_extra_index] == st;
    g_fast_extra_index = same ? g_extra_index : -1;
  }
  return st;
}

std::string functionKey(PyFunctionObject* func) {
  return str(func->func_module) + ":" + str(func->func_qualname);
}

bool matchesFilter(const std::string& key) {
  const std::string& f = config().filter;
  return f.empty() || fnmatch(f.c_str(), key.c_str(), 0) == 0;
}

void logText(const std::string& text) {
  const std::string& path = config().log_file;
  FILE* out = stderr;
  if (!path.empty()) {
    out = std::fopen(path.c_str(), "a");
    if (out == nullptr) out = stderr;
  }
  std::fputs(text.c_str(), out);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', out);
  if (out != stderr) {
    std::fclose(out);
  } else {
    std::fflush(out);
  }
}

}  // namespace ember::runtime
