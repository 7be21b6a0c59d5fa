// SPDX-License-Identifier: Apache-2.0
#pragma once
// lm3s6965evb: data only. Addresses from the LM3S6965 data sheet's memory map.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lwip/opt.h"
#include "portcullis/boards/board_network.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "lm3s6965evb";
inline constexpr std::uint32_t kCrystalHz = 8'000'000;  // EK-LM3S6965 main oscillator
inline constexpr std::uint32_t kConsoleBaud = 115'200;
inline constexpr std::uintptr_t kSysctlBase = 0x400F'E000;    // system control
inline constexpr std::uintptr_t kUart0Base = 0x4000'C000;     // UART0 (PL011-like)
inline constexpr std::uintptr_t kEthernetBase = 0x4004'8000;  // Ethernet MAC, PHY behind MII
inline constexpr std::uintptr_t kSysTickBase = 0xE000'E010;
inline constexpr std::uintptr_t kFlashControlBase = 0x400F'D000;  // flash controller
inline constexpr std::uintptr_t kAdcBase = 0x4003'8000;           // ADC0
inline constexpr std::uintptr_t kTimer0Base = 0x4003'0000;        // general-purpose timer 0
// One temperature-sensor conversion every 500 cycles (10 us at 50 MHz, within the ADC's
// 125 kS/s): an Mbed TLS gather of 128 bytes (8 conversions each) takes about 10 ms.
inline constexpr std::uint32_t kAdcNoisePeriodCycles = 500;
inline constexpr std::size_t kFlashBytes = 256 * 1024;

// The lab's network in a lab image, the one it is told in a device image (board_network.hpp).
inline constexpr NetworkSettings kNetwork = boards::kBoardNetwork;

}  // namespace portcullis::board
