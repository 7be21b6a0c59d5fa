// SPDX-License-Identifier: Apache-2.0
// Tests of the fake itself: it is only worth the driver tests built on it if it behaves like
// the chip at the register level.
#include "fake_lan9118.hpp"

#include <array>
#include <cstdint>

#include <CppUTest/TestHarness.h>

namespace portcullis::hal::testing {
namespace {

constexpr std::uint32_t kCsrBusy = 1u << 31;
constexpr std::uint32_t kCsrRead = 1u << 30;

// MAC CSR access the way the datasheet prescribes, busy waits included.
void csr_write(FakeLan9118& fake, std::uint32_t index, std::uint32_t value) {
  while ((fake.read32(FakeLan9118::kMacCsrCmd) & kCsrBusy) != 0) {
  }
  fake.write32(FakeLan9118::kMacCsrData, value);
  fake.write32(FakeLan9118::kMacCsrCmd, kCsrBusy | index);
}

std::uint32_t csr_read(FakeLan9118& fake, std::uint32_t index) {
  while ((fake.read32(FakeLan9118::kMacCsrCmd) & kCsrBusy) != 0) {
  }
  fake.write32(FakeLan9118::kMacCsrCmd, kCsrBusy | kCsrRead | index);
  while ((fake.read32(FakeLan9118::kMacCsrCmd) & kCsrBusy) != 0) {
  }
  return fake.read32(FakeLan9118::kMacCsrData);
}

std::uint32_t phy_read(FakeLan9118& fake, std::uint32_t phy, std::uint32_t reg) {
  csr_write(fake, 6, phy << 11 | reg << 6 | 1u);
  while ((csr_read(fake, 6) & 1u) != 0) {
  }
  return csr_read(fake, 7);
}

}  // namespace

TEST_GROUP(FakeLan9118) {
  FakeLan9118 fake;
};

TEST(FakeLan9118, IdentifiesAsALan9118) {
  LONGS_EQUAL(0x87654321, fake.read32(FakeLan9118::kByteTest));
  LONGS_EQUAL(0x0118, fake.read32(FakeLan9118::kIdRev) >> 16);
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, SoftResetHoldsSrstThenReadyAndFlagsEarlyAccess) {
  fake.set_reset_reads(2);
  fake.set_ready_reads(2);
  fake.write32(FakeLan9118::kHwCfg, 1);
  LONGS_EQUAL(1, fake.read32(FakeLan9118::kHwCfg) & 1);
  LONGS_EQUAL(1, fake.read32(FakeLan9118::kHwCfg) & 1);
  LONGS_EQUAL(0, fake.read32(FakeLan9118::kHwCfg) & 1);
  LONGS_EQUAL(0, fake.read32(FakeLan9118::kPmtCtrl) & 1);
  CHECK_TRUE(fake.protocol_errors().empty());
  static_cast<void>(fake.read32(FakeLan9118::kRxFifoInf));  // too early
  LONGS_EQUAL(1, fake.protocol_errors().size());
  LONGS_EQUAL(0, fake.read32(FakeLan9118::kPmtCtrl) & 1);
  LONGS_EQUAL(1, fake.read32(FakeLan9118::kPmtCtrl) & 1);
  LONGS_EQUAL(1, fake.soft_resets());
}

TEST(FakeLan9118, ResetsIntoPromiscuousModeWithTheReceiverOff) {
  LONGS_EQUAL(FakeLan9118::kMacCrPrms, csr_read(fake, 1));
  const std::array<std::uint8_t, 20> frame{};
  CHECK_FALSE(fake.inject_frame(frame));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, MacCsrAccessWhileBusyIsAProtocolError) {
  fake.set_csr_busy_reads(FakeLan9118::kForever);
  fake.write32(FakeLan9118::kMacCsrData, 0x1234);
  fake.write32(FakeLan9118::kMacCsrCmd, kCsrBusy | 3);
  CHECK_TRUE(fake.protocol_errors().empty());
  fake.write32(FakeLan9118::kMacCsrData, 0);
  fake.write32(FakeLan9118::kMacCsrCmd, kCsrBusy | kCsrRead | 3);
  static_cast<void>(fake.read32(FakeLan9118::kMacCsrData));
  LONGS_EQUAL(3, fake.protocol_errors().size());
}

TEST(FakeLan9118, MacAddressRegistersAreLittleEndian) {
  csr_write(fake, 3, 0x4433'2211);  // ADDRL
  csr_write(fake, 2, 0x6655);       // ADDRH
  const MacAddress expected{0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
  const MacAddress got = fake.mac_address();
  MEMCMP_EQUAL(expected.data(), got.data(), expected.size());
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, InjectedFrameAppearsAsStatusAndLittleEndianWordsWithItsFcs) {
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn | FakeLan9118::kMacCrPrms);
  // CRC-32 of "123456789" is the standard check value 0xCBF43926.
  const std::array<std::uint8_t, 9> frame{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  CHECK_TRUE(fake.inject_frame(frame));
  LONGS_EQUAL(0x0001'0010, fake.read32(FakeLan9118::kRxFifoInf));  // 1 status, 4 words
  LONGS_EQUAL(13u << 16, fake.read32(FakeLan9118::kRxStatusFifo));
  LONGS_EQUAL(0x34333231, fake.read32(FakeLan9118::kRxDataFifo));
  LONGS_EQUAL(0x38373635, fake.read32(FakeLan9118::kRxDataFifo));
  LONGS_EQUAL(0xF4392639, fake.read32(FakeLan9118::kRxDataFifo));
  LONGS_EQUAL(0x000000CB, fake.read32(FakeLan9118::kRxDataFifo));
  LONGS_EQUAL(0, fake.read32(FakeLan9118::kRxFifoInf));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, FrameStillArrivingHasDataButNoStatus) {
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn | FakeLan9118::kMacCrPrms);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.begin_frame(frame));
  LONGS_EQUAL(64, fake.read32(FakeLan9118::kRxFifoInf));  // 16 words, 0 statuses
  fake.end_frame();
  LONGS_EQUAL(0x0001'0040, fake.read32(FakeLan9118::kRxFifoInf));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, ErrorFrameCarriesTheErrorSummaryBit) {
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn | FakeLan9118::kMacCrPrms);
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.inject_frame(frame, /*error=*/true));
  LONGS_EQUAL(64u << 16 | 1u << 15, fake.read32(FakeLan9118::kRxStatusFifo));
}

TEST(FakeLan9118, FiltersUnicastForOthersWithoutPromiscuousMode) {
  csr_write(fake, 3, 0x4433'2202);
  csr_write(fake, 2, 0x6655);
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn);
  std::array<std::uint8_t, 60> frame{0x02, 0x22, 0x33, 0x44, 0x55, 0x66};
  CHECK_TRUE(fake.inject_frame(frame));
  frame[5] = 0x67;
  CHECK_FALSE(fake.inject_frame(frame));
  frame[0] = 0x33;  // multicast: needs MCPAS, as the hash filter is empty
  CHECK_FALSE(fake.inject_frame(frame));
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn | FakeLan9118::kMacCrMcpas);
  CHECK_TRUE(fake.inject_frame(frame));
}

TEST(FakeLan9118, RxFifoMisuseIsAProtocolError) {
  csr_write(fake, 1, FakeLan9118::kMacCrRxEn | FakeLan9118::kMacCrPrms);
  static_cast<void>(fake.read32(FakeLan9118::kRxStatusFifo));  // nothing there
  LONGS_EQUAL(1, fake.protocol_errors().size());
  const std::array<std::uint8_t, 60> frame{};
  CHECK_TRUE(fake.inject_frame(frame));
  CHECK_TRUE(fake.inject_frame(frame));
  static_cast<void>(fake.read32(FakeLan9118::kRxDataFifo));  // data before its status
  LONGS_EQUAL(2, fake.protocol_errors().size());
  static_cast<void>(fake.read32(FakeLan9118::kRxStatusFifo));
  static_cast<void>(fake.read32(FakeLan9118::kRxStatusFifo));  // 15 words still unread
  LONGS_EQUAL(3, fake.protocol_errors().size());
  fake.write32(FakeLan9118::kRxDpCtrl, 1u << 31);
  LONGS_EQUAL(4, fake.protocol_errors().size());
}

TEST(FakeLan9118, ParsesTxCommandsIntoAFrameAndQueuesAStatus) {
  csr_write(fake, 1, FakeLan9118::kMacCrTxEn);
  fake.write32(FakeLan9118::kTxCfg, 1u << 1);
  fake.write32(FakeLan9118::kTxDataFifo, 1u << 13 | 1u << 12 | 5);
  fake.write32(FakeLan9118::kTxDataFifo, 0xABCDu << 16 | 5);
  fake.write32(FakeLan9118::kTxDataFifo, 0x04030201);
  LONGS_EQUAL(0, fake.tx_frames().size());
  fake.write32(FakeLan9118::kTxDataFifo + 4, 0x00000005);  // any port address of the FIFO
  LONGS_EQUAL(1, fake.tx_frames().size());
  const std::array<std::uint8_t, 5> expected{1, 2, 3, 4, 5};
  LONGS_EQUAL(5, fake.tx_frames()[0].bytes.size());
  MEMCMP_EQUAL(expected.data(), fake.tx_frames()[0].bytes.data(), expected.size());
  LONGS_EQUAL(0xABCD, fake.tx_frames()[0].tag);
  LONGS_EQUAL(0x0001'0000 | 4608, fake.read32(FakeLan9118::kTxFifoInf));
  LONGS_EQUAL(0xABCDu << 16, fake.read32(FakeLan9118::kTxStatusFifo));
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeLan9118, TxMisuseIsAProtocolError) {
  fake.write32(FakeLan9118::kTxDataFifo, 1u << 13 | 1u << 12 | 1);  // TX_ON and TXEN clear
  LONGS_EQUAL(2, fake.protocol_errors().size());
  csr_write(fake, 1, FakeLan9118::kMacCrTxEn);
  fake.write32(FakeLan9118::kTxCfg, 1u << 1);
  fake.write32(FakeLan9118::kTxDataFifo, 2);  // command B length differs from A's size
  LONGS_EQUAL(3, fake.protocol_errors().size());
  fake.write32(FakeLan9118::kTxDataFifo, 0xFF01);  // pad bytes not zero
  LONGS_EQUAL(4, fake.protocol_errors().size());
  fake.set_tx_free_bytes(8);
  fake.write32(FakeLan9118::kTxDataFifo, 1u << 13 | 1u << 12 | 1);
  fake.write32(FakeLan9118::kTxDataFifo, 1);
  fake.write32(FakeLan9118::kTxDataFifo, 0x01);  // 12 bytes into 8 free
  LONGS_EQUAL(5, fake.protocol_errors().size());
}

TEST(FakeLan9118, PhyReportsLinkAndLatchesADrop) {
  CHECK(phy_read(fake, 1, 1) & (1u << 2));
  fake.set_link(false);
  fake.set_link(true);
  CHECK_FALSE(phy_read(fake, 1, 1) & (1u << 2));  // the drop, latched
  CHECK(phy_read(fake, 1, 1) & (1u << 2));
  LONGS_EQUAL(0x0007, phy_read(fake, 1, 2));
  LONGS_EQUAL(0xFFFF, phy_read(fake, 2, 1));  // no PHY at address 2
  CHECK_TRUE(fake.protocol_errors().empty());
}

}  // namespace portcullis::hal::testing
