// SPDX-License-Identifier: Apache-2.0
#include "utf8.hpp"

#include <cstdint>

namespace portcullis::fleet {

Utf8Char decode_utf8(std::string_view s, std::size_t at) {
  const auto byte = [s](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  const std::uint8_t b0 = byte(at);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t length = 0;
  char32_t cp = 0;
  // The second byte's range is where overlongs, surrogates and > U+10FFFF are cut off.
  std::uint8_t lo = 0x80;
  std::uint8_t hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {kReplacementCharacter, 1, false};  // a continuation byte, C0, C1 or F5-FF
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (at + k >= s.size() || byte(at + k) < lo || byte(at + k) > hi) {
      return {kReplacementCharacter, k, false};
    }
    cp = cp << 6 | (byte(at + k) & 0x3Fu);
    lo = 0x80;
    hi = 0xBF;
  }
  return {cp, length, true};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace portcullis::fleet
