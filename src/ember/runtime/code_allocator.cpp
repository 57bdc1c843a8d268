// Executable memory for compiled code; see code_allocator.h.
#include "ember/runtime/code_allocator.h"

#include <sys/mman.h>

#include <cstring>
#include <map>

namespace ember::runtime {

namespace {
constexpr size_t kChunkSize = 1 << 20;
constexpr size_t kMinSplit = 64;  // smaller leftovers stay with the block
uint8_t* g_chunk = nullptr;
size_t g_chunk_size = 0;
size_t g_used = 0;
size_t g_live = 0;
std::multimap<size_t, uint8_t*> g_free;  // capacity -> start

uint8_t* carve(size_t need, size_t* capacity) {
  auto it = g_free.lower_bound(need);
  if (it != g_free.end()) {
    uint8_t* start = it->second;
    size_t have = it->first;
    g_free.erase(it);
    if (have - need >= kMinSplit) {
      g_free.emplace(have - need, start + need);
      have = need;
    }
    *capacity = have;
    return start;
  }
  if (g_chunk == nullptr || g_used + need > g_chunk_size) {
    size_t chunk = need > kChunkSize ? ((need + 4095) & ~size_t{4095}) : kChunkSize;
    void* mem = mmap(nullptr, chunk, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    if (g_chunk != nullptr && g_chunk_size > g_used) {
      g_free.emplace(g_chunk_size - g_used, g_chunk + g_used);  // the old chunk's tail
    }
    g_chunk = static_cast<uint8_t*>(mem);
    g_chunk_size = chunk;
    g_used = 0;
  }
  uint8_t* start = g_chunk + g_used;
  g_used += need;
  *capacity = need;
  return start;
}
}  // namespace

CodeBlock installCode(const uint8_t* bytes, size_t size) {
  size_t need = (size + 15) & ~size_t{15};
  size_t capacity = 0;
  uint8_t* dst = carve(need, &capacity);
  if (dst == nullptr) return {};
  // Make only the pages being written writable, then executable again.
  uintptr_t start = reinterpret_cast<uintptr_t>(dst) & ~uintptr_t{4095};
  uintptr_t end = (reinterpret_cast<uintptr_t>(dst + size) + 4095) & ~uintptr_t{4095};
  void* page = reinterpret_cast<void*>(start);
  if (mprotect(page, end - start, PROT_READ | PROT_WRITE) != 0) {
    g_free.emplace(capacity, dst);
    return {};
  }
  std::memcpy(dst, bytes, size);
  if (mprotect(page, end - start, PROT_READ | PROT_EXEC) != 0) return {};
  __builtin___clear_cache(reinterpret_cast<char*>(dst), reinterpret_cast<char*>(dst + size));
  g_live += capacity;
  return CodeBlock{dst, capacity};
}

void releaseCode(CodeBlock block) {
  if (block.start == nullptr) return;
  g_live -= block.capacity;
  g_free.emplace(block.capacity, static_cast<uint8_t*>(block.start));
}

size_t installedCodeBytes() { return g_live; }

}  // namespace ember::runtime
