// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/lan9118.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "fake_lan9118.hpp"
#include "mac_driver_test.hpp"
#include "status_string.hpp"

namespace portcullis::hal {
namespace {

using testing::FakeLan9118;

using testing::kMac;
using testing::kOtherMac;
using testing::kSentinel;
using testing::make_frame;
using Lan9118Test = testing::MacDriverTest<FakeLan9118, Lan9118<FakeLan9118::Bus>>;

}  // namespace

TEST_GROUP_BASE(Lan9118, Lan9118Test){};

TEST(Lan9118, InitProgramsTheMacAddress) {
  init();
  const MacAddress programmed = fake.mac_address();
  MEMCMP_EQUAL(kMac.data(), programmed.data(), kMac.size());
}

TEST(Lan9118, InitLeavesPromiscuousModeAndEnablesRxAndTx) {
  init();
  LONGS_EQUAL(1, fake.soft_resets());
  CHECK_EQUAL(0u, fake.mac_cr() & FakeLan9118::kMacCrPrms);
  CHECK(fake.mac_cr() & FakeLan9118::kMacCrRxEn);
  CHECK(fake.mac_cr() & FakeLan9118::kMacCrTxEn);
  CHECK(fake.mac_cr() & FakeLan9118::kMacCrMcpas);
  CHECK(fake.tx_cfg() & (1u << 1));  // TX_ON
  LONGS_EQUAL(0, fake.rx_cfg());
}

TEST(Lan9118, InitWaitsForSoftResetAndReady) {
  // The fake records any access other than to HW_CFG, PMT_CTRL or BYTE_TEST before READY.
  fake.set_reset_reads(50);
  fake.set_ready_reads(50);
  init();
}

TEST(Lan9118, InitAcceptsAnotherLan911x) {
  fake.set_id_rev(0x0117'0001);  // LAN9117
  init();
}

TEST(Lan9118, InitFailsWithoutTheByteTestPattern) {
  fake.set_byte_test(0x4321'8765);  // what a word-swapped bus would show
  CHECK_EQUAL(Status::kUnavailable, mac.init(kMac));
  LONGS_EQUAL(0, fake.soft_resets());
  CHECK_EQUAL(0u, fake.mac_cr() & FakeLan9118::kMacCrRxEn);
}

TEST(Lan9118, InitFailsOnAnotherChipId) {
  fake.set_id_rev(0x9220'0000);
  CHECK_EQUAL(Status::kUnavailable, mac.init(kMac));
  LONGS_EQUAL(0, fake.soft_resets());
}

TEST(Lan9118, InitFailsWhenResetNeverCompletes) {
  fake.set_reset_reads(FakeLan9118::kForever);
  CHECK_EQUAL(Status::kDeadlineExceeded, mac.init(kMac));
  CHECK_EQUAL(0u, fake.mac_cr() & FakeLan9118::kMacCrRxEn);
  // A MAC that failed init neither receives nor transmits.
  LONGS_EQUAL(0, mac.receive(buffer));
  const auto frame = make_frame(60);
  CHECK_EQUAL(Status::kUnavailable, mac.transmit(frame));
  LONGS_EQUAL(0, fake.tx_frames().size());
}

TEST(Lan9118, InitFailsWhenTheChipNeverGetsReady) {
  fake.set_ready_reads(FakeLan9118::kForever);
  CHECK_EQUAL(Status::kDeadlineExceeded, mac.init(kMac));
  CHECK_EQUAL(0u, fake.mac_cr() & FakeLan9118::kMacCrRxEn);
}

TEST(Lan9118, InitFailsWhenAMacCsrStaysBusy) {
  fake.set_csr_busy_reads(FakeLan9118::kForever);
  CHECK_EQUAL(Status::kDeadlineExceeded, mac.init(kMac));
}

TEST(Lan9118, InitSetsTheTxFifoSizeWhenItIsNotTheDefault) {
  fake.set_tx_fifo_kib_at_reset(3);
  init();
  LONGS_EQUAL(5, (fake.hw_cfg() >> 16) & 0xF);
  CHECK_EQUAL(0u, fake.hw_cfg() & 1u);
}

TEST(Lan9118, InitLeavesHwCfgAloneWhenTheTxFifoSizeIsRight) {
  init();  // QEMU keeps only part of the field on a write: it must not be written needlessly
  LONGS_EQUAL(0, fake.hw_cfg_writes());
}

TEST(Lan9118, ReceiveReturnsZeroWhenNoFrameWaits) {
  init();
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(0, mac.counters().rx_frames);
}

// RX_DROP counts the frames the chip dropped with its FIFO full and clears when read: the
// driver adds each read to rx_overflow once the FIFO is empty, so a flood's loss is counted.
TEST(Lan9118, FramesTheChipDroppedAreCountedOnceTheFifoIsDrained) {
  init();
  const auto frame = make_frame(100, kMac, 1);
  CHECK_TRUE(fake.inject_frame(frame));
  fake.drop_frames(7);
  LONGS_EQUAL(frame.size(), mac.receive(buffer));
  LONGS_EQUAL(0, mac.counters().rx_overflow);  // not read while frames wait
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(7, mac.counters().rx_overflow);
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(7, mac.counters().rx_overflow);  // cleared on read: not counted twice
  fake.drop_frames(2);
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(9, mac.counters().rx_overflow);
}

TEST(Lan9118, LeavesAFrameAloneUntilItHasFullyArrived) {
  init();
  const auto frame = make_frame(200, kMac, 3);
  CHECK_TRUE(fake.begin_frame(frame));  // words in the data FIFO, no status yet
  LONGS_EQUAL(0, mac.receive(buffer));
  fake.end_frame();
  LONGS_EQUAL(frame.size(), mac.receive(buffer));
  MEMCMP_EQUAL(frame.data(), buffer.data(), frame.size());
}

TEST(Lan9118, ReceivesFramesOfEveryLengthModuloFourByteExactWithoutFcs) {
  init();
  for (std::size_t length : {60u, 61u, 62u, 63u, 64u, 65u, 1514u, 1517u, 1518u}) {
    check_round_trip(make_frame(length, kMac, static_cast<std::uint8_t>(length)));
  }
  LONGS_EQUAL(9, mac.counters().rx_frames);
}

TEST(Lan9118, ReceivesBackToBackFramesInOrder) {
  init();
  const auto a = make_frame(61, kMac, 1);
  const auto b = make_frame(1514, kMac, 2);
  const auto c = make_frame(62, kMac, 3);
  CHECK_TRUE(fake.inject_frame(a));
  CHECK_TRUE(fake.inject_frame(b));
  CHECK_TRUE(fake.inject_frame(c));
  for (const auto* expected : {&a, &b, &c}) {
    LONGS_EQUAL(expected->size(), mac.receive(buffer));
    MEMCMP_EQUAL(expected->data(), buffer.data(), expected->size());
  }
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(3, mac.counters().rx_frames);
}

TEST(Lan9118, ErrorFrameIsSkippedAndCountedAndTheNextFrameArrivesIntact) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(101, kMac, 9), /*error=*/true));
  const auto good = make_frame(63, kMac, 4);
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(good.size(), mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(1, mac.counters().rx_errors);
  LONGS_EQUAL(1, mac.counters().rx_frames);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(Lan9118, ErrorFrameAloneYieldsNothing) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(64), /*error=*/true));
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.counters().rx_errors);
  LONGS_EQUAL(0, fake.rx_words_pending());
  LONGS_EQUAL(0, fake.rx_statuses_pending());
}

TEST(Lan9118, RuntShorterThanAnEthernetHeaderIsDiscarded) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(13)));  // 17 bytes with its FCS
  const auto good = make_frame(14, kMac, 5);      // the shortest frame handed up
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(14, mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(1, mac.counters().rx_errors);
}

TEST(Lan9118, FrameLargerThanTheBufferIsDiscardedAndTheFifoStaysInSync) {
  init();
  std::array<std::uint8_t, 100> small{};
  CHECK_TRUE(fake.inject_frame(make_frame(101, kMac, 6)));
  const auto fits = make_frame(100, kMac, 7);
  CHECK_TRUE(fake.inject_frame(fits));
  LONGS_EQUAL(100, mac.receive(small));
  MEMCMP_EQUAL(fits.data(), small.data(), fits.size());
  LONGS_EQUAL(1, mac.counters().rx_too_large);
  LONGS_EQUAL(1, mac.counters().rx_frames);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(Lan9118, FrameLargerThanTheLargestEthernetFrameIsDiscarded) {
  init();
  std::array<std::uint8_t, 2048> big{};
  CHECK_TRUE(fake.inject_frame(make_frame(kMaxFrameBytes + 1)));
  LONGS_EQUAL(0, mac.receive(big));
  LONGS_EQUAL(1, mac.counters().rx_too_large);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(Lan9118, AFloodOfBadFramesDoesNotKeepReceiveBusy) {
  init();
  for (std::uint32_t i = 0; i < Lan9118<FakeLan9118::Bus>::kMaxDiscardsPerReceive; ++i) {
    CHECK_TRUE(fake.inject_frame(make_frame(64), /*error=*/true));
  }
  const auto good = make_frame(64, kMac, 8);
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(0, mac.receive(buffer));  // gives the loop back after its quota of discards
  LONGS_EQUAL(64, mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(Lan9118<FakeLan9118::Bus>::kMaxDiscardsPerReceive, mac.counters().rx_errors);
}

TEST(Lan9118, ReceivesMulticastAndBroadcastButNotOtherHostsUnicast) {
  init();
  constexpr MacAddress kSolicitedNode{0x33, 0x33, 0xFF, 0x00, 0x00, 0x02};
  constexpr MacAddress kBroadcast{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  check_round_trip(make_frame(86, kSolicitedNode));
  check_round_trip(make_frame(60, kBroadcast));
  CHECK_FALSE(fake.inject_frame(make_frame(60, kOtherMac)));
}

TEST_GROUP(Lan9118Transmit) {
  FakeLan9118 fake;
  Lan9118<FakeLan9118::Bus> mac{fake.bus()};

  void setup() override {
    CHECK_EQUAL(Status::kOk, mac.init(kMac));
  }
  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(Lan9118Transmit, SendsExactBytesForEveryLengthModuloFour) {
  const std::size_t lengths[] = {60, 61, 62, 63, 1514};
  for (std::size_t length : lengths) {
    const auto frame = make_frame(length, kOtherMac, static_cast<std::uint8_t>(length));
    CHECK_EQUAL(Status::kOk, mac.transmit(frame));
    const auto& sent = fake.tx_frames().back().bytes;
    LONGS_EQUAL(length, sent.size());
    MEMCMP_EQUAL(frame.data(), sent.data(), length);
  }
  LONGS_EQUAL(5, fake.tx_frames().size());
  LONGS_EQUAL(5, mac.counters().tx_frames);
  LONGS_EQUAL(0, mac.counters().tx_errors);
  LONGS_EQUAL(0, fake.tx_statuses_pending());  // drained, so the transmitter never stalls
}

TEST(Lan9118Transmit, SendsTheLargestFrame) {
  const auto frame = make_frame(kMaxFrameBytes, kOtherMac);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  LONGS_EQUAL(1, fake.tx_frames().size());
  MEMCMP_EQUAL(frame.data(), fake.tx_frames().back().bytes.data(), frame.size());
}

TEST(Lan9118Transmit, RejectsEmptyAndOversizeFrames) {
  const std::vector<std::uint8_t> empty;
  const auto oversize = make_frame(kMaxFrameBytes + 1, kOtherMac);
  CHECK_EQUAL(Status::kInvalidArgument, mac.transmit(empty));
  CHECK_EQUAL(Status::kInvalidArgument, mac.transmit(oversize));
  LONGS_EQUAL(0, fake.tx_frames().size());
  LONGS_EQUAL(0, mac.counters().tx_frames);
}

TEST(Lan9118Transmit, FullFifoIsResourceExhaustedAndCounted) {
  // 61 bytes occupy 16 data words plus the two command words: 72 bytes of FIFO.
  const auto frame = make_frame(61, kOtherMac);
  fake.set_tx_free_bytes(71);
  CHECK_EQUAL(Status::kResourceExhausted, mac.transmit(frame));
  LONGS_EQUAL(0, fake.tx_frames().size());
  LONGS_EQUAL(1, mac.counters().tx_errors);
  LONGS_EQUAL(0, mac.counters().tx_frames);

  fake.set_tx_free_bytes(72);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  LONGS_EQUAL(1, fake.tx_frames().size());
}

TEST(Lan9118Transmit, TxStatusErrorIsCounted) {
  fake.fail_next_tx();
  const auto frame = make_frame(60, kOtherMac);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  LONGS_EQUAL(2, mac.counters().tx_frames);
  LONGS_EQUAL(1, mac.counters().tx_errors);
}

TEST_GROUP(Lan9118Link) {
  FakeLan9118 fake;
  Lan9118<FakeLan9118::Bus> mac{fake.bus()};

  void setup() override {
    CHECK_EQUAL(Status::kOk, mac.init(kMac));
  }
  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(Lan9118Link, FollowsThePhy) {
  CHECK_TRUE(mac.link_up());
  fake.set_link(false);
  CHECK_FALSE(mac.link_up());
  CHECK_FALSE(mac.link_up());
  fake.set_link(true);
  CHECK_TRUE(mac.link_up());
}

TEST(Lan9118Link, ReportsTheLinkAsItIsNowAfterADropSinceTheLastPoll) {
  fake.set_link(false);
  fake.set_link(true);  // the PHY latched the drop
  CHECK_TRUE(mac.link_up());
}

TEST(Lan9118Link, IsDownWhenTheMiiPortNeverCompletes) {
  fake.set_mii_busy_reads(FakeLan9118::kForever);
  CHECK_FALSE(mac.link_up());
}

TEST(Lan9118, TheFactoryMacIsWhatTheEepromLoaderPutInTheAddressRegisters) {
  const MacAddress eeprom{0x02, 0x00, 0x5E, 0x00, 0x53, 0x02};
  fake.set_eeprom_mac(eeprom);
  const std::optional<MacAddress> got = mac.factory_mac();
  CHECK_TRUE(got.has_value());
  MEMCMP_EQUAL(eeprom.data(), got->data(), eeprom.size());
  init();  // then init() programs the address it is given, as always
  const MacAddress programmed = fake.mac_address();
  MEMCMP_EQUAL(kMac.data(), programmed.data(), kMac.size());
}

TEST(Lan9118, NoFactoryMacWithoutAnEepromOrAChip) {
  CHECK_FALSE(mac.factory_mac().has_value());  // the reset value: the broadcast address
  fake.set_eeprom_mac(MacAddress{});           // an EEPROM of zeros
  CHECK_FALSE(mac.factory_mac().has_value());
  fake.set_eeprom_mac(MacAddress{0x03, 0, 0, 0, 0, 1});  // a group address
  CHECK_FALSE(mac.factory_mac().has_value());
  fake.set_eeprom_mac(kOtherMac);
  fake.set_byte_test(0x4321'8765);  // no chip as the driver expects one
  CHECK_FALSE(mac.factory_mac().has_value());
}

}  // namespace portcullis::hal
