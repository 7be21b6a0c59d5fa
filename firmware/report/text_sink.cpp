// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/text_sink.hpp"

#include <algorithm>

namespace portcullis::report {

std::size_t TextSink::stored() const {
  return pos_ > skip_ ? std::min(pos_ - skip_, out_.size()) : 0;
}

std::size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) {
    return 0;
  }
  const auto byte = [&s](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  const std::uint8_t b0 = byte(0);
  if (b0 < 0x80) {
    return 1;
  }
  // Unicode 15, table 3-7: the second byte's range depends on the first, which is what
  // excludes overlong forms, surrogates and code points beyond U+10FFFF.
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    low = b0 == 0xE0 ? 0xA0 : 0x80;
    high = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    low = b0 == 0xF0 ? 0x90 : 0x80;
    high = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() < length || byte(1) < low || byte(1) > high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) {
      return 0;
    }
  }
  return length;
}

}  // namespace portcullis::report
