// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/clock.hpp"

namespace portcullis::hal {

struct SysTickClockTestAccess;  // defined by the unit tests only

// The Cortex-M SysTick timer as a 1 kHz tick, counted into a 64-bit millisecond clock. `Bus`
// has the shape of portcullis::hal::Mmio; on a Cortex-M it is Mmio{0xE000E010}. The board's
// SysTick_Handler calls on_tick(). now_ms() is safe from thread mode and from handlers that
// cannot preempt SysTick; one of higher priority could land inside on_tick() and read a
// half-updated count.
template <class Bus>
class SysTickClock final : public Clock {
 public:
  static constexpr std::uint32_t kMaxReload = 0x00FF'FFFF;  // RVR is 24 bits wide

  constexpr explicit SysTickClock(Bus bus) : bus_(bus) {}

  // Starts a tick every millisecond of a `core_hz` processor clock. Milliseconds are exact
  // when core_hz is a multiple of 1000; otherwise ticks come early by the remainder's cycles.
  Status start(std::uint32_t core_hz) {
    const std::uint32_t cycles_per_ms = core_hz / 1000;
    if (cycles_per_ms < 2 || cycles_per_ms - 1 > kMaxReload) return Status::kInvalidArgument;
    bus_.write32(kCsr, 0);  // stopped while reprogrammed, in case start() runs twice
    bus_.write32(kRvr, cycles_per_ms - 1);
    bus_.write32(kCvr, 0);  // any write clears it, so the first period is a full one
    bus_.write32(kCsr, kCsrEnable | kCsrTickInt | kCsrProcessorClock);
    return Status::kOk;
  }

  // Called from the SysTick exception only; it must not be preempted by another on_tick().
  void on_tick() {
    const std::uint32_t low = low_ + 1;
    if (low == 0) high_ = high_ + 1;
    low_ = low;
  }

 private:
  friend struct SysTickClockTestAccess;

  static constexpr std::uint32_t kCsr = 0x00;
  static constexpr std::uint32_t kRvr = 0x04;
  static constexpr std::uint32_t kCvr = 0x08;
  static constexpr std::uint32_t kCsrEnable = 1u << 0;
  static constexpr std::uint32_t kCsrTickInt = 1u << 1;
  static constexpr std::uint32_t kCsrProcessorClock = 1u << 2;

  // A Cortex-M3 cannot load 64 bits in one instruction, so a tick may land between the two
  // halves; reading high, low, high again and retrying on a change yields a consistent pair.
  std::uint64_t do_now_ms() const override {
    std::uint32_t high = high_;
    for (;;) {
      const std::uint32_t low = low_;
      const std::uint32_t high_again = high_;
      if (high_again == high) return std::uint64_t{high} << 32 | low;
      high = high_again;
    }
  }

  // The down-counter within the millisecond, and the milliseconds above it: where in a tick
  // an event landed (frame arrival times, in processor cycles).
  std::uint32_t do_fine_ticks() const override {
    return (bus_.read32(kCvr) & kMaxReload) | (low_ << 24);
  }

  Bus bus_;
  volatile std::uint32_t low_ = 0;
  volatile std::uint32_t high_ = 0;
};

}  // namespace portcullis::hal
