// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/entropy.hpp"

namespace portcullis::hal {

// Noise from the internal temperature sensor of a Stellaris LM3S6965, through ADC0's sample
// sequencer 3 triggered by general-purpose timer 0, polled. A WEAK source: the low bits of a
// conversion carry thermal noise on silicon (QEMU's model returns an LCG that restarts at every
// boot), so its bytes belong in Mbed TLS's pool as a weak source credited as no entropy, never
// as the strong source (TlsSetup::entropy) that is credited in full. `Bus` has the shape of
// portcullis::hal::Mmio; on the LM3S6965 the ADC is Mmio{0x4003'8000} and the timer
// Mmio{0x4003'0000}. The board enables both clocks (StellarisSysctl::enable_adc(),
// enable_timer0()) before start(). Timer 0 is the driver's alone. Not ISR-safe: call every
// method from one context.
template <class Bus>
class StellarisAdcNoise final : public Entropy {
 public:
  // FIFO-status reads one sample may wait: a bound on a dead ADC or a stopped timer, never
  // reached by a live one (see kMaxPeriodCycles).
  static constexpr std::uint32_t kMaxPollsPerSample = 100'000;
  // Timer periods start() accepts, in system clock cycles. Shorter than one conversion at the
  // ADC's 125 kS/s (400 cycles at 50 MHz) only drops triggers on silicon, and QEMU would spend
  // its time in timer events. A poll takes more than two cycles, so even the longest period
  // plus a conversion ends well within kMaxPollsPerSample.
  static constexpr std::uint32_t kMinPeriodCycles = 400;
  static constexpr std::uint32_t kMaxPeriodCycles = 50'000;
  static_assert(kMaxPeriodCycles <= kMaxPollsPerSample / 2);
  // Conversions folded into each output byte.
  static constexpr std::size_t kSamplesPerByte = 8;

  constexpr StellarisAdcNoise(Bus adc, Bus timer) : adc_(adc), timer_(timer) {}

  // Samples the temperature sensor every `period_cycles` system clock cycles from now on.
  // kInvalidArgument (and nothing touched) outside [kMinPeriodCycles, kMaxPeriodCycles]. May be
  // called again to change the period.
  Status start(std::uint32_t period_cycles) {
    if (period_cycles < kMinPeriodCycles || period_cycles > kMaxPeriodCycles) {
      return Status::kInvalidArgument;
    }
    timer_.write32(kGptmCtl, 0);  // stopped, so no trigger lands while SS3 is reconfigured
    adc_.write32(kAdcActss, adc_.read32(kAdcActss) & ~kAsen3);
    adc_.write32(kAdcEmux, (adc_.read32(kAdcEmux) & ~kEm3Mask) | kEm3Timer);
    adc_.write32(kAdcSsmux3, 0);
    adc_.write32(kAdcSsctl3, kSsctlTs0 | kSsctlIe0 | kSsctlEnd0);
    adc_.write32(kAdcIm, adc_.read32(kAdcIm) & ~kInr3);  // polled: SS3 raises no interrupt
    adc_.write32(kAdcIsc, kInr3);
    adc_.write32(kAdcActss, adc_.read32(kAdcActss) | kAsen3);
    timer_.write32(kGptmCfg, kCfg32Bit);
    timer_.write32(kGptmTamr, kTamrPeriodic);
    timer_.write32(kGptmTailr, period_cycles);
    timer_.write32(kGptmCtl, kCtlTaote | kCtlTaen);
    started_ = true;
    return Status::kOk;
  }

  // Conversions read so far, by every fill (wraps at 2^32).
  std::uint32_t samples() const { return samples_; }

  // The last fill failed its health test: every conversion it read had the same value.
  bool stuck() const { return stuck_; }

 private:
  // Offsets from each block's base and bits (LM3S6965 data sheet, "General-Purpose Timers"
  // and "Analog-to-Digital Converter").
  static constexpr std::uint32_t kGptmCfg = 0x000;
  static constexpr std::uint32_t kGptmTamr = 0x004;
  static constexpr std::uint32_t kGptmCtl = 0x00C;
  static constexpr std::uint32_t kGptmTailr = 0x028;
  static constexpr std::uint32_t kCfg32Bit = 0x0;
  static constexpr std::uint32_t kTamrPeriodic = 0x2;
  static constexpr std::uint32_t kCtlTaen = 1u << 0;
  static constexpr std::uint32_t kCtlTaote = 1u << 5;  // timer A time-out triggers the ADC

  static constexpr std::uint32_t kAdcActss = 0x000;
  static constexpr std::uint32_t kAdcIm = 0x008;
  static constexpr std::uint32_t kAdcIsc = 0x00C;
  static constexpr std::uint32_t kAdcEmux = 0x014;
  static constexpr std::uint32_t kAdcSsmux3 = 0x0A0;
  static constexpr std::uint32_t kAdcSsctl3 = 0x0A4;
  static constexpr std::uint32_t kAdcSsfifo3 = 0x0A8;
  static constexpr std::uint32_t kAdcSsfstat3 = 0x0AC;
  static constexpr std::uint32_t kAsen3 = 1u << 3;  // ACTSS
  static constexpr std::uint32_t kInr3 = 1u << 3;   // RIS, IM (MASK3), ISC (IN3)
  static constexpr std::uint32_t kEm3Mask = 0xFu << 12;
  static constexpr std::uint32_t kEm3Timer = 0x5u << 12;
  static constexpr std::uint32_t kSsctlEnd0 = 1u << 1;
  static constexpr std::uint32_t kSsctlIe0 = 1u << 2;
  static constexpr std::uint32_t kSsctlTs0 = 1u << 3;
  static constexpr std::uint32_t kFstatEmpty = 1u << 8;
  static constexpr std::uint32_t kDataMask = 0x3FF;

  Status do_fill(std::span<std::uint8_t> out) override {
    if (!started_) return Status::kUnavailable;
    stuck_ = false;
    std::uint32_t first = 0;
    bool all_same = true;
    for (std::size_t i = 0; i < out.size(); ++i) {
      // Each byte folds its own kSamplesPerByte conversions (all ten bits: 9:8 onto 1:0), rotated
      // by one between samples, so the noisiest bit 0 of the eight lands on eight different
      // bits and every bit of every sample flips a bit of the byte. Linear and lossless enough
      // for a source credited as nothing; the pool's hash does the conditioning.
      std::uint8_t byte = 0;
      for (std::size_t k = 0; k < kSamplesPerByte; ++k) {
        std::uint32_t sample = 0;
        if (const Status s = take_sample(sample); s != Status::kOk) return fail(out, s);
        if (i == 0 && k == 0) first = sample;
        all_same = all_same && sample == first;
        byte = static_cast<std::uint8_t>((byte << 1 | byte >> 7) ^ sample ^ (sample >> 8));
      }
      out[i] = byte;
    }
    // The repetition count test of NIST SP 800-90B (4.4.1) with its cutoff at the fill's
    // length: an ADC that returns one value throughout is not sampling anything.
    if (!out.empty() && all_same) {
      stuck_ = true;
      return fail(out, Status::kUnavailable);
    }
    return Status::kOk;
  }

  Status take_sample(std::uint32_t& sample) {
    for (std::uint32_t polls = 0; polls < kMaxPollsPerSample; ++polls) {
      if ((adc_.read32(kAdcSsfstat3) & kFstatEmpty) == 0) {
        sample = adc_.read32(kAdcSsfifo3) & kDataMask;
        ++samples_;
        return Status::kOk;
      }
    }
    return Status::kDeadlineExceeded;
  }

  // A failed fill leaves no bytes that could pass for output.
  static Status fail(std::span<std::uint8_t> out, Status status) {
    for (std::uint8_t& b : out) b = 0;
    return status;
  }

  Bus adc_;
  Bus timer_;
  std::uint32_t samples_ = 0;
  bool started_ = false;
  bool stuck_ = false;
};

}  // namespace portcullis::hal
