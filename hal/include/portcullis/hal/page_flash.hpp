// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/base/status.hpp"

namespace portcullis::hal {

// NOR flash that the CPU reads as memory, erases a page at a time (every bit to 1) and
// programs a 32-bit word at a time (bits only from 1 to 0). Programming a word that is not
// erased is the caller's mistake; whether the bits stuck is for the caller to read back.
class PageFlash {
 public:
  PageFlash(const PageFlash&) = delete;
  PageFlash& operator=(const PageFlash&) = delete;

  std::size_t page_bytes() const { return do_page_bytes(); }
  // `address`: the page's first byte. kInvalidArgument when not a page of this flash.
  Status erase_page(std::uintptr_t address) { return do_erase_page(address); }
  // `address`: word-aligned, inside this flash. Stops at the first word that fails.
  Status program(std::uintptr_t address, std::span<const std::uint32_t> words) {
    return do_program(address, words);
  }

 protected:
  PageFlash() = default;
  ~PageFlash() = default;

 private:
  virtual std::size_t do_page_bytes() const = 0;
  virtual Status do_erase_page(std::uintptr_t address) = 0;
  virtual Status do_program(std::uintptr_t address, std::span<const std::uint32_t> words) = 0;
};

}  // namespace portcullis::hal
