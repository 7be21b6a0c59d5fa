// SPDX-License-Identifier: Apache-2.0
#include "fake_systick.hpp"

#include <string>

namespace portcullis::hal::testing {

void FakeSysTick::set_current(std::uint32_t value) {
  cvr_ = value & 0x00FF'FFFF;
  csr_ |= kCsrCountFlag;
}

std::uint32_t FakeSysTick::read32(std::uint32_t offset) {
  switch (offset) {
    case kCsr: {
      const std::uint32_t value = csr_;
      csr_ &= ~kCsrCountFlag;  // COUNTFLAG clears when read
      return value;
    }
    case kRvr:
      return rvr_;
    case kCvr:
      return cvr_;
    case kCalib:
      return 0;
    default:
      errors_.add("read of unmodelled register " + std::to_string(offset));
      return 0;
  }
}

void FakeSysTick::write32(std::uint32_t offset, std::uint32_t value) {
  writes_.push_back({offset, value});
  switch (offset) {
    case kCsr:
      if ((value & ~(kCsrEnable | kCsrTickInt | kCsrClkSource)) != 0) {
        errors_.add("CSR write sets reserved or read-only bits");
      }
      if ((value & kCsrEnable) != 0 && rvr_ == 0) {
        errors_.add("SysTick enabled with RVR 0: it never fires");
      }
      csr_ = (csr_ & kCsrCountFlag) | (value & (kCsrEnable | kCsrTickInt | kCsrClkSource));
      return;
    case kRvr:
      if ((value & ~0x00FF'FFFFu) != 0) errors_.add("RVR write sets bits above 23");
      rvr_ = value & 0x00FF'FFFF;
      return;
    case kCvr:
      cvr_ = 0;  // any write clears the counter and COUNTFLAG
      csr_ &= ~kCsrCountFlag;
      return;
    default:
      errors_.add("write to unmodelled register " + std::to_string(offset));
      return;
  }
}

}  // namespace portcullis::hal::testing
