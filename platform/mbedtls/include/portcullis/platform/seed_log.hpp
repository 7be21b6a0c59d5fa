// SPDX-License-Identifier: Apache-2.0
#pragma once
// The device's seed record kept in NOR flash, for a board whose RAM forgets it at power-off:
// two erase pages used as a log of 64-byte records (seed_record.hpp's layout). A boot reads
// the valid record of the highest generation and appends its successor to the next erased
// slot; when that page is full it erases the other page and starts there. So a page is erased
// once every page_bytes / 64 boots (16 on a 1 KiB page: the LM3S6965's 100 000 erase cycles
// last 1.6 million boots), and at every moment of a write (power lost mid-erase or
// mid-program) the newest record written whole is still there: a torn slot fails its check
// and is skipped, never reused; the next boot reads the same seed again, which no DRBG has
// drawn from (the write comes before the first draw).
//
// The factory (tools/flash --seed on the EK-LM3S6965, or the lab's QEMU loader) provisions the
// region as one record of generation 0 in slot 0 and every other byte 0xFF.

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/hal/page_flash.hpp"
#include "portcullis/platform/seed_record.hpp"

namespace portcullis::platform {

class SeedLogStore final : public DeviceSeedStore {
 public:
  // `region`: the log as the CPU reads it, two whole pages of `flash` (any other size or
  // alignment makes every read kUnavailable and the state kAbsent).
  SeedLogStore(hal::PageFlash& flash, std::span<const std::uint8_t> region)
      : flash_(flash), region_(region) {}

  // The slot of the current record (valid stores only), for tests and console lines.
  std::size_t current_slot() const;

 private:
  struct Scan {
    State state = State::kAbsent;
    std::size_t slot = 0;  // of the newest valid record
    std::uint32_t generation = 0;
  };
  Scan scan() const;
  bool usable() const;
  std::size_t slots() const { return region_.size() / kSeedRecordBytes; }
  std::span<const std::uint8_t, kSeedRecordBytes> slot(std::size_t i) const {
    return region_.subspan(i * kSeedRecordBytes).first<kSeedRecordBytes>();
  }
  bool erased(std::size_t i) const;

  State do_state() const override { return scan().state; }
  std::uint32_t do_generation() const override { return scan().generation; }
  const char* do_medium() const override { return "log"; }
  Status do_read(std::span<std::uint8_t, kSize> out) override;
  // Appends generation + 1 and reads it back: kInternal when it did not stick (a flash that
  // does not program, as QEMU's), so the seed just read is never used.
  Status do_write(std::span<const std::uint8_t, kSize> seed) override;

  hal::PageFlash& flash_;
  std::span<const std::uint8_t> region_;
};

}  // namespace portcullis::platform
