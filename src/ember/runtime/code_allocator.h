// Executable memory for compiled code.
//
// Code is copied into 1 MiB chunks obtained with mmap. A chunk is writable
// only while code is being copied in (mprotect RW -> RX around the copy), so
// no page is ever writable and executable at once. This is safe because
// compilation runs with the GIL held: no thread executes compiled code while a
// chunk is briefly not executable (threads that released the GIL are inside C
// functions and re-take the GIL before returning into compiled code).
// Memory is never returned (compiled code lives as long as the process; code
// objects are rarely freed in the programs a JIT helps).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember::runtime {

// Copies `size` bytes of position-independent code into executable memory.
// Returns nullptr if memory could not be obtained.
void* installCode(const uint8_t* bytes, size_t size);

// Total bytes of machine code installed so far.
size_t installedCodeBytes();

}  // namespace ember::runtime
