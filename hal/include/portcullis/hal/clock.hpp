// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace portcullis::hal {

// A monotonic millisecond clock that starts near 0 at boot and never wraps in practice.
class Clock {
 public:
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  std::uint64_t now_ms() const { return do_now_ms(); }
  // A fast-moving counter for timing noise (a timer's current count, nanoseconds): not a
  // time, only bits in which two moments differ. A clock without one gives now_ms().
  std::uint32_t fine_ticks() const { return do_fine_ticks(); }

 protected:
  Clock() = default;
  ~Clock() = default;

 private:
  virtual std::uint64_t do_now_ms() const = 0;
  virtual std::uint32_t do_fine_ticks() const { return static_cast<std::uint32_t>(do_now_ms()); }
};

}  // namespace portcullis::hal
