// Native stack segments; see native_stack.h.
#include "ember/runtime/native_stack.h"

#include <pthread.h>
#include <sys/mman.h>

#include <vector>

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

struct Segment {
  char* base = nullptr;  // start of the mapping (guard area first)
};

struct ThreadStacks {
  char* low = nullptr;          // lowest usable address of the stack in use
  std::vector<Segment> segments;
  size_t in_use = 0;
  ~ThreadStacks() {
    for (Segment& s : segments) munmap(s.base, kSegmentSize);
  }
};

thread_local ThreadStacks t_stacks;

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
  if (t.in_use < t.segments.size()) return true;
  if (t.segments.size() >= kMaxSegments) {
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
  t.segments.push_back(Segment{static_cast<char*>(p)});
  return true;
}

PyObject* runOnFreshStack(NativeBody body, PyThreadState* ts, _PyInterpreterFrame* frame) {
  ThreadStacks& t = t_stacks;
  Segment& seg = t.segments[t.in_use++];
  char* saved_low = t.low;
  t.low = seg.base + kGuardSize;
  void* top = seg.base + kSegmentSize - 64;
  PyObject* result = ember_run_on_stack(body, ts, frame, top);
  t.low = saved_low;
  t.in_use--;
  return result;
}

}  // namespace ember::runtime
