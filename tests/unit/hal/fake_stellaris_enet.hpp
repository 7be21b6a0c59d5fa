// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fake_bus.hpp"
#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::hal::testing {

// A register-level model of the Stellaris LM3S6965 Ethernet controller as its datasheet
// describes it: the 2 KiB RX FIFO as one stream of words (each frame led by a 16-bit length
// that counts itself, the frame and its FCS) with MACNP counting complete frames, address
// filtering, BADCRC, overrun (FOV); the one-frame TX FIFO (a 16-bit data length, then the
// frame) sent on NEWTX with padding (PADEN) and the FCS (CRC); the MII port (MACMCTL START,
// MACMRXD) to a PHY that can be the LM3S6965's own, QEMU's (no PHY: every register reads 0),
// or none (MDIO floats: all ones). Offsets and bits are written out here from the datasheet,
// independently of the driver, so a wrong constant in either shows up.
//
// Whatever a driver does that the real controller forbids, or that would lose or corrupt
// frames on it, is recorded in protocol_errors() instead of being silently tolerated.
class FakeStellarisEnet {
 public:
  using Bus = FakeBus<FakeStellarisEnet>;
  static constexpr std::uint32_t kForever = 0xFFFF'FFFF;  // for the *_reads knobs

  enum class Phy {
    kLm3s6965,  // the internal PHY: identifies itself, reports link and negotiated duplex
    kQemu,      // QEMU 7.2: MII transactions complete at once and every register reads 0
    kAbsent,    // no PHY drives MDIO (its clock is off): every register reads 0xFFFF
  };

  FakeStellarisEnet() = default;
  Bus bus() { return Bus(*this); }

  // The bus side.
  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);

  // Knobs, set before the driver runs.
  void set_phy(Phy phy) { phy_ = phy; }
  // MACMCTL reads that show START after each MII transaction (kForever: it never completes).
  void set_mii_busy_reads(std::uint32_t reads) { mii_busy_reads_ = reads; }
  // MACTR reads that show NEWTX after each frame, while it is on the wire.
  void set_tx_busy_reads(std::uint32_t reads) { tx_busy_reads_ = reads; }
  void fail_next_tx() { fail_next_tx_ = true; }
  // Every register reads 0 and ignores writes, as at a wrong base address.
  void set_unresponsive(bool unresponsive) { unresponsive_ = unresponsive; }
  // The PHY's link; a drop is latched in its status register until read, as in 802.3.
  void set_link(bool up);
  void set_full_duplex(bool full) { full_duplex_ = full; }

  // Delivers a frame (without FCS) from the wire. Returns false if the MAC did not put it in
  // the FIFO: receiver off, address filtered out, bad FCS with BADCRC set (RXER), or no room
  // for it (FOV). `bad_fcs` corrupts its FCS.
  bool inject_frame(std::span<const std::uint8_t> frame, bool bad_fcs = false);
  // The same in two steps: a frame's words enter the FIFO as it arrives, and MACNP counts it
  // only once it has ended.
  bool begin_frame(std::span<const std::uint8_t> frame, bool bad_fcs = false);
  void end_frame();  // of the oldest frame begun and not ended
  // Words that end a frame in the FIFO exactly as given, the first holding the length: for
  // length fields no frame of the right shape would carry.
  void inject_raw_frame(std::span<const std::uint32_t> words);
  // An overrun that left `words` words of a partial frame in the FIFO, never counted in
  // MACNP, as the MAC may when a frame overflows it mid-way; sets FOV.
  void inject_overrun(std::size_t words);

  // What the driver left in the device.
  std::size_t rx_frames_pending() const { return rx_frame_ends_.size(); }  // MACNP
  std::size_t rx_words_pending() const { return rx_fifo_.size(); }
  const std::vector<std::vector<std::uint8_t>>& tx_frames() const { return tx_frames_; }
  std::uint32_t tx_failed() const { return tx_failed_; }
  MacAddress mac_address() const;
  std::uint32_t ris() const { return ris_; }
  std::uint32_t im() const { return im_; }
  std::uint32_t rctl() const { return rctl_; }
  std::uint32_t tctl() const { return tctl_; }
  std::uint32_t thr() const { return thr_; }
  std::uint32_t mdv() const { return mdv_; }
  std::uint32_t rx_fifo_resets() const { return rx_fifo_resets_; }
  std::uint32_t mii_transactions() const { return mii_transactions_; }
  const ProtocolErrors& protocol_errors() const { return errors_; }

  // Register offsets and bits, as the datasheet names them.
  static constexpr std::uint32_t kMacRis = 0x00;  // read; MACIACK on write
  static constexpr std::uint32_t kMacIack = 0x00;
  static constexpr std::uint32_t kMacIm = 0x04;
  static constexpr std::uint32_t kMacRctl = 0x08;
  static constexpr std::uint32_t kMacTctl = 0x0C;
  static constexpr std::uint32_t kMacData = 0x10;
  static constexpr std::uint32_t kMacIa0 = 0x14;
  static constexpr std::uint32_t kMacIa1 = 0x18;
  static constexpr std::uint32_t kMacThr = 0x1C;
  static constexpr std::uint32_t kMacMctl = 0x20;
  static constexpr std::uint32_t kMacMdv = 0x24;
  static constexpr std::uint32_t kMacMtxd = 0x2C;
  static constexpr std::uint32_t kMacMrxd = 0x30;
  static constexpr std::uint32_t kMacNp = 0x34;
  static constexpr std::uint32_t kMacTr = 0x38;

  static constexpr std::uint32_t kRisRxInt = 1u << 0;
  static constexpr std::uint32_t kRisTxEr = 1u << 1;
  static constexpr std::uint32_t kRisTxEmp = 1u << 2;
  static constexpr std::uint32_t kRisFov = 1u << 3;
  static constexpr std::uint32_t kRisRxEr = 1u << 4;
  static constexpr std::uint32_t kRisMdInt = 1u << 5;
  static constexpr std::uint32_t kRisPhyInt = 1u << 6;

  static constexpr std::uint32_t kRctlRxEn = 1u << 0;
  static constexpr std::uint32_t kRctlAmul = 1u << 1;
  static constexpr std::uint32_t kRctlPrms = 1u << 2;
  static constexpr std::uint32_t kRctlBadCrc = 1u << 3;
  static constexpr std::uint32_t kRctlRstFifo = 1u << 4;

  static constexpr std::uint32_t kTctlTxEn = 1u << 0;
  static constexpr std::uint32_t kTctlPadEn = 1u << 1;
  static constexpr std::uint32_t kTctlCrc = 1u << 2;
  static constexpr std::uint32_t kTctlDuplex = 1u << 4;

  static constexpr std::uint32_t kMctlStart = 1u << 0;
  static constexpr std::uint32_t kMctlWrite = 1u << 1;
  static constexpr std::uint32_t kTrNewTx = 1u << 0;

  static constexpr std::size_t kFifoWords = 2048 / 4;

 private:
  bool accepts(std::span<const std::uint8_t> frame);
  std::uint32_t read_data();
  void write_data(std::uint32_t word);
  void write_rctl(std::uint32_t value);
  void start_tx();
  std::uint32_t read_mctl();
  void write_mctl(std::uint32_t value);
  std::uint32_t phy_read(std::uint32_t reg);
  void error(std::string what) { errors_.add(std::move(what)); }

  ProtocolErrors errors_;

  Phy phy_ = Phy::kLm3s6965;
  std::uint32_t mii_busy_reads_ = 1;
  std::uint32_t tx_busy_reads_ = 1;
  bool fail_next_tx_ = false;
  bool unresponsive_ = false;
  bool link_ = true;
  bool link_latched_low_ = false;
  bool full_duplex_ = true;

  // Reset values.
  std::uint32_t ris_ = 0;
  std::uint32_t im_ = 0x7F;
  std::uint32_t rctl_ = kRctlBadCrc;
  std::uint32_t tctl_ = 0;
  std::uint32_t ia0_ = 0;
  std::uint32_t ia1_ = 0;
  std::uint32_t thr_ = 0x3F;
  std::uint32_t mctl_ = 0;
  std::uint32_t mdv_ = 0x80;
  std::uint32_t mtxd_ = 0;
  std::uint32_t mrxd_ = 0;

  std::uint32_t mii_busy_countdown_ = 0;
  std::uint32_t mii_transactions_ = 0;
  std::uint32_t tx_busy_countdown_ = 0;
  std::uint32_t rx_fifo_resets_ = 0;
  std::uint32_t tx_failed_ = 0;

  // The RX FIFO: a stream of words, and where in it each complete frame ends (in words read
  // since the FIFO was last reset), so MACNP counts frames still (partly) unread.
  std::deque<std::uint32_t> rx_fifo_;
  std::uint64_t rx_words_read_ = 0;
  std::uint64_t rx_words_written_ = 0;
  std::deque<std::uint64_t> rx_frame_ends_;
  std::deque<std::uint64_t> rx_frame_ends_in_flight_;

  std::vector<std::uint8_t> tx_fifo_;
  std::vector<std::vector<std::uint8_t>> tx_frames_;
};

}  // namespace portcullis::hal::testing
