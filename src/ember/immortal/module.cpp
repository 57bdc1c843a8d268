// ember._immortal: the C entry points of the immortal heap (issue 5).
//
//   immortalize_heap() -> int   collect, freeze, make the frozen heap immortal
//   is_immortal(obj) -> bool    PEP 683 test on the object's refcount
//   last_report() -> dict       counters of the last walk (see WalkReport)
//   mortal_reason(obj) -> str|None   why the walk would keep obj mortal
//
// Why the collect/freeze happen here and not in Python: between freezing and
// walking no other thread may run, or it could allocate objects that miss
// the freeze. gc.collect() runs finalizers (Python code, so other threads may
// run while it does); gc.freeze() and the walk run no bytecode, so once
// collect() has returned, freeze + walk are atomic under the GIL.
//
// Invariants: every function runs with the GIL; the module keeps no Python
// object alive except inside its module state (the gc module), so the module
// itself stays safe to import in subinterpreters that never call it; a
// re-entrant call (a finalizer run by gc.collect() calling back in) simply
// performs its own complete collect/freeze/walk first.
#include "ember/cpython/py312.h"

#include "ember/immortal/heap_walker.h"

namespace {

using ember::immortal::HeapWalker;
using ember::immortal::MortalReason;
using ember::immortal::WalkReport;

// Owns a strong reference; releases it when the scope ends.
class Ref {
 public:
  explicit Ref(PyObject* p = nullptr) : p_(p) {}
  ~Ref() { Py_XDECREF(p_); }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  PyObject* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  PyObject* p_;
};

// The last completed walk (the GIL protects it).
WalkReport gLastReport;
bool gHaveReport = false;

PyObject* immortalizeHeap(PyObject* /*module*/, PyObject* /*unused*/) {
  Ref gc(PyImport_ImportModule("gc"));
  if (!gc) {
    return nullptr;
  }
  Ref collected(PyObject_CallMethod(gc.get(), "collect", nullptr));
  if (!collected) {
    return nullptr;
  }
  Ref freeze(PyObject_GetAttrString(gc.get(), "freeze"));
  if (!freeze) {
    return nullptr;
  }
  // From here on no bytecode runs until we return: freeze() is a C function.
  Ref frozen(PyObject_CallNoArgs(freeze.get()));
  if (!frozen) {
    return nullptr;
  }
  WalkReport report;
  bool ok;
  {
    HeapWalker walker;
    ok = walker.run(report);
  }  // the walk's bookkeeping is released before we return to Python
  gLastReport = report;
  gHaveReport = true;
  if (!ok) {
    return nullptr;
  }
  return PyLong_FromSsize_t(report.madeImmortal);
}

PyObject* isImmortal(PyObject* /*module*/, PyObject* obj) {
  return PyBool_FromLong(_Py_IsImmortal(obj));
}

PyObject* mortalReason(PyObject* /*module*/, PyObject* obj) {
  switch (HeapWalker::mortalReason(obj)) {
    case MortalReason::None:
      Py_RETURN_NONE;
    case MortalReason::Finalizer:
      return PyUnicode_FromString("finalizer");
    case MortalReason::WeakCallback:
      return PyUnicode_FromString("weakref-callback");
    case MortalReason::Frame:
      return PyUnicode_FromString("frame");
  }
  Py_RETURN_NONE;
}

bool setItem(PyObject* dict, const char* key, Py_ssize_t value) {
  Ref v(PyLong_FromSsize_t(value));
  return v && PyDict_SetItemString(dict, key, v.get()) == 0;
}

PyObject* lastReport(PyObject* /*module*/, PyObject* /*unused*/) {
  if (!gHaveReport) {
    Py_RETURN_NONE;
  }
  const WalkReport& r = gLastReport;
  PyObject* d = PyDict_New();
  if (d == nullptr) {
    return nullptr;
  }
  const struct {
    const char* name;
    Py_ssize_t value;
  } fields[] = {
      {"roots", r.roots},
      {"visited", r.visited},
      {"made_immortal", r.madeImmortal},
      {"already_immortal", r.alreadyImmortal},
      {"mortal_finalizer", r.mortalFinalizer},
      {"mortal_weakref_callback", r.mortalWeakCallback},
      {"mortal_frame", r.mortalFrame},
      {"strings_hashed", r.stringsHashed},
      {"types_tagged", r.typesTagged},
      {"type_tag_failures", r.typeTagFailures},
      {"functions_versioned", r.functionsVersioned},
      {"dict_keys_versioned", r.dictKeysVersioned},
  };
  for (const auto& f : fields) {
    if (!setItem(d, f.name, f.value)) {
      Py_DECREF(d);
      return nullptr;
    }
  }
  return d;
}

PyMethodDef gMethods[] = {
    {"immortalize_heap", immortalizeHeap, METH_NOARGS,
     "immortalize_heap() -> int\n\nCollect garbage, gc.freeze(), then make every object reachable from the\n"
     "frozen generation immortal (PEP 683) and precompute lazily cached hashes and\n"
     "versions. Returns how many objects this call made immortal."},
    {"is_immortal", isImmortal, METH_O, "is_immortal(obj) -> bool: True if obj's refcount is immortal."},
    {"mortal_reason", mortalReason, METH_O,
     "mortal_reason(obj) -> str | None: why immortalize_heap() would leave obj mortal."},
    {"last_report", lastReport, METH_NOARGS, "last_report() -> dict | None: counters of the last walk."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef gModule = {
    PyModuleDef_HEAD_INIT,
    "ember._immortal",
    "Immortal heap for pre-fork servers (C part); use ember.immortal / ember.prefork.",
    0,
    gMethods,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

}  // namespace

PyMODINIT_FUNC PyInit__immortal() { return PyModule_Create(&gModule); }
