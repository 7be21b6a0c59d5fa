// SPDX-License-Identifier: Apache-2.0
#include "fake_stellaris_enet.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace portcullis::hal::testing {
namespace {

constexpr std::size_t kFifoBytes = 2048;
constexpr std::size_t kHeaderBytes = 14;
constexpr std::size_t kMinFrameBytes = 60;  // without FCS
constexpr std::uint32_t kNpMask = 0x3F;

// PHY registers and bits (LM3S6965 datasheet, "MII Management Registers").
constexpr std::uint32_t kPhyControl = 0;
constexpr std::uint32_t kPhyStatus = 1;
constexpr std::uint32_t kPhyId1 = 2;
constexpr std::uint32_t kPhyId2 = 3;
constexpr std::uint32_t kPhyDiagnostic = 18;
constexpr std::uint32_t kPhyId1Value = 0x0161;  // TI/Luminary OUI, upper bits
constexpr std::uint32_t kPhyId2Value = 0xB410;  // OUI lower bits, model 1, revision 0
// 100BASE-TX/10BASE-T full/half capable, auto-negotiation able, extended registers.
constexpr std::uint32_t kPhyStatusCapabilities = 0x7809;
constexpr std::uint32_t kPhyStatusAutoNegDone = 1u << 5;
constexpr std::uint32_t kPhyStatusLink = 1u << 2;
constexpr std::uint32_t kPhyDiagDuplex = 1u << 11;
constexpr std::uint32_t kPhyDiagRate100 = 1u << 10;
constexpr std::uint32_t kPhyDiagRxLock = 1u << 8;

// A word whose low half reads as a plausible length (64): what a driver that trusts the FIFO
// after an overrun would take for the next frame.
constexpr std::uint32_t kOverrunGarbage = 0xA5A5'0040;

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%02X", static_cast<unsigned>(value));
  return text;
}

// IEEE 802.3 CRC-32, as the MAC appends it (and as it arrives in the RX FIFO).
std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xFFFF'FFFF;
  for (std::uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB8'8320 & (0u - (crc & 1)));
  }
  return ~crc;
}

}  // namespace

void FakeStellarisEnet::set_link(bool up) {
  if (!up) link_latched_low_ = true;
  link_ = up;
}

MacAddress FakeStellarisEnet::mac_address() const {
  return MacAddress{static_cast<std::uint8_t>(ia0_),       static_cast<std::uint8_t>(ia0_ >> 8),
                    static_cast<std::uint8_t>(ia0_ >> 16), static_cast<std::uint8_t>(ia0_ >> 24),
                    static_cast<std::uint8_t>(ia1_),       static_cast<std::uint8_t>(ia1_ >> 8)};
}

bool FakeStellarisEnet::accepts(std::span<const std::uint8_t> frame) {
  if ((rctl_ & kRctlRxEn) == 0 || frame.size() < 6) return false;
  if ((rctl_ & kRctlPrms) != 0) return true;
  const std::span<const std::uint8_t> dst = frame.first(6);
  if (std::all_of(dst.begin(), dst.end(), [](std::uint8_t b) { return b == 0xFF; })) {
    return true;  // broadcast: always received
  }
  if ((dst[0] & 1) != 0) return (rctl_ & kRctlAmul) != 0;  // no multicast filter but AMUL
  const MacAddress ours = mac_address();
  return std::equal(dst.begin(), dst.end(), ours.begin());
}

bool FakeStellarisEnet::inject_frame(std::span<const std::uint8_t> frame, bool bad_fcs) {
  if (!begin_frame(frame, bad_fcs)) return false;
  end_frame();
  return true;
}

bool FakeStellarisEnet::begin_frame(std::span<const std::uint8_t> frame, bool bad_fcs) {
  if (!accepts(frame)) return false;
  if (bad_fcs && (rctl_ & kRctlBadCrc) != 0) {
    ris_ |= kRisRxEr;
    return false;
  }

  const std::size_t length = frame.size() + 6;  // the length field and the FCS count too
  std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(length),
                                  static_cast<std::uint8_t>(length >> 8)};
  bytes.insert(bytes.end(), frame.begin(), frame.end());
  const std::uint32_t fcs = crc32(frame) ^ (bad_fcs ? 1u : 0u);
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(fcs >> (8 * i)));

  const std::size_t words = (bytes.size() + 3) / 4;
  if (rx_fifo_.size() + words > kFifoWords) {
    ris_ |= kRisFov;  // the whole frame is dropped; what is in the FIFO stays intact
    return false;
  }
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    std::uint32_t word = 0;
    for (std::size_t b = 0; b < 4 && i + b < bytes.size(); ++b) {
      word |= std::uint32_t{bytes[i + b]} << (8 * b);
    }
    rx_fifo_.push_back(word);
  }
  rx_words_written_ += words;
  rx_frame_ends_in_flight_.push_back(rx_words_written_);
  return true;
}

void FakeStellarisEnet::end_frame() {
  if (rx_frame_ends_in_flight_.empty()) {
    error("test error: end_frame() without begin_frame()");
    return;
  }
  rx_frame_ends_.push_back(rx_frame_ends_in_flight_.front());
  rx_frame_ends_in_flight_.pop_front();
  ris_ |= kRisRxInt;
}

void FakeStellarisEnet::inject_raw_frame(std::span<const std::uint32_t> words) {
  rx_fifo_.insert(rx_fifo_.end(), words.begin(), words.end());
  rx_words_written_ += words.size();
  rx_frame_ends_.push_back(rx_words_written_);
  ris_ |= kRisRxInt;
}

void FakeStellarisEnet::inject_overrun(std::size_t words) {
  rx_fifo_.insert(rx_fifo_.end(), words, kOverrunGarbage);
  rx_words_written_ += words;
  ris_ |= kRisFov;
}

std::uint32_t FakeStellarisEnet::read32(std::uint32_t offset) {
  if (unresponsive_) return 0;
  switch (offset) {
    case kMacRis:
      return ris_;
    case kMacIm:
      return im_;
    case kMacRctl:
      return rctl_;
    case kMacTctl:
      return tctl_;
    case kMacData:
      return read_data();
    case kMacIa0:
      return ia0_;
    case kMacIa1:
      return ia1_;
    case kMacThr:
      return thr_;
    case kMacMctl:
      return read_mctl();
    case kMacMdv:
      return mdv_;
    case kMacMtxd:
      return mtxd_;
    case kMacMrxd:
      if (mii_busy_countdown_ != 0) error("MACMRXD read while an MII transaction is in flight");
      return mrxd_;
    case kMacNp:
      return static_cast<std::uint32_t>(rx_frame_ends_.size()) & kNpMask;
    case kMacTr:
      if (tx_busy_countdown_ != 0) {
        if (tx_busy_countdown_ != kForever && --tx_busy_countdown_ == 0) ris_ |= kRisTxEmp;
        return kTrNewTx;
      }
      return 0;
    default:
      error("read of unmodelled register " + hex(offset));
      return 0;
  }
}

void FakeStellarisEnet::write32(std::uint32_t offset, std::uint32_t value) {
  if (unresponsive_) return;
  switch (offset) {
    case kMacIack:
      ris_ &= ~value;
      if ((value & kRisTxEr) != 0) tx_fifo_.clear();  // acknowledging TXER resets the TX FIFO
      return;
    case kMacIm:
      im_ = value & 0x7F;
      return;
    case kMacRctl:
      write_rctl(value);
      return;
    case kMacTctl:
      tctl_ = value & (kTctlTxEn | kTctlPadEn | kTctlCrc | kTctlDuplex);
      return;
    case kMacData:
      write_data(value);
      return;
    case kMacIa0:
      ia0_ = value;
      return;
    case kMacIa1:
      ia1_ = value & 0xFFFF;
      return;
    case kMacThr:
      thr_ = value & 0x3F;
      if (thr_ != 0x3F) {
        error("MACTHR " + hex(thr_) + ": early transmission can underrun the TX FIFO");
      }
      return;
    case kMacMctl:
      write_mctl(value);
      return;
    case kMacMdv:
      mdv_ = value & 0xFF;
      return;
    case kMacMtxd:
      if (mii_busy_countdown_ != 0) error("MACMTXD written while an MII transaction is in flight");
      mtxd_ = value & 0xFFFF;
      return;
    case kMacTr:
      if ((value & kTrNewTx) != 0) start_tx();
      return;
    default:
      error("write to unmodelled or read-only register " + hex(offset));
      return;
  }
}

void FakeStellarisEnet::write_rctl(std::uint32_t value) {
  if ((value & kRctlRstFifo) != 0) {
    if (((rctl_ | value) & kRctlRxEn) != 0) {
      error("RX FIFO reset with the receiver enabled: a frame arriving meanwhile is cut");
    }
    rx_fifo_.clear();
    rx_frame_ends_.clear();
    rx_frame_ends_in_flight_.clear();
    rx_words_read_ = 0;
    rx_words_written_ = 0;
    ++rx_fifo_resets_;
  }
  rctl_ = value & (kRctlRxEn | kRctlAmul | kRctlPrms | kRctlBadCrc);  // RSTFIFO self-clears
}

std::uint32_t FakeStellarisEnet::read_data() {
  if (rx_frame_ends_.empty()) {
    error("MACDATA read with MACNP 0: no complete frame in the RX FIFO");
    return 0;
  }
  const std::uint32_t word = rx_fifo_.front();
  rx_fifo_.pop_front();
  ++rx_words_read_;
  while (!rx_frame_ends_.empty() && rx_frame_ends_.front() <= rx_words_read_) {
    rx_frame_ends_.pop_front();
  }
  return word;
}

void FakeStellarisEnet::write_data(std::uint32_t word) {
  if (tx_busy_countdown_ != 0) {
    error("MACDATA written while NEWTX is set: the frame on the wire is still in the FIFO");
    return;
  }
  if (tx_fifo_.empty() && 2 + kHeaderBytes + (word & 0xFFFF) > kFifoBytes) {
    error("TX length word " + std::to_string(word & 0xFFFF) + " is more than the FIFO holds");
  }
  if (tx_fifo_.size() + 4 > kFifoBytes) {
    error("TX FIFO overrun: more than 2048 bytes written");
    return;
  }
  for (int b = 0; b < 4; ++b) tx_fifo_.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
}

void FakeStellarisEnet::start_tx() {
  if (tx_busy_countdown_ != 0) {
    error("NEWTX set while the previous frame is still being sent");
    return;
  }
  if ((tctl_ & kTctlTxEn) == 0) {
    error("NEWTX set while the transmitter is disabled (TXEN clear)");
    return;
  }
  if ((tctl_ & kTctlCrc) == 0) error("frame sent without an FCS: CRC generation is off");
  if (tx_fifo_.size() < 4) {
    error("NEWTX set with an empty TX FIFO");
    return;
  }

  const std::size_t data_length = tx_fifo_[0] | std::size_t{tx_fifo_[1]} << 8;
  const std::size_t needed = 2 + kHeaderBytes + data_length;
  if (tx_fifo_.size() < needed) {
    error("NEWTX with " + std::to_string(tx_fifo_.size()) + " bytes in the TX FIFO where the " +
          "length word needs " + std::to_string(needed) + ": the rest would be stale bytes");
  } else if (tx_fifo_.size() >= needed + 4) {
    error(std::to_string(tx_fifo_.size()) + " bytes written to the TX FIFO for a " +
          std::to_string(needed) + "-byte frame: the extra words would lead the next frame");
  }

  std::vector<std::uint8_t> frame(
      tx_fifo_.begin() + 2,
      tx_fifo_.begin() + static_cast<std::ptrdiff_t>(std::min(needed, tx_fifo_.size())));
  if (frame.size() < kMinFrameBytes) {
    if ((tctl_ & kTctlPadEn) != 0) {
      frame.resize(kMinFrameBytes, 0);
    } else {
      error("runt frame of " + std::to_string(frame.size()) + " bytes sent: PADEN is off");
    }
  }
  if (fail_next_tx_) {
    fail_next_tx_ = false;
    ++tx_failed_;
    ris_ |= kRisTxEr;
  } else {
    tx_frames_.push_back(std::move(frame));
  }
  tx_fifo_.clear();
  tx_busy_countdown_ = tx_busy_reads_;
  if (tx_busy_countdown_ == 0) ris_ |= kRisTxEmp;
}

std::uint32_t FakeStellarisEnet::read_mctl() {
  if (mii_busy_countdown_ != 0) {
    if (mii_busy_countdown_ != kForever) --mii_busy_countdown_;
    return mctl_ | kMctlStart;
  }
  return mctl_;
}

void FakeStellarisEnet::write_mctl(std::uint32_t value) {
  if (mii_busy_countdown_ != 0) {
    error("MACMCTL written while an MII transaction is in flight");
    return;
  }
  mctl_ = value & 0xFA;  // REGADR and WRITE; START reads back while busy only
  if ((value & kMctlStart) == 0) return;
  ++mii_transactions_;
  const std::uint32_t reg = (value >> 3) & 0x1F;
  if ((value & kMctlWrite) != 0) {
    error("PHY register " + std::to_string(reg) + " written: PHY writes are not modelled");
  } else {
    mrxd_ = phy_read(reg);
  }
  mii_busy_countdown_ = mii_busy_reads_;
}

std::uint32_t FakeStellarisEnet::phy_read(std::uint32_t reg) {
  switch (phy_) {
    case Phy::kQemu:
      return 0;
    case Phy::kAbsent:
      return 0xFFFF;
    case Phy::kLm3s6965:
      break;
  }
  switch (reg) {
    case kPhyControl:
      return 0x3100;  // auto-negotiation on, 100 Mb/s, full duplex
    case kPhyStatus: {
      const bool up = link_ && !link_latched_low_;
      link_latched_low_ = false;
      return kPhyStatusCapabilities | (up ? kPhyStatusAutoNegDone | kPhyStatusLink : 0);
    }
    case kPhyId1:
      return kPhyId1Value;
    case kPhyId2:
      return kPhyId2Value;
    case kPhyDiagnostic:
      if (!link_) return 0;
      return (full_duplex_ ? kPhyDiagDuplex : 0) | kPhyDiagRate100 | kPhyDiagRxLock;
    default:
      error("read of unmodelled PHY register " + std::to_string(reg));
      return 0;
  }
}

}  // namespace portcullis::hal::testing
