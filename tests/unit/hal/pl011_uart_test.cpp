// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/pl011_uart.hpp"

#include <string>

#include <CppUTest/TestHarness.h>

#include "fake_pl011_uart.hpp"
#include "status_string.hpp"

namespace portcullis::hal {

using testing::FakePl011Uart;
using Uart = Pl011Uart<FakePl011Uart::Bus>;

namespace {
constexpr std::uint32_t k50MHz = 50'000'000;
}  // namespace

TEST_GROUP(Pl011Uart) {
  FakePl011Uart fake;
  Uart uart{fake.bus()};

  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(Pl011Uart, InitProgramsTheDivisorAnd8N1WithFifosAndEnablesOnlyTheTransmitter) {
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  // 50 MHz / (16 * 115200) = 27.127: IBRD 27, FBRD round(0.127 * 64) = 8.
  LONGS_EQUAL(27, fake.ibrd());
  LONGS_EQUAL(8, fake.fbrd());
  LONGS_EQUAL(FakePl011Uart::kLcrhWlen8 | FakePl011Uart::kLcrhFen, fake.lcrh());
  LONGS_EQUAL(FakePl011Uart::kCtlUartEn | FakePl011Uart::kCtlTxE, fake.ctl());
  LONGS_EQUAL(0, fake.im());
}

TEST(Pl011Uart, InitRoundsTheFractionToTheNearest64th) {
  // 12.5 MHz (QEMU's LM3S6965 clock out of reset) / (16 * 115200) = 6.782: 6 + 50/64.
  CHECK_EQUAL(Status::kOk, uart.init(12'500'000, 115'200));
  LONGS_EQUAL(6, fake.ibrd());
  LONGS_EQUAL(50, fake.fbrd());
  // 8 MHz / (16 * 9600) = 52.083: 52 + 5/64.
  CHECK_EQUAL(Status::kOk, uart.init(8'000'000, 9'600));
  LONGS_EQUAL(52, fake.ibrd());
  LONGS_EQUAL(5, fake.fbrd());
  // 16 MHz / (16 * 115200) = 8.6806: 0.6806 * 64 = 43.56, rounded up to 44.
  CHECK_EQUAL(Status::kOk, uart.init(16'000'000, 115'200));
  LONGS_EQUAL(8, fake.ibrd());
  LONGS_EQUAL(44, fake.fbrd());
}

TEST(Pl011Uart, InitAcceptsTheExtremeDivisors) {
  CHECK_EQUAL(Status::kOk, uart.init(16 * 115'200, 115'200));  // exactly 1
  LONGS_EQUAL(1, fake.ibrd());
  LONGS_EQUAL(0, fake.fbrd());
  CHECK_EQUAL(Status::kOk, uart.init(16 * 0xFFFF, 1));  // exactly 0xFFFF
  LONGS_EQUAL(0xFFFF, fake.ibrd());
  LONGS_EQUAL(0, fake.fbrd());
}

TEST(Pl011Uart, InitRejectsDivisorsTheUartCannotUseAndLeavesItUntouched) {
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(k50MHz, 0));
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(921'600, 115'200));    // 0.5
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(16 * 0xFFFF + 1, 1));  // 0xFFFF and a bit
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(16 * 0x10000, 1));     // 17 bits
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(0, 115'200));
  LONGS_EQUAL(0, fake.ibrd());
  LONGS_EQUAL(0, fake.lcrh());
  LONGS_EQUAL(FakePl011Uart::kCtlTxE | FakePl011Uart::kCtlRxE, fake.ctl());  // reset value
  uart.write("x");
  LONGS_EQUAL(1, uart.dropped_bytes());
}

TEST(Pl011Uart, WritesBytesInOrder) {
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  uart.write("portcullis ");
  uart.write("up");
  STRCMP_EQUAL("portcullis up", fake.output().c_str());
  LONGS_EQUAL(0, uart.dropped_bytes());
}

TEST(Pl011Uart, TranslatesLineFeedToCrLf) {
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  uart.write("a\nb\n\n");
  STRCMP_EQUAL("a\r\nb\r\n\r\n", fake.output().c_str());
}

TEST(Pl011Uart, FillsTheFifoWithoutWaitingAndWaitsOnceItIsFull) {
  // The fake records a byte written to a full FIFO as lost.
  fake.set_byte_reads(40);
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  const std::string text(100, 'q');
  uart.write(text);
  STRCMP_EQUAL(text.c_str(), fake.output().c_str());
  CHECK(fake.fr_reads_while_full() > 0);
  LONGS_EQUAL(0, uart.dropped_bytes());
}

TEST(Pl011Uart, GivesUpOnAUartThatNeverDrainsAndCountsWhatItDropped) {
  fake.set_byte_reads(FakePl011Uart::kForever);
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  uart.write(std::string(20, 'z'));
  LONGS_EQUAL(16, fake.output().size());  // in the FIFO, never overwritten
  LONGS_EQUAL(4, uart.dropped_bytes());
  // One bounded wait for the whole text, not one per byte left.
  CHECK(fake.fr_reads() <= 16 + Uart::kTxSpinLimit);
}

TEST(Pl011Uart, DropsAndCountsTextWrittenBeforeInit) {
  uart.write("early");
  STRCMP_EQUAL("", fake.output().c_str());
  LONGS_EQUAL(5, uart.dropped_bytes());
}

TEST(Pl011Uart, InitAgainLetsQueuedTextOutBeforeReprogramming) {
  fake.set_byte_reads(30);
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  uart.write("before\n");
  CHECK(fake.fifo_level() > 0);
  // The fake flags divisors or line settings written while enabled.
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 9'600));
  LONGS_EQUAL(0, fake.flushed_bytes());
  STRCMP_EQUAL("before\r\n", fake.sent().c_str());
  LONGS_EQUAL(325, fake.ibrd());  // 50 MHz / (16 * 9600) = 325.52
  LONGS_EQUAL(33, fake.fbrd());
  uart.write("after");
  STRCMP_EQUAL("before\r\nafter", fake.output().c_str());
}

TEST(Pl011Uart, InitDoesNotWaitOnADisabledUartThatCanNeverDrain) {
  // What an earlier program may leave: bytes in the FIFO of a disabled UART, BUSY set for good.
  fake.write32(FakePl011Uart::kIbrd, 1);
  fake.write32(FakePl011Uart::kLcrh, FakePl011Uart::kLcrhFen);
  fake.write32(FakePl011Uart::kCtl, FakePl011Uart::kCtlUartEn | FakePl011Uart::kCtlTxE);
  fake.set_byte_reads(FakePl011Uart::kForever);
  fake.write32(FakePl011Uart::kDr, '!');
  fake.write32(FakePl011Uart::kCtl, 0);
  const std::uint32_t reads_before = fake.fr_reads();
  CHECK_EQUAL(Status::kOk, uart.init(k50MHz, 115'200));
  LONGS_EQUAL(reads_before, fake.fr_reads());
  LONGS_EQUAL(1, fake.flushed_bytes());
}

}  // namespace portcullis::hal
