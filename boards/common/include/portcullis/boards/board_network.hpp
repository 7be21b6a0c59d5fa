// SPDX-License-Identifier: Apache-2.0
#pragma once
// The network each reference board's image joins. A lab image (PORTCULLIS_LAB_SERVICES=1: the
// board presets, what tools/lab and tools/test run) joins the lab's (lab_network.hpp); a device
// image (the *-device presets, what tools/flash programs) has none of the lab's addresses: it
// is told them by the network, and its MAC is its own.

#include <optional>

#include "lwip/opt.h"
#include "portcullis/base/network_settings.hpp"
#include "portcullis/boards/lab_network.hpp"

namespace portcullis::boards {

// A device image: IPv4 by DHCP and IPv6 by SLAAC (whichever the build has; without DHCP no
// IPv4 address), the time server the DHCP lease names, no static address. No MAC: the identity
// record's (tools/pki provision --mac), else the board's factory one (with_factory_mac()), else
// the agent refuses to start the network (Agent::start()).
inline constexpr NetworkSettings kDeviceNetwork{
    .mac = {},
    .ipv4 = {},
    .ipv4_prefix_len = 0,
    .ipv4_gateway = {},
    .ipv6 = {},
    .ipv6_prefix_len = 0,
    .ipv4_dhcp = LWIP_DHCP != 0,
    .ipv6_slaac = LWIP_IPV6_AUTOCONFIG != 0,
    .time_server = nullptr,
};
static_assert(LWIP_DHCP || LWIP_IPV6_AUTOCONFIG,
              "a device image learns its addresses by DHCP or SLAAC: one with static addresses "
              "needs a board folder of its own (or the lab image, PORTCULLIS_LAB_SERVICES=1)");
static_assert(valid(kDeviceNetwork));

// A lab image: the lab's device, IPv4 by DHCP (the lab's dnsmasq reserves .2 for its MAC) and
// IPv6 by SLAAC besides ::2; static only with -DPORTCULLIS_LWIP_DHCP=0 -DPORTCULLIS_LWIP_SLAAC=0.
inline constexpr NetworkSettings kLabImageNetwork = [] {
  NetworkSettings s = kLabNetworkAuto;
  s.ipv4_dhcp = LWIP_DHCP != 0;
  s.ipv6_slaac = LWIP_IPV6_AUTOCONFIG != 0;
  return s;
}();

#if PORTCULLIS_LAB_SERVICES
inline constexpr NetworkSettings kBoardNetwork = kLabImageNetwork;
#else
inline constexpr NetworkSettings kBoardNetwork = kDeviceNetwork;
#endif

// `net` with `factory` (the MAC the board's maker stored in it, if any) where it names no MAC;
// the identity record's MAC replaces either at start.
constexpr NetworkSettings with_factory_mac(NetworkSettings net,
                                           const std::optional<MacAddress>& factory) {
  if (factory && !has_mac(net)) {
    net.mac = *factory;
  }
  return net;
}
static_assert(with_factory_mac(kDeviceNetwork, MacAddress{0x02, 0, 0, 0, 0, 1}).mac ==
              MacAddress{0x02, 0, 0, 0, 0, 1});
static_assert(with_factory_mac(kLabImageNetwork, MacAddress{0x02, 0, 0, 0, 0, 1}).mac ==
              kLabNetwork.mac);  // a MAC the settings name stays
static_assert(!has_mac(with_factory_mac(kDeviceNetwork, std::nullopt)));

}  // namespace portcullis::boards
