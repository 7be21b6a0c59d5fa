// SPDX-License-Identifier: Apache-2.0
#pragma once
// qemu-mps2-an385: data only. Addresses from the AN385 application note's memory map.

#include <cstdint>
#include <string_view>

#include "lwip/opt.h"
#include "portcullis/boards/board_network.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "qemu-mps2-an385";
inline constexpr std::uint32_t kCoreClockHz = 25'000'000;  // FPGA system clock
inline constexpr std::uint32_t kConsoleBaud = 115'200;
inline constexpr std::uintptr_t kUart0Base = 0x4000'4000;    // CMSDK APB UART0
inline constexpr std::uintptr_t kLan9118Base = 0x4020'0000;  // SMSC LAN9118
inline constexpr std::uintptr_t kSysTickBase = 0xE000'E010;

// The lab's network in a lab image, the one it is told in a device image (board_network.hpp).
inline constexpr NetworkSettings kNetwork = boards::kBoardNetwork;

}  // namespace portcullis::board
