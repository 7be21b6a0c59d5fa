// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/console.hpp"

namespace portcullis::hal {

// Arm PrimeCell PL011 UART, or a compatible one such as the Stellaris LM3S6965's UARTs, as a
// write-only, polled console: 8 data bits, no parity, 1 stop bit, FIFOs on. `Bus` has the
// shape of portcullis::hal::Mmio; on the LM3S6965, UART0 is Mmio{0x4000C000}. The board
// enables the UART's clock (and, on hardware, routes its pins) before init(). Not ISR-safe:
// write from one context at a time (fatal() may be the exception: it never returns).
template <class Bus>
class Pl011Uart final : public Console {
 public:
  // FR reads spent waiting for room in the TX FIFO, or for the transmitter to go idle. At
  // 115200 baud a byte leaves in ~87 us (~4,300 cycles of a 50 MHz core); this covers slow
  // baud rates and a host-side backend that stalls for a while, yet ends the wait on a UART
  // that will never drain.
  static constexpr std::uint32_t kTxSpinLimit = 1'000'000;
  static constexpr std::uint32_t kMaxIntegerDivisor = 0xFFFF;  // IBRD is 16 bits wide

  constexpr explicit Pl011Uart(Bus bus) : bus_(bus) {}

  // Programs the divisor for `baud` from the UART's reference clock (the system clock on the
  // LM3S6965) and enables the transmitter. A divisor the UART cannot use (below 1, above
  // 0xFFFF, or 0xFFFF with a fraction), or baud 0, is kInvalidArgument and leaves the UART
  // untouched. May be called again, e.g. to change the baud rate.
  Status init(std::uint32_t clock_hz, std::uint32_t baud) {
    if (baud == 0) return Status::kInvalidArgument;
    // The divisor is clock / (16 * baud) in 16.6 fixed point: 64ths, rounded to nearest.
    const std::uint64_t divisor_64ths = (std::uint64_t{clock_hz} * 4 + baud / 2) / baud;
    const std::uint64_t integer = divisor_64ths >> 6;
    const auto fraction = static_cast<std::uint32_t>(divisor_64ths & 0x3F);
    if (integer == 0 || integer > kMaxIntegerDivisor ||
        (integer == kMaxIntegerDivisor && fraction != 0)) {
      return Status::kInvalidArgument;
    }

    // Divisors and line settings may change only while the UART is disabled and idle. Text an
    // earlier init() queued is let out first; a disabled UART never sends what its FIFO holds,
    // so then there is nothing to wait for. A UART that stays busy is reprogrammed anyway.
    enabled_ = false;
    if ((bus_.read32(kCtl) & (kCtlUartEnable | kCtlTxEnable)) == (kCtlUartEnable | kCtlTxEnable)) {
      static_cast<void>(wait_while(kFrBusy));
    }
    bus_.write32(kCtl, 0);
    bus_.write32(kLcrh, 0);  // FIFOs off: empties them
    bus_.write32(kIm, 0);    // polled: no interrupts
    bus_.write32(kIbrd, static_cast<std::uint32_t>(integer));
    bus_.write32(kFbrd, fraction);
    // Written after the divisors: this write is what latches them.
    bus_.write32(kLcrh, kLcrhWordLength8 | kLcrhFifoEnable);
    bus_.write32(kCtl, kCtlUartEnable | kCtlTxEnable);  // no RX: output only
    enabled_ = true;
    return Status::kOk;
  }

  // Bytes given up because the UART was not initialized or never drained. Counted rather
  // than written into a full FIFO, where they would be lost unseen.
  std::uint32_t dropped_bytes() const { return dropped_bytes_; }

 private:
  static constexpr std::uint32_t kDr = 0x000;
  static constexpr std::uint32_t kFr = 0x018;
  static constexpr std::uint32_t kIbrd = 0x024;
  static constexpr std::uint32_t kFbrd = 0x028;
  static constexpr std::uint32_t kLcrh = 0x02C;
  static constexpr std::uint32_t kCtl = 0x030;
  static constexpr std::uint32_t kIm = 0x038;

  static constexpr std::uint32_t kFrBusy = 1u << 3;
  static constexpr std::uint32_t kFrTxFull = 1u << 5;
  static constexpr std::uint32_t kLcrhFifoEnable = 1u << 4;
  static constexpr std::uint32_t kLcrhWordLength8 = 3u << 5;
  static constexpr std::uint32_t kCtlUartEnable = 1u << 0;
  static constexpr std::uint32_t kCtlTxEnable = 1u << 8;

  void do_write(std::string_view text) override {
    if (!enabled_) {
      dropped_bytes_ += static_cast<std::uint32_t>(text.size());
      return;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
      // Terminals expect CRLF; the agent's text uses bare '\n'.
      const bool ok = (text[i] == '\n' ? put('\r') : true) && put(text[i]);
      if (!ok) {
        // The UART is stuck: give up on the rest rather than spin once per remaining byte.
        dropped_bytes_ += static_cast<std::uint32_t>(text.size() - i);
        return;
      }
    }
  }

  // A byte written to a full FIFO is lost, so wait for room first.
  bool put(char c) {
    if (!wait_while(kFrTxFull)) return false;
    bus_.write32(kDr, static_cast<std::uint8_t>(c));
    return true;
  }

  bool wait_while(std::uint32_t flag) {
    for (std::uint32_t i = 0; i < kTxSpinLimit; ++i) {
      if ((bus_.read32(kFr) & flag) == 0) return true;
    }
    return false;
  }

  Bus bus_;
  std::uint32_t dropped_bytes_ = 0;
  bool enabled_ = false;
};

}  // namespace portcullis::hal
