// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's JSON reader: one document into a read-only tree of Values, parsed by
// nlohmann-json (Debian's nlohmann-json3-dev) through its SAX interface.
// Bounded: nesting depth and input size are limited by the caller's response limit and
// kMaxDepth. Numbers are kept as double (the status document's counters fit in 2^53).
// Strings must be UTF-8 (RFC 8259 8.1; the firmware's encoder writes nothing else): a
// document with an ill-formed sequence (a raw 0x80-0xFF byte that starts none, an overlong
// form, a surrogate, a cut-short character, above U+10FFFF) is refused like any syntax error,
// not repaired, so every string in a Value is well-formed UTF-8. Escapes may still give any
// scalar value, controls included ("\u009b"): report.hpp's printable() and json_escape() make
// them safe to show.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portcullis::fleet {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;  // in document order

  const Value* get(std::string_view key) const {
    if (kind != Kind::kObject) return nullptr;
    for (const auto& [k, v] : object) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string str(std::string_view key, std::string_view fallback = "?") const {
    const Value* v = get(key);
    return v && v->kind == Kind::kString ? v->string : std::string(fallback);
  }
  double num(std::string_view key, double fallback = 0) const {
    const Value* v = get(key);
    return v && v->kind == Kind::kNumber ? v->number : fallback;
  }
  const std::vector<Value>& list(std::string_view key) const {
    static const std::vector<Value> kEmpty;
    const Value* v = get(key);
    return v && v->kind == Kind::kArray ? v->array : kEmpty;
  }
};

// Only JSON true is true: a missing key, null, 1 or "true" is not.
inline bool is_true(const Value* v) {
  return v && v->kind == Value::Kind::kBool && v->boolean;
}

// nullopt on any syntax error or invalid UTF-8 (error gets a short reason and offset).
std::optional<Value> parse_json(std::string_view text, std::string* error = nullptr);

}  // namespace portcullis::fleet
