// SPDX-License-Identifier: Apache-2.0
// Tests of the fake itself: it must behave like SysTick at the register level.
#include "fake_systick.hpp"

#include <CppUTest/TestHarness.h>

namespace portcullis::hal::testing {

TEST_GROUP(FakeSysTick) {
  FakeSysTick fake;
};

TEST(FakeSysTick, ReloadIsTwentyFourBitsAndAnyCvrWriteClearsTheCounter) {
  fake.write32(FakeSysTick::kRvr, 0x00FF'FFFF);
  LONGS_EQUAL(0x00FF'FFFF, fake.read32(FakeSysTick::kRvr));
  fake.set_current(77);
  fake.write32(FakeSysTick::kCvr, 0x1234);
  LONGS_EQUAL(0, fake.read32(FakeSysTick::kCvr));
  LONGS_EQUAL(0, fake.read32(FakeSysTick::kCsr) & FakeSysTick::kCsrCountFlag);
  CHECK_TRUE(fake.protocol_errors().empty());
  fake.write32(FakeSysTick::kRvr, 0x0100'0000);
  LONGS_EQUAL(1, fake.protocol_errors().size());
}

TEST(FakeSysTick, CountFlagClearsWhenRead) {
  fake.set_current(5);
  CHECK(fake.read32(FakeSysTick::kCsr) & FakeSysTick::kCsrCountFlag);
  CHECK_FALSE(fake.read32(FakeSysTick::kCsr) & FakeSysTick::kCsrCountFlag);
}

TEST(FakeSysTick, EnablingWithAZeroReloadIsAProtocolError) {
  fake.write32(FakeSysTick::kCsr, FakeSysTick::kCsrEnable);
  LONGS_EQUAL(1, fake.protocol_errors().size());
  LONGS_EQUAL(1, fake.writes().size());
}

}  // namespace portcullis::hal::testing
