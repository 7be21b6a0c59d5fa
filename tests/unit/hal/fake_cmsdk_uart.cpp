// SPDX-License-Identifier: Apache-2.0
#include "fake_cmsdk_uart.hpp"

namespace portcullis::hal::testing {

std::uint32_t FakeCmsdkUart::read32(std::uint32_t offset) {
  switch (offset) {
    case kState:
      if (full_countdown_ == 0) return 0;
      ++state_reads_while_full_;
      if (full_countdown_ != kForever && --full_countdown_ == 0) {
        sent_ += pending_;  // the byte has left: the buffer is free again
        has_pending_ = false;
      }
      return kStateTxFull;
    case kCtrl:
      return ctrl_;
    case kIntStatus:
      return 0;
    case kBaudDiv:
      return baud_div_;
    case kData:
      errors_.add("DATA read: the receiver is not used");
      return 0;
    default:
      errors_.add("read of unmodelled register " + std::to_string(offset));
      return 0;
  }
}

void FakeCmsdkUart::write32(std::uint32_t offset, std::uint32_t value) {
  switch (offset) {
    case kData:
      if ((ctrl_ & kCtrlTxEnable) == 0) errors_.add("DATA written while TX is disabled");
      if (value > 0xFF) errors_.add("DATA written with more than 8 bits");
      if (full_countdown_ != 0) {
        errors_.add("DATA written while the TX buffer is full: the waiting byte is lost");
      }
      pending_ = static_cast<char>(value);
      has_pending_ = true;
      if (full_reads_ == 0) {
        sent_ += pending_;
        has_pending_ = false;
      } else if (full_countdown_ == 0) {
        full_countdown_ = full_reads_;
      }
      return;
    case kCtrl:
      ctrl_ = value & 0x7F;
      if ((ctrl_ & kCtrlTxEnable) != 0 && baud_div_ < 16) {
        errors_.add("TX enabled with a baud divisor below 16");
      }
      return;
    case kBaudDiv:
      baud_div_ = value & 0xFFFFF;
      return;
    case kState:
    case kIntStatus:
      return;  // write-one-to-clear overrun and interrupt bits: none are set
    default:
      errors_.add("write to unmodelled register " + std::to_string(offset));
      return;
  }
}

}  // namespace portcullis::hal::testing
