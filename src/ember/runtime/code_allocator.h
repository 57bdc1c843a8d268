// Executable memory for compiled code.
//
// Code is copied into 1 MiB chunks obtained with mmap. A chunk is writable
// only while code is being copied in (mprotect RW -> RX around the copy), so
// no page is ever writable and executable at once. This is safe because
// compilation runs with the GIL held: no thread executes compiled code while a
// chunk is briefly not executable (threads that released the GIL are inside C
// functions and re-take the GIL before returning into compiled code).
//
// Code is freed with its code object (the co_extra destructor in
// jit_state.cpp). That is safe because no instruction of a body runs after
// its frame is released: bodies leave by a tail jump to ember_frame_return or
// ember_deopt (codegen/emitter.cpp), and while a compiled activation is live
// its frame holds a strong reference to the code object. Freed blocks go on a
// best-fit free list (sizes in 16-byte units) and are reused by later
// compilations; chunks themselves are kept.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::runtime {

struct CodeBlock {
  void* start = nullptr;
  size_t capacity = 0;  // bytes reserved, >= the code's size
};

// Copies `size` bytes of position-independent code into executable memory.
// Returns a block with start == nullptr if memory could not be obtained.
CodeBlock installCode(const uint8_t* bytes, size_t size);

// Returns a block to the free list.
void releaseCode(CodeBlock block);

// Bytes of machine code currently installed (freed code not counted).
size_t installedCodeBytes();

}  // namespace ember::runtime
