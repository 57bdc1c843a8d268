// Native stack segments; see native_stack.h.
#include "ember/runtime/native_stack.h"

#include <pthread.h>
#include <sys/mman.h>


// ember_run_on_stack(body, ts, frame, top): calls body(ts, frame) with the
// stack pointer at `top` (16-byte aligned) and returns its result on the
// original stack. rbp keeps the caller's stack pointer across the call.
extern "C" PyObject* ember_run_on_stack(ember::runtime::NativeBody body, PyThreadState* ts,
                                        _PyInterpreterFrame* frame, void* top);
asm(R"(
    .text
    .globl ember_run_on_stack
    .hidden ember_run_on_stack
    .type ember_run_on_stack, @function
ember_run_on_stack:
    push %rbp
    mov %rsp, %rbp
    mov %rcx, %rsp
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    call *%rax
    mov %rbp, %rsp
    pop %rbp
    ret
    .size ember_run_on_stack, .-ember_run_on_stack
)");

namespace ember::runtime {
namespace {

constexpr size_t kMinHeadroom = 512 * 1024;
constexpr size_t kSegmentSize = 64u * 1024 * 1024;
constexpr size_t kGuardSize = 64 * 1024;
constexpr size_t kMaxSegments = 16;

// Plain data, zero-initialised, in the initial-exec TLS model: reading it is
// one %fs-relative load (the default model for a shared object would call
// __tls_get_addr on every compiled call). Segments are unmapped at thread
// exit by a pthread key destructor.
struct ThreadStacks {
  char* low;                        // lowest usable address of the stack in use
  char* segments[kMaxSegments];     // mapping starts (guard area first)
  size_t count;
  size_t in_use;
};

__attribute__((tls_model("initial-exec"))) thread_local ThreadStacks t_stacks;

pthread_key_t g_cleanup_key;
pthread_once_t g_cleanup_once = PTHREAD_ONCE_INIT;

void unmapSegments(void*) {
  ThreadStacks& t = t_stacks;
  for (size_t k = 0; k < t.count; k++) munmap(t.segments[k], kSegmentSize);
  t.count = 0;
  t.in_use = 0;
}

void makeCleanupKey() { pthread_key_create(&g_cleanup_key, unmapSegments); }

char* threadStackLow() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  return addr != nullptr ? static_cast<char*>(addr) : reinterpret_cast<char*>(1);
}

}  // namespace

bool nativeStackLow(const char* here) {
  ThreadStacks& t = t_stacks;
  if (t.low == nullptr) t.low = threadStackLow();
  if (t.low == reinterpret_cast<char*>(1)) return false;  // unknown bounds: never switch
  return here < t.low || static_cast<size_t>(here - t.low) < kMinHeadroom;
}

bool reserveStackSegment() {
  ThreadStacks& t = t_stacks;
  if (t.in_use < t.count) return true;
  if (t.count >= kMaxSegments) {
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded (native stack)");
    return false;
  }
  void* p = mmap(nullptr, kSegmentSize, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded (no native stack)");
    return false;
  }
  mprotect(p, kGuardSize, PROT_NONE);
  if (t.count == 0) {
    pthread_once(&g_cleanup_once, makeCleanupKey);
    pthread_setspecific(g_cleanup_key, &t);  // any non-null value: run the destructor
  }
  t.segments[t.count++] = static_cast<char*>(p);
  return true;
}

PyObject* runOnFreshStack(NativeBody body, PyThreadState* ts, _PyInterpreterFrame* frame) {
  ThreadStacks& t = t_stacks;
  char* base = t.segments[t.in_use++];
  char* saved_low = t.low;
  t.low = base + kGuardSize;
  void* top = base + kSegmentSize - 64;
  PyObject* result = ember_run_on_stack(body, ts, frame, top);
  t.low = saved_low;
  t.in_use--;
  return result;
}

}  // namespace ember::runtime
