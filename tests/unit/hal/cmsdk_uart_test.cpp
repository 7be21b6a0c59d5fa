// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/cmsdk_uart.hpp"

#include <string>

#include <CppUTest/TestHarness.h>

#include "fake_cmsdk_uart.hpp"
#include "status_string.hpp"

namespace portcullis::hal {

using testing::FakeCmsdkUart;

namespace {
constexpr std::uint32_t kMps2UartClockHz = 25'000'000;
}  // namespace

TEST_GROUP(CmsdkUart) {
  FakeCmsdkUart fake;
  CmsdkUart<FakeCmsdkUart::Bus> uart{fake.bus()};

  void teardown() override {
    STRCMP_EQUAL("", fake.protocol_errors().text().c_str());
  }
};

TEST(CmsdkUart, InitProgramsTheDivisorAndEnablesTheTransmitter) {
  CHECK_EQUAL(Status::kOk, uart.init(kMps2UartClockHz, 115'200));
  LONGS_EQUAL(217, fake.baud_divisor());  // 25 MHz / 115200, rounded down
  LONGS_EQUAL(FakeCmsdkUart::kCtrlTxEnable, fake.ctrl());
}

TEST(CmsdkUart, InitAcceptsTheSmallestDivisor) {
  CHECK_EQUAL(Status::kOk, uart.init(16 * 115'200, 115'200));
  LONGS_EQUAL(16, fake.baud_divisor());
}

TEST(CmsdkUart, InitRejectsDivisorsTheHardwareCannotUse) {
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(16 * 115'200 - 1, 115'200));  // divisor 15
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(kMps2UartClockHz, 0));
  CHECK_EQUAL(Status::kInvalidArgument, uart.init(0x10'0000 * 10, 10));  // 21 bits
  LONGS_EQUAL(0, fake.baud_divisor());
  LONGS_EQUAL(0, fake.ctrl());
}

TEST(CmsdkUart, WritesBytesInOrder) {
  CHECK_EQUAL(Status::kOk, uart.init(kMps2UartClockHz, 115'200));
  uart.write("portcullis ");
  uart.write("up");
  STRCMP_EQUAL("portcullis up", fake.output().c_str());
  LONGS_EQUAL(0, uart.dropped_bytes());
}

TEST(CmsdkUart, TranslatesLineFeedToCrLf) {
  CHECK_EQUAL(Status::kOk, uart.init(kMps2UartClockHz, 115'200));
  uart.write("a\nb\n\n");
  STRCMP_EQUAL("a\r\nb\r\n\r\n", fake.output().c_str());
}

TEST(CmsdkUart, WaitsWhileTheTxBufferIsFull) {
  // The fake records a byte written over a full buffer as lost.
  fake.set_full_reads(500);
  CHECK_EQUAL(Status::kOk, uart.init(kMps2UartClockHz, 115'200));
  uart.write("slow\n");
  STRCMP_EQUAL("slow\r\n", fake.output().c_str());
  CHECK(fake.state_reads_while_full() >= 5 * 500);
  LONGS_EQUAL(0, uart.dropped_bytes());
}

TEST(CmsdkUart, GivesUpOnAUartThatNeverDrainsAndCountsWhatItDropped) {
  fake.set_full_reads(FakeCmsdkUart::kForever);
  CHECK_EQUAL(Status::kOk, uart.init(kMps2UartClockHz, 115'200));
  uart.write("abc");
  STRCMP_EQUAL("a", fake.output().c_str());  // stuck in the buffer, never overwritten
  LONGS_EQUAL(2, uart.dropped_bytes());
  // One bounded wait for the whole text, not one per byte left.
  CHECK(fake.state_reads_while_full() <= CmsdkUart<FakeCmsdkUart::Bus>::kTxSpinLimit);
}

TEST(CmsdkUart, DropsAndCountsTextWrittenBeforeInit) {
  uart.write("early");
  STRCMP_EQUAL("", fake.output().c_str());
  LONGS_EQUAL(5, uart.dropped_bytes());
}

}  // namespace portcullis::hal
