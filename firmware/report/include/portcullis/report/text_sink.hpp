// SPDX-License-Identifier: Apache-2.0
#pragma once
// The bounded output under the JSON and metrics writers (and the HTTP response head):
// text goes into a caller's fixed buffer and never past its end. Everything put is
// counted, stored or not, so one encoder run with an empty buffer measures a document and
// a run with a window (`skip`) streams it piece by piece through a small buffer.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/fixed_text.hpp"
#include "portcullis/base/status.hpp"

namespace portcullis::report {

class TextSink {
 public:
  // Stores the text from offset `skip` on into `out`, as much as fits.
  explicit TextSink(std::span<char> out, std::size_t skip = 0) : out_(out), skip_(skip) {}

  void put(char c) {
    if (pos_ >= skip_ && pos_ - skip_ < out_.size()) {
      out_[pos_ - skip_] = c;
    }
    ++pos_;
  }
  void put(std::string_view s) {
    for (const char c : s) {
      put(c);
    }
  }
  void put_decimal(std::uint64_t v) { put(decimal_text(v).view()); }

  // Length of all the text put so far, stored or not.
  std::size_t size() const { return pos_; }
  // Bytes stored in `out`.
  std::size_t stored() const;
  // Everything put so far is in `out`: no window, nothing cut off.
  bool complete() const { return skip_ == 0 && pos_ <= out_.size(); }

 private:
  std::span<char> out_;
  std::size_t skip_;
  std::size_t pos_ = 0;
};

// Length (1..4) of the well-formed UTF-8 sequence at the start of `s`, or 0 when `s` is
// empty or starts with an ill-formed one (stray continuation byte, overlong form,
// surrogate, beyond U+10FFFF, cut short). Both formats must be valid UTF-8, and device
// names come from outside the agent.
std::size_t utf8_sequence_length(std::string_view s);

// U+FFFD, which stands in for each byte of an ill-formed sequence.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace portcullis::report
