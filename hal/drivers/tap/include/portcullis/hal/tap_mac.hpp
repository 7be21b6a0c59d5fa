// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::hal {

// A Linux TAP interface as the host board's Ethernet MAC. The interface must already
// exist (tools/lab creates it inside its namespace); init() attaches to it. The MAC
// address is the device's own: the kernel side of the TAP has a different one.
class TapMac final : public EthernetMac {
 public:
  static constexpr std::size_t kMaxNameBytes = 15;  // IFNAMSIZ - 1

  explicit TapMac(std::string_view ifname);
  ~TapMac();

  // Blocks until a frame may be waiting or `timeout_ms` passed, so the host loop idles.
  void wait_readable(int timeout_ms) const;

 private:
  Status do_init(const MacAddress& mac) override;
  std::size_t do_receive(std::span<std::uint8_t> frame) override;
  Status do_transmit(std::span<const std::uint8_t> frame) override;
  bool do_link_up() override;

  std::array<char, kMaxNameBytes + 1> name_{};
  bool name_ok_ = false;
  int fd_ = -1;
};

}  // namespace portcullis::hal
