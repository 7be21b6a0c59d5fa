// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/console.hpp"

namespace portcullis::hal {

// Arm CMSDK APB UART as a write-only, polled console (8N1 is fixed by the hardware). `Bus` has
// the shape of portcullis::hal::Mmio; on mps2-an385 UART0 it is Mmio{0x40004000}. Not ISR-safe:
// write from one context at a time (fatal() may be the exception: it never returns).
template <class Bus>
class CmsdkUart final : public Console {
 public:
  // STATE reads spent waiting for the one-byte TX buffer to empty. At 115200 baud a byte
  // leaves in ~2,200 cycles of a 25 MHz core; this covers slow baud rates and a host-side
  // backend that stalls for a while, yet ends the wait on a UART that will never drain.
  static constexpr std::uint32_t kTxSpinLimit = 1'000'000;
  static constexpr std::uint32_t kMinBaudDivisor = 16;       // hardware minimum
  static constexpr std::uint32_t kMaxBaudDivisor = 0xFFFFF;  // BAUDDIV is 20 bits wide

  constexpr explicit CmsdkUart(Bus bus) : bus_(bus) {}

  // Programs the divisor for `baud` from the UART's clock and enables the transmitter.
  Status init(std::uint32_t clock_hz, std::uint32_t baud) {
    if (baud == 0) return Status::kInvalidArgument;
    const std::uint32_t divisor = clock_hz / baud;
    if (divisor < kMinBaudDivisor || divisor > kMaxBaudDivisor) return Status::kInvalidArgument;
    bus_.write32(kBaudDiv, divisor);
    bus_.write32(kCtrl, kCtrlTxEnable);  // no RX, no interrupts: output only, polled
    enabled_ = true;
    return Status::kOk;
  }

  // Bytes given up because the UART was not initialized or never drained. Counted rather than
  // overwritten in the TX buffer, so a lost message is visible.
  std::uint32_t dropped_bytes() const { return dropped_bytes_; }

 private:
  static constexpr std::uint32_t kData = 0x00;
  static constexpr std::uint32_t kState = 0x04;
  static constexpr std::uint32_t kCtrl = 0x08;
  static constexpr std::uint32_t kBaudDiv = 0x10;
  static constexpr std::uint32_t kStateTxFull = 1u << 0;
  static constexpr std::uint32_t kCtrlTxEnable = 1u << 0;

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

  // Writing DATA while the buffer is full replaces the byte waiting there, so wait first.
  bool put(char c) {
    for (std::uint32_t i = 0; i < kTxSpinLimit; ++i) {
      if ((bus_.read32(kState) & kStateTxFull) == 0) {
        bus_.write32(kData, static_cast<std::uint8_t>(c));
        return true;
      }
    }
    return false;
  }

  Bus bus_;
  std::uint32_t dropped_bytes_ = 0;
  bool enabled_ = false;
};

}  // namespace portcullis::hal
