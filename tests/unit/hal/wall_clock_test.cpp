// SPDX-License-Identifier: Apache-2.0
// The wall clock (hal/wall_clock.hpp): unknown until set, then runs with the monotonic clock;
// a time before its floor is refused and changes nothing.
#include <CppUTest/TestHarness.h>

#include "fake_clock.hpp"
#include "portcullis/hal/wall_clock.hpp"

using portcullis::hal::WallClock;
using portcullis::test::FakeClock;

namespace {
constexpr std::int64_t kFloor = 1'796'083'200;  // 2026-12-01
}

TEST_GROUP(WallClock) {
  FakeClock mono;
};

TEST(WallClock, UnknownUntilSetAndTheFloorStandsInForIt) {
  const WallClock wall(mono, kFloor);
  CHECK_FALSE(wall.known());
  CHECK_FALSE(wall.unix_ms().has_value());
  LONGS_EQUAL(kFloor, wall.unix_seconds_or_floor());
  LONGS_EQUAL(0, wall.sets());
}

TEST(WallClock, RunsWithTheMonotonicClockOnceSet) {
  mono.set(5'000);
  WallClock wall(mono, kFloor);
  CHECK(wall.set((kFloor + 86'400) * 1000 + 250));
  CHECK(wall.known());
  LONGS_EQUAL((kFloor + 86'400) * 1000 + 250, *wall.unix_ms());
  mono.advance(61'750);
  LONGS_EQUAL((kFloor + 86'400 + 62) * 1000, *wall.unix_ms());
  LONGS_EQUAL(kFloor + 86'400 + 62, wall.unix_seconds_or_floor());
  LONGS_EQUAL(1, wall.sets());
  LONGS_EQUAL(5'000, wall.set_at_ms());
  // A later answer steps it (back, here).
  CHECK(wall.set((kFloor + 10) * 1000));
  LONGS_EQUAL((kFloor + 10) * 1000, *wall.unix_ms());
  LONGS_EQUAL(2, wall.sets());
}

TEST(WallClock, ATimeBeforeTheFloorIsRefused) {
  WallClock wall(mono, kFloor);
  CHECK_FALSE(wall.set(0));                  // an NTP server's "1970"
  CHECK_FALSE(wall.set(kFloor * 1000 - 1));  // a millisecond early
  CHECK_FALSE(wall.known());
  CHECK(wall.set(kFloor * 1000));
  CHECK_FALSE(wall.set((kFloor - 3600) * 1000));  // once known, still refused: unchanged
  LONGS_EQUAL(kFloor * 1000, *wall.unix_ms());
  LONGS_EQUAL(1, wall.sets());
}
