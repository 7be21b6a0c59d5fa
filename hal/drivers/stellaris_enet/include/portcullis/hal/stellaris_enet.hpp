// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::hal {

// The Ethernet MAC + PHY built into TI (Luminary Micro) Stellaris LM3S6965-class parts, polled:
// no interrupt is used. `Bus` has the shape of portcullis::hal::Mmio (read32/write32 by byte
// offset); on the LM3S6965 it is Mmio{0x40048000}. The board enables the MAC's and PHY's
// clocks (SYSCTL RCGC2 EMAC0 and EPHY0) before init(). Not ISR-safe: call every method from
// one context (the super-loop, or lwIP's thread).
template <class Bus>
class StellarisEnet final : public EthernetMac {
 public:
  // MACMCTL reads spent waiting for one MII transaction (64 MDC cycles, ~30 us at the MDC
  // rate init() sets) before giving up: generous, yet it ends the wait on a PHY whose clock is
  // off. A count and not a time, because init() may run before any clock does.
  static constexpr std::uint32_t kMiiPollLimit = 20'000;
  // MACTR reads spent waiting for the previous frame to leave before a new one may be written
  // into the one-frame TX FIFO: covers a full frame at 10 Mb/s with collision back-off.
  static constexpr std::uint32_t kTxBusyPollLimit = 200'000;
  // Bad frames one receive() call discards before it returns 0, so a flood of them cannot keep
  // the super-loop inside the driver.
  static constexpr std::uint32_t kMaxDiscardsPerReceive = 16;

  constexpr explicit StellarisEnet(Bus bus) : bus_(bus) {}

  // True when the PHY answered init()'s identification reads with all zeros, as QEMU's model
  // (which has no PHY behind the MII registers) does: link_up() then reports the link up
  // without asking the PHY, because there is nothing to ask.
  bool link_assumed() const { return link_assumed_; }

  // How often the RX FIFO had to be flushed: after an overrun, or when a frame's length word
  // could not be trusted. Frames discarded with it are counted in rx_errors.
  std::uint32_t rx_fifo_resets() const { return rx_fifo_resets_; }

 private:
  // Register offsets from the base (LM3S6965 datasheet, "Ethernet Controller").
  static constexpr std::uint32_t kRis = 0x00;   // read: raw interrupt status
  static constexpr std::uint32_t kIack = 0x00;  // write: acknowledge (clear) status bits
  static constexpr std::uint32_t kIm = 0x04;
  static constexpr std::uint32_t kRctl = 0x08;
  static constexpr std::uint32_t kTctl = 0x0C;
  static constexpr std::uint32_t kData = 0x10;
  static constexpr std::uint32_t kIa0 = 0x14;
  static constexpr std::uint32_t kIa1 = 0x18;
  static constexpr std::uint32_t kThr = 0x1C;
  static constexpr std::uint32_t kMctl = 0x20;
  static constexpr std::uint32_t kMdv = 0x24;
  static constexpr std::uint32_t kMrxd = 0x30;
  static constexpr std::uint32_t kNp = 0x34;
  static constexpr std::uint32_t kTr = 0x38;

  static constexpr std::uint32_t kIntTxEr = 1u << 1;
  static constexpr std::uint32_t kIntFov = 1u << 3;
  static constexpr std::uint32_t kIntRxEr = 1u << 4;
  static constexpr std::uint32_t kIntAll = 0x7F;

  static constexpr std::uint32_t kRctlRxEn = 1u << 0;
  // Pass all multicast: lwIP's IPv6 neighbour discovery needs the solicited-node groups and
  // this MAC has no multicast filter. Promiscuous mode (PRMS) stays off.
  static constexpr std::uint32_t kRctlAmul = 1u << 1;
  static constexpr std::uint32_t kRctlBadCrc = 1u << 3;  // drop frames with a bad FCS
  static constexpr std::uint32_t kRctlRstFifo = 1u << 4;
  static constexpr std::uint32_t kRctlConfig = kRctlAmul | kRctlBadCrc;

  static constexpr std::uint32_t kTctlTxEn = 1u << 0;
  static constexpr std::uint32_t kTctlPadEn = 1u << 1;  // the MAC pads short frames to 60 bytes
  static constexpr std::uint32_t kTctlCrc = 1u << 2;    // the MAC appends the FCS
  static constexpr std::uint32_t kTctlDuplex = 1u << 4;

  // THRESH all ones: a frame starts only on NEWTX, once it is wholly in the FIFO, so a slow
  // writer can never underrun the transmitter.
  static constexpr std::uint32_t kThrNoEarlyTransmit = 0x3F;
  // MDC = system clock / (2 * (MDV + 1)) must not exceed 2.5 MHz: 10 keeps it at or below
  // 2.27 MHz for every system clock this family runs at (up to 50 MHz).
  static constexpr std::uint32_t kMiiClockDivider = 10;

  static constexpr std::uint32_t kMctlStart = 1u << 0;
  static constexpr std::uint32_t kMctlRegShift = 3;
  static constexpr std::uint32_t kNpMask = 0x3F;
  static constexpr std::uint32_t kTrNewTx = 1u << 0;

  // Registers of the internal PHY (IEEE 802.3 clause 22, plus the vendor's diagnostic one).
  static constexpr std::uint32_t kPhyBasicStatus = 1;
  static constexpr std::uint32_t kPhyId1 = 2;
  static constexpr std::uint32_t kPhyId2 = 3;
  static constexpr std::uint32_t kPhyDiagnostic = 18;
  static constexpr std::uint32_t kPhyLinkUp = 1u << 2;
  static constexpr std::uint32_t kPhyFullDuplex = 1u << 11;  // MR18 DPLX: what was negotiated

  static constexpr std::size_t kHeaderBytes = 14;
  static constexpr std::size_t kFcsBytes = 4;
  static constexpr std::size_t kLengthFieldBytes = 2;  // leads every frame in both FIFOs
  // An RX length word counts itself and the FCS as well as the frame.
  static constexpr std::size_t kRxOverheadBytes = kLengthFieldBytes + kFcsBytes;
  // Each FIFO is 2 KiB: a length word beyond it cannot describe a frame in it.
  static constexpr std::size_t kFifoBytes = 2048;
  static_assert(kLengthFieldBytes + kMaxFrameBytes <= kFifoBytes,
                "the largest frame and its length word must fit the one-frame TX FIFO");

  static constexpr std::size_t words_for(std::size_t bytes) { return (bytes + 3) / 4; }

  Status do_init(const MacAddress& mac) override {
    initialized_ = false;
    link_assumed_ = false;

    // Quiet first: no interrupts (this driver polls), receiver and transmitter off while they
    // are configured, stale status cleared (acknowledging TXER also empties the TX FIFO).
    bus_.write32(kIm, 0);
    bus_.write32(kRctl, kRctlConfig);
    bus_.write32(kTctl, 0);
    bus_.write32(kIack, kIntAll);

    const std::uint32_t ia0 = std::uint32_t{mac[0]} | std::uint32_t{mac[1]} << 8 |
                              std::uint32_t{mac[2]} << 16 | std::uint32_t{mac[3]} << 24;
    const std::uint32_t ia1 = std::uint32_t{mac[4]} | std::uint32_t{mac[5]} << 8;
    bus_.write32(kIa0, ia0);
    bus_.write32(kIa1, ia1);
    // The MAC has no ID register; reading the address back is what shows a MAC is there.
    if (bus_.read32(kIa0) != ia0 || (bus_.read32(kIa1) & 0xFFFF) != ia1) {
      return Status::kUnavailable;
    }

    bus_.write32(kMdv, kMiiClockDivider);
    std::uint32_t id1 = 0;
    std::uint32_t id2 = 0;
    Status s = phy_read(kPhyId1, id1);
    if (!ok(s)) return s;
    s = phy_read(kPhyId2, id2);
    if (!ok(s)) return s;
    // Nobody driving MDIO reads as all ones: the PHY is absent or its clock is off.
    if (id1 == 0xFFFF && id2 == 0xFFFF) return Status::kUnavailable;
    link_assumed_ = id1 == 0 && id2 == 0;

    bus_.write32(kThr, kThrNoEarlyTransmit);
    // Full duplex until link_up() learns what the PHY negotiated.
    tctl_ = kTctlPadEn | kTctlCrc | kTctlDuplex | kTctlTxEn;
    bus_.write32(kTctl, tctl_);
    reset_rx_fifo();  // frames from before init() are dropped uncounted, as if never received
    rx_fifo_resets_ = 0;
    bus_.write32(kIack, kIntAll);

    initialized_ = true;
    return Status::kOk;
  }

  std::size_t do_receive(std::span<std::uint8_t> frame) override {
    if (!initialized_) return 0;

    const std::uint32_t ris = bus_.read32(kRis);
    if ((ris & kIntRxEr) != 0) {
      // The MAC dropped a bad frame itself (a bad FCS, since BADCRC is set); the FIFO is intact.
      bus_.write32(kIack, kIntRxEr);
      ++counters_.rx_errors;
    }
    if ((ris & kIntFov) != 0) {
      // An overrun may leave part of a frame in the FIFO with no way to find where the next
      // one starts: start afresh. The frame that overflowed is lost as well as those flushed.
      bus_.write32(kIack, kIntFov);
      counters_.rx_errors += 1 + waiting_frames();
      reset_rx_fifo();
      return 0;
    }

    const std::size_t limit = frame.size() < kMaxFrameBytes ? frame.size() : kMaxFrameBytes;
    for (std::uint32_t discarded = 0; discarded < kMaxDiscardsPerReceive; ++discarded) {
      // Complete frames only: a frame still arriving is in the FIFO but not yet counted here.
      if (waiting_frames() == 0) return 0;

      const std::uint32_t first = bus_.read32(kData);
      const std::size_t length_word = first & 0xFFFF;
      if (length_word < kRxOverheadBytes || length_word > kFifoBytes) {
        // Not a length a frame in this FIFO can have: the FIFO is out of step. Every frame in
        // it is lost; at least this one, if the MAC no longer counts a frame being read.
        const std::uint32_t waiting = waiting_frames();
        counters_.rx_errors += waiting > 0 ? waiting : 1;
        reset_rx_fifo();
        return 0;
      }
      const std::size_t words = words_for(length_word);  // the first one included
      const std::size_t length = length_word - kRxOverheadBytes;
      if (length < kHeaderBytes) {
        ++counters_.rx_errors;
        discard_rx_words(words - 1);
        continue;
      }
      if (length > limit) {
        ++counters_.rx_too_large;
        discard_rx_words(words - 1);
        continue;
      }

      // The frame starts in the upper half of the first word, after the length. Every word is
      // read, the FCS included, so the next length word lines up. Bytes are little-endian.
      frame[0] = static_cast<std::uint8_t>(first >> 16);
      frame[1] = static_cast<std::uint8_t>(first >> 24);
      for (std::size_t w = 1; w < words; ++w) {
        const std::uint32_t word = bus_.read32(kData);
        for (std::size_t b = 0; b < 4; ++b) {
          const std::size_t i = w * 4 + b - kLengthFieldBytes;
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
    // The length word counts the bytes after the header, so a frame has at least a header.
    if (frame.size() < kHeaderBytes || frame.size() > kMaxFrameBytes) {
      return Status::kInvalidArgument;
    }

    // The FIFO holds one frame: the previous one must have left before this one goes in.
    if (!poll_until_clear(kTr, kTrNewTx, kTxBusyPollLimit)) {
      ++counters_.tx_errors;
      return Status::kResourceExhausted;
    }
    // A failed previous frame is counted here, the first time the driver looks. The
    // acknowledgement also empties the TX FIFO of whatever that frame left.
    if ((bus_.read32(kRis) & kIntTxEr) != 0) {
      bus_.write32(kIack, kIntTxEr);
      ++counters_.tx_errors;
    }

    // The length word, then the frame from the upper half of the first word on; the MAC adds
    // padding up to 60 bytes and the FCS.
    const std::size_t bytes = kLengthFieldBytes + frame.size();
    std::uint32_t word = static_cast<std::uint32_t>(frame.size() - kHeaderBytes);
    for (std::size_t i = kLengthFieldBytes; i < words_for(bytes) * 4; ++i) {
      if (i < bytes) word |= std::uint32_t{frame[i - kLengthFieldBytes]} << (8 * (i % 4));
      if (i % 4 == 3) {
        bus_.write32(kData, word);
        word = 0;
      }
    }
    bus_.write32(kTr, kTrNewTx);
    ++counters_.tx_frames;
    return Status::kOk;
  }

  bool do_link_up() override {
    if (!initialized_) return false;
    if (link_assumed_) return true;
    // The PHY latches a link failure in this bit until it is read: the first read reports any
    // drop since the last poll, the second the link as it is now.
    std::uint32_t status = 0;
    if (!ok(phy_read(kPhyBasicStatus, status))) return false;
    if (!ok(phy_read(kPhyBasicStatus, status))) return false;
    if ((status & kPhyLinkUp) == 0) return false;

    // A full-duplex MAC on a half-duplex link would talk over the other end: follow the PHY.
    std::uint32_t diagnostic = 0;
    if (ok(phy_read(kPhyDiagnostic, diagnostic))) {
      const std::uint32_t tctl =
          (diagnostic & kPhyFullDuplex) != 0 ? (tctl_ | kTctlDuplex) : (tctl_ & ~kTctlDuplex);
      if (tctl != tctl_) {
        tctl_ = tctl;
        bus_.write32(kTctl, tctl_);
      }
    }
    return true;
  }

  // Flushes the RX FIFO the way the datasheet asks: receiver off, reset, receiver on.
  void reset_rx_fifo() {
    bus_.write32(kRctl, kRctlConfig);
    bus_.write32(kRctl, kRctlConfig | kRctlRstFifo);
    bus_.write32(kRctl, kRctlConfig | kRctlRxEn);
    ++rx_fifo_resets_;
  }

  // Complete frames in the RX FIFO. QEMU counts a frame until its last word is read; the
  // datasheet does not say when MACNP drops, so no count here depends on it.
  std::uint32_t waiting_frames() { return bus_.read32(kNp) & kNpMask; }

  void discard_rx_words(std::size_t words) {
    for (std::size_t w = 0; w < words; ++w) static_cast<void>(bus_.read32(kData));
  }

  bool poll_until_clear(std::uint32_t offset, std::uint32_t mask, std::uint32_t limit) {
    for (std::uint32_t i = 0; i < limit; ++i) {
      if ((bus_.read32(offset) & mask) == 0) return true;
    }
    return false;
  }

  // Reads a register of the internal PHY through the MAC's MII management port; touching the
  // port while a transaction is in flight corrupts it, so each read waits before and after.
  Status phy_read(std::uint32_t reg, std::uint32_t& value) {
    if (!poll_until_clear(kMctl, kMctlStart, kMiiPollLimit)) return Status::kDeadlineExceeded;
    bus_.write32(kMctl, reg << kMctlRegShift | kMctlStart);  // WRITE clear: a read
    if (!poll_until_clear(kMctl, kMctlStart, kMiiPollLimit)) return Status::kDeadlineExceeded;
    value = bus_.read32(kMrxd) & 0xFFFF;
    return Status::kOk;
  }

  Bus bus_;
  std::uint32_t tctl_ = 0;  // written, never read back, so the driver's copy is the truth
  std::uint32_t rx_fifo_resets_ = 0;
  bool initialized_ = false;
  bool link_assumed_ = false;
};

}  // namespace portcullis::hal
