#include "ember/runtime/code_allocator.h"

#include <sys/mman.h>

#include <cstring>

namespace ember::runtime {

namespace {
constexpr size_t kChunkSize = 1 << 20;
uint8_t* g_chunk = nullptr;
size_t g_chunk_size = 0;
size_t g_used = 0;
size_t g_total = 0;
}  // namespace

void* installCode(const uint8_t* bytes, size_t size) {
  size_t need = (size + 15) & ~size_t{15};
  if (g_chunk == nullptr || g_used + need > g_chunk_size) {
    size_t chunk = need > kChunkSize ? ((need + 4095) & ~size_t{4095}) : kChunkSize;
    void* mem = mmap(nullptr, chunk, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    g_chunk = static_cast<uint8_t*>(mem);
    g_chunk_size = chunk;
    g_used = 0;
  }
  // Make only the pages being written writable, then executable again.
  uintptr_t start = reinterpret_cast<uintptr_t>(g_chunk + g_used) & ~uintptr_t{4095};
  uintptr_t end = (reinterpret_cast<uintptr_t>(g_chunk + g_used + need) + 4095) & ~uintptr_t{4095};
  void* page = reinterpret_cast<void*>(start);
  if (mprotect(page, end - start, PROT_READ | PROT_WRITE) != 0) return nullptr;
  uint8_t* dst = g_chunk + g_used;
  std::memcpy(dst, bytes, size);
  if (mprotect(page, end - start, PROT_READ | PROT_EXEC) != 0) return nullptr;
  __builtin___clear_cache(reinterpret_cast<char*>(dst), reinterpret_cast<char*>(dst + size));
  g_used += need;
  g_total += size;
  return dst;
}

size_t installedCodeBytes() { return g_total; }

}  // namespace ember::runtime
