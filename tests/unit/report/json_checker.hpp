// SPDX-License-Identifier: Apache-2.0
#pragma once
// A strict JSON (RFC 8259) parser for tests: nlohmann-json's parser, which rejects what a
// lenient reader would let through (trailing commas, leading zeros, raw control characters,
// lone surrogates, ill-formed UTF-8, text after the value), and duplicate keys refused on
// top; it gives back a tree to compare fields against. Test code only: it allocates.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portcullis::test {

struct JsonValue {
  enum class Kind { kMissing, kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kMissing;
  bool boolean = false;
  std::string text;               // a number as written, or a string decoded to UTF-8
  std::vector<JsonValue> items;   // an array's items, or an object's member values
  std::vector<std::string> keys;  // an object's member names, beside `items`, in order

  // The member named `key`, or a kMissing value.
  const JsonValue& operator[](std::string_view key) const;
  // Item `i` of an array, or a kMissing value.
  const JsonValue& operator[](std::size_t i) const;
  std::size_t size() const { return items.size(); }

  bool is_string(std::string_view expected) const {
    return kind == Kind::kString && text == expected;
  }
  // Only a plain non-negative integer counts; anything else is a test failure.
  bool is_u64(std::uint64_t expected) const;
};

struct JsonParse {
  bool ok = false;
  std::string error;  // what was wrong, and where
  std::size_t offset = 0;
  JsonValue value;
};

JsonParse parse_json(std::string_view text);

}  // namespace portcullis::test
