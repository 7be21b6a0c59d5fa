// SPDX-License-Identifier: Apache-2.0
#pragma once
// The lab network every reference board joins (tools/lab, ARCHITECTURE.md "The lab"):
// documentation ranges only, the device at .2 / ::2, a locally administered MAC.

#include "portcullis/base/network_settings.hpp"

namespace portcullis::boards {

inline constexpr NetworkSettings kLabNetwork{
    .mac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02},
    .ipv4 = {192, 0, 2, 2},
    .ipv4_prefix_len = 24,
    .ipv4_gateway = {0, 0, 0, 0},
    .ipv6 = {0x2001, 0x0db8, 0, 0, 0, 0, 0, 2},
    .ipv6_prefix_len = 64,
    .time_server = "192.0.2.1",  // the lab host's NTP server (tools/lab: chronyd)
};
static_assert(portcullis::valid(kLabNetwork));

// The same device configured by the network, as the reference boards' lab images boot
// (board_network.hpp): its IPv4 address from the lab's DHCP server (tools/lab: dnsmasq gives
// the MAC above .2 by reservation), and an IPv6 address by SLAAC from the lab's router
// advertisements (2001:db8::/64) besides ::2, its time server from the DHCP lease.
inline constexpr NetworkSettings kLabNetworkAuto = [] {
  NetworkSettings s = kLabNetwork;
  s.ipv4_dhcp = true;
  s.ipv6_slaac = true;
  s.time_server = nullptr;  // the one DHCP names (the lab host's)
  return s;
}();
static_assert(portcullis::valid(kLabNetworkAuto));

}  // namespace portcullis::boards
