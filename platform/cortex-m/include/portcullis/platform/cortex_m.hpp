#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" std::uint8_t _seed_record[];  // linker.ld.in: the first 64 bytes of RAM

namespace portcullis::platform {

// The device's entropy seed record, at the start of RAM outside the image (linker.ld.in):
// what a SeedRecordStore (platform/mbedtls) reads and rewrites.
inline std::span<std::uint8_t, 64> seed_record_memory() {
  return std::span<std::uint8_t, 64>{_seed_record, 64};
}

// Called once init is done: from then on malloc/new trap through hal::fatal().
void lock_heap();

// Sleeps until the next interrupt (SysTick wakes it every millisecond).
inline void wait_for_interrupt() {
  __asm volatile("wfi");
}

}  // namespace portcullis::platform
