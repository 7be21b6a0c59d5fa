// SPDX-License-Identifier: Apache-2.0
// Tests of the fake itself: it must behave like the UART at the register level.
#include "fake_cmsdk_uart.hpp"

#include <CppUTest/TestHarness.h>

namespace portcullis::hal::testing {

TEST_GROUP(FakeCmsdkUart) {
  FakeCmsdkUart fake;

  void enable() {
    fake.write32(FakeCmsdkUart::kBaudDiv, 217);
    fake.write32(FakeCmsdkUart::kCtrl, FakeCmsdkUart::kCtrlTxEnable);
  }
};

TEST(FakeCmsdkUart, TxBufferStaysFullForTheSetNumberOfStateReads) {
  fake.set_full_reads(2);
  enable();
  LONGS_EQUAL(0, fake.read32(FakeCmsdkUart::kState));
  fake.write32(FakeCmsdkUart::kData, 'x');
  LONGS_EQUAL(1, fake.read32(FakeCmsdkUart::kState) & 1);
  LONGS_EQUAL(1, fake.read32(FakeCmsdkUart::kState) & 1);
  LONGS_EQUAL(0, fake.read32(FakeCmsdkUart::kState) & 1);
  STRCMP_EQUAL("x", fake.output().c_str());
  CHECK_TRUE(fake.protocol_errors().empty());
}

TEST(FakeCmsdkUart, WriteWhileFullOverwritesTheWaitingByte) {
  fake.set_full_reads(FakeCmsdkUart::kForever);
  enable();
  fake.write32(FakeCmsdkUart::kData, 'a');
  fake.write32(FakeCmsdkUart::kData, 'b');
  STRCMP_EQUAL("b", fake.output().c_str());
  LONGS_EQUAL(1, fake.protocol_errors().size());
}

TEST(FakeCmsdkUart, FlagsTransmitWithoutEnableOrWithABadDivisor) {
  fake.write32(FakeCmsdkUart::kData, 'a');
  LONGS_EQUAL(1, fake.protocol_errors().size());
  fake.write32(FakeCmsdkUart::kBaudDiv, 15);
  fake.write32(FakeCmsdkUart::kCtrl, FakeCmsdkUart::kCtrlTxEnable);
  LONGS_EQUAL(2, fake.protocol_errors().size());
}

}  // namespace portcullis::hal::testing
