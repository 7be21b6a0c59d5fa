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
    return *reinterpret_cast<volatile const std::uint32_t*>(base_ + offset);
  }
  void write32(std::uint32_t offset, std::uint32_t value) const {
    *reinterpret_cast<volatile std::uint32_t*>(base_ + offset) = value;
  }

 private:
  std::uintptr_t base_;
};

}  // namespace portcullis::hal
