#pragma once
// qemu-mps2-an385: data only. Addresses from the AN385 application note's memory map.

#include <cstdint>
#include <string_view>

#include "portcullis/stack/network_settings.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "qemu-mps2-an385";
inline constexpr std::uint32_t kCoreClockHz = 25'000'000;  // FPGA system clock
inline constexpr std::uint32_t kConsoleBaud = 115'200;
inline constexpr std::uintptr_t kUart0Base = 0x4000'4000;    // CMSDK APB UART0
inline constexpr std::uintptr_t kLan9118Base = 0x4020'0000;  // SMSC LAN9118
inline constexpr std::uintptr_t kSysTickBase = 0xE000'E010;

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
