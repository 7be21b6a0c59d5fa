// SPDX-License-Identifier: Apache-2.0
// Tests of the fake itself: it must behave like a PL011 at the register level.
#include "fake_pl011_uart.hpp"

#include <CppUTest/TestHarness.h>

namespace portcullis::hal::testing {

using F = FakePl011Uart;

TEST_GROUP(FakePl011Uart) {
  F fake;

  void enable(std::uint32_t lcrh = F::kLcrhWlen8 | F::kLcrhFen) {
    fake.write32(F::kIbrd, 27);
    fake.write32(F::kFbrd, 8);
    fake.write32(F::kLcrh, lcrh);
    fake.write32(F::kCtl, F::kCtlUartEn | F::kCtlTxE);
  }
};

TEST(FakePl011Uart, IdentifiesAsAStellarisPl011) {
  LONGS_EQUAL(0x11, fake.read32(0xFE0));
  LONGS_EQUAL(0x18, fake.read32(0xFE8));
  LONGS_EQUAL(0xB1, fake.read32(0xFFC));
  LONGS_EQUAL(F::kCtlTxE | F::kCtlRxE, fake.read32(F::kCtl));  // reset: UARTEN clear
  LONGS_EQUAL(F::kFrTxFe | F::kFrRxFe, fake.read32(F::kFr));
}

TEST(FakePl011Uart, EachByteLeavesAfterTheSetNumberOfFlagReads) {
  fake.set_byte_reads(2);
  enable();
  fake.write32(F::kDr, 'x');
  fake.write32(F::kDr, 'y');
  CHECK(fake.read32(F::kFr) & F::kFrBusy);
  CHECK(fake.read32(F::kFr) & F::kFrBusy);  // 'x' leaves
  STRCMP_EQUAL("x", fake.sent().c_str());
  static_cast<void>(fake.read32(F::kFr));
  static_cast<void>(fake.read32(F::kFr));  // 'y' leaves
  LONGS_EQUAL(F::kFrTxFe | F::kFrRxFe, fake.read32(F::kFr));
  STRCMP_EQUAL("xy", fake.sent().c_str());
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakePl011Uart, FifoHoldsSixteenBytesAndOneWithoutFen) {
  fake.set_byte_reads(F::kForever);
  enable();
  for (int i = 0; i < 15; ++i) fake.write32(F::kDr, 'a');
  LONGS_EQUAL(0, fake.read32(F::kFr) & F::kFrTxFf);
  fake.write32(F::kDr, 'a');
  CHECK(fake.read32(F::kFr) & F::kFrTxFf);
  fake.write32(F::kDr, 'b');  // lost
  LONGS_EQUAL(16, fake.output().size());
  LONGS_EQUAL(1, fake.protocol_errors().size());
}

TEST(FakePl011Uart, WithoutFenTheHoldingRegisterIsFullAfterOneByte) {
  fake.set_byte_reads(F::kForever);
  enable(F::kLcrhWlen8);
  fake.write32(F::kDr, 'a');
  CHECK(fake.read32(F::kFr) & F::kFrTxFf);
}

TEST(FakePl011Uart, DisabledUartKeepsItsBytesAndStaysBusy) {
  fake.set_byte_reads(1);
  enable();
  fake.write32(F::kCtl, 0);
  fake.write32(F::kDr, 'a');  // written while disabled
  LONGS_EQUAL(1, fake.protocol_errors().size());
  for (int i = 0; i < 10; ++i) CHECK(fake.read32(F::kFr) & F::kFrBusy);
  STRCMP_EQUAL("", fake.sent().c_str());
}

TEST(FakePl011Uart, TogglingFenEmptiesTheFifo) {
  fake.set_byte_reads(F::kForever);
  enable();
  fake.write32(F::kDr, 'a');
  fake.write32(F::kCtl, 0);
  fake.write32(F::kLcrh, F::kLcrhWlen8);
  LONGS_EQUAL(1, fake.flushed_bytes());
  LONGS_EQUAL(0, fake.fifo_level());
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakePl011Uart, FlagsReprogrammingWhileEnabledAndUnlatchedOrInvalidDivisors) {
  fake.write32(F::kCtl, F::kCtlUartEn | F::kCtlTxE);  // IBRD 0
  LONGS_EQUAL(1, fake.protocol_errors().size());
  fake.write32(F::kIbrd, 5);  // while enabled
  LONGS_EQUAL(2, fake.protocol_errors().size());
  fake.write32(F::kCtl, 0);
  fake.write32(F::kCtl, F::kCtlUartEn | F::kCtlTxE);  // IBRD 5 written but not latched
  LONGS_EQUAL(4, fake.protocol_errors().size());      // still 0 in effect, and unlatched
  fake.write32(F::kCtl, 0);
  fake.write32(F::kIbrd, 0xFFFF);
  fake.write32(F::kFbrd, 1);
  fake.write32(F::kLcrh, F::kLcrhWlen8);
  fake.write32(F::kCtl, F::kCtlUartEn | F::kCtlTxE);
  LONGS_EQUAL(5, fake.protocol_errors().size());
}

}  // namespace portcullis::hal::testing
