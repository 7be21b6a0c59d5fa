// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" std::uint8_t _seed_record[];     // linker.ld.in: the first 64 bytes of RAM
extern "C" const std::uint8_t _seed_log[];  // linker.ld.in: the end of flash
extern "C" const std::uint8_t _seed_log_end[];
extern "C" const std::uint8_t _identity[];  // linker.ld.in: after the image, before the seed log
extern "C" const std::uint8_t _identity_end[];

namespace portcullis::platform {

// The device's entropy seed record, at the start of RAM outside the image (linker.ld.in):
// what a SeedRecordStore (platform/mbedtls) reads and rewrites.
inline std::span<std::uint8_t, 64> seed_record_memory() {
  return std::span<std::uint8_t, 64>{_seed_record, 64};
}

// The device's seed log, the last pages of flash outside the image (linker.ld.in; the board's
// PORTCULLIS_SEED_LOG_SIZE): what a SeedLogStore (platform/mbedtls) reads. Empty without one.
inline std::span<const std::uint8_t> seed_log_memory() {
  const auto bytes =
      reinterpret_cast<std::uintptr_t>(_seed_log_end) - reinterpret_cast<std::uintptr_t>(_seed_log);
  return {_seed_log, static_cast<std::size_t>(bytes)};
}

// The device's identity record region (linker.ld.in; the board's PORTCULLIS_IDENTITY_SIZE):
// what the agent reads its id, certificate, key and CA from. Empty without one.
inline std::span<const std::uint8_t> identity_memory() {
  const auto bytes =
      reinterpret_cast<std::uintptr_t>(_identity_end) - reinterpret_cast<std::uintptr_t>(_identity);
  return {_identity, static_cast<std::size_t>(bytes)};
}

// Called once init is done: from then on malloc/new trap through hal::fatal().
void lock_heap();

// Sleeps until the next interrupt (SysTick wakes it every millisecond).
inline void wait_for_interrupt() {
  __asm volatile("wfi");
}

}  // namespace portcullis::platform
