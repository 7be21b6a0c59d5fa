// SPDX-License-Identifier: Apache-2.0
// Tests of the fake itself: it is only worth the driver tests built on it if it behaves like
// the controller at the register level.
#include "fake_stellaris_enet.hpp"

#include <array>
#include <cstdint>

#include <CppUTest/TestHarness.h>

namespace portcullis::hal::testing {
namespace {

using F = FakeStellarisEnet;

// An MII read the way the datasheet prescribes, busy waits included.
std::uint32_t phy_read(F& fake, std::uint32_t reg) {
  while ((fake.read32(F::kMacMctl) & F::kMctlStart) != 0) {
  }
  fake.write32(F::kMacMctl, reg << 3 | F::kMctlStart);
  while ((fake.read32(F::kMacMctl) & F::kMctlStart) != 0) {
  }
  return fake.read32(F::kMacMrxd);
}

void receive_everything(F& fake) {
  fake.write32(F::kMacRctl, F::kRctlRxEn | F::kRctlPrms | F::kRctlBadCrc);
}

void enable_tx(F& fake) {
  fake.write32(F::kMacTctl, F::kTctlTxEn | F::kTctlPadEn | F::kTctlCrc);
}

}  // namespace

TEST_GROUP(FakeStellarisEnet) {
  F fake;
};

TEST(FakeStellarisEnet, ComesOutOfResetWithTheReceiverOffAndEveryInterruptUnmasked) {
  LONGS_EQUAL(F::kRctlBadCrc, fake.read32(F::kMacRctl));
  LONGS_EQUAL(0, fake.read32(F::kMacTctl));
  LONGS_EQUAL(0x7F, fake.read32(F::kMacIm));
  LONGS_EQUAL(0x3F, fake.read32(F::kMacThr));
  LONGS_EQUAL(0x80, fake.read32(F::kMacMdv));
  const std::array<std::uint8_t, 60> frame{};
  CHECK_FALSE(fake.inject_frame(frame));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeStellarisEnet, MacAddressRegistersAreLittleEndian) {
  fake.write32(F::kMacIa0, 0x4433'2211);
  fake.write32(F::kMacIa1, 0xFFFF'6655);  // the upper half is reserved
  const MacAddress expected{0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
  const MacAddress got = fake.mac_address();
  MEMCMP_EQUAL(expected.data(), got.data(), expected.size());
  LONGS_EQUAL(0x6655, fake.read32(F::kMacIa1));
}

TEST(FakeStellarisEnet, InjectedFrameIsLedByALengthCountingItselfAndTheFcs) {
  receive_everything(fake);
  // CRC-32 of "123456789" is the standard check value 0xCBF43926.
  const std::array<std::uint8_t, 9> frame{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  CHECK_TRUE(fake.inject_frame(frame));
  LONGS_EQUAL(1, fake.read32(F::kMacNp));
  CHECK(fake.read32(F::kMacRis) & F::kRisRxInt);
  LONGS_EQUAL(0x3231'000F, fake.read32(F::kMacData));  // 15 = 2 + 9 + 4
  LONGS_EQUAL(0x3635'3433, fake.read32(F::kMacData));
  LONGS_EQUAL(0x2639'3837, fake.read32(F::kMacData));
  LONGS_EQUAL(1, fake.read32(F::kMacNp));              // one word of the frame still unread
  LONGS_EQUAL(0x00CB'F439, fake.read32(F::kMacData));  // the rest of the last word is zero
  LONGS_EQUAL(0, fake.read32(F::kMacNp));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeStellarisEnet, FrameStillArrivingIsInTheFifoButNotCounted) {
  receive_everything(fake);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.begin_frame(frame));
  LONGS_EQUAL(0, fake.read32(F::kMacNp));
  LONGS_EQUAL(17, fake.rx_words_pending());
  fake.end_frame();
  LONGS_EQUAL(1, fake.read32(F::kMacNp));
}

TEST(FakeStellarisEnet, FiltersUnicastForOthersAndMulticastWithoutAmul) {
  fake.write32(F::kMacIa0, 0x4433'2202);
  fake.write32(F::kMacIa1, 0x6655);
  fake.write32(F::kMacRctl, F::kRctlRxEn);
  std::array<std::uint8_t, 60> frame{0x02, 0x22, 0x33, 0x44, 0x55, 0x66};
  CHECK_TRUE(fake.inject_frame(frame));
  frame[5] = 0x67;
  CHECK_FALSE(fake.inject_frame(frame));
  frame[0] = 0x33;
  CHECK_FALSE(fake.inject_frame(frame));
  fake.write32(F::kMacRctl, F::kRctlRxEn | F::kRctlAmul);
  CHECK_TRUE(fake.inject_frame(frame));
  frame.fill(0xFF);
  fake.write32(F::kMacRctl, F::kRctlRxEn);
  CHECK_TRUE(fake.inject_frame(frame));  // broadcast
}

TEST(FakeStellarisEnet, BadFcsIsDroppedWithRxerOnlyWhenBadcrcIsSet) {
  receive_everything(fake);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_FALSE(fake.inject_frame(frame, /*bad_fcs=*/true));
  CHECK(fake.read32(F::kMacRis) & F::kRisRxEr);
  fake.write32(F::kMacRctl, F::kRctlRxEn | F::kRctlPrms);
  CHECK_TRUE(fake.inject_frame(frame, /*bad_fcs=*/true));
}

TEST(FakeStellarisEnet, AFrameThatDoesNotFitTheFifoIsDroppedWithFov) {
  receive_everything(fake);
  const std::array<std::uint8_t, 1514> frame{};
  CHECK_TRUE(fake.inject_frame(frame));
  CHECK_FALSE(fake.inject_frame(frame));
  CHECK(fake.read32(F::kMacRis) & F::kRisFov);
  LONGS_EQUAL(1, fake.read32(F::kMacNp));
  fake.write32(F::kMacIack, F::kRisFov);
  LONGS_EQUAL(0, fake.read32(F::kMacRis) & F::kRisFov);
}

TEST(FakeStellarisEnet, OverrunLeavesUncountedWordsAheadOfLaterFrames) {
  receive_everything(fake);
  fake.inject_overrun(3);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.inject_frame(frame));
  LONGS_EQUAL(1, fake.read32(F::kMacNp));
  LONGS_EQUAL(0xA5A5'0040, fake.read32(F::kMacData));  // garbage where a length should be
}

TEST(FakeStellarisEnet, RxFifoResetEmptiesItAndIsAnErrorWithTheReceiverOn) {
  receive_everything(fake);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.inject_frame(frame));
  fake.write32(F::kMacRctl, F::kRctlBadCrc);
  fake.write32(F::kMacRctl, F::kRctlBadCrc | F::kRctlRstFifo);
  LONGS_EQUAL(0, fake.read32(F::kMacNp));
  LONGS_EQUAL(0, fake.rx_words_pending());
  LONGS_EQUAL(F::kRctlBadCrc, fake.read32(F::kMacRctl));  // RSTFIFO clears itself
  CHECK_TRUE(fake.protocol_errors().empty());
  fake.write32(F::kMacRctl, F::kRctlRxEn | F::kRctlRstFifo);
  LONGS_EQUAL(1, fake.protocol_errors().size());
  LONGS_EQUAL(2, fake.rx_fifo_resets());
}

TEST(FakeStellarisEnet, ReadingDataWithNoCompleteFrameIsAProtocolError) {
  receive_everything(fake);
  static_cast<void>(fake.read32(F::kMacData));
  LONGS_EQUAL(1, fake.protocol_errors().size());
}

TEST(FakeStellarisEnet, SendsTheFrameTheLengthWordDescribesOnNewtx) {
  enable_tx(fake);
  // 16 bytes: a 14-byte header, 2 of payload; the data length counts only the payload.
  fake.write32(F::kMacData, 0x0201'0002);
  fake.write32(F::kMacData, 0x0605'0403);
  fake.write32(F::kMacData, 0x0A09'0807);
  fake.write32(F::kMacData, 0x0E0D'0C0B);
  fake.write32(F::kMacData, 0x0000'100F);
  LONGS_EQUAL(0, fake.tx_frames().size());
  fake.write32(F::kMacTr, F::kTrNewTx);
  LONGS_EQUAL(1, fake.tx_frames().size());
  const auto& sent = fake.tx_frames()[0];
  LONGS_EQUAL(60, sent.size());  // padded by PADEN
  for (std::size_t i = 0; i < 16; ++i) BYTES_EQUAL(i + 1, sent[i]);
  for (std::size_t i = 16; i < 60; ++i) BYTES_EQUAL(0, sent[i]);
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeStellarisEnet, NewtxStaysSetWhileTheFrameIsOnTheWire) {
  enable_tx(fake);
  fake.set_tx_busy_reads(2);
  for (std::uint32_t w : {0x0000'0000u, 0u, 0u, 0u}) fake.write32(F::kMacData, w);
  fake.write32(F::kMacTr, F::kTrNewTx);
  LONGS_EQUAL(F::kTrNewTx, fake.read32(F::kMacTr));
  fake.write32(F::kMacData, 0);  // too early
  LONGS_EQUAL(1, fake.protocol_errors().size());
  LONGS_EQUAL(F::kTrNewTx, fake.read32(F::kMacTr));
  LONGS_EQUAL(0, fake.read32(F::kMacTr));
  CHECK(fake.read32(F::kMacRis) & F::kRisTxEmp);
}

TEST(FakeStellarisEnet, TxMisuseIsAProtocolError) {
  fake.set_tx_busy_reads(0);
  fake.write32(F::kMacData, 0);
  fake.write32(F::kMacTr, F::kTrNewTx);  // TXEN clear
  LONGS_EQUAL(1, fake.protocol_errors().size());
  fake.write32(F::kMacIack, F::kRisTxEr);  // empties the TX FIFO
  fake.write32(F::kMacTctl, F::kTctlTxEn | F::kTctlPadEn);
  for (std::uint32_t w : {0u, 0u, 0u, 0u}) fake.write32(F::kMacData, w);
  fake.write32(F::kMacTr, F::kTrNewTx);  // no FCS
  LONGS_EQUAL(2, fake.protocol_errors().size());
  enable_tx(fake);
  fake.write32(F::kMacData, 10);  // 26 bytes promised, 4 written
  fake.write32(F::kMacTr, F::kTrNewTx);
  LONGS_EQUAL(3, fake.protocol_errors().size());
  for (std::uint32_t w : {0u, 0u, 0u, 0u, 0u}) fake.write32(F::kMacData, w);  // 20 for 16
  fake.write32(F::kMacTr, F::kTrNewTx);
  LONGS_EQUAL(4, fake.protocol_errors().size());
  fake.write32(F::kMacThr, 2);
  LONGS_EQUAL(5, fake.protocol_errors().size());
}

TEST(FakeStellarisEnet, FailedFrameRaisesTxer) {
  enable_tx(fake);
  fake.fail_next_tx();
  for (std::uint32_t w : {0u, 0u, 0u, 0u}) fake.write32(F::kMacData, w);
  fake.write32(F::kMacTr, F::kTrNewTx);
  LONGS_EQUAL(0, fake.tx_frames().size());
  LONGS_EQUAL(1, fake.tx_failed());
  CHECK(fake.read32(F::kMacRis) & F::kRisTxEr);
}

TEST(FakeStellarisEnet, PhyIdentifiesItselfAndLatchesALinkDrop) {
  LONGS_EQUAL(0x0161, phy_read(fake, 2));
  LONGS_EQUAL(0xB410, phy_read(fake, 3));
  CHECK(phy_read(fake, 1) & (1u << 2));
  fake.set_link(false);
  fake.set_link(true);
  CHECK_FALSE(phy_read(fake, 1) & (1u << 2));  // the drop, latched
  CHECK(phy_read(fake, 1) & (1u << 2));
  CHECK(phy_read(fake, 18) & (1u << 11));
  fake.set_full_duplex(false);
  CHECK_FALSE(phy_read(fake, 18) & (1u << 11));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeStellarisEnet, QemuPhyReadsZeroAndAnAbsentOneAllOnes) {
  fake.set_phy(F::Phy::kQemu);
  LONGS_EQUAL(0, phy_read(fake, 1));
  LONGS_EQUAL(0, phy_read(fake, 2));
  fake.set_phy(F::Phy::kAbsent);
  LONGS_EQUAL(0xFFFF, phy_read(fake, 2));
  LONGS_EQUAL(3, fake.mii_transactions());
}

TEST(FakeStellarisEnet, MiiAccessWhileBusyIsAProtocolError) {
  fake.set_mii_busy_reads(F::kForever);
  fake.write32(F::kMacMctl, 1u << 3 | F::kMctlStart);
  CHECK(fake.read32(F::kMacMctl) & F::kMctlStart);
  CHECK_TRUE(fake.protocol_errors().empty());
  static_cast<void>(fake.read32(F::kMacMrxd));
  fake.write32(F::kMacMctl, 2u << 3 | F::kMctlStart);
  LONGS_EQUAL(2, fake.protocol_errors().size());
}

TEST(FakeStellarisEnet, UnresponsiveDeviceReadsZero) {
  fake.set_unresponsive(true);
  fake.write32(F::kMacIa0, 0x1234'5678);
  LONGS_EQUAL(0, fake.read32(F::kMacIa0));
  LONGS_EQUAL(0, fake.read32(F::kMacRctl));
}

}  // namespace portcullis::hal::testing
