// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"

using portcullis::test::FakeClock;
using portcullis::test::FakeEthernetMac;

TEST_GROUP(FakeEthernetMac){};

TEST(FakeEthernetMac, ReceivesInjectedFramesInOrderThenNothing) {
  FakeEthernetMac mac;
  mac.inject({1, 2, 3});
  mac.inject({4, 5});
  std::uint8_t buf[8] = {};
  LONGS_EQUAL(3, mac.receive(buf));
  BYTES_EQUAL(3, buf[2]);
  LONGS_EQUAL(2, mac.receive(buf));
  BYTES_EQUAL(4, buf[0]);
  LONGS_EQUAL(0, mac.receive(buf));
  LONGS_EQUAL(2, mac.counters().rx_frames);
}

TEST(FakeEthernetMac, TooLargeFrameIsCountedAndSkipped) {
  FakeEthernetMac mac;
  mac.inject(FakeEthernetMac::Frame(10, 0xAA));
  mac.inject({7});
  std::uint8_t buf[4] = {};
  LONGS_EQUAL(1, mac.receive(buf));
  BYTES_EQUAL(7, buf[0]);
  LONGS_EQUAL(1, mac.counters().rx_too_large);
}

TEST(FakeEthernetMac, TransmitKeepsFramesAndRejectsEmpty) {
  FakeEthernetMac mac;
  const std::uint8_t frame[] = {9, 8, 7};
  CHECK(portcullis::ok(mac.transmit(frame)));
  CHECK(mac.transmit({}) == portcullis::Status::kInvalidArgument);
  LONGS_EQUAL(1, mac.sent().size());
  BYTES_EQUAL(8, mac.sent()[0][1]);
}

TEST(FakeEthernetMac, InitRecordsAddressAndCanFail) {
  FakeEthernetMac mac;
  CHECK(portcullis::ok(mac.init({2, 0, 0, 0, 0, 1})));
  BYTES_EQUAL(1, mac.mac()[5]);
  mac.set_init_status(portcullis::Status::kUnavailable);
  CHECK(mac.init({2, 0, 0, 0, 0, 1}) == portcullis::Status::kUnavailable);
  CHECK_FALSE(mac.initialised());
}

TEST_GROUP(FakeClock){};

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock;
  LONGS_EQUAL(0, clock.now_ms());
  clock.advance(250);
  LONGS_EQUAL(250, clock.now_ms());
  clock.set(5'000'000'000ull);
  CHECK(clock.now_ms() == 5'000'000'000ull);
}

// ---- FakePageFlash: NOR physics and the power cuts the seed log tests rely on ------------

#include "fake_page_flash.hpp"

namespace {
using Flash = portcullis::test::FakePageFlash<64, 2>;
using portcullis::Status;
}  // namespace

TEST_GROUP(FakePageFlash){};

TEST(FakePageFlash, ProgrammingOnlyClearsBitsAndEraseSetsThemAgain) {
  Flash flash;
  const std::uint32_t a[] = {0x1234'5678u};
  const std::uint32_t b[] = {0xFF00'FF00u};
  CHECK(portcullis::ok(flash.program(flash.base() + 4, a)));
  BYTES_EQUAL(0x78, flash.memory()[4]);
  BYTES_EQUAL(0x12, flash.memory()[7]);
  CHECK(portcullis::ok(flash.program(flash.base() + 4, b)));  // AND, not overwrite
  BYTES_EQUAL(0x00, flash.memory()[4]);
  BYTES_EQUAL(0x12, flash.memory()[7]);
  CHECK(portcullis::ok(flash.erase_page(flash.base())));
  BYTES_EQUAL(0xFF, flash.memory()[4]);
  LONGS_EQUAL(1, flash.erases(0));
  LONGS_EQUAL(0, flash.erases(1));
}

TEST(FakePageFlash, RejectsAddressesOutsideOrUnaligned) {
  Flash flash;
  const std::uint32_t w[] = {0};
  CHECK(flash.erase_page(flash.base() + 4) == Status::kInvalidArgument);
  CHECK(flash.erase_page(flash.base() + 128) == Status::kInvalidArgument);
  CHECK(flash.program(flash.base() + 2, w) == Status::kInvalidArgument);
  CHECK(flash.program(flash.base() + 128, w) == Status::kInvalidArgument);
  LONGS_EQUAL(0, flash.programmed_words());
}

TEST(FakePageFlash, APowerCutTearsOneWordThenEverythingFailsUntilPowerOn) {
  Flash flash;
  flash.cut_power_after_words(1);
  const std::uint32_t w[] = {0, 0, 0};
  CHECK(flash.program(flash.base(), w) == Status::kInternal);
  BYTES_EQUAL(0x00, flash.memory()[0]);  // the first word whole
  BYTES_EQUAL(0x00, flash.memory()[4]);  // the second: low half only
  BYTES_EQUAL(0xFF, flash.memory()[7]);
  BYTES_EQUAL(0xFF, flash.memory()[8]);  // the third never started
  CHECK(flash.erase_page(flash.base()) == Status::kInternal);
  flash.power_on();
  CHECK(portcullis::ok(flash.program(flash.base() + 40, w)));
  flash.cut_power_in_next_erase();
  CHECK(flash.erase_page(flash.base()) == Status::kInternal);
  BYTES_EQUAL(0xFF, flash.memory()[0]);   // the first half erased
  BYTES_EQUAL(0x00, flash.memory()[40]);  // the second half not
}

TEST(FakePageFlash, DroppedCommandsChangeNothingAndReportSuccess) {
  Flash flash;
  flash.drop_commands(true);
  const std::uint32_t w[] = {0};
  CHECK(portcullis::ok(flash.program(flash.base(), w)));
  BYTES_EQUAL(0xFF, flash.memory()[0]);
}
