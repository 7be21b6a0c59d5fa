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
