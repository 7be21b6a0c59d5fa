#pragma once

#include <cstdint>

namespace portcullis::hal {

// A monotonic millisecond clock that starts near 0 at boot and never wraps in practice.
class Clock {
 public:
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  std::uint64_t now_ms() const { return do_now_ms(); }

 protected:
  Clock() = default;
  ~Clock() = default;

 private:
  virtual std::uint64_t do_now_ms() const = 0;
};

}  // namespace portcullis::hal
