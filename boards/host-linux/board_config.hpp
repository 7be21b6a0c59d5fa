#pragma once
// host-linux: data only.

#include <string_view>

#include "portcullis/stack/network_settings.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "host-linux";
inline constexpr std::string_view kDefaultTap = "pctap0";
inline constexpr int kIdleWaitMs = 5;  // longest sleep between loop turns when idle

// Lab addressing (documentation ranges); the MAC is locally administered.
inline constexpr stack::NetworkSettings kNetwork{
    .mac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02},
    .ipv4 = {192, 0, 2, 2},
    .ipv4_prefix_len = 24,
    .ipv4_gateway = {0, 0, 0, 0},
    .ipv6 = {0x2001, 0x0db8, 0, 0, 0, 0, 0, 2},
    .ipv6_prefix_len = 64,
};
static_assert(stack::valid(kNetwork));

}  // namespace portcullis::board
