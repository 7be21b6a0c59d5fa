// SPDX-License-Identifier: Apache-2.0
#pragma once
// host-linux: data only.

#include <string_view>

#include "lwip/opt.h"
#include "portcullis/boards/lab_network.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "host-linux";
inline constexpr std::string_view kDefaultTap = "pctap0";
inline constexpr int kIdleWaitMs = 5;  // longest sleep between loop turns when idle

// IPv4 by DHCP (the lab's dnsmasq reserves .2 for the MAC) and IPv6 by SLAAC besides ::2;
// static only with -DPORTCULLIS_LWIP_DHCP=0 -DPORTCULLIS_LWIP_SLAAC=0.
inline constexpr NetworkSettings kNetwork = [] {
  NetworkSettings s = boards::kLabNetworkAuto;
  s.ipv4_dhcp = LWIP_DHCP != 0;
  s.ipv6_slaac = LWIP_IPV6_AUTOCONFIG != 0;
  return s;
}();

}  // namespace portcullis::board
