// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::hal {

// SMSC LAN9118 (or another LAN911x) Ethernet MAC + PHY in 32-bit mode, polled: no
// interrupt is used. `Bus` has the shape of portcullis::hal::Mmio (read32/write32 by byte
// offset); on mps2-an385 it is Mmio{0x40200000}. Not ISR-safe: call every method from one
// context (the super-loop, or lwIP's thread).
template <class Bus>
class Lan9118 final : public EthernetMac {
 public:
  // Register reads spent waiting for one hardware event before giving up. A count and not a
  // time, because init() runs before any clock does; each is generous (a settled device
  // answers in a few reads) yet still ends a boot on a wedged or absent chip.
  static constexpr std::uint32_t kResetPollLimit = 1'000'000;
  static constexpr std::uint32_t kCsrPollLimit = 10'000;
  // Bad frames one receive() call discards before it returns 0, so a flood of them cannot
  // keep the super-loop inside the driver.
  static constexpr std::uint32_t kMaxDiscardsPerReceive = 16;

  constexpr explicit Lan9118(Bus bus) : bus_(bus) {}

  // The MAC address the chip's EEPROM loader put into ADDRH/ADDRL at power-on (a board with an
  // EEPROM beside its LAN911x; QEMU's model emulates one holding its NIC's address), read before
  // init() replaces it. std::nullopt without a chip (BYTE_TEST), before READY, or when no usable
  // unicast address was loaded (without an EEPROM they keep their reset value, the broadcast
  // address).
  std::optional<MacAddress> factory_mac() {
    if (bus_.read32(kByteTest) != kByteTestValue) return std::nullopt;
    if (!poll_until_set(kPmtCtrl, kPmtCtrlReady, kResetPollLimit)) return std::nullopt;
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    if (!ok(csr_read(kMacAddrL, low)) || !ok(csr_read(kMacAddrH, high))) return std::nullopt;
    const MacAddress mac{
        static_cast<std::uint8_t>(low),       static_cast<std::uint8_t>(low >> 8),
        static_cast<std::uint8_t>(low >> 16), static_cast<std::uint8_t>(low >> 24),
        static_cast<std::uint8_t>(high),      static_cast<std::uint8_t>(high >> 8)};
    if (!station_address(mac)) return std::nullopt;
    return mac;
  }

 private:
  // System control and status registers (byte offsets from the base).
  static constexpr std::uint32_t kRxDataFifo = 0x00;
  static constexpr std::uint32_t kTxDataFifo = 0x20;
  static constexpr std::uint32_t kRxStatusFifo = 0x40;
  static constexpr std::uint32_t kTxStatusFifo = 0x48;
  static constexpr std::uint32_t kIdRev = 0x50;
  static constexpr std::uint32_t kByteTest = 0x64;
  static constexpr std::uint32_t kRxCfg = 0x6C;
  static constexpr std::uint32_t kTxCfg = 0x70;
  static constexpr std::uint32_t kHwCfg = 0x74;
  static constexpr std::uint32_t kRxFifoInf = 0x7C;
  static constexpr std::uint32_t kTxFifoInf = 0x80;
  static constexpr std::uint32_t kPmtCtrl = 0x84;
  static constexpr std::uint32_t kRxDrop =
      0xA0;  // frames dropped with the RX FIFO full; clears on read
  static constexpr std::uint32_t kMacCsrCmd = 0xA4;
  static constexpr std::uint32_t kMacCsrData = 0xA8;

  // BYTE_TEST always reads this pattern; anything else means no chip, or one wired (or
  // word-swapped) differently from what this driver assumes.
  static constexpr std::uint32_t kByteTestValue = 0x87654321;
  static constexpr std::uint32_t kLan911xFamily = 0x01;  // ID_REV bits 31:24 of a LAN911x

  static constexpr std::uint32_t kHwCfgSrst = 1u << 0;
  static constexpr std::uint32_t kHwCfgTxFifoSizeShift = 16;
  static constexpr std::uint32_t kHwCfgTxFifoSizeMask = 0xFu << kHwCfgTxFifoSizeShift;
  // 5 KiB TX data FIFO (the reset value): room for three full frames; the rest is RX FIFO.
  static constexpr std::uint32_t kTxFifoKib = 5;
  static constexpr std::uint32_t kPmtCtrlReady = 1u << 0;
  static constexpr std::uint32_t kTxCfgTxOn = 1u << 1;

  static constexpr std::uint32_t kCsrBusy = 1u << 31;
  static constexpr std::uint32_t kCsrRead = 1u << 30;

  // MAC CSR indices (reached through MAC_CSR_CMD / MAC_CSR_DATA).
  static constexpr std::uint32_t kMacCr = 1;
  static constexpr std::uint32_t kMacAddrH = 2;
  static constexpr std::uint32_t kMacAddrL = 3;
  static constexpr std::uint32_t kMiiAcc = 6;
  static constexpr std::uint32_t kMiiData = 7;

  static constexpr std::uint32_t kMacCrRxEn = 1u << 2;
  static constexpr std::uint32_t kMacCrTxEn = 1u << 3;
  // Pass all multicast: lwIP's IPv6 neighbour discovery needs the solicited-node groups and
  // the multicast hash filter is not programmed yet. Promiscuous mode (PRMS) stays off.
  static constexpr std::uint32_t kMacCrMcpas = 1u << 19;
  static constexpr std::uint32_t kMacCrFdpx = 1u << 20;

  static constexpr std::uint32_t kMiiBusy = 1u << 0;
  static constexpr std::uint32_t kMiiPhyAddrShift = 11;
  static constexpr std::uint32_t kMiiRegShift = 6;
  static constexpr std::uint32_t kInternalPhy = 1;
  static constexpr std::uint32_t kPhyBasicStatus = 1;
  static constexpr std::uint32_t kPhyLinkUp = 1u << 2;

  static constexpr std::uint32_t kRxStatusError = 1u << 15;
  static constexpr std::uint32_t kTxStatusError = 1u << 15;
  static constexpr std::uint32_t kTxCmdAFirstSegment = 1u << 13;
  static constexpr std::uint32_t kTxCmdALastSegment = 1u << 12;

  static constexpr std::size_t kFcsBytes = 4;
  static constexpr std::size_t kMinFrameWithFcs = 14 + kFcsBytes;  // an Ethernet header + FCS
  static constexpr std::size_t kTxCommandBytes = 8;                // command A and B
  static_assert(kMaxFrameBytes <= 0x7FF, "TX command buffer size and length fields are 11 bits");

  static constexpr std::uint32_t field(std::uint32_t value, unsigned shift, std::uint32_t mask) {
    return (value >> shift) & mask;
  }
  static constexpr std::size_t words_for(std::size_t bytes) { return (bytes + 3) / 4; }

  Status do_init(const MacAddress& mac) override {
    initialized_ = false;
    if (bus_.read32(kByteTest) != kByteTestValue) return Status::kUnavailable;
    if (field(bus_.read32(kIdRev), 24, 0xFF) != kLan911xFamily) return Status::kUnavailable;

    bus_.write32(kHwCfg, kHwCfgSrst);
    if (!poll_until_clear(kHwCfg, kHwCfgSrst, kResetPollLimit)) return Status::kDeadlineExceeded;
    // Until READY the chip answers only BYTE_TEST, HW_CFG and PMT_CTRL reliably.
    if (!poll_until_set(kPmtCtrl, kPmtCtrlReady, kResetPollLimit)) {
      return Status::kDeadlineExceeded;
    }

    // Rewrite HW_CFG only when it differs: QEMU's model keeps just bits 17:16 of this field
    // on a write, so an unconditional write would shrink its FIFO size to 1.
    const std::uint32_t hw_cfg = bus_.read32(kHwCfg);
    if (field(hw_cfg, kHwCfgTxFifoSizeShift, 0xF) != kTxFifoKib) {
      bus_.write32(kHwCfg, (hw_cfg & ~(kHwCfgTxFifoSizeMask | kHwCfgSrst)) |
                               (kTxFifoKib << kHwCfgTxFifoSizeShift));
    }

    Status s = csr_write(kMacAddrL, std::uint32_t{mac[0]} | std::uint32_t{mac[1]} << 8 |
                                        std::uint32_t{mac[2]} << 16 | std::uint32_t{mac[3]} << 24);
    if (!ok(s)) return s;
    s = csr_write(kMacAddrH, std::uint32_t{mac[4]} | std::uint32_t{mac[5]} << 8);
    if (!ok(s)) return s;

    bus_.write32(kRxCfg, 0);  // no RX data offset, no end padding: frames start at word 0
    bus_.write32(kTxCfg, kTxCfgTxOn);
    s = csr_write(kMacCr, kMacCrRxEn | kMacCrTxEn | kMacCrMcpas | kMacCrFdpx);
    if (!ok(s)) return s;

    initialized_ = true;
    return Status::kOk;
  }

  std::size_t do_receive(std::span<std::uint8_t> frame) override {
    if (!initialized_) return 0;
    const std::size_t limit = frame.size() < kMaxFrameBytes ? frame.size() : kMaxFrameBytes;
    for (std::uint32_t discarded = 0; discarded < kMaxDiscardsPerReceive; ++discarded) {
      if (field(bus_.read32(kRxFifoInf), 16, 0xFF) == 0) {
        // Nothing waiting: collect what the chip dropped while the FIFO was full (a flood
        // faster than the loop), so the loss is reported, not silent. One read a idle poll.
        counters_.rx_overflow += bus_.read32(kRxDrop);
        return 0;
      }
      const std::uint32_t status = bus_.read32(kRxStatusFifo);
      const std::size_t length_with_fcs = field(status, 16, 0x3FFF);
      const std::size_t words = words_for(length_with_fcs);

      if ((status & kRxStatusError) != 0 || length_with_fcs < kMinFrameWithFcs) {
        ++counters_.rx_errors;
        discard_rx_words(words);
        continue;
      }
      const std::size_t length = length_with_fcs - kFcsBytes;
      if (length > limit) {
        ++counters_.rx_too_large;
        discard_rx_words(words);
        continue;
      }

      // Every word of the frame is read, the FCS included, so the next status lines up with
      // the next frame's first word. Bytes are little-endian within a word.
      for (std::size_t w = 0; w < words; ++w) {
        const std::uint32_t word = bus_.read32(kRxDataFifo);
        for (std::size_t b = 0; b < 4; ++b) {
          const std::size_t i = w * 4 + b;
          if (i < length) frame[i] = static_cast<std::uint8_t>(word >> (8 * b));
        }
      }
      ++counters_.rx_frames;
      return length;
    }
    return 0;
  }

  Status do_transmit(std::span<const std::uint8_t> frame) override {
    if (!initialized_) return Status::kUnavailable;
    if (frame.empty() || frame.size() > kMaxFrameBytes) return Status::kInvalidArgument;

    const std::size_t words = words_for(frame.size());
    if (field(bus_.read32(kTxFifoInf), 0, 0xFFFF) < kTxCommandBytes + words * 4) {
      ++counters_.tx_errors;
      return Status::kResourceExhausted;
    }

    // One segment holding the whole frame, no data offset, no end alignment.
    const auto length = static_cast<std::uint32_t>(frame.size());
    tx_tag_ = static_cast<std::uint16_t>(tx_tag_ + 1);
    bus_.write32(kTxDataFifo, kTxCmdAFirstSegment | kTxCmdALastSegment | length);
    bus_.write32(kTxDataFifo, std::uint32_t{tx_tag_} << 16 | length);
    for (std::size_t i = 0; i < frame.size(); i += 4) {
      std::uint32_t word = 0;
      for (std::size_t b = 0; b < 4 && i + b < frame.size(); ++b) {
        word |= std::uint32_t{frame[i + b]} << (8 * b);
      }
      bus_.write32(kTxDataFifo, word);
    }
    ++counters_.tx_frames;

    // Statuses of this and earlier frames. Left unread, the status FIFO fills and the
    // transmitter stops.
    const std::uint32_t statuses = field(bus_.read32(kTxFifoInf), 16, 0xFF);
    for (std::uint32_t i = 0; i < statuses; ++i) {
      if ((bus_.read32(kTxStatusFifo) & kTxStatusError) != 0) ++counters_.tx_errors;
    }
    return Status::kOk;
  }

  bool do_link_up() override {
    // The PHY latches a link failure in this bit until it is read: the first read reports
    // any drop since the last poll, the second the link as it is now.
    std::uint32_t status = 0;
    if (!ok(phy_read(kPhyBasicStatus, status))) return false;
    if (!ok(phy_read(kPhyBasicStatus, status))) return false;
    return (status & kPhyLinkUp) != 0;
  }

  // The chip has no way to drop a frame without reading it out: RX_DP_CTRL fast-forward
  // exists, but QEMU's model of it loses sync with the status FIFO.
  void discard_rx_words(std::size_t words) {
    for (std::size_t w = 0; w < words; ++w) static_cast<void>(bus_.read32(kRxDataFifo));
  }

  bool poll_until_clear(std::uint32_t offset, std::uint32_t mask, std::uint32_t limit) {
    for (std::uint32_t i = 0; i < limit; ++i) {
      if ((bus_.read32(offset) & mask) == 0) return true;
    }
    return false;
  }

  bool poll_until_set(std::uint32_t offset, std::uint32_t mask, std::uint32_t limit) {
    for (std::uint32_t i = 0; i < limit; ++i) {
      if ((bus_.read32(offset) & mask) != 0) return true;
    }
    return false;
  }

  // MAC CSRs sit behind MAC_CSR_CMD/DATA; touching either while a command is in flight
  // corrupts it, so each access waits for the previous one and for itself.
  Status csr_write(std::uint32_t index, std::uint32_t value) {
    if (!poll_until_clear(kMacCsrCmd, kCsrBusy, kCsrPollLimit)) return Status::kDeadlineExceeded;
    bus_.write32(kMacCsrData, value);
    bus_.write32(kMacCsrCmd, kCsrBusy | index);
    if (!poll_until_clear(kMacCsrCmd, kCsrBusy, kCsrPollLimit)) return Status::kDeadlineExceeded;
    return Status::kOk;
  }

  Status csr_read(std::uint32_t index, std::uint32_t& value) {
    if (!poll_until_clear(kMacCsrCmd, kCsrBusy, kCsrPollLimit)) return Status::kDeadlineExceeded;
    bus_.write32(kMacCsrCmd, kCsrBusy | kCsrRead | index);
    if (!poll_until_clear(kMacCsrCmd, kCsrBusy, kCsrPollLimit)) return Status::kDeadlineExceeded;
    value = bus_.read32(kMacCsrData);
    return Status::kOk;
  }

  // Reads a register of the internal PHY through the MAC's MII management port.
  Status phy_read(std::uint32_t reg, std::uint32_t& value) {
    Status s = wait_mii_idle();
    if (!ok(s)) return s;
    s = csr_write(kMiiAcc,
                  kInternalPhy << kMiiPhyAddrShift | reg << kMiiRegShift | kMiiBusy);  // a read
    if (!ok(s)) return s;
    s = wait_mii_idle();
    if (!ok(s)) return s;
    s = csr_read(kMiiData, value);
    value &= 0xFFFF;
    return s;
  }

  Status wait_mii_idle() {
    for (std::uint32_t i = 0; i < kCsrPollLimit; ++i) {
      std::uint32_t acc = 0;
      const Status s = csr_read(kMiiAcc, acc);
      if (!ok(s)) return s;
      if ((acc & kMiiBusy) == 0) return Status::kOk;
    }
    return Status::kDeadlineExceeded;
  }

  Bus bus_;
  std::uint16_t tx_tag_ = 0;  // echoed in each TX status; kept for debugging, not matched
  bool initialized_ = false;
};

}  // namespace portcullis::hal
