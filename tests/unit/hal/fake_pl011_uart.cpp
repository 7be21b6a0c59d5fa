// SPDX-License-Identifier: Apache-2.0
#include "fake_pl011_uart.hpp"

#include <array>

namespace portcullis::hal::testing {
namespace {

// PeriphID0-3 and PCellID0-3 of the Stellaris UART (a PL011 with Luminary's part number).
constexpr std::array<std::uint32_t, 8> kIds{0x11, 0x00, 0x18, 0x01, 0x0D, 0xF0, 0x05, 0xB1};

}  // namespace

std::uint32_t FakePl011Uart::flags() {
  std::uint32_t fr = kFrRxFe;
  if (fifo_.empty()) {
    fr |= kFrTxFe;
  } else {
    fr |= kFrBusy;
  }
  if (fifo_.size() >= depth()) fr |= kFrTxFf;
  return fr;
}

void FakePl011Uart::drain_one_read() {
  if (!transmitting() || fifo_.empty() || countdown_ == kForever) return;
  if (countdown_ > 0) --countdown_;
  if (countdown_ == 0) {
    sent_ += fifo_.front();
    fifo_.pop_front();
    countdown_ = fifo_.empty() ? 0 : byte_reads_;
  }
}

std::uint32_t FakePl011Uart::read32(std::uint32_t offset) {
  if (offset >= kPeriphId0 && offset <= 0xFFC && offset % 4 == 0) {
    return kIds[(offset - kPeriphId0) / 4];
  }
  switch (offset) {
    case kFr: {
      ++fr_reads_;
      const std::uint32_t fr = flags();
      if ((fr & kFrTxFf) != 0) ++fr_reads_while_full_;
      drain_one_read();
      return fr;
    }
    case kIbrd:
      return ibrd_;
    case kFbrd:
      return fbrd_;
    case kLcrh:
      return lcrh_;
    case kCtl:
      return ctl_;
    case kIfls:
      return ifls_;
    case kIm:
      return im_;
    case kRsr:
    case kIlpr:
    case kRis:
    case kMis:
      return 0;
    case kDr:
      errors_.add("DR read: the receiver is not used");
      return 0;
    default:
      errors_.add("read of unmodelled register " + std::to_string(offset));
      return 0;
  }
}

void FakePl011Uart::write32(std::uint32_t offset, std::uint32_t value) {
  switch (offset) {
    case kDr:
      if (!transmitting()) errors_.add("DR written while the transmitter is disabled");
      if (value > 0xFF) errors_.add("DR written with more than 8 bits");
      if (fifo_.size() >= depth()) {
        errors_.add("DR written while the TX FIFO is full: the byte is lost");
        return;
      }
      if (transmitting() && byte_reads_ == 0) {
        sent_ += static_cast<char>(value);
        return;
      }
      if (fifo_.empty()) countdown_ = byte_reads_;
      fifo_.push_back(static_cast<char>(value));
      return;
    case kIbrd:
      if ((ctl_ & kCtlUartEn) != 0) errors_.add("IBRD written while the UART is enabled");
      ibrd_ = value & 0xFFFF;
      return;
    case kFbrd:
      if ((ctl_ & kCtlUartEn) != 0) errors_.add("FBRD written while the UART is enabled");
      fbrd_ = value & 0x3F;
      return;
    case kLcrh:
      if ((ctl_ & kCtlUartEn) != 0) errors_.add("LCRH written while the UART is enabled");
      if (((lcrh_ ^ value) & kLcrhFen) != 0) {
        flushed_bytes_ += fifo_.size();
        fifo_.clear();
        countdown_ = 0;
      }
      lcrh_ = value & 0xFF;
      latched_ibrd_ = ibrd_;
      latched_fbrd_ = fbrd_;
      return;
    case kCtl:
      write_ctl(value);
      return;
    case kIfls:
      ifls_ = value & 0x3F;
      return;
    case kIm:
      im_ = value & 0x7FF;
      return;
    case kRsr:
    case kIcr:
      return;  // write-one-to-clear error and interrupt bits: none are set
    default:
      errors_.add("write to unmodelled or read-only register " + std::to_string(offset));
      return;
  }
}

void FakePl011Uart::write_ctl(std::uint32_t value) {
  const bool was_transmitting = transmitting();
  ctl_ = value & 0xFFFF;
  if (!transmitting() || was_transmitting) return;
  if (latched_ibrd_ == 0) {
    errors_.add("transmitter enabled with no baud divisor in effect (IBRD 0)");
  } else if (latched_ibrd_ == 0xFFFF && latched_fbrd_ != 0) {
    errors_.add("transmitter enabled with IBRD 0xFFFF and a fraction: the UART aborts");
  }
  if (latched_ibrd_ != ibrd_ || latched_fbrd_ != fbrd_) {
    errors_.add("transmitter enabled with IBRD/FBRD not latched by an LCRH write after them");
  }
  if (byte_reads_ == 0) {
    sent_.append(fifo_.begin(), fifo_.end());
    fifo_.clear();
  }
}

}  // namespace portcullis::hal::testing
