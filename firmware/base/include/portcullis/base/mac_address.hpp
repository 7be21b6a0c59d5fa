// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

namespace portcullis {

using MacAddress = std::array<std::uint8_t, 6>;

// An Ethernet address a station may take: unicast (I/G bit clear) and not all zero.
constexpr bool station_address(std::span<const std::uint8_t, 6> mac) {
  return (mac[0] & 0x01) == 0 &&
         std::any_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b != 0; });
}

}  // namespace portcullis
