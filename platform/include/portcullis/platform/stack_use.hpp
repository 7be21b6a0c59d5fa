// SPDX-License-Identifier: Apache-2.0
#pragma once
// How much of the main stack the device has ever used. Declared once for every platform,
// implemented by each (platform/cortex-m/stack_use.cpp, platform/posix/posix.cpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace portcullis::platform {

// What the reset handler writes over the whole stack region before the first instruction of
// C++ runs (platform/cortex-m/startup.cpp). Even, so never a Thumb return address, and
// neither a RAM address nor a small number, so rarely a value the program itself stores.
inline constexpr std::uint32_t kStackPaint = 0x57AC57AC;

struct StackUse {
  std::size_t size = 0;        // bytes reserved for the stack; 0: not measured (the host build)
  std::size_t high_water = 0;  // the most bytes ever in use since reset (at most `size`)
};

// The main stack (MSP: the super-loop and every interrupt handler): its reserved size and
// high-water mark. O(size) on Cortex-M: a scan from the bottom for the first word that no
// longer holds the paint. A mark equal to the size means the stack reached its bottom and may
// have overflowed into the RAM below it (there is no guard). The host build reports {0, 0}:
// a Linux thread's stack is the kernel's, neither reserved nor painted by us.
StackUse stack_use();

// Bytes ever used of a descending stack painted with `paint`: `stack` is the reserved region,
// lowest address first; everything from the first word that no longer holds the paint up to
// the top counts as used. A deepest word that happened to be written with the paint value
// reads as unused, so the mark may be low by a few words, never high.
constexpr std::size_t stack_high_water(std::span<const std::uint32_t> stack,
                                       std::uint32_t paint = kStackPaint) {
  const auto first_used =
      std::find_if(stack.begin(), stack.end(), [paint](std::uint32_t w) { return w != paint; });
  return static_cast<std::size_t>(stack.end() - first_used) * sizeof(std::uint32_t);
}

}  // namespace portcullis::platform
