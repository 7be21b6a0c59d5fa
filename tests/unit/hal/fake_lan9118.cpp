// SPDX-License-Identifier: Apache-2.0
#include "fake_lan9118.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace portcullis::hal::testing {
namespace {

constexpr std::uint32_t kHwCfgSrst = 1u << 0;
constexpr std::uint32_t kHwCfgTxFifoSizeShift = 16;
constexpr std::uint32_t kPmtCtrlReady = 1u << 0;
constexpr std::uint32_t kTxCfgTxOn = 1u << 1;
constexpr std::uint32_t kCsrBusy = 1u << 31;
constexpr std::uint32_t kCsrRead = 1u << 30;

constexpr std::uint32_t kMacCr = 1;
constexpr std::uint32_t kMacAddrH = 2;
constexpr std::uint32_t kMacAddrL = 3;
constexpr std::uint32_t kMiiAcc = 6;
constexpr std::uint32_t kMiiData = 7;
constexpr std::uint32_t kMiiBusy = 1u << 0;
constexpr std::uint32_t kMiiWrite = 1u << 1;

constexpr std::uint32_t kInternalPhy = 1;
constexpr std::uint32_t kPhyBasicStatus = 1;
constexpr std::uint32_t kPhyId1 = 2;
constexpr std::uint32_t kPhyId2 = 3;
// 100BASE-TX/10BASE-T full/half capable, auto-negotiation able, extended registers.
constexpr std::uint32_t kPhyStatusCapabilities = 0x7809;
constexpr std::uint32_t kPhyStatusAutoNegDone = 1u << 5;
constexpr std::uint32_t kPhyStatusLink = 1u << 2;

constexpr std::uint32_t kRxStatusError = 1u << 15;
constexpr std::uint32_t kTxStatusError = 1u << 15;
constexpr std::uint32_t kTxCmdAFirst = 1u << 13;
constexpr std::uint32_t kTxCmdALast = 1u << 12;

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

FakeLan9118::FakeLan9118() {
  // Power-on: the chip has come out of reset and is READY, in its reset configuration.
  soft_reset();
  soft_resets_ = 0;
  reset_countdown_ = 0;
  ready_countdown_ = 0;
}

void FakeLan9118::error(std::string what) {
  errors_.add(std::move(what));
}

void FakeLan9118::soft_reset() {
  ++soft_resets_;
  reset_countdown_ = reset_reads_;
  ready_countdown_ = ready_reads_;
  csr_busy_countdown_ = 0;
  mii_busy_countdown_ = 0;
  hw_cfg_ = tx_fifo_kib_at_reset_ << kHwCfgTxFifoSizeShift;
  rx_cfg_ = 0;
  tx_cfg_ = 0;
  csr_cmd_ = 0;
  csr_data_ = 0;
  mac_cr_ = kMacCrPrms;
  addr_h_ = 0xFFFF;
  addr_l_ = 0xFFFF'FFFF;
  if (eeprom_mac_) {  // the EEPROM loader
    const MacAddress& m = *eeprom_mac_;
    addr_l_ = std::uint32_t{m[0]} | std::uint32_t{m[1]} << 8 | std::uint32_t{m[2]} << 16 |
              std::uint32_t{m[3]} << 24;
    addr_h_ = std::uint32_t{m[4]} | std::uint32_t{m[5]} << 8;
  }
  mii_acc_ = 0;
  mii_data_ = 0;
  rx_status_.clear();
  rx_data_.clear();
  rx_frame_words_.clear();
  rx_status_in_flight_.clear();
  rx_words_owed_ = 0;
  tx_state_ = TxState::kCommandA;
  tx_bytes_written_ = 0;
  tx_status_.clear();
}

void FakeLan9118::set_eeprom_mac(const MacAddress& mac) {
  eeprom_mac_ = mac;
  // As at power-on: loaded without a reset being counted.
  const std::uint32_t resets = soft_resets_;
  const std::uint32_t reset_countdown = reset_countdown_;
  const std::uint32_t ready_countdown = ready_countdown_;
  soft_reset();
  soft_resets_ = resets;
  reset_countdown_ = reset_countdown;
  ready_countdown_ = ready_countdown;
}

void FakeLan9118::set_link(bool up) {
  if (!up) link_latched_low_ = true;
  link_ = up;
}

MacAddress FakeLan9118::mac_address() const {
  return MacAddress{
      static_cast<std::uint8_t>(addr_l_),       static_cast<std::uint8_t>(addr_l_ >> 8),
      static_cast<std::uint8_t>(addr_l_ >> 16), static_cast<std::uint8_t>(addr_l_ >> 24),
      static_cast<std::uint8_t>(addr_h_),       static_cast<std::uint8_t>(addr_h_ >> 8)};
}

bool FakeLan9118::inject_frame(std::span<const std::uint8_t> frame, bool error) {
  if (!begin_frame(frame, error)) return false;
  end_frame();
  return true;
}

void FakeLan9118::end_frame() {
  if (rx_status_in_flight_.empty()) {
    errors_.add("test error: end_frame() without begin_frame()");
    return;
  }
  rx_status_.push_back(rx_status_in_flight_.front());
  rx_status_in_flight_.pop_front();
}

bool FakeLan9118::begin_frame(std::span<const std::uint8_t> frame, bool error) {
  if ((mac_cr_ & kMacCrRxEn) == 0 || frame.size() < 6) return false;

  const std::span<const std::uint8_t> dst = frame.first(6);
  const MacAddress ours = mac_address();
  const bool broadcast = dst[0] == 0xFF && dst[1] == 0xFF && dst[2] == 0xFF && dst[3] == 0xFF &&
                         dst[4] == 0xFF && dst[5] == 0xFF;
  bool accept = false;
  if ((mac_cr_ & (kMacCrPrms | kMacCrRxAll)) != 0) {
    accept = true;
  } else if (broadcast) {
    accept = (mac_cr_ & kMacCrBcast) == 0;
  } else if ((dst[0] & 1) != 0) {
    accept = (mac_cr_ & kMacCrMcpas) != 0;  // the hash filter is not modelled: empty
  } else {
    accept = std::equal(dst.begin(), dst.end(), ours.begin());
  }
  if (!accept) return false;

  std::vector<std::uint8_t> wire(frame.begin(), frame.end());
  const std::uint32_t fcs = crc32(frame);
  for (int i = 0; i < 4; ++i) wire.push_back(static_cast<std::uint8_t>(fcs >> (8 * i)));

  const auto words = static_cast<std::uint32_t>((wire.size() + 3) / 4);
  for (std::size_t i = 0; i < wire.size(); i += 4) {
    std::uint32_t word = 0;
    for (std::size_t b = 0; b < 4 && i + b < wire.size(); ++b) {
      word |= std::uint32_t{wire[i + b]} << (8 * b);
    }
    rx_data_.push_back(word);
  }
  rx_frame_words_.push_back(words);
  rx_status_in_flight_.push_back((static_cast<std::uint32_t>(wire.size()) & 0x3FFF) << 16 |
                                 (error ? kRxStatusError : 0));
  return true;
}

std::uint32_t FakeLan9118::read32(std::uint32_t offset) {
  if (offset != kByteTest && offset != kHwCfg && offset != kPmtCtrl && !ready()) {
    error("read of " + hex(offset) + " before READY");
  }
  if (offset <= 0x1C && offset % 4 == 0) return pop_rx_data();
  switch (offset) {
    case kRxStatusFifo:
      return pop_rx_status();
    case kRxStatusFifoPeek:
      return rx_status_.empty() ? 0 : rx_status_.front();
    case kTxStatusFifo:
      return pop_tx_status();
    case kTxStatusFifoPeek:
      return tx_status_.empty() ? 0 : tx_status_.front();
    case kIdRev:
      return id_rev_;
    case kByteTest:
      return byte_test_;
    case kRxCfg:
      return rx_cfg_;
    case kTxCfg:
      return tx_cfg_;
    case kHwCfg:
      return read_hw_cfg();
    case kRxDpCtrl:
      error("RX_DP_CTRL read: fast-forward is unreliable on QEMU");
      return 0;
    case kRxFifoInf:
      return (static_cast<std::uint32_t>(rx_status_.size()) & 0xFF) << 16 |
             (static_cast<std::uint32_t>(rx_data_.size() * 4) & 0xFFFF);
    case kTxFifoInf:
      return (static_cast<std::uint32_t>(tx_status_.size()) & 0xFF) << 16 |
             (tx_free_bytes_ & 0xFFFF);
    case kPmtCtrl:
      return read_pmt_ctrl();
    case kRxDrop: {
      const std::uint32_t dropped = rx_drop_;  // RX_DROP clears on read
      rx_drop_ = 0;
      return dropped;
    }
    case kMacCsrCmd:
      return read_csr_cmd();
    case kMacCsrData:
      if (csr_busy()) error("MAC_CSR_DATA read while CSR_BUSY");
      return csr_data_;
    default:
      error("read of unmodelled register " + hex(offset));
      return 0;
  }
}

void FakeLan9118::write32(std::uint32_t offset, std::uint32_t value) {
  if (offset != kHwCfg && !ready()) error("write to " + hex(offset) + " before READY");
  if (offset >= kTxDataFifo && offset <= 0x3C && offset % 4 == 0) {
    push_tx_word(value);
    return;
  }
  switch (offset) {
    case kRxCfg:
      rx_cfg_ = value;
      return;
    case kTxCfg:
      tx_cfg_ = value;
      return;
    case kHwCfg:
      if ((value & kHwCfgSrst) != 0) {
        soft_reset();
      } else {
        if (!ready()) error("HW_CFG written before READY");
        ++hw_cfg_writes_;
        hw_cfg_ = value;
      }
      return;
    case kRxDpCtrl:
      error("RX_DP_CTRL written: fast-forward is unreliable on QEMU");
      return;
    case kMacCsrCmd:
      write_csr_cmd(value);
      return;
    case kMacCsrData:
      if (csr_busy()) error("MAC_CSR_DATA written while CSR_BUSY");
      csr_data_ = value;
      return;
    default:
      error("write to unmodelled or read-only register " + hex(offset));
      return;
  }
}

std::uint32_t FakeLan9118::read_hw_cfg() {
  if (reset_countdown_ == kForever) return hw_cfg_ | kHwCfgSrst;
  if (reset_countdown_ != 0) {
    --reset_countdown_;
    return hw_cfg_ | kHwCfgSrst;
  }
  return hw_cfg_;
}

std::uint32_t FakeLan9118::read_pmt_ctrl() {
  if (in_reset()) return 0;
  if (ready_countdown_ == kForever) return 0;
  if (ready_countdown_ != 0) {
    --ready_countdown_;
    return 0;
  }
  return kPmtCtrlReady;
}

std::uint32_t FakeLan9118::read_csr_cmd() {
  if (csr_busy()) {
    if (csr_busy_countdown_ != kForever) --csr_busy_countdown_;
    return csr_cmd_ | kCsrBusy;
  }
  return csr_cmd_;
}

void FakeLan9118::write_csr_cmd(std::uint32_t value) {
  if (csr_busy()) {
    error("MAC_CSR_CMD written while CSR_BUSY");
    return;  // the command in flight is what the hardware would complete
  }
  csr_cmd_ = value & ~kCsrBusy;
  if ((value & kCsrBusy) == 0) {
    error("MAC_CSR_CMD written without CSR_BUSY: no access happens");
    return;
  }
  const std::uint32_t index = value & 0xFF;
  if ((value & kCsrRead) != 0) {
    csr_data_ = mac_read(index);
  } else {
    mac_write(index, csr_data_);
  }
  csr_busy_countdown_ = csr_busy_reads_;
}

std::uint32_t FakeLan9118::mac_read(std::uint32_t index) {
  switch (index) {
    case kMacCr:
      return mac_cr_;
    case kMacAddrH:
      return addr_h_;
    case kMacAddrL:
      return addr_l_;
    case kMiiAcc:
      if (mii_busy()) {
        if (mii_busy_countdown_ != kForever) --mii_busy_countdown_;
        return mii_acc_ | kMiiBusy;
      }
      return mii_acc_;
    case kMiiData:
      if (mii_busy()) error("MII_DATA read while MIIBZY");
      return mii_data_;
    default:
      error("read of unmodelled MAC CSR " + std::to_string(index));
      return 0;
  }
}

void FakeLan9118::mac_write(std::uint32_t index, std::uint32_t value) {
  switch (index) {
    case kMacCr:
      mac_cr_ = value;
      return;
    case kMacAddrH:
      addr_h_ = value & 0xFFFF;
      return;
    case kMacAddrL:
      addr_l_ = value;
      return;
    case kMiiAcc: {
      if (mii_busy()) {
        error("MII_ACC written while MIIBZY");
        return;
      }
      if ((value & kMiiBusy) == 0) {
        error("MII_ACC written without MIIBZY: no access happens");
        return;
      }
      mii_acc_ = value & ~kMiiBusy;
      const std::uint32_t phy = (value >> 11) & 0x1F;
      const std::uint32_t reg = (value >> 6) & 0x1F;
      if ((value & kMiiWrite) != 0) {
        error("PHY register " + std::to_string(reg) + " written: PHY writes are not modelled");
      } else {
        mii_data_ = phy_read(phy, reg);
      }
      mii_busy_countdown_ = mii_busy_reads_;
      return;
    }
    case kMiiData:
      if (mii_busy()) error("MII_DATA written while MIIBZY");
      mii_data_ = value & 0xFFFF;
      return;
    default:
      error("write to unmodelled MAC CSR " + std::to_string(index));
      return;
  }
}

std::uint32_t FakeLan9118::phy_read(std::uint32_t phy, std::uint32_t reg) {
  if (phy != kInternalPhy) return 0xFFFF;  // nobody drives MDIO: it reads as all ones
  switch (reg) {
    case kPhyBasicStatus: {
      const bool up = link_ && !link_latched_low_;
      link_latched_low_ = false;
      return kPhyStatusCapabilities | (up ? kPhyStatusAutoNegDone | kPhyStatusLink : 0);
    }
    case kPhyId1:
      return 0x0007;
    case kPhyId2:
      return 0xC0D1;
    default:
      error("read of unmodelled PHY register " + std::to_string(reg));
      return 0;
  }
}

std::uint32_t FakeLan9118::pop_rx_data() {
  if (rx_data_.empty()) {
    error("RX data FIFO read while empty");
    return 0;
  }
  if (rx_words_owed_ == 0) {
    error("RX data FIFO read with no frame's status popped");
  } else {
    --rx_words_owed_;
  }
  const std::uint32_t word = rx_data_.front();
  rx_data_.pop_front();
  return word;
}

std::uint32_t FakeLan9118::pop_rx_status() {
  if (rx_status_.empty()) {
    error("RX status FIFO read while empty");
    return 0;
  }
  if (rx_words_owed_ != 0) {
    error("RX status popped with " + std::to_string(rx_words_owed_) +
          " words of the previous frame unread");
  }
  rx_words_owed_ += rx_frame_words_.front();
  rx_frame_words_.pop_front();
  const std::uint32_t status = rx_status_.front();
  rx_status_.pop_front();
  return status;
}

std::uint32_t FakeLan9118::pop_tx_status() {
  if (tx_status_.empty()) {
    error("TX status FIFO read while empty");
    return 0;
  }
  const std::uint32_t status = tx_status_.front();
  tx_status_.pop_front();
  return status;
}

void FakeLan9118::push_tx_word(std::uint32_t word) {
  if ((tx_cfg_ & kTxCfgTxOn) == 0) error("TX data FIFO written while TX_ON is clear");
  if ((mac_cr_ & kMacCrTxEn) == 0) error("TX data FIFO written while MAC_CR TXEN is clear");
  tx_bytes_written_ += 4;
  if (tx_bytes_written_ > tx_free_bytes_) {
    error("TX data FIFO overrun: " + std::to_string(tx_bytes_written_) + " bytes written, " +
          std::to_string(tx_free_bytes_) + " were free");
  }

  switch (tx_state_) {
    case TxState::kCommandA:
      if ((word & kTxCmdAFirst) == 0 || (word & kTxCmdALast) == 0) {
        error("TX command A " + hex(word) + ": only single-segment frames are modelled");
      }
      if ((word & (0x1Fu << 16)) != 0)
        error("TX command A " + hex(word) + " sets a data start offset");
      if ((word & (3u << 24)) != 0) error("TX command A " + hex(word) + " sets end alignment");
      tx_buffer_bytes_ = word & 0x7FF;
      if (tx_buffer_bytes_ == 0) error("TX command A " + hex(word) + " has a zero buffer size");
      tx_state_ = TxState::kCommandB;
      return;
    case TxState::kCommandB:
      if ((word & 0x7FF) != tx_buffer_bytes_) {
        error("TX command B packet length " + std::to_string(word & 0x7FF) +
              " differs from command A buffer size " + std::to_string(tx_buffer_bytes_));
      }
      tx_current_ = TxFrame{{}, static_cast<std::uint16_t>(word >> 16)};
      tx_words_left_ = (tx_buffer_bytes_ + 3) / 4;
      tx_state_ = tx_words_left_ == 0 ? TxState::kCommandA : TxState::kData;
      return;
    case TxState::kData:
      for (int b = 0; b < 4; ++b) {
        const auto byte = static_cast<std::uint8_t>(word >> (8 * b));
        if (tx_current_.bytes.size() < tx_buffer_bytes_) {
          tx_current_.bytes.push_back(byte);
        } else if (byte != 0) {
          error("TX pad byte " + std::to_string(b) + " of the last data word is not zero");
        }
      }
      if (--tx_words_left_ == 0) {
        tx_frames_.push_back(tx_current_);
        tx_status_.push_back(std::uint32_t{tx_current_.tag} << 16 |
                             (fail_next_tx_ ? kTxStatusError : 0));
        fail_next_tx_ = false;
        tx_bytes_written_ = 0;
        tx_state_ = TxState::kCommandA;
      }
      return;
  }
}

}  // namespace portcullis::hal::testing
