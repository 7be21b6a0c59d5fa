// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "fake_bus.hpp"

namespace portcullis::hal::testing {

// A register-level model of the CMSDK APB UART's transmit side: a one-byte TX buffer that
// stays full for a settable number of STATE reads after each byte, as a slow line would keep
// it. A byte written while the buffer is full replaces the waiting one, as on the hardware
// (and QEMU); that and other misuse land in protocol_errors().
class FakeCmsdkUart {
 public:
  using Bus = FakeBus<FakeCmsdkUart>;
  static constexpr std::uint32_t kForever = 0xFFFF'FFFF;

  static constexpr std::uint32_t kData = 0x00;
  static constexpr std::uint32_t kState = 0x04;
  static constexpr std::uint32_t kCtrl = 0x08;
  static constexpr std::uint32_t kIntStatus = 0x0C;
  static constexpr std::uint32_t kBaudDiv = 0x10;
  static constexpr std::uint32_t kStateTxFull = 1u << 0;
  static constexpr std::uint32_t kCtrlTxEnable = 1u << 0;

  Bus bus() { return Bus(*this); }

  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);

  // STATE reads that show TX full after each byte written (kForever: the line never drains).
  void set_full_reads(std::uint32_t reads) { full_reads_ = reads; }

  // Every byte the UART accepted, in order: those sent and the one waiting in its buffer.
  std::string output() const { return has_pending_ ? sent_ + pending_ : sent_; }
  std::uint32_t ctrl() const { return ctrl_; }
  std::uint32_t baud_divisor() const { return baud_div_; }
  std::uint32_t state_reads_while_full() const { return state_reads_while_full_; }
  const ProtocolErrors& protocol_errors() const { return errors_; }

 private:
  ProtocolErrors errors_;
  std::uint32_t full_reads_ = 3;
  std::uint32_t full_countdown_ = 0;
  std::uint32_t state_reads_while_full_ = 0;
  std::uint32_t ctrl_ = 0;
  std::uint32_t baud_div_ = 0;
  std::string sent_;
  char pending_ = 0;
  bool has_pending_ = false;
};

}  // namespace portcullis::hal::testing
