// SPDX-License-Identifier: Apache-2.0
// The few newlib system calls a bare-metal image links against. Agent code uses neither
// stdio nor the heap; these exist so that a stray libc call fails loudly, not silently.
#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "portcullis/hal/fatal.hpp"
#include "portcullis/platform/cortex_m.hpp"

extern "C" {
extern char _heap_start;
extern char _heap_limit;
}

namespace {
char* heap_top = &_heap_start;
bool heap_locked = false;
}  // namespace

namespace portcullis::platform {
void lock_heap() {
  heap_locked = true;
}
}  // namespace portcullis::platform

extern "C" {

void* _sbrk(std::ptrdiff_t increment) {
  if (heap_locked) {
    portcullis::hal::fatal("heap allocation after init");
  }
  if (increment < 0 || &_heap_limit - heap_top < increment) {
    errno = ENOMEM;
    return reinterpret_cast<void*>(-1);
  }
  char* previous = heap_top;
  heap_top += increment;
  return previous;
}

int _write(int, const char*, int) {
  errno = ENOSYS;
  return -1;
}
int _read(int, char*, int) {
  errno = ENOSYS;
  return -1;
}
int _close(int) {
  return -1;
}
int _lseek(int, int, int) {
  return 0;
}
int _fstat(int, struct stat* st) {
  st->st_mode = S_IFCHR;
  return 0;
}
int _isatty(int) {
  return 1;
}
int _getpid() {
  return 1;
}
int _kill(int, int) {
  errno = EINVAL;
  return -1;
}
[[noreturn]] void _exit(int) {
  portcullis::hal::fatal("exit called");
}

// Pure virtual calls and C++ runtime aborts are impossible states, not recoverable ones.
[[noreturn]] void __cxa_pure_virtual() {
  portcullis::hal::fatal("pure virtual call");
}
[[noreturn]] void abort() {
  portcullis::hal::fatal("abort");
}
}
