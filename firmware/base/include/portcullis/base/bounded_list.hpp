// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

namespace portcullis {

// A fixed-capacity list: an array and how many of its entries are in use.
template <typename T, std::size_t kCapacity>
struct BoundedList {
  std::array<T, kCapacity> items{};
  std::size_t count = 0;

  static constexpr std::size_t capacity() { return kCapacity; }
  // False (and nothing stored) when full: the caller decides whether the newest or the
  // oldest entry matters more.
  [[nodiscard]] constexpr bool push(const T& item) {
    if (count >= kCapacity) {
      return false;
    }
    items[count++] = item;
    return true;
  }
  // Clamped, so a corrupted `count` cannot make a reader walk past the array.
  constexpr std::span<const T> view() const {
    return std::span<const T>(items.data(), std::min(count, kCapacity));
  }
};

}  // namespace portcullis
