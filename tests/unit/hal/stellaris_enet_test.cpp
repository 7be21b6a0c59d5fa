// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/stellaris_enet.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "fake_stellaris_enet.hpp"
#include "mac_driver_test.hpp"
#include "status_string.hpp"

namespace portcullis::hal {
namespace {

using testing::FakeStellarisEnet;
using Enet = StellarisEnet<FakeStellarisEnet::Bus>;

using testing::kMac;
using testing::kOtherMac;
using testing::kSentinel;
using testing::make_frame;

class StellarisEnetTest : public testing::MacDriverTest<FakeStellarisEnet, Enet> {
 public:
  // A frame that ends in the FIFO with `length_word` as its length and `words` words in all.
  void inject_length_word(std::uint32_t length_word, std::size_t words) {
    std::vector<std::uint32_t> raw(words, 0x5A5A'5A5A);
    raw[0] = 0x0202'0000 | length_word;
    fake.inject_raw_frame(raw);
  }
};

}  // namespace

TEST_GROUP_BASE(StellarisEnet, StellarisEnetTest){};

// ---- init ------------------------------------------------------------------------------------

TEST(StellarisEnet, InitProgramsTheMacAddress) {
  init();
  const MacAddress programmed = fake.mac_address();
  MEMCMP_EQUAL(kMac.data(), programmed.data(), kMac.size());
}

TEST(StellarisEnet, InitEnablesRxAndTxWithPaddingCrcAndNoInterrupts) {
  init();
  LONGS_EQUAL(
      FakeStellarisEnet::kRctlRxEn | FakeStellarisEnet::kRctlAmul | FakeStellarisEnet::kRctlBadCrc,
      fake.rctl());  // not promiscuous
  LONGS_EQUAL(FakeStellarisEnet::kTctlTxEn | FakeStellarisEnet::kTctlPadEn |
                  FakeStellarisEnet::kTctlCrc | FakeStellarisEnet::kTctlDuplex,
              fake.tctl());
  LONGS_EQUAL(0, fake.im());
  LONGS_EQUAL(0x3F, fake.thr());  // no early transmission
  LONGS_EQUAL(0, fake.ris());
  LONGS_EQUAL(1, fake.rx_fifo_resets());  // with the receiver off: the fake checks
  LONGS_EQUAL(0, mac.rx_fifo_resets());
}

TEST(StellarisEnet, InitSetsAnMiiClockWithinTwoPointFiveMegahertz) {
  init();
  // MDC = sysclk / (2 * (MDV + 1)); the LM3S6965 runs at up to 50 MHz.
  CHECK(50'000'000 / (2 * (fake.mdv() + 1)) <= 2'500'000);
}

TEST(StellarisEnet, InitDropsFramesReceivedBeforeIt) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(60)));
  init();
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(0, mac.counters().rx_frames);
  LONGS_EQUAL(0, mac.counters().rx_errors);
}

TEST(StellarisEnet, InitFailsWhenTheMacAddressDoesNotReadBack) {
  fake.set_unresponsive(true);
  CHECK_EQUAL(Status::kUnavailable, mac.init(kMac));
  // A MAC that failed init neither receives nor transmits.
  LONGS_EQUAL(0, mac.receive(buffer));
  const auto frame = make_frame(60);
  CHECK_EQUAL(Status::kUnavailable, mac.transmit(frame));
  CHECK_FALSE(mac.link_up());
}

TEST(StellarisEnet, InitFailsWhenThePhyDoesNotAnswer) {
  fake.set_phy(FakeStellarisEnet::Phy::kAbsent);
  CHECK_EQUAL(Status::kUnavailable, mac.init(kMac));
  LONGS_EQUAL(0, fake.rctl() & FakeStellarisEnet::kRctlRxEn);
  LONGS_EQUAL(0, fake.tctl() & FakeStellarisEnet::kTctlTxEn);
}

TEST(StellarisEnet, InitFailsWhenAnMiiTransactionNeverCompletes) {
  fake.set_mii_busy_reads(FakeStellarisEnet::kForever);
  CHECK_EQUAL(Status::kDeadlineExceeded, mac.init(kMac));
  LONGS_EQUAL(0, fake.rctl() & FakeStellarisEnet::kRctlRxEn);
}

TEST(StellarisEnet, InitWaitsForSlowMiiTransactions) {
  fake.set_mii_busy_reads(500);  // the fake records any MII access while one is in flight
  init();
  CHECK_FALSE(mac.link_assumed());
}

// ---- receive ---------------------------------------------------------------------------------

TEST(StellarisEnet, ReceiveReturnsZeroWhenNoFrameWaits) {
  init();
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(0, mac.counters().rx_frames);
}

TEST(StellarisEnet, ReceiveBeforeInitReadsNothing) {
  LONGS_EQUAL(0, mac.receive(buffer));  // the fake flags a FIFO read with no frame in it
}

TEST(StellarisEnet, LeavesAFrameAloneUntilItHasFullyArrived) {
  init();
  const auto frame = make_frame(200, kMac, 3);
  CHECK_TRUE(fake.begin_frame(frame));  // words in the FIFO, not yet counted in MACNP
  LONGS_EQUAL(0, mac.receive(buffer));
  fake.end_frame();
  LONGS_EQUAL(frame.size(), mac.receive(buffer));
  MEMCMP_EQUAL(frame.data(), buffer.data(), frame.size());
}

TEST(StellarisEnet, ReceivesFramesOfEveryLengthModuloFourByteExactWithoutFcs) {
  init();
  // The length word shifts the frame by two bytes: every alignment of its end is exercised.
  for (std::size_t length :
       {14u, 15u, 16u, 17u, 60u, 61u, 62u, 63u, 64u, 65u, 1514u, 1515u, 1516u, 1517u, 1518u}) {
    check_round_trip(make_frame(length, kMac, static_cast<std::uint8_t>(length)));
  }
  LONGS_EQUAL(15, mac.counters().rx_frames);
  LONGS_EQUAL(0, mac.counters().rx_errors);
}

TEST(StellarisEnet, ReceivesBackToBackFramesInOrder) {
  init();
  const auto a = make_frame(61, kMac, 1);
  const auto b = make_frame(1514, kMac, 2);
  const auto c = make_frame(62, kMac, 3);
  const auto d = make_frame(63, kMac, 4);
  for (const auto* f : {&a, &b, &c, &d}) CHECK_TRUE(fake.inject_frame(*f));
  for (const auto* expected : {&a, &b, &c, &d}) {
    buffer.fill(kSentinel);
    LONGS_EQUAL(expected->size(), mac.receive(buffer));
    MEMCMP_EQUAL(expected->data(), buffer.data(), expected->size());
    BYTES_EQUAL(kSentinel, buffer[expected->size()]);
  }
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(4, mac.counters().rx_frames);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, FrameLargerThanTheBufferIsDiscardedAndTheFifoStaysInStep) {
  init();
  std::array<std::uint8_t, 101> small{};
  small.fill(kSentinel);
  CHECK_TRUE(fake.inject_frame(make_frame(101, kMac, 6)));
  CHECK_TRUE(fake.inject_frame(make_frame(102, kMac, 6)));
  const auto fits = make_frame(100, kMac, 7);
  CHECK_TRUE(fake.inject_frame(fits));
  const std::span<std::uint8_t> hundred(small.data(), 100);
  LONGS_EQUAL(100, mac.receive(hundred));
  MEMCMP_EQUAL(fits.data(), small.data(), fits.size());
  BYTES_EQUAL(kSentinel, small[100]);  // never written past the span it was given
  LONGS_EQUAL(2, mac.counters().rx_too_large);
  LONGS_EQUAL(1, mac.counters().rx_frames);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, AnEmptyBufferTakesNoFrame) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(60)));
  LONGS_EQUAL(0, mac.receive(std::span<std::uint8_t>()));
  LONGS_EQUAL(1, mac.counters().rx_too_large);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, FrameLargerThanTheLargestEthernetFrameIsDiscarded) {
  init();
  std::array<std::uint8_t, 2048> big{};
  CHECK_TRUE(fake.inject_frame(make_frame(kMaxFrameBytes + 1)));
  LONGS_EQUAL(0, mac.receive(big));
  CHECK_TRUE(fake.inject_frame(make_frame(2042)));  // as long as the FIFO takes
  LONGS_EQUAL(0, mac.receive(big));
  LONGS_EQUAL(2, mac.counters().rx_too_large);
  LONGS_EQUAL(0, mac.rx_fifo_resets());
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, RuntShorterThanAnEthernetHeaderIsDiscarded) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(13)));
  CHECK_TRUE(fake.inject_frame(make_frame(6)));
  const auto good = make_frame(14, kMac, 5);
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(14, mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(2, mac.counters().rx_errors);
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, EmptyFrameIsDiscarded) {
  init();
  inject_length_word(6, 2);  // a length word and an FCS, nothing between
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.counters().rx_errors);
  LONGS_EQUAL(0, mac.rx_fifo_resets());
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, LengthWordZeroFlushesTheFifoAndLaterFramesArriveIntact) {
  init();
  inject_length_word(0, 16);
  CHECK_TRUE(fake.inject_frame(make_frame(60)));  // behind it: lost with the flush
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.rx_fifo_resets());
  LONGS_EQUAL(2, mac.counters().rx_errors);
  LONGS_EQUAL(0, fake.rx_words_pending());
  check_round_trip(make_frame(64, kMac, 9));
}

TEST(StellarisEnet, LengthWordsNoFrameCanHaveFlushTheFifo) {
  init();
  // Shorter than the length word and FCS themselves, or longer than the 2 KiB FIFO.
  for (std::uint32_t length_word : {1u, 2u, 5u, 2049u, 0x7FFFu, 0xFFFFu}) {
    inject_length_word(length_word, 4);
    LONGS_EQUAL(0, mac.receive(buffer));
    LONGS_EQUAL(0, fake.rx_words_pending());
  }
  LONGS_EQUAL(6, mac.rx_fifo_resets());
  LONGS_EQUAL(6, mac.counters().rx_errors);
  check_round_trip(make_frame(60));
}

TEST(StellarisEnet, LongestLengthWordTheFifoCanHoldIsReadOutNotFlushed) {
  init();
  inject_length_word(2048, 512);
  std::array<std::uint8_t, 2048> big{};
  LONGS_EQUAL(0, mac.receive(big));
  LONGS_EQUAL(1, mac.counters().rx_too_large);
  LONGS_EQUAL(0, mac.rx_fifo_resets());
  LONGS_EQUAL(0, fake.rx_words_pending());
}

TEST(StellarisEnet, OverrunFlushesTheFifoSoGarbageIsNeverHandedUp) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(60, kMac, 1)));
  fake.inject_overrun(7);  // a partial frame whose first word looks like a 64-byte length
  CHECK_TRUE(fake.inject_frame(make_frame(60, kMac, 2)));
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.rx_fifo_resets());
  LONGS_EQUAL(3, mac.counters().rx_errors);  // the overflowing frame and the two flushed
  LONGS_EQUAL(0, fake.ris() & FakeStellarisEnet::kRisFov);
  LONGS_EQUAL(0, mac.counters().rx_frames);
  check_round_trip(make_frame(61, kMac, 3));
}

TEST(StellarisEnet, FifoFilledToOverflowRecovers) {
  init();
  CHECK_TRUE(fake.inject_frame(make_frame(1514, kMac, 1)));
  CHECK_FALSE(fake.inject_frame(make_frame(1514, kMac, 2)));  // no room: FOV
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.rx_fifo_resets());
  LONGS_EQUAL(2, mac.counters().rx_errors);
  check_round_trip(make_frame(1514, kMac, 3));
}

TEST(StellarisEnet, FrameTheMacDroppedForABadFcsIsCountedOnce) {
  init();
  CHECK_FALSE(fake.inject_frame(make_frame(60), /*bad_fcs=*/true));
  const auto good = make_frame(60, kMac, 4);
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(60, mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(0, mac.receive(buffer));
  LONGS_EQUAL(1, mac.counters().rx_errors);
  LONGS_EQUAL(0, fake.ris() & FakeStellarisEnet::kRisRxEr);
  LONGS_EQUAL(0, mac.rx_fifo_resets());
}

TEST(StellarisEnet, AFloodOfBadFramesDoesNotKeepReceiveBusy) {
  init();
  for (std::uint32_t i = 0; i < Enet::kMaxDiscardsPerReceive; ++i) {
    CHECK_TRUE(fake.inject_frame(make_frame(10)));
  }
  const auto good = make_frame(64, kMac, 8);
  CHECK_TRUE(fake.inject_frame(good));
  LONGS_EQUAL(0, mac.receive(buffer));  // gives the loop back after its quota of discards
  LONGS_EQUAL(64, mac.receive(buffer));
  MEMCMP_EQUAL(good.data(), buffer.data(), good.size());
  LONGS_EQUAL(Enet::kMaxDiscardsPerReceive, mac.counters().rx_errors);
}

TEST(StellarisEnet, ReceivesMulticastAndBroadcastButNotOtherHostsUnicast) {
  init();
  constexpr MacAddress kSolicitedNode{0x33, 0x33, 0xFF, 0x00, 0x00, 0x02};
  constexpr MacAddress kBroadcast{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  check_round_trip(make_frame(86, kSolicitedNode));
  check_round_trip(make_frame(60, kBroadcast));
  CHECK_FALSE(fake.inject_frame(make_frame(60, kOtherMac)));
}

// ---- transmit --------------------------------------------------------------------------------

TEST_GROUP(StellarisEnetTransmit) {
  FakeStellarisEnet fake;
  Enet mac{fake.bus()};

  void setup() override {
    CHECK_EQUAL(Status::kOk, mac.init(kMac));
  }
  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(StellarisEnetTransmit, SendsExactBytesForEveryLengthModuloFour) {
  // The fake records a wrong length word, too few or too many words, and a write into the FIFO
  // while the previous frame is still on the wire.
  const std::size_t lengths[] = {60, 61, 62, 63, 64, 65, 1513, 1514, 1515, 1516, 1517, 1518};
  for (std::size_t length : lengths) {
    const auto frame = make_frame(length, kOtherMac, static_cast<std::uint8_t>(length));
    CHECK_EQUAL(Status::kOk, mac.transmit(frame));
    const auto& sent = fake.tx_frames().back();
    LONGS_EQUAL(length, sent.size());
    MEMCMP_EQUAL(frame.data(), sent.data(), length);
  }
  LONGS_EQUAL(12, fake.tx_frames().size());
  LONGS_EQUAL(12, mac.counters().tx_frames);
  LONGS_EQUAL(0, mac.counters().tx_errors);
}

TEST(StellarisEnetTransmit, ShortFramesArePaddedToSixtyBytesByTheMac) {
  for (std::size_t length : {14u, 15u, 42u, 59u}) {
    const auto frame = make_frame(length, kOtherMac);
    CHECK_EQUAL(Status::kOk, mac.transmit(frame));
    const auto& sent = fake.tx_frames().back();
    LONGS_EQUAL(60, sent.size());
    MEMCMP_EQUAL(frame.data(), sent.data(), length);
    for (std::size_t i = length; i < 60; ++i) BYTES_EQUAL(0, sent[i]);
  }
}

TEST(StellarisEnetTransmit, RejectsFramesShorterThanAHeaderOrLongerThanTheLargest) {
  const std::vector<std::uint8_t> empty;
  const auto runt = make_frame(13, kOtherMac);
  const auto oversize = make_frame(kMaxFrameBytes + 1, kOtherMac);
  CHECK_EQUAL(Status::kInvalidArgument, mac.transmit(empty));
  CHECK_EQUAL(Status::kInvalidArgument, mac.transmit(runt));
  CHECK_EQUAL(Status::kInvalidArgument, mac.transmit(oversize));
  LONGS_EQUAL(0, fake.tx_frames().size());
  LONGS_EQUAL(0, mac.counters().tx_frames);
  LONGS_EQUAL(0, mac.counters().tx_errors);
}

TEST(StellarisEnetTransmit, WaitsForThePreviousFrameToLeaveTheFifo) {
  fake.set_tx_busy_reads(300);
  for (std::uint8_t seed = 0; seed < 5; ++seed) {
    CHECK_EQUAL(Status::kOk, mac.transmit(make_frame(100, kOtherMac, seed)));
  }
  LONGS_EQUAL(5, fake.tx_frames().size());
  MEMCMP_EQUAL(make_frame(100, kOtherMac, 4).data(), fake.tx_frames().back().data(), 100);
}

TEST(StellarisEnetTransmit, StuckTransmitterIsResourceExhaustedAndCounted) {
  fake.set_tx_busy_reads(FakeStellarisEnet::kForever);
  const auto frame = make_frame(60, kOtherMac);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  CHECK_EQUAL(Status::kResourceExhausted, mac.transmit(frame));
  LONGS_EQUAL(1, fake.tx_frames().size());
  LONGS_EQUAL(1, mac.counters().tx_frames);
  LONGS_EQUAL(1, mac.counters().tx_errors);
}

TEST(StellarisEnetTransmit, AFailedFrameIsCountedWhenTheNextOneIsSent) {
  fake.fail_next_tx();
  const auto frame = make_frame(60, kOtherMac);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  LONGS_EQUAL(0, mac.counters().tx_errors);
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
  LONGS_EQUAL(1, mac.counters().tx_errors);
  LONGS_EQUAL(2, mac.counters().tx_frames);
  LONGS_EQUAL(1, fake.tx_frames().size());
  LONGS_EQUAL(0, fake.ris() & FakeStellarisEnet::kRisTxEr);
}

// ---- link ------------------------------------------------------------------------------------

TEST_GROUP(StellarisEnetLink) {
  FakeStellarisEnet fake;
  Enet mac{fake.bus()};

  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(StellarisEnetLink, IsDownBeforeInit) {
  CHECK_FALSE(mac.link_up());
  LONGS_EQUAL(0, fake.mii_transactions());
}

TEST(StellarisEnetLink, FollowsThePhy) {
  CHECK_EQUAL(Status::kOk, mac.init(kMac));
  CHECK_FALSE(mac.link_assumed());
  CHECK_TRUE(mac.link_up());
  fake.set_link(false);
  CHECK_FALSE(mac.link_up());
  CHECK_FALSE(mac.link_up());
  fake.set_link(true);
  CHECK_TRUE(mac.link_up());
}

TEST(StellarisEnetLink, ReportsTheLinkAsItIsNowAfterADropSinceTheLastPoll) {
  CHECK_EQUAL(Status::kOk, mac.init(kMac));
  fake.set_link(false);
  fake.set_link(true);  // the PHY latched the drop
  CHECK_TRUE(mac.link_up());
}

TEST(StellarisEnetLink, MacDuplexFollowsWhatThePhyNegotiated) {
  CHECK_EQUAL(Status::kOk, mac.init(kMac));
  fake.set_full_duplex(false);
  CHECK_TRUE(mac.link_up());
  LONGS_EQUAL(0, fake.tctl() & FakeStellarisEnet::kTctlDuplex);
  CHECK(fake.tctl() & FakeStellarisEnet::kTctlTxEn);  // the rest untouched
  CHECK(fake.tctl() & FakeStellarisEnet::kTctlPadEn);
  fake.set_full_duplex(true);
  CHECK_TRUE(mac.link_up());
  CHECK(fake.tctl() & FakeStellarisEnet::kTctlDuplex);
}

TEST(StellarisEnetLink, IsDownWhenTheMiiPortNeverCompletes) {
  CHECK_EQUAL(Status::kOk, mac.init(kMac));
  fake.set_mii_busy_reads(FakeStellarisEnet::kForever);
  CHECK_FALSE(mac.link_up());
}

TEST(StellarisEnetLink, IsAssumedUpWithoutAskingWhenThePhyIsQemus) {
  fake.set_phy(FakeStellarisEnet::Phy::kQemu);
  CHECK_EQUAL(Status::kOk, mac.init(kMac));
  CHECK_TRUE(mac.link_assumed());
  const std::uint32_t transactions = fake.mii_transactions();
  CHECK_TRUE(mac.link_up());
  LONGS_EQUAL(transactions, fake.mii_transactions());
  // Frames flow as on hardware.
  std::array<std::uint8_t, kMaxFrameBytes> buffer{};
  const auto frame = make_frame(60);
  CHECK_TRUE(fake.inject_frame(frame));
  LONGS_EQUAL(60, mac.receive(buffer));
  CHECK_EQUAL(Status::kOk, mac.transmit(frame));
}

}  // namespace portcullis::hal
