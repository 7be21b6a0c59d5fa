// SPDX-License-Identifier: Apache-2.0
#pragma once
// UTF-8 as the test-side checkers read it (json_checker, exposition_checker, the status
// fuzzer): one character decoded to its code point and its range checked, rather than by
// byte tables as the encoder does, so the encoder and its judges cannot share a mistake.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace portcullis::test {

enum class Utf8Fault : std::uint8_t {
  kNone,
  kLeadByte,      // not a byte a character can start with
  kCutShort,      // the text ends inside the character
  kContinuation,  // a byte after the first is not 10xxxxxx
  kRange,         // overlong, a UTF-16 surrogate, or above U+10FFFF
};

struct Utf8Char {
  std::size_t length = 0;  // bytes of the character (0 with a fault)
  Utf8Fault fault = Utf8Fault::kNone;
};

// The character that starts at s[at] (at < s.size()).
inline Utf8Char decode_utf8(std::string_view s, std::size_t at) {
  const auto b0 = static_cast<std::uint8_t>(s[at]);
  std::size_t length = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    return {1, Utf8Fault::kNone};
  }
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    return {0, Utf8Fault::kLeadByte};
  }
  if (s.size() - at < length) {
    return {0, Utf8Fault::kCutShort};
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<std::uint8_t>(s[at + k]);
    if ((b & 0xC0) != 0x80) {
      return {0, Utf8Fault::kContinuation};
    }
    cp = cp << 6 | (b & 0x3Fu);
  }
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return {0, Utf8Fault::kRange};
  }
  return {length, Utf8Fault::kNone};
}

// The whole text is well-formed UTF-8.
inline bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char c = decode_utf8(s, i);
    if (c.fault != Utf8Fault::kNone) {
      return false;
    }
    i += c.length;
  }
  return true;
}

}  // namespace portcullis::test
