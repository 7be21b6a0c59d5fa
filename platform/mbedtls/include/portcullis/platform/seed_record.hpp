#pragma once
// The device's entropy seed record: 64 bytes at a fixed address outside the firmware image,
// written per device by whoever provisions it (the factory; on QEMU, tools/lab through the
// generic loader) and rewritten by the device at every boot before any random number is used
// (Mbed TLS's NV seed design). One image flashed onto many devices, or booted many times,
// then never starts two DRBGs from the same seed.
//
//   offset  size  field
//   0       8     magic "PCSEED01"
//   8       4     generation (little-endian): 0 as provisioned, +1 at every write-back
//   12      4     zero
//   16      32    the seed
//   48      16    the first 16 bytes of SHA-256 over bytes 0..47

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

inline constexpr std::size_t kSeedRecordBytes = 64;

class SeedRecordStore final : public TlsSeedStore {
 public:
  enum class State : std::uint8_t {
    kValid,    // magic and check right
    kAbsent,   // no magic: never provisioned (or erased)
    kCorrupt,  // magic right, check wrong: torn write, bit rot or tampering
  };

  explicit SeedRecordStore(std::span<std::uint8_t, kSeedRecordBytes> record) : record_(record) {}

  // What the record holds now (reads it).
  State state() const;
  // The record's generation (valid records only): how many boots have rewritten it.
  std::uint32_t generation() const;
  // Where it lives, for console lines.
  const void* address() const { return record_.data(); }

  // Fills `record` with a valid record of `seed` and `generation` (tests, and what
  // tools/lab writes with its own code).
  static void encode(std::span<std::uint8_t, kSeedRecordBytes> record,
                     std::span<const std::uint8_t, kSize> seed, std::uint32_t generation);

 private:
  // kUnavailable unless the record is valid: Mbed TLS then refuses to seed, so no TLS starts.
  Status do_read(std::span<std::uint8_t, kSize> out) override;
  // Writes the successor (generation + 1) and reads it back: kInternal when it did not stick,
  // so that a seed that would be read again next boot is never used.
  Status do_write(std::span<const std::uint8_t, kSize> seed) override;

  std::span<std::uint8_t, kSeedRecordBytes> record_;
};

const char* to_string(SeedRecordStore::State s);

}  // namespace portcullis::platform
