// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "portcullis/hal/clock.hpp"

namespace portcullis::hal {

// The device's calendar time (UTC): the monotonic Clock plus an offset that the network sets
// (SNTP), as a real-time clock with no battery. Unknown from boot until the first set().
// `floor_unix_s` is the earliest time the image accepts as now (its release date): a clock
// set earlier is wrong, and while the time is unknown it is the one certain lower bound of
// it (a certificate that expired before it has expired now). Not thread-safe: lwIP's
// context sets it and reads it.
class WallClock {
 public:
  WallClock(const Clock& monotonic, std::int64_t floor_unix_s)
      : monotonic_(monotonic), floor_unix_s_(floor_unix_s) {}
  WallClock(const WallClock&) = delete;
  WallClock& operator=(const WallClock&) = delete;

  bool known() const { return sets_ != 0; }
  // Milliseconds since 1970-01-01 UTC, while known.
  std::optional<std::int64_t> unix_ms() const {
    if (!known()) {
      return std::nullopt;
    }
    return offset_ms_ + static_cast<std::int64_t>(monotonic_.now_ms());
  }
  // Seconds since 1970 if known, else the floor: a time no later than now.
  std::int64_t unix_seconds_or_floor() const {
    const std::optional<std::int64_t> ms = unix_ms();
    return ms ? *ms / 1000 : floor_unix_s_;
  }
  std::int64_t floor_unix_s() const { return floor_unix_s_; }

  // Now is `unix_ms`. Refused (false, nothing changes) before the floor.
  [[nodiscard]] bool set(std::int64_t unix_ms) {
    if (unix_ms / 1000 < floor_unix_s_) {
      return false;
    }
    const std::uint64_t now = monotonic_.now_ms();
    offset_ms_ = unix_ms - static_cast<std::int64_t>(now);
    set_at_ms_ = now;
    ++sets_;
    return true;
  }
  // How often it was set, and when last (the monotonic clock's ms).
  std::uint32_t sets() const { return sets_; }
  std::uint64_t set_at_ms() const { return set_at_ms_; }

 private:
  const Clock& monotonic_;
  const std::int64_t floor_unix_s_;
  std::int64_t offset_ms_ = 0;
  std::uint64_t set_at_ms_ = 0;
  std::uint32_t sets_ = 0;
};

}  // namespace portcullis::hal
