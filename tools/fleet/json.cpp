// SPDX-License-Identifier: Apache-2.0
#include "json.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace portcullis::fleet {
namespace {

constexpr std::size_t kMaxDepth = 32;

// nlohmann's SAX parser does the lexing, numbers, escapes and UTF-8 checks (RFC 8259); this
// builds our read-only tree from its events and bounds the nesting, so a hostile document of
// 256 KiB of '[' costs neither stack nor a deep tree.
class TreeBuilder {
 public:
  using Json = nlohmann::json;
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  bool null() { return put(Value{}); }
  bool boolean(bool b) {
    Value v;
    v.kind = Value::Kind::kBool;
    v.boolean = b;
    return put(std::move(v));
  }
  bool number_integer(number_integer_t n) { return number(static_cast<double>(n)); }
  bool number_unsigned(number_unsigned_t n) { return number(static_cast<double>(n)); }
  bool number_float(number_float_t n, const string_t& /*text*/) { return number(n); }
  bool string(string_t& s) {
    Value v;
    v.kind = Value::Kind::kString;
    v.string = std::move(s);
    return put(std::move(v));
  }
  bool binary(binary_t& /*unused*/) { return false; }  // JSON text has none
  bool start_object(std::size_t /*elements*/) { return open(Value::Kind::kObject); }
  bool key(string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*elements*/) { return open(Value::Kind::kArray); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    // `position` counts the bytes read, the offending one included.
    const std::size_t at = position > 0 ? position - 1 : 0;
    const std::string what = e.what();
    if (what.find("ill-formed UTF-8") != std::string::npos) {
      error_ = "invalid UTF-8 in string at offset " + std::to_string(at);
    } else {
      // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while
      // parsing value - invalid literal; last read: '<'": the reason only, never the bytes.
      const auto dash = what.rfind(" - ");
      std::string why = dash == std::string::npos ? "syntax error" : what.substr(dash + 3);
      why = why.substr(0, why.find(';'));
      error_ = why + " at offset " + std::to_string(at);
    }
    return false;
  }

  std::optional<Value> take() {
    return done_ ? std::optional<Value>(std::move(root_)) : std::nullopt;
  }
  const std::string& error() const { return error_; }

 private:
  bool number(double d) {
    Value v;
    v.kind = Value::Kind::kNumber;
    v.number = d;
    return put(std::move(v));
  }
  // Adds `v` to the open container, or makes it the document.
  bool put(Value v) {
    if (open_.empty()) {
      root_ = std::move(v);
      done_ = true;
      return true;
    }
    Value& parent = *open_.back();
    if (parent.kind == Value::Kind::kArray) {
      parent.array.push_back(std::move(v));
    } else {
      parent.object.emplace_back(std::move(key_), std::move(v));
      key_.clear();
    }
    return true;
  }
  bool open(Value::Kind kind) {
    if (open_.size() >= kMaxDepth) {
      error_ = "nesting deeper than " + std::to_string(kMaxDepth);
      return false;
    }
    Value v;
    v.kind = kind;
    if (open_.empty()) {
      root_ = std::move(v);
      open_.push_back(&root_);
      return true;
    }
    Value& parent = *open_.back();
    Value* child;
    if (parent.kind == Value::Kind::kArray) {
      parent.array.push_back(std::move(v));
      child = &parent.array.back();
    } else {
      parent.object.emplace_back(std::move(key_), std::move(v));
      key_.clear();
      child = &parent.object.back().second;
    }
    open_.push_back(child);  // stays valid: its parent grows only after this child closes
    return true;
  }
  bool close() {
    open_.pop_back();
    if (open_.empty()) done_ = true;
    return true;
  }

  Value root_;
  std::vector<Value*> open_;  // the containers being filled, innermost last
  std::string key_;
  std::string error_;
  bool done_ = false;
};

}  // namespace

std::optional<Value> parse_json(std::string_view text, std::string* error) {
  TreeBuilder builder;
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                            nlohmann::json::input_format_t::json, true);
  auto doc = ok ? builder.take() : std::nullopt;
  if (!doc && error) *error = builder.error().empty() ? "not a JSON document" : builder.error();
  return doc;
}

}  // namespace portcullis::fleet
