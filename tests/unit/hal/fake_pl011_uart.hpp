// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "fake_bus.hpp"

namespace portcullis::hal::testing {

// A register-level model of the transmit side of an Arm PL011 UART (and the Stellaris
// LM3S6965's, which is one): a TX FIFO 16 bytes deep with FEN set, one byte without; each
// byte leaves a settable number of FR reads after it reaches the head of the FIFO, and only
// while UARTEN and TXE are both set; FR shows TXFF, TXFE and BUSY (set while the FIFO holds
// anything, enabled or not). Divisors take effect when LCRH is written after them, and may
// only be changed while the UART is disabled; toggling FEN empties the FIFO. A byte written to
// a full FIFO is lost, as on the hardware; that and other misuse land in protocol_errors().
class FakePl011Uart {
 public:
  using Bus = FakeBus<FakePl011Uart>;
  static constexpr std::uint32_t kForever = 0xFFFF'FFFF;

  static constexpr std::uint32_t kDr = 0x000;
  static constexpr std::uint32_t kRsr = 0x004;
  static constexpr std::uint32_t kFr = 0x018;
  static constexpr std::uint32_t kIlpr = 0x020;
  static constexpr std::uint32_t kIbrd = 0x024;
  static constexpr std::uint32_t kFbrd = 0x028;
  static constexpr std::uint32_t kLcrh = 0x02C;
  static constexpr std::uint32_t kCtl = 0x030;
  static constexpr std::uint32_t kIfls = 0x034;
  static constexpr std::uint32_t kIm = 0x038;
  static constexpr std::uint32_t kRis = 0x03C;
  static constexpr std::uint32_t kMis = 0x040;
  static constexpr std::uint32_t kIcr = 0x044;
  static constexpr std::uint32_t kPeriphId0 = 0xFE0;  // through PCellID3 at 0xFFC

  static constexpr std::uint32_t kFrBusy = 1u << 3;
  static constexpr std::uint32_t kFrRxFe = 1u << 4;
  static constexpr std::uint32_t kFrTxFf = 1u << 5;
  static constexpr std::uint32_t kFrTxFe = 1u << 7;
  static constexpr std::uint32_t kLcrhFen = 1u << 4;
  static constexpr std::uint32_t kLcrhWlen8 = 3u << 5;
  static constexpr std::uint32_t kCtlUartEn = 1u << 0;
  static constexpr std::uint32_t kCtlTxE = 1u << 8;
  static constexpr std::uint32_t kCtlRxE = 1u << 9;
  static constexpr std::size_t kFifoDepth = 16;

  Bus bus() { return Bus(*this); }

  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);

  // FR reads each byte spends at the head of the FIFO before it leaves (kForever: the line
  // never drains; 0: bytes leave as they are written).
  void set_byte_reads(std::uint32_t reads) { byte_reads_ = reads; }

  // Every byte the UART accepted, in order: those sent and those still in its FIFO.
  std::string output() const { return sent_ + std::string(fifo_.begin(), fifo_.end()); }
  const std::string& sent() const { return sent_; }
  std::size_t fifo_level() const { return fifo_.size(); }
  std::uint32_t ibrd() const { return ibrd_; }
  std::uint32_t fbrd() const { return fbrd_; }
  std::uint32_t lcrh() const { return lcrh_; }
  std::uint32_t ctl() const { return ctl_; }
  std::uint32_t im() const { return im_; }
  std::uint32_t fr_reads() const { return fr_reads_; }
  std::uint32_t fr_reads_while_full() const { return fr_reads_while_full_; }
  std::size_t flushed_bytes() const { return flushed_bytes_; }  // emptied by an FEN toggle
  const ProtocolErrors& protocol_errors() const { return errors_; }

 private:
  bool transmitting() const { return (ctl_ & (kCtlUartEn | kCtlTxE)) == (kCtlUartEn | kCtlTxE); }
  std::size_t depth() const { return (lcrh_ & kLcrhFen) != 0 ? kFifoDepth : 1; }
  std::uint32_t flags();
  void drain_one_read();
  void write_ctl(std::uint32_t value);

  ProtocolErrors errors_;
  std::uint32_t byte_reads_ = 3;
  std::uint32_t countdown_ = 0;  // FR reads left for the byte at the head of the FIFO
  std::uint32_t fr_reads_ = 0;
  std::uint32_t fr_reads_while_full_ = 0;
  std::size_t flushed_bytes_ = 0;

  std::uint32_t ibrd_ = 0;
  std::uint32_t fbrd_ = 0;
  std::uint32_t latched_ibrd_ = 0;  // what the baud generator uses: set by an LCRH write
  std::uint32_t latched_fbrd_ = 0;
  std::uint32_t lcrh_ = 0;
  std::uint32_t ctl_ = kCtlTxE | kCtlRxE;  // reset value: UARTEN clear
  std::uint32_t ifls_ = 0x12;
  std::uint32_t im_ = 0;
  std::deque<char> fifo_;
  std::string sent_;
};

}  // namespace portcullis::hal::testing
