// SPDX-License-Identifier: Apache-2.0
#include "portcullis/platform/seed_log.hpp"

#include <mbedtls/platform_util.h>

#include <array>
#include <cstring>

#include "portcullis/platform/internal/seed_record_format.hpp"

namespace portcullis::platform {

using internal::generation_of;
using internal::snapshot;
using internal::state_of;

bool SeedLogStore::usable() const {
  const std::size_t page = flash_.page_bytes();
  return page >= kSeedRecordBytes && page % kSeedRecordBytes == 0 && region_.size() == 2 * page &&
         reinterpret_cast<std::uintptr_t>(region_.data()) % page == 0;
}

bool SeedLogStore::erased(std::size_t i) const {
  const auto r = snapshot(slot(i));
  for (const std::uint8_t b : r) {
    if (b != 0xFF) return false;
  }
  return true;
}

SeedLogStore::Scan SeedLogStore::scan() const {
  Scan best;
  if (!usable()) {
    return best;
  }
  bool found = false;
  for (std::size_t i = 0; i < slots(); ++i) {
    auto r = snapshot(slot(i));
    const State s = state_of(r);
    if (s == State::kValid) {
      const std::uint32_t g = generation_of(r);
      if (!found || g > best.generation) {
        best = Scan{State::kValid, i, g};
        found = true;
      }
    } else if (s == State::kCorrupt && !found) {
      best.state = State::kCorrupt;
    }
    mbedtls_platform_zeroize(r.data(), r.size());
  }
  return best;
}

std::size_t SeedLogStore::current_slot() const {
  return scan().slot;
}

Status SeedLogStore::do_read(std::span<std::uint8_t, kSize> out) {
  const Scan s = scan();
  if (s.state != State::kValid) {
    return Status::kUnavailable;
  }
  auto r = snapshot(slot(s.slot));
  std::memcpy(out.data(), r.data() + internal::kSeedAt, kSize);
  mbedtls_platform_zeroize(r.data(), r.size());
  return Status::kOk;
}

Status SeedLogStore::do_write(std::span<const std::uint8_t, kSize> seed) {
  if (!usable()) {
    return Status::kUnavailable;
  }
  const Scan s = scan();
  const std::size_t per_page = flash_.page_bytes() / kSeedRecordBytes;
  const std::uint32_t next = s.state == State::kValid ? s.generation + 1 : 0;
  // The next erased slot after the newest record, in its page; else the other page, erased.
  std::size_t target = slots();
  if (s.state == State::kValid) {
    for (std::size_t i = s.slot + 1; i < (s.slot / per_page + 1) * per_page; ++i) {
      if (erased(i)) {
        target = i;
        break;
      }
    }
  }
  if (target == slots()) {
    const std::size_t page = s.state == State::kValid ? 1 - s.slot / per_page : 0;
    const auto address =
        reinterpret_cast<std::uintptr_t>(region_.data()) + page * flash_.page_bytes();
    if (const Status e = flash_.erase_page(address); !ok(e)) {
      return e;
    }
    target = page * per_page;
  }
  auto record = internal::make_record(seed, next);
  std::array<std::uint32_t, kSeedRecordBytes / 4> words{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (std::size_t b = 0; b < 4; ++b) {
      words[i] |= std::uint32_t{record[4 * i + b]} << (8 * b);  // little-endian, as the CPU reads
    }
  }
  mbedtls_platform_zeroize(record.data(), record.size());
  const Status programmed = flash_.program(
      reinterpret_cast<std::uintptr_t>(region_.data()) + target * kSeedRecordBytes, words);
  mbedtls_platform_zeroize(words.data(), sizeof words);
  auto after = snapshot(slot(target));
  const bool stuck = ok(programmed) && internal::holds(after, seed, next);
  mbedtls_platform_zeroize(after.data(), after.size());
  return stuck ? Status::kOk : (ok(programmed) ? Status::kInternal : programmed);
}

}  // namespace portcullis::platform
