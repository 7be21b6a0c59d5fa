// SPDX-License-Identifier: Apache-2.0
#pragma once
// The seed record's layout (seed_record.hpp), shared by the RAM record and the flash log.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/platform/seed_record.hpp"

namespace portcullis::platform::internal {

using RecordBytes = std::array<std::uint8_t, kSeedRecordBytes>;
inline constexpr std::size_t kSeedAt = 16;

// The record as it is in memory now, read once through volatile, so that a read-back after a
// write sees the memory (flash, or RAM behind a loader) and not what the compiler assumed.
RecordBytes snapshot(std::span<const std::uint8_t, kSeedRecordBytes> record);
DeviceSeedStore::State state_of(std::span<const std::uint8_t, kSeedRecordBytes> record);
std::uint32_t generation_of(std::span<const std::uint8_t, kSeedRecordBytes> record);
// A valid record of `seed` and `generation`; the caller zeroizes it after use.
RecordBytes make_record(std::span<const std::uint8_t, TlsSeedStore::kSize> seed,
                        std::uint32_t generation);
// `after` holds exactly `seed` at `generation`, validly.
bool holds(std::span<const std::uint8_t, kSeedRecordBytes> after,
           std::span<const std::uint8_t, TlsSeedStore::kSize> seed, std::uint32_t generation);

}  // namespace portcullis::platform::internal
