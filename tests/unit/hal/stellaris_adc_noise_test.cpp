// SPDX-License-Identifier: Apache-2.0
// The LM3S6965 ADC noise source against a register model of timer 0 and ADC0's sample
// sequencer 3: the configuration, bytes that follow the conversions, the health test, the bound
// on a dead ADC, and the model's own behaviour.
#include <CppUTest/TestHarness.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "fake_bus.hpp"
#include "portcullis/hal/stellaris_adc_noise.hpp"
#include "status_string.hpp"

namespace {

using portcullis::Status;
using portcullis::hal::testing::FakeBus;
using portcullis::hal::testing::ProtocolErrors;

// Timer 0 (0x4003'0000) and ADC0 (0x4003'8000) as far as the driver uses them, with offsets and
// bits written down from the LM3S6965 data sheet independently of the driver's. While timer 0
// runs periodic and 32-bit with TAOTE set, and sequencer 3 is enabled with EM3 = timer, every
// `polls_per_conversion`-th read of SSFSTAT3 finds a new conversion in the one-entry FIFO: the
// next of `values` (cycled; none once `conversions_left` reaches 0). Records what the data
// sheet forbids or what would misbehave: a timer or sequencer reconfigured while enabled, a
// FIFO read while empty, another sequencer's bits changed, SS3's interrupt unmasked (nothing
// handles it), the processor trigger (QEMU 7.2 does not implement it), unmodelled registers.
class FakeNoiseHardware {
 public:
  static constexpr std::uint32_t kTimerCfg = 0x000;
  static constexpr std::uint32_t kTimerTamr = 0x004;
  static constexpr std::uint32_t kTimerCtl = 0x00C;
  static constexpr std::uint32_t kTimerTailr = 0x028;
  static constexpr std::uint32_t kTaen = 0x01;
  static constexpr std::uint32_t kTaote = 0x20;

  static constexpr std::uint32_t kActss = 0x000;
  static constexpr std::uint32_t kRis = 0x004;
  static constexpr std::uint32_t kIm = 0x008;
  static constexpr std::uint32_t kIsc = 0x00C;
  static constexpr std::uint32_t kEmux = 0x014;
  static constexpr std::uint32_t kPssi = 0x028;
  static constexpr std::uint32_t kSsmux3 = 0x0A0;
  static constexpr std::uint32_t kSsctl3 = 0x0A4;
  static constexpr std::uint32_t kSsfifo3 = 0x0A8;
  static constexpr std::uint32_t kSsfstat3 = 0x0AC;
  static constexpr std::uint32_t kSs3 = 0x08;  // ASEN3, INR3, MASK3, IN3
  static constexpr std::uint32_t kEm3Mask = 0xF000;
  static constexpr std::uint32_t kFstatEmpty = 0x100;
  static constexpr std::uint32_t kFstatFull = 0x1000;

  // One register block; both of the driver's buses have this type.
  class Block {
   public:
    Block(FakeNoiseHardware& hw, bool timer) : hw_(&hw), timer_(timer) {}
    std::uint32_t read32(std::uint32_t offset) {
      return timer_ ? hw_->timer_read(offset) : hw_->adc_read(offset);
    }
    void write32(std::uint32_t offset, std::uint32_t value) {
      ++hw_->writes;
      timer_ ? hw_->timer_write(offset, value) : hw_->adc_write(offset, value);
    }

   private:
    FakeNoiseHardware* hw_;
    bool timer_;
  };
  using Bus = FakeBus<Block>;

  FakeNoiseHardware() = default;
  FakeNoiseHardware(const FakeNoiseHardware&) = delete;
  FakeNoiseHardware& operator=(const FakeNoiseHardware&) = delete;

  Bus adc_bus() { return Bus(adc_block_); }
  Bus timer_bus() { return Bus(timer_block_); }

  // What the test sets.
  std::vector<std::uint32_t> values = {0x201, 0x203, 0x200, 0x206, 0x205, 0x202, 0x207, 0x204};
  int conversions_left = -1;  // negative: no end
  unsigned polls_per_conversion = 2;

  // Registers (reset values of the data sheet) and what happened.
  std::uint32_t cfg = 0, tamr = 0, ctl = 0, tailr = 0xFFFF'FFFF;
  std::uint32_t actss = 0, ris = 0, im = 0, emux = 0, ssmux3 = 0, ssctl3 = 0;
  std::optional<std::uint32_t> fifo;
  unsigned status_reads = 0, conversions = 0, overflows = 0, writes = 0;
  ProtocolErrors errors;

  bool timer_triggers() const {
    return (ctl & (kTaen | kTaote)) == (kTaen | kTaote) && cfg == 0 && (tamr & 0x3) != 0 &&
           (tamr & 0x3) != 0x3 && tailr != 0;
  }
  bool sequencer_armed() const { return (actss & kSs3) != 0 && (emux & kEm3Mask) == 0x5000; }

 private:
  std::uint32_t timer_read(std::uint32_t offset) {
    switch (offset) {
      case kTimerCfg:
        return cfg;
      case kTimerTamr:
        return tamr;
      case kTimerCtl:
        return ctl;
      case kTimerTailr:
        return tailr;
      default:
        errors.add("read of an unmodelled timer register");
        return 0;
    }
  }
  void timer_write(std::uint32_t offset, std::uint32_t value) {
    if (offset != kTimerCtl && (ctl & kTaen) != 0) {
      errors.add("timer 0 reconfigured while TAEN is set");
    }
    switch (offset) {
      case kTimerCfg:
        cfg = value;
        break;
      case kTimerTamr:
        tamr = value;
        break;
      case kTimerCtl:
        ctl = value;
        break;
      case kTimerTailr:
        tailr = value;
        break;
      default:
        errors.add("write to an unmodelled timer register");
    }
  }

  std::uint32_t adc_read(std::uint32_t offset) {
    switch (offset) {
      case kActss:
        return actss;
      case kRis:
        return ris;
      case kIm:
        return im;
      case kEmux:
        return emux;
      case kSsmux3:
        return ssmux3;
      case kSsctl3:
        return ssctl3;
      case kSsfstat3:
        poll();
        return fifo ? kFstatFull : kFstatEmpty;
      case kSsfifo3: {
        if (!fifo) {
          errors.add("SSFIFO3 read while empty");
          return 0;
        }
        const std::uint32_t v = *fifo;
        fifo.reset();
        return v;
      }
      default:
        errors.add("read of an unmodelled ADC register");
        return 0;
    }
  }
  void adc_write(std::uint32_t offset, std::uint32_t value) {
    const bool enabled = (actss & kSs3) != 0;
    switch (offset) {
      case kActss:
        if (((actss ^ value) & ~kSs3) != 0) errors.add("another sequencer's enable changed");
        actss = value;
        break;
      case kIm:
        if ((value & kSs3) != 0) errors.add("sequencer 3 interrupt unmasked");
        im = value;
        break;
      case kIsc:
        ris &= ~value;
        break;
      case kEmux:
        if (enabled) errors.add("EMUX written while ASEN3 is set");
        if (((emux ^ value) & ~kEm3Mask) != 0) errors.add("another sequencer's trigger changed");
        emux = value;
        break;
      case kSsmux3:
        if (enabled) errors.add("SSMUX3 written while ASEN3 is set");
        ssmux3 = value;
        break;
      case kSsctl3:
        if (enabled) errors.add("SSCTL3 written while ASEN3 is set");
        ssctl3 = value;
        break;
      case kPssi:
        errors.add("processor trigger (PSSI): QEMU 7.2 does not implement it");
        break;
      default:
        errors.add("write to an unmodelled ADC register");
    }
  }

  // Time passes only while the driver polls: a timer time-out every polls_per_conversion reads.
  void poll() {
    ++status_reads;
    if (!timer_triggers() || status_reads % polls_per_conversion != 0) return;
    if ((tamr & 0x3) == 0x1) ctl &= ~kTaen;  // one-shot: that was its only time-out
    if (!sequencer_armed() || conversions_left == 0 || values.empty()) return;
    if (fifo) {
      ++overflows;  // SS3's FIFO holds one result; the new one is lost
      return;
    }
    fifo = values[conversions % values.size()] & 0x3FF;
    ++conversions;
    if (conversions_left > 0) --conversions_left;
    ris |= kSs3;
  }

  Block adc_block_{*this, false};
  Block timer_block_{*this, true};
};

using Noise = portcullis::hal::StellarisAdcNoise<FakeNoiseHardware::Bus>;
constexpr std::uint32_t kPeriod = 5'000;  // 10 kS/s at 50 MHz

// Conversions as QEMU's model makes them: 0x200 plus three bits of an LCG.
std::vector<std::uint32_t> qemu_like(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint32_t> v;
  for (std::size_t i = 0; i < n; ++i) {
    seed = seed * 314159u + 1;
    v.push_back(0x200 + ((seed >> 16) & 7));
  }
  return v;
}

struct Filled {
  Status status;
  std::vector<std::uint8_t> bytes;
};

// One fill of `n` bytes by a freshly started driver from conversions `values`.
Filled fill_from(std::vector<std::uint32_t> values, std::size_t n) {
  FakeNoiseHardware hw;
  hw.values = std::move(values);
  Noise noise{hw.adc_bus(), hw.timer_bus()};
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  Filled f{Status::kInternal, std::vector<std::uint8_t>(n, 0xAA)};
  f.status = noise.fill(f.bytes);
  CHECK_TEXT(hw.errors.empty(), hw.errors.text().c_str());
  return f;
}

bool all_zero(const std::vector<std::uint8_t>& bytes) {
  for (std::uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace

TEST_GROUP(StellarisAdcNoise) {
  FakeNoiseHardware hw;
  Noise noise{hw.adc_bus(), hw.timer_bus()};
  std::vector<std::uint8_t> out = std::vector<std::uint8_t>(16, 0xAA);

  void teardown() override {
    CHECK_TEXT(hw.errors.empty(), hw.errors.text().c_str());
  }
};

TEST(StellarisAdcNoise, StartTriggersSequencer3OnTheTemperatureSensorFromTimer0) {
  hw.actss = 0x1;    // sequencer 0 in use elsewhere: stays on
  hw.emux = 0x0123;  // other sequencers' triggers: kept
  hw.im = 0x1;
  hw.ssmux3 = 0x3;  // left by an earlier user of sequencer 3
  hw.ssctl3 = 0x6;
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  LONGS_EQUAL(0, hw.cfg);     // 32-bit
  LONGS_EQUAL(0x2, hw.tamr);  // periodic
  LONGS_EQUAL(kPeriod, hw.tailr);
  LONGS_EQUAL(0x21, hw.ctl);     // TAOTE | TAEN
  LONGS_EQUAL(0x9, hw.actss);    // ASEN3 added
  LONGS_EQUAL(0x5123, hw.emux);  // EM3 = timer
  LONGS_EQUAL(0, hw.ssmux3);
  LONGS_EQUAL(0x0E, hw.ssctl3);  // TS0 | IE0 | END0
  LONGS_EQUAL(0x1, hw.im);       // polled: MASK3 stays clear
  CHECK(hw.timer_triggers());
  CHECK(hw.sequencer_armed());
}

TEST(StellarisAdcNoise, StartAgainStopsTheTimerBeforeReconfiguring) {
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  CHECK_EQUAL(Status::kOk, noise.start(2 * kPeriod));  // the model records a running timer
  LONGS_EQUAL(2 * kPeriod, hw.tailr);
  LONGS_EQUAL(0x21, hw.ctl);
  CHECK_EQUAL(Status::kOk, noise.fill(out));
}

TEST(StellarisAdcNoise, StartRejectsPeriodsOutsideItsRangeAndTouchesNothing) {
  CHECK_EQUAL(Status::kInvalidArgument, noise.start(0));
  CHECK_EQUAL(Status::kInvalidArgument, noise.start(Noise::kMinPeriodCycles - 1));
  CHECK_EQUAL(Status::kInvalidArgument, noise.start(Noise::kMaxPeriodCycles + 1));
  LONGS_EQUAL(0, hw.writes);
  CHECK_EQUAL(Status::kUnavailable, noise.fill(out));  // still not started
  CHECK_EQUAL(Status::kOk, noise.start(Noise::kMinPeriodCycles));
  CHECK_EQUAL(Status::kOk, noise.start(Noise::kMaxPeriodCycles));
}

TEST(StellarisAdcNoise, FillBeforeStartIsUnavailableWithoutWaiting) {
  CHECK_EQUAL(Status::kUnavailable, noise.fill(out));
  LONGS_EQUAL(0, hw.status_reads);
  LONGS_EQUAL(0, noise.samples());
  CHECK_FALSE(noise.stuck());
}

TEST(StellarisAdcNoise, EachByteFoldsEightConversionsWithTheirBit0OnEightDifferentBits) {
  // 0x200 folds to 0x02 (bit 9 onto bit 1), which eight rotations spread over every bit; a
  // set bit 0 in the first conversion lands on bit 7, in the last on bit 0.
  hw.values = {0x201, 0x200, 0x200, 0x200, 0x200, 0x200, 0x200, 0x201,
               0x200, 0x200, 0x200, 0x200, 0x200, 0x200, 0x200, 0x200};
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  std::vector<std::uint8_t> two(2);
  CHECK_EQUAL(Status::kOk, noise.fill(two));
  BYTES_EQUAL(0xFF ^ 0x80 ^ 0x01, two[0]);
  BYTES_EQUAL(0xFF, two[1]);
}

TEST(StellarisAdcNoise, TheBytesFollowTheConversions) {
  const Filled a = fill_from(qemu_like(128, 1), 16);
  const Filled a_again = fill_from(qemu_like(128, 1), 16);
  const Filled b = fill_from(qemu_like(128, 2), 16);
  CHECK_EQUAL(Status::kOk, a.status);
  CHECK_EQUAL(Status::kOk, b.status);
  CHECK(a.bytes == a_again.bytes);
  CHECK(a.bytes != b.bytes);
}

TEST(StellarisAdcNoise, EveryBitOfEverySampleChangesItsByte) {
  const std::vector<std::uint32_t> base = qemu_like(32, 7);
  const Filled reference = fill_from(base, 4);
  CHECK_EQUAL(Status::kOk, reference.status);
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (unsigned bit = 0; bit < 10; ++bit) {
      std::vector<std::uint32_t> changed = base;
      changed[i] ^= 1u << bit;
      const Filled f = fill_from(changed, 4);
      CHECK_EQUAL(Status::kOk, f.status);
      for (std::size_t byte = 0; byte < 4; ++byte) {
        CHECK_TEXT((f.bytes[byte] != reference.bytes[byte]) == (byte == i / 8),
                   "a sample changes its own byte and no other");
      }
    }
  }
}

TEST(StellarisAdcNoise, AStuckAdcFailsTheHealthTestUntilItVariesAgain) {
  hw.values = {0x1FF};
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  CHECK_EQUAL(Status::kUnavailable, noise.fill(out));
  CHECK(noise.stuck());
  CHECK(all_zero(out));
  LONGS_EQUAL(16 * Noise::kSamplesPerByte, noise.samples());
  hw.values = {0x1FF, 0x1FE};
  CHECK_EQUAL(Status::kOk, noise.fill(out));
  CHECK_FALSE(noise.stuck());
}

TEST(StellarisAdcNoise, OneDifferentConversionInAFillPassesTheHealthTest) {
  // The cutoff is the fill's length: weaker than SP 800-90B's, credited as no entropy anyway.
  hw.values = std::vector<std::uint32_t>(16 * Noise::kSamplesPerByte, 0x1FF);
  hw.values.back() = 0x1FE;
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  CHECK_EQUAL(Status::kOk, noise.fill(out));
  CHECK_FALSE(noise.stuck());
}

TEST(StellarisAdcNoise, ADeadAdcEndsTheFillAtTheBound) {
  hw.conversions_left = 0;  // the FIFO never fills
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  CHECK_EQUAL(Status::kDeadlineExceeded, noise.fill(out));
  LONGS_EQUAL(Noise::kMaxPollsPerSample, hw.status_reads);
  CHECK(all_zero(out));
  LONGS_EQUAL(0, noise.samples());
  CHECK_FALSE(noise.stuck());
}

TEST(StellarisAdcNoise, AnAdcThatStopsMidFillFailsTheWholeFill) {
  hw.conversions_left = 12;
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  CHECK_EQUAL(Status::kDeadlineExceeded, noise.fill(out));
  CHECK(all_zero(out));  // the byte it finished is not handed out either
  LONGS_EQUAL(12, noise.samples());
  CHECK(hw.status_reads <= 12 * hw.polls_per_conversion + Noise::kMaxPollsPerSample);
}

TEST(StellarisAdcNoise, SamplesCountsEveryConversionRead) {
  CHECK_EQUAL(Status::kOk, noise.start(kPeriod));
  std::vector<std::uint8_t> three(3);
  CHECK_EQUAL(Status::kOk, noise.fill(three));
  LONGS_EQUAL(3 * Noise::kSamplesPerByte, noise.samples());
  CHECK_EQUAL(Status::kOk, noise.fill(out));
  LONGS_EQUAL(19 * Noise::kSamplesPerByte, noise.samples());
  CHECK_EQUAL(Status::kOk, noise.fill({}));  // nothing asked, nothing read
  LONGS_EQUAL(19 * Noise::kSamplesPerByte, noise.samples());
  LONGS_EQUAL(hw.conversions, noise.samples());
  LONGS_EQUAL(0, hw.overflows);
}

// ---- The model itself -------------------------------------------------------------------

TEST_GROUP(FakeNoiseHardware){};

TEST(FakeNoiseHardware, ConvertsOnlyWhileTimer0TriggersAnEnabledSequencer3) {
  FakeNoiseHardware hw;
  hw.polls_per_conversion = 1;
  FakeNoiseHardware::Bus adc = hw.adc_bus();
  FakeNoiseHardware::Bus timer = hw.timer_bus();
  adc.write32(FakeNoiseHardware::kEmux, 0x5000);
  adc.write32(FakeNoiseHardware::kActss, FakeNoiseHardware::kSs3);
  timer.write32(FakeNoiseHardware::kTimerCfg, 0);
  timer.write32(FakeNoiseHardware::kTimerTamr, 0x2);
  timer.write32(FakeNoiseHardware::kTimerTailr, kPeriod);
  timer.write32(FakeNoiseHardware::kTimerCtl, FakeNoiseHardware::kTaen);  // no TAOTE
  LONGS_EQUAL(FakeNoiseHardware::kFstatEmpty, adc.read32(FakeNoiseHardware::kSsfstat3));
  timer.write32(FakeNoiseHardware::kTimerCtl, FakeNoiseHardware::kTaen | FakeNoiseHardware::kTaote);
  CHECK((adc.read32(FakeNoiseHardware::kSsfstat3) & FakeNoiseHardware::kFstatEmpty) == 0);
  LONGS_EQUAL(hw.values[0], adc.read32(FakeNoiseHardware::kSsfifo3));
  CHECK((adc.read32(FakeNoiseHardware::kRis) & FakeNoiseHardware::kSs3) != 0);
  adc.write32(FakeNoiseHardware::kIsc, FakeNoiseHardware::kSs3);
  LONGS_EQUAL(0, adc.read32(FakeNoiseHardware::kRis));
  adc.read32(FakeNoiseHardware::kSsfstat3);
  adc.read32(FakeNoiseHardware::kSsfstat3);  // the second result finds the FIFO full
  LONGS_EQUAL(1, hw.overflows);
  CHECK_TEXT(hw.errors.empty(), hw.errors.text().c_str());
}

TEST(FakeNoiseHardware, RecordsWhatTheDataSheetForbids) {
  FakeNoiseHardware hw;
  FakeNoiseHardware::Bus adc = hw.adc_bus();
  FakeNoiseHardware::Bus timer = hw.timer_bus();
  adc.read32(FakeNoiseHardware::kSsfifo3);  // empty
  adc.write32(FakeNoiseHardware::kActss, FakeNoiseHardware::kSs3);
  adc.write32(FakeNoiseHardware::kSsctl3, 0x0E);  // while enabled
  adc.write32(FakeNoiseHardware::kIm, FakeNoiseHardware::kSs3);
  adc.write32(FakeNoiseHardware::kPssi, FakeNoiseHardware::kSs3);
  timer.write32(FakeNoiseHardware::kTimerCtl, FakeNoiseHardware::kTaen);
  timer.write32(FakeNoiseHardware::kTimerTailr, kPeriod);  // while running
  LONGS_EQUAL(5, hw.errors.size());
}
