// SPDX-License-Identifier: Apache-2.0
#pragma once
// NOR flash in host memory behind hal::PageFlash, with the physics a seed log must survive:
// erase sets a page to 0xFF, programming only clears bits (AND), and a test can cut the
// power in the middle of an erase or a program, or make the flash drop every command (as
// QEMU's unimplemented LM3S6965 flash controller does). Counts erases per page.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/hal/page_flash.hpp"

namespace portcullis::test {

template <std::size_t kPage, std::size_t kPages>
class FakePageFlash final : public hal::PageFlash {
 public:
  FakePageFlash() { memory_.fill(0xFF); }

  std::span<std::uint8_t> memory() { return memory_; }
  std::uintptr_t base() const { return reinterpret_cast<std::uintptr_t>(memory_.data()); }
  int erases(std::size_t page) const { return erases_.at(page); }
  int programmed_words() const { return programmed_words_; }

  // What the next commands do: the power fails after `words` more words are programmed
  // (the word being programmed then gets half its bits), or in the middle of the next erase
  // (half the page erased); every command after that fails (the device is off).
  void cut_power_after_words(int words) { words_left_ = words; }
  void cut_power_in_next_erase() { erase_cut_ = true; }
  void drop_commands(bool drop) { drop_ = drop; }
  void power_on() {
    words_left_ = -1;
    erase_cut_ = false;
    off_ = false;
  }

 private:
  std::size_t do_page_bytes() const override { return kPage; }

  Status do_erase_page(std::uintptr_t address) override {
    if (address < base() || (address - base()) % kPage != 0 || address - base() >= memory_.size()) {
      return Status::kInvalidArgument;
    }
    if (off_) return Status::kInternal;
    if (drop_) return Status::kOk;
    const std::size_t at = address - base();
    ++erases_.at(at / kPage);
    const std::size_t n = erase_cut_ ? kPage / 2 : kPage;
    std::fill_n(memory_.begin() + static_cast<std::ptrdiff_t>(at), n, 0xFF);
    if (erase_cut_) {
      off_ = true;
      return Status::kInternal;
    }
    return Status::kOk;
  }

  Status do_program(std::uintptr_t address, std::span<const std::uint32_t> words) override {
    if (address < base() || (address - base()) % 4 != 0 ||
        address - base() + 4 * words.size() > memory_.size()) {
      return Status::kInvalidArgument;
    }
    std::size_t at = address - base();
    for (const std::uint32_t w : words) {
      if (off_) return Status::kInternal;
      if (drop_) return Status::kOk;
      std::uint32_t value = w;
      if (words_left_ == 0) {
        value |= 0xFFFF0000u;  // half the bits made it
        off_ = true;
      } else if (words_left_ > 0) {
        --words_left_;
      }
      for (std::size_t b = 0; b < 4; ++b) {
        memory_[at + b] &= static_cast<std::uint8_t>(value >> (8 * b));
      }
      ++programmed_words_;
      at += 4;
    }
    return off_ ? Status::kInternal : Status::kOk;
  }

  alignas(kPage) std::array<std::uint8_t, kPage * kPages> memory_{};
  std::array<int, kPages> erases_{};
  int programmed_words_ = 0;
  int words_left_ = -1;
  bool erase_cut_ = false;
  bool off_ = false;
  bool drop_ = false;
};

}  // namespace portcullis::test
