#pragma once
// host-linux: data only.

#include <string_view>

#include "lwip/opt.h"
#include "portcullis/boards/lab_network.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "host-linux";
inline constexpr std::string_view kDefaultTap = "pctap0";
inline constexpr int kIdleWaitMs = 5;  // longest sleep between loop turns when idle

// IPv4 by DHCP (the lab's dnsmasq reserves .2 for the MAC), static with -DPORTCULLIS_LWIP_DHCP=0.
inline constexpr NetworkSettings kNetwork =
    LWIP_DHCP ? boards::kLabNetworkByDhcp : boards::kLabNetwork;

}  // namespace portcullis::board
