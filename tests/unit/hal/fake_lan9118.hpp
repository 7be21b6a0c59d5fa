// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fake_bus.hpp"
#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::hal::testing {

// A register-level model of the parts of a LAN9118 the driver uses: identification, soft
// reset and READY, the MAC CSR window with its busy bit, the MII port to an internal PHY,
// the RX status/data FIFOs (frames arrive with their FCS, as on the wire) and the TX data
// FIFO's command A/B protocol. Register offsets and bit positions are written out here from
// the datasheet independently of the driver, so a wrong constant in either shows up.
//
// Whatever a driver does that the real chip forbids, or that QEMU's model mishandles, is
// recorded in protocol_errors() instead of being silently tolerated.
class FakeLan9118 {
 public:
  using Bus = FakeBus<FakeLan9118>;
  static constexpr std::uint32_t kForever = 0xFFFF'FFFF;  // for the *_reads knobs

  struct TxFrame {
    std::vector<std::uint8_t> bytes;
    std::uint16_t tag = 0;
  };

  FakeLan9118();
  Bus bus() { return Bus(*this); }

  // The bus side.
  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);

  // Knobs, set before the driver runs.
  void set_byte_test(std::uint32_t value) { byte_test_ = value; }
  void set_id_rev(std::uint32_t value) { id_rev_ = value; }
  // HW_CFG reads that still show SRST after a soft reset (kForever: reset never completes).
  void set_reset_reads(std::uint32_t reads) { reset_reads_ = reads; }
  // PMT_CTRL reads that show READY clear once SRST has cleared.
  void set_ready_reads(std::uint32_t reads) { ready_reads_ = reads; }
  // MAC_CSR_CMD reads that show CSR_BUSY after each command.
  void set_csr_busy_reads(std::uint32_t reads) { csr_busy_reads_ = reads; }
  // MII_ACC reads that show MIIBZY after each MII command.
  void set_mii_busy_reads(std::uint32_t reads) { mii_busy_reads_ = reads; }
  // HW_CFG TX_FIF_SZ (KiB) that a soft reset restores.
  void set_tx_fifo_kib_at_reset(std::uint32_t kib) { tx_fifo_kib_at_reset_ = kib; }
  void set_tx_free_bytes(std::uint32_t bytes) { tx_free_bytes_ = bytes; }
  void fail_next_tx() { fail_next_tx_ = true; }
  // The PHY's link; a drop is latched in its status register until read, as in 802.3.
  void set_link(bool up);
  // An EEPROM holding `mac`: the chip loads it into ADDRH/ADDRL at power-on and at every soft
  // reset, as the data sheet's EEPROM loader (and QEMU's model) does; without one they keep
  // their reset value, the broadcast address.
  void set_eeprom_mac(const MacAddress& mac);

  // Delivers a frame (without FCS) from the wire. Returns false if the MAC would not accept
  // it: receiver off, or the destination filtered out. `error` marks it bad in its status.
  bool inject_frame(std::span<const std::uint8_t> frame, bool error = false);
  // The same in two steps, as the chip does it: a frame's words enter the data FIFO as it
  // arrives and its status is written only once it has ended.
  bool begin_frame(std::span<const std::uint8_t> frame, bool error = false);
  void end_frame();  // of the oldest frame begun and not ended
  // Frames the chip dropped because its RX FIFO was full: RX_DROP counts them until read.
  void drop_frames(std::uint32_t n) { rx_drop_ += n; }

  // What the driver left in the device.
  std::size_t rx_statuses_pending() const { return rx_status_.size(); }
  std::size_t rx_words_pending() const { return rx_data_.size(); }
  std::size_t tx_statuses_pending() const { return tx_status_.size(); }
  const std::vector<TxFrame>& tx_frames() const { return tx_frames_; }
  MacAddress mac_address() const;
  std::uint32_t mac_cr() const { return mac_cr_; }
  std::uint32_t hw_cfg() const { return hw_cfg_; }
  std::uint32_t rx_cfg() const { return rx_cfg_; }
  std::uint32_t tx_cfg() const { return tx_cfg_; }
  std::uint32_t soft_resets() const { return soft_resets_; }
  std::uint32_t hw_cfg_writes() const { return hw_cfg_writes_; }  // other than SRST
  const ProtocolErrors& protocol_errors() const { return errors_; }

  // Register offsets and bits, as the datasheet names them.
  static constexpr std::uint32_t kRxDataFifo = 0x00;  // through 0x1C
  static constexpr std::uint32_t kTxDataFifo = 0x20;  // through 0x3C
  static constexpr std::uint32_t kRxStatusFifo = 0x40;
  static constexpr std::uint32_t kRxStatusFifoPeek = 0x44;
  static constexpr std::uint32_t kTxStatusFifo = 0x48;
  static constexpr std::uint32_t kTxStatusFifoPeek = 0x4C;
  static constexpr std::uint32_t kIdRev = 0x50;
  static constexpr std::uint32_t kByteTest = 0x64;
  static constexpr std::uint32_t kRxCfg = 0x6C;
  static constexpr std::uint32_t kTxCfg = 0x70;
  static constexpr std::uint32_t kHwCfg = 0x74;
  static constexpr std::uint32_t kRxDpCtrl = 0x78;
  static constexpr std::uint32_t kRxFifoInf = 0x7C;
  static constexpr std::uint32_t kTxFifoInf = 0x80;
  static constexpr std::uint32_t kPmtCtrl = 0x84;
  static constexpr std::uint32_t kRxDrop = 0xA0;
  static constexpr std::uint32_t kMacCsrCmd = 0xA4;
  static constexpr std::uint32_t kMacCsrData = 0xA8;

  static constexpr std::uint32_t kMacCrRxAll = 1u << 31;
  static constexpr std::uint32_t kMacCrFdpx = 1u << 20;
  static constexpr std::uint32_t kMacCrMcpas = 1u << 19;
  static constexpr std::uint32_t kMacCrPrms = 1u << 18;
  static constexpr std::uint32_t kMacCrBcast = 1u << 11;  // set: broadcasts are refused
  static constexpr std::uint32_t kMacCrTxEn = 1u << 3;
  static constexpr std::uint32_t kMacCrRxEn = 1u << 2;

 private:
  enum class TxState { kCommandA, kCommandB, kData };

  bool ready() const { return !in_reset() && ready_countdown_ == 0; }
  bool in_reset() const { return reset_countdown_ != 0; }
  bool csr_busy() const { return csr_busy_countdown_ != 0; }
  bool mii_busy() const { return mii_busy_countdown_ != 0; }
  void soft_reset();
  void error(std::string what);

  std::uint32_t read_hw_cfg();
  std::uint32_t read_pmt_ctrl();
  std::uint32_t read_csr_cmd();
  void write_csr_cmd(std::uint32_t value);
  std::uint32_t mac_read(std::uint32_t index);
  void mac_write(std::uint32_t index, std::uint32_t value);
  std::uint32_t phy_read(std::uint32_t phy, std::uint32_t reg);
  std::uint32_t pop_rx_data();
  std::uint32_t pop_rx_status();
  std::uint32_t pop_tx_status();
  void push_tx_word(std::uint32_t word);

  ProtocolErrors errors_;

  std::uint32_t byte_test_ = 0x87654321;
  std::uint32_t id_rev_ = 0x01180001;
  std::uint32_t reset_reads_ = 2;
  std::uint32_t ready_reads_ = 2;
  std::uint32_t csr_busy_reads_ = 1;
  std::uint32_t mii_busy_reads_ = 1;
  std::uint32_t tx_fifo_kib_at_reset_ = 5;
  std::uint32_t tx_free_bytes_ = 4608;
  bool fail_next_tx_ = false;
  std::uint32_t rx_drop_ = 0;

  std::uint32_t reset_countdown_ = 0;
  std::uint32_t ready_countdown_ = 0;
  std::uint32_t csr_busy_countdown_ = 0;
  std::uint32_t mii_busy_countdown_ = 0;
  std::uint32_t soft_resets_ = 0;
  std::uint32_t hw_cfg_writes_ = 0;

  std::uint32_t hw_cfg_ = 0;
  std::uint32_t rx_cfg_ = 0;
  std::uint32_t tx_cfg_ = 0;
  std::uint32_t csr_cmd_ = 0;
  std::uint32_t csr_data_ = 0;
  std::uint32_t mac_cr_ = 0;
  std::uint32_t addr_h_ = 0;
  std::uint32_t addr_l_ = 0;
  std::optional<MacAddress> eeprom_mac_;
  std::uint32_t mii_acc_ = 0;
  std::uint32_t mii_data_ = 0;

  bool link_ = true;
  bool link_latched_low_ = false;

  std::deque<std::uint32_t> rx_status_;
  std::deque<std::uint32_t> rx_data_;
  std::deque<std::uint32_t> rx_frame_words_;       // data words of each frame whose status waits
  std::deque<std::uint32_t> rx_status_in_flight_;  // of frames begun, not yet ended
  std::uint32_t rx_words_owed_ = 0;                // words of the popped frame not yet read

  TxState tx_state_ = TxState::kCommandA;
  std::uint32_t tx_buffer_bytes_ = 0;
  std::uint32_t tx_words_left_ = 0;
  std::uint32_t tx_bytes_written_ = 0;  // commands + data of the frame being written
  TxFrame tx_current_;
  std::vector<TxFrame> tx_frames_;
  std::deque<std::uint32_t> tx_status_;
};

}  // namespace portcullis::hal::testing
