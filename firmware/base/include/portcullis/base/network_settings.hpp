// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

#include "portcullis/base/mac_address.hpp"

namespace portcullis {

// A board's compile-time addressing. IPv6 link-local is always derived from the MAC.
struct NetworkSettings {
  MacAddress mac;                    // all zero: none given (has_mac())
  std::array<std::uint8_t, 4> ipv4;  // ignored with ipv4_dhcp; 0.0.0.0: no IPv4 address
  std::uint8_t ipv4_prefix_len;
  std::array<std::uint8_t, 4> ipv4_gateway;  // 0.0.0.0: none
  std::array<std::uint16_t, 8> ipv6;         // all zero: no global address
  std::uint8_t ipv6_prefix_len;
  // IPv4 address, mask and gateway from a DHCP server (lwIP's client, with lease renewal and
  // rebinding) instead of the three fields above. Needs LWIP_DHCP (PORTCULLIS_LWIP_DHCP).
  bool ipv4_dhcp = false;
  // IPv6 addresses from router advertisements (SLAAC, lwIP's autoconfiguration), besides the
  // link-local one and `ipv6`. Needs LWIP_IPV6_AUTOCONFIG (PORTCULLIS_LWIP_SLAAC).
  bool ipv6_slaac = false;
  // The time server lwIP's SNTP client asks (a name resolved by DNS, or an address); nullptr:
  // the one the DHCP lease names. Needs PORTCULLIS_LWIP_SNTP.
  const char* time_server = nullptr;
};

// A MAC address is given (not all zero): a device image's settings name none, the identity
// record or the board gives it (boards/common: board_network.hpp).
constexpr bool has_mac(const NetworkSettings& s) {
  return s.mac != MacAddress{};
}

// Settings a netif can start from, once has_mac(): a unicast MAC (or none yet), an IPv4
// address by DHCP, none, or a static one with a prefix length in 1..32.
constexpr bool valid(const NetworkSettings& s) {
  const bool unicast_mac = (s.mac[0] & 0x01) == 0;
  const bool no_ipv4 = s.ipv4 == std::array<std::uint8_t, 4>{};
  return unicast_mac &&
         (s.ipv4_dhcp || no_ipv4 || (s.ipv4_prefix_len >= 1 && s.ipv4_prefix_len <= 32)) &&
         s.ipv6_prefix_len <= 128 && s.ipv4_prefix_len <= 32;
}

}  // namespace portcullis
