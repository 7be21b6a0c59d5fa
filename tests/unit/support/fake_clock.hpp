#pragma once

#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::test {

// A Clock the test moves by hand.
class FakeClock final : public hal::Clock {
 public:
  void advance(std::uint64_t ms) { now_ += ms; }
  void set(std::uint64_t ms) { now_ = ms; }

 private:
  std::uint64_t do_now_ms() const override { return now_; }
  std::uint64_t now_ = 0;
};

}  // namespace portcullis::test
