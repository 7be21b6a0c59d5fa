// SPDX-License-Identifier: Apache-2.0
#pragma once
// UTF-8 as portcullis-fleet reads every string from a device or a broker: one character at a
// time, so that the JSON reader can refuse what is not UTF-8 and the table and --json can
// replace or escape what a terminal would act on.

#include <cstddef>
#include <string>
#include <string_view>

namespace portcullis::fleet {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

struct Utf8Char {
  char32_t code_point = kReplacementCharacter;  // kReplacementCharacter when not valid
  std::size_t length = 0;                       // bytes, at least 1
  bool valid = false;
};

// The character that starts at s[at] (at < s.size()), read as Unicode's table 3-7 allows:
// no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF. An ill-formed sequence is
// not valid and its length is its maximal subpart (Unicode 3.9: the longest start of a
// well-formed sequence, or one byte), so replacing each with U+FFFD never swallows the
// character after a cut-short one.
Utf8Char decode_utf8(std::string_view s, std::size_t at);

// `cp` (a Unicode scalar value) appended as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// What a terminal acts on or reorders: C0, DEL and C1 controls (U+009B is CSI on many
// terminals), and the bidi embeddings, overrides and isolates that show text in another order
// than it reads (U+202A-U+202E, U+2066-U+2069; CVE-2021-42574).
constexpr bool is_terminal_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace portcullis::fleet
