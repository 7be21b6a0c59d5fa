// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <vector>

#include "fake_bus.hpp"

namespace portcullis::hal::testing {

// A register-level model of the Cortex-M SysTick block (CSR, RVR, CVR, CALIB) that records
// every write in order. It does not count by itself: tests call the driver's on_tick().
class FakeSysTick {
 public:
  using Bus = FakeBus<FakeSysTick>;

  static constexpr std::uint32_t kCsr = 0x00;
  static constexpr std::uint32_t kRvr = 0x04;
  static constexpr std::uint32_t kCvr = 0x08;
  static constexpr std::uint32_t kCalib = 0x0C;
  static constexpr std::uint32_t kCsrEnable = 1u << 0;
  static constexpr std::uint32_t kCsrTickInt = 1u << 1;
  static constexpr std::uint32_t kCsrClkSource = 1u << 2;
  static constexpr std::uint32_t kCsrCountFlag = 1u << 16;

  struct Write {
    std::uint32_t offset;
    std::uint32_t value;
  };

  Bus bus() { return Bus(*this); }

  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);

  // Simulates the counter running: it reads `value`, and COUNTFLAG is set.
  void set_current(std::uint32_t value);

  std::uint32_t csr() const { return csr_; }
  std::uint32_t reload() const { return rvr_; }
  std::uint32_t current() const { return cvr_; }
  const std::vector<Write>& writes() const { return writes_; }
  const ProtocolErrors& protocol_errors() const { return errors_; }

 private:
  ProtocolErrors errors_;
  std::vector<Write> writes_;
  std::uint32_t csr_ = 0;
  std::uint32_t rvr_ = 0;
  std::uint32_t cvr_ = 0;
};

}  // namespace portcullis::hal::testing
