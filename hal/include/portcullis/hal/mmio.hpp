// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace portcullis::hal {

// 32-bit memory-mapped register access at a base address. Drivers are templates over
// a bus with this shape (read32/write32 by byte offset), so unit tests can hand them a
// register-level fake that models FIFOs and side effects.
class Mmio {
 public:
  explicit constexpr Mmio(std::uintptr_t base) : base_(base) {}

  std::uint32_t read32(std::uint32_t offset) const {
    // A register is an address: the integer-to-pointer cast is the point.
    return *reinterpret_cast<volatile const std::uint32_t*>(  // NOLINT(performance-no-int-to-ptr)
        base_ + offset);
  }
  void write32(std::uint32_t offset, std::uint32_t value) const {
    auto* reg = reinterpret_cast<volatile std::uint32_t*>(  // NOLINT(performance-no-int-to-ptr)
        base_ + offset);
    *reg = value;
  }

 private:
  std::uintptr_t base_;
};

}  // namespace portcullis::hal
