// SPDX-License-Identifier: Apache-2.0
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

// A seed store a device keeps outside its image (the RAM record here, the flash log of
// seed_log.hpp), with what the console says about it.
class DeviceSeedStore : public TlsSeedStore {
 public:
  enum class State : std::uint8_t {
    kValid,    // magic and check right
    kAbsent,   // no magic: never provisioned (or erased)
    kCorrupt,  // magic right, check wrong: torn write, bit rot or tampering
  };

  // What the store holds now (reads it).
  State state() const { return do_state(); }
  // The current record's generation (valid stores only): how many boots have rewritten it.
  std::uint32_t generation() const { return do_generation(); }
  // Where it lives, for console lines: "record" (RAM), "log" (flash), ...
  const char* medium() const { return do_medium(); }

 protected:
  DeviceSeedStore() = default;
  ~DeviceSeedStore() = default;

 private:
  virtual State do_state() const = 0;
  virtual std::uint32_t do_generation() const = 0;
  virtual const char* do_medium() const = 0;
};

class SeedRecordStore final : public DeviceSeedStore {
 public:
  explicit SeedRecordStore(std::span<std::uint8_t, kSeedRecordBytes> record) : record_(record) {}

  // Where it lives, for console lines.
  const void* address() const { return record_.data(); }

  // Fills `record` with a valid record of `seed` and `generation` (tests, and what
  // tools/lab writes with its own code).
  static void encode(std::span<std::uint8_t, kSeedRecordBytes> record,
                     std::span<const std::uint8_t, kSize> seed, std::uint32_t generation);

 private:
  State do_state() const override;
  std::uint32_t do_generation() const override;
  const char* do_medium() const override { return "record"; }
  // kUnavailable unless the record is valid: Mbed TLS then refuses to seed, so no TLS starts.
  Status do_read(std::span<std::uint8_t, kSize> out) override;
  // Writes the successor (generation + 1) and reads it back: kInternal when it did not stick,
  // so that a seed that would be read again next boot is never used.
  Status do_write(std::span<const std::uint8_t, kSize> seed) override;

  std::span<std::uint8_t, kSeedRecordBytes> record_;
};

// The first of two stores that holds a valid seed, chosen at the first call and kept for the
// boot (a board with a flash log and a RAM record: the flash log when provisioned, else the
// RAM record a loader or debugger put there). Neither valid: the first when it is corrupt
// (that is the news), else the second.
class FirstValidSeedStore final : public DeviceSeedStore {
 public:
  FirstValidSeedStore(DeviceSeedStore& first, DeviceSeedStore& second)
      : first_(first), second_(second) {}

 private:
  DeviceSeedStore& chosen() const;
  State do_state() const override { return chosen().state(); }
  std::uint32_t do_generation() const override { return chosen().generation(); }
  const char* do_medium() const override { return chosen().medium(); }
  Status do_read(std::span<std::uint8_t, kSize> out) override { return chosen().read(out); }
  Status do_write(std::span<const std::uint8_t, kSize> seed) override {
    return chosen().write(seed);
  }

  DeviceSeedStore& first_;
  DeviceSeedStore& second_;
  mutable DeviceSeedStore* chosen_ = nullptr;
};

const char* to_string(DeviceSeedStore::State s);

}  // namespace portcullis::platform
