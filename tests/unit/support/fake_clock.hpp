// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::test {

// A Clock the test moves by hand. Atomic: with NO_SYS=0, lwIP's tcpip thread reads it too.
class FakeClock final : public hal::Clock {
 public:
  void advance(std::uint64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }
  void set(std::uint64_t ms) { now_.store(ms, std::memory_order_relaxed); }

 private:
  std::uint64_t do_now_ms() const override { return now_.load(std::memory_order_relaxed); }
  std::atomic<std::uint64_t> now_{0};
};

}  // namespace portcullis::test
