// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/systick_clock.hpp"

#include <cstdint>

#include <CppUTest/TestHarness.h>

#include "fake_systick.hpp"
#include "status_string.hpp"

namespace portcullis::hal {

// The one way in to the count besides on_tick(): 2^32 real ticks would take the test minutes.
struct SysTickClockTestAccess {
  template <class Bus>
  static void set_count(SysTickClock<Bus>& clock, std::uint64_t ms) {
    clock.low_ = static_cast<std::uint32_t>(ms);
    clock.high_ = static_cast<std::uint32_t>(ms >> 32);
  }
};

using testing::FakeSysTick;

TEST_GROUP(SysTickClock) {
  FakeSysTick fake;
  SysTickClock<FakeSysTick::Bus> clock{fake.bus()};

  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(SysTickClock, StartProgramsAOneMillisecondPeriodAndEnablesLast) {
  fake.set_current(1234);  // left running by a bootloader
  CHECK_EQUAL(Status::kOk, clock.start(25'000'000));
  LONGS_EQUAL(24'999, fake.reload());
  LONGS_EQUAL(0, fake.current());
  LONGS_EQUAL(FakeSysTick::kCsrEnable | FakeSysTick::kCsrTickInt | FakeSysTick::kCsrClkSource,
              fake.csr());
  // The counter starts only once RVR and CVR are in place: the enabling write comes last.
  const auto& writes = fake.writes();
  CHECK(!writes.empty());
  LONGS_EQUAL(FakeSysTick::kCsr, writes.back().offset);
  for (std::size_t i = 0; i + 1 < writes.size(); ++i) {
    if (writes[i].offset == FakeSysTick::kCsr) LONGS_EQUAL(0, writes[i].value);
  }
}

TEST(SysTickClock, StartRejectsFrequenciesWithoutAUsableReload) {
  CHECK_EQUAL(Status::kInvalidArgument, clock.start(0));
  CHECK_EQUAL(Status::kInvalidArgument, clock.start(999));
  CHECK_EQUAL(Status::kInvalidArgument, clock.start(1'999));  // reload would be 0
  LONGS_EQUAL(0, fake.writes().size());
  CHECK_EQUAL(Status::kOk, clock.start(2'000));
  LONGS_EQUAL(1, fake.reload());
}

TEST(SysTickClock, StartAcceptsTheFastestCoreClock) {
  CHECK_EQUAL(Status::kOk, clock.start(0xFFFF'FFFF));
  LONGS_EQUAL(4'294'966, fake.reload());
}

TEST(SysTickClock, StartsAtZero) {
  CHECK_EQUAL(0u, clock.now_ms());
}

TEST(SysTickClock, TicksAccumulate) {
  CHECK_EQUAL(Status::kOk, clock.start(25'000'000));
  for (int i = 0; i < 1'500; ++i) clock.on_tick();
  CHECK_EQUAL(std::uint64_t{1'500}, clock.now_ms());
}

TEST(SysTickClock, CountCarriesAcrossTwoToTheThirtyTwo) {
  SysTickClockTestAccess::set_count(clock, 0xFFFF'FFFEull);
  clock.on_tick();
  CHECK_EQUAL(std::uint64_t{0xFFFF'FFFF}, clock.now_ms());
  clock.on_tick();
  CHECK_EQUAL(std::uint64_t{0x1'0000'0000}, clock.now_ms());
  clock.on_tick();
  CHECK_EQUAL(std::uint64_t{0x1'0000'0001}, clock.now_ms());
}

TEST(SysTickClock, CountCarriesIntoAnyHighHalf) {
  SysTickClockTestAccess::set_count(clock, 0x7'FFFF'FFFFull);
  clock.on_tick();
  CHECK_EQUAL(std::uint64_t{0x8'0000'0000}, clock.now_ms());
}

// Timing noise: where within the millisecond (the down-counter) and in which millisecond.
TEST(SysTickClock, FineTicksAreTheCountWithinTheTickAndTheTick) {
  CHECK_EQUAL(Status::kOk, clock.start(25'000'000));
  fake.set_current(12'345);
  for (int i = 0; i < 3; ++i) clock.on_tick();
  LONGS_EQUAL(12'345u | (3u << 24), clock.fine_ticks());
  fake.set_current(7);
  LONGS_EQUAL(7u | (3u << 24), clock.fine_ticks());
}

}  // namespace portcullis::hal
