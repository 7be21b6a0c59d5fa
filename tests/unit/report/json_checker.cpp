// SPDX-License-Identifier: Apache-2.0
#include "json_checker.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace portcullis::test {

namespace {

const JsonValue& missing() {
  static const JsonValue kMissing;
  return kMissing;
}

constexpr std::size_t kMaxDepth = 64;

JsonValue of_kind(JsonValue::Kind kind) {
  JsonValue v;
  v.kind = kind;
  return v;
}

// nlohmann-json's SAX parser (Debian's nlohmann-json3-dev) does the strict part: RFC 8259
// syntax, no trailing commas or leading zeros, no raw control characters, no lone
// surrogates, well-formed UTF-8, nothing after the value. What it allows and an encoder must
// not write is refused here: duplicate keys. Numbers keep the text they were written as.
class TreeBuilder {
 public:
  using Json = nlohmann::json;

  bool null() { return put(of_kind(JsonValue::Kind::kNull)); }
  bool boolean(bool b) {
    JsonValue v = of_kind(JsonValue::Kind::kBool);
    v.boolean = b;
    return put(std::move(v));
  }
  // nlohmann reports a number with a '-' as an integer and one without as unsigned, so the
  // written text comes back exactly ("-0" included); fractions and exponents keep theirs.
  bool number_integer(Json::number_integer_t n) {
    const auto magnitude = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(n);
    return number("-" + std::to_string(magnitude));
  }
  bool number_unsigned(Json::number_unsigned_t n) { return number(std::to_string(n)); }
  bool number_float(Json::number_float_t /*n*/, const Json::string_t& text) { return number(text); }
  bool string(Json::string_t& s) {
    JsonValue v = of_kind(JsonValue::Kind::kString);
    v.text = std::move(s);
    return put(std::move(v));
  }
  bool binary(Json::binary_t& /*unused*/) { return false; }
  bool start_object(std::size_t /*elements*/) { return open(JsonValue::Kind::kObject); }
  bool key(Json::string_t& k) {
    JsonValue& object = *open_.back();
    for (const std::string& seen : object.keys) {
      if (seen == k) {
        error_ = "duplicate key '" + k + "'";
        return false;
      }
    }
    object.keys.push_back(std::move(k));
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*elements*/) { return open(JsonValue::Kind::kArray); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    error_ = e.what();
    offset_ = position;
    return false;
  }

  JsonValue root;
  std::string error_;
  std::size_t offset_ = 0;

 private:
  bool number(std::string text) {
    JsonValue v = of_kind(JsonValue::Kind::kNumber);
    v.text = std::move(text);
    return put(std::move(v));
  }
  bool put(JsonValue v) {
    if (open_.empty()) {
      root = std::move(v);
      return true;
    }
    open_.back()->items.push_back(std::move(v));
    return true;
  }
  bool open(JsonValue::Kind kind) {
    if (open_.size() >= kMaxDepth) {
      error_ = "nested deeper than 64";
      return false;
    }
    JsonValue v = of_kind(kind);
    if (open_.empty()) {
      root = std::move(v);
      open_.push_back(&root);
    } else {
      open_.back()->items.push_back(std::move(v));
      open_.push_back(&open_.back()->items.back());  // its parent grows only after it closes
    }
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }

  std::vector<JsonValue*> open_;
};

}  // namespace

const JsonValue& JsonValue::operator[](std::string_view key) const {
  if (kind == Kind::kObject) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) {
        return items[i];
      }
    }
  }
  return missing();
}

const JsonValue& JsonValue::operator[](std::size_t i) const {
  return kind == Kind::kArray && i < items.size() ? items[i] : missing();
}

bool JsonValue::is_u64(std::uint64_t expected) const {
  return kind == Kind::kNumber && text == std::to_string(expected);
}

JsonParse parse_json(std::string_view text) {
  TreeBuilder builder;
  JsonParse result;
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                nlohmann::json::input_format_t::json, true)) {
    result.ok = true;
    result.offset = text.size();
    result.value = std::move(builder.root);
  } else {
    result.error = builder.error_.empty() ? "not JSON" : builder.error_;
    result.offset = builder.offset_;
  }
  return result;
}

}  // namespace portcullis::test
