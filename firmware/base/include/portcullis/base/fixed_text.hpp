// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text in fixed buffers, usable in constant evaluation: no heap, no locale.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace portcullis {

// A number as decimal text.
struct DecimalText {
  char chars[20] = {};  // 2^64 - 1 has 20 digits
  std::size_t size = 0;
  constexpr std::string_view view() const { return std::string_view(chars, size); }
};
constexpr DecimalText decimal_text(std::uint64_t v) {
  char reversed[20] = {};
  std::size_t n = 0;
  do {
    reversed[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  DecimalText out;
  while (n > 0) {
    out.chars[out.size++] = reversed[--n];
  }
  return out;
}

// A fixed buffer holding text. A C array rather than std::array: its operator[] is a call,
// which the constant evaluator counts on every character. The caller sizes kCapacity for
// the worst case (appending past it is out of bounds).
template <std::size_t kCapacity>
struct FixedText {
  char chars[kCapacity] = {};
  std::size_t size = 0;

  constexpr std::string_view view() const { return std::string_view(chars, size); }
  constexpr void append(std::string_view s) {
    const char* const p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) {
      chars[size++] = p[i];
    }
  }
  constexpr void append(char c) { chars[size++] = c; }
  constexpr void append_decimal(std::uint64_t v) { append(decimal_text(v).view()); }
};

}  // namespace portcullis
