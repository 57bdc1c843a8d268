// PointerSet: the "already seen" set of the heap walk.
//
// The walk visits every object reachable from the frozen GC generation, which
// for a real pre-fork server is 10^5..10^7 objects. A node-based
// std::unordered_set costs ~40 bytes per entry plus a malloc per insert; this
// open-addressing table costs 16 bytes per entry (load factor <= 1/2) and
// allocates only when it doubles. Its storage is one std::vector, so a large
// table is an mmap that is returned to the OS when the walk ends: the parent
// does not keep (and share with its workers) the bookkeeping of the walk.
//
// Invariants: capacity is a power of two; 0 is the empty marker (no object
// lives at address 0); size_ <= capacity / 2 after every insert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ember::immortal {

class PointerSet {
 public:
  explicit PointerSet(std::size_t expected = 1024) {
    std::size_t cap = 64;
    while (cap < expected * 2) {
      cap <<= 1;
    }
    slots_.assign(cap, 0);
  }

  // Adds p; returns true when p was not in the set. May throw std::bad_alloc
  // (callers convert it to MemoryError before it reaches C code).
  bool insert(const void* p) {
    auto key = reinterpret_cast<std::uintptr_t>(p);
    if ((size_ + 1) * 2 > slots_.size()) {
      grow();
    }
    return insertNoGrow(key);
  }

  bool contains(const void* p) const {
    auto key = reinterpret_cast<std::uintptr_t>(p);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hashOf(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == key) {
        return true;
      }
      if (slots_[i] == 0) {
        return false;
      }
    }
  }

  std::size_t size() const { return size_; }

 private:
  static std::size_t hashOf(std::uintptr_t key) {
    // Objects are 16-byte aligned: drop the dead low bits, then mix (the
    // multiplier is the 64-bit golden ratio) so strides do not cluster.
    std::uint64_t h = static_cast<std::uint64_t>(key >> 4) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }

  bool insertNoGrow(std::uintptr_t key) {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hashOf(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == key) {
        return false;
      }
      if (slots_[i] == 0) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }

  void grow() {
    std::vector<std::uintptr_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    size_ = 0;
    for (std::uintptr_t key : old) {
      if (key != 0) {
        insertNoGrow(key);
      }
    }
  }

  std::vector<std::uintptr_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace ember::immortal
