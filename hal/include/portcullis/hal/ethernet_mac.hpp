// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/base/mac_address.hpp"
#include "portcullis/base/status.hpp"

namespace portcullis::hal {

// Largest frame a MAC hands up or accepts, without the FCS: 1500 + 14 + 4 (one VLAN tag).
inline constexpr std::size_t kMaxFrameBytes = 1518;

// Counters every MAC driver keeps so frame loss below lwIP is visible.
struct MacCounters {
  std::uint32_t rx_frames = 0;
  std::uint32_t tx_frames = 0;
  std::uint32_t rx_errors = 0;     // frames the hardware flagged as bad, discarded
  std::uint32_t rx_too_large = 0;  // frames larger than the caller's buffer, discarded
  std::uint32_t rx_overflow = 0;   // frames the hardware dropped, its receive FIFO full (0 where
                                   // the hardware does not count them)
  std::uint32_t tx_errors = 0;     // frames the hardware or OS refused
};

// An Ethernet MAC polled from the super-loop. Frames are whole Ethernet frames
// without the trailing FCS.
class EthernetMac {
 public:
  EthernetMac(const EthernetMac&) = delete;
  EthernetMac& operator=(const EthernetMac&) = delete;

  // Resets the hardware, programs `mac` and enables RX and TX.
  Status init(const MacAddress& mac) { return do_init(mac); }

  // Copies the next received frame into `frame`. Returns the frame's length, or 0 when
  // no frame is waiting. A frame longer than `frame` is discarded and counted.
  std::size_t receive(std::span<std::uint8_t> frame) { return do_receive(frame); }

  // Queues one frame for transmission.
  Status transmit(std::span<const std::uint8_t> frame) { return do_transmit(frame); }

  bool link_up() { return do_link_up(); }

  const MacCounters& counters() const { return counters_; }

 protected:
  EthernetMac() = default;
  ~EthernetMac() = default;
  MacCounters counters_{};

 private:
  virtual Status do_init(const MacAddress& mac) = 0;
  virtual std::size_t do_receive(std::span<std::uint8_t> frame) = 0;
  virtual Status do_transmit(std::span<const std::uint8_t> frame) = 0;
  virtual bool do_link_up() = 0;
};

}  // namespace portcullis::hal
