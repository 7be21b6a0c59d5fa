// SPDX-License-Identifier: Apache-2.0
#include "json_checker.hpp"

#include "utf8_check.hpp"

namespace portcullis::test {

namespace {

const JsonValue& missing() {
  static const JsonValue kMissing;
  return kMissing;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  JsonParse run() {
    JsonParse result;
    skip_whitespace();
    if (!value(result.value, 0)) {
      return fail_result();
    }
    skip_whitespace();
    if (pos_ != text_.size()) {
      error_ = "text after the value";
      return fail_result();
    }
    result.ok = true;
    result.offset = pos_;
    return result;
  }

 private:
  static constexpr int kMaxDepth = 64;

  JsonParse fail_result() const {
    JsonParse r;
    r.error = error_ + " at offset " + std::to_string(pos_);
    r.offset = pos_;
    return r;
  }
  bool fail(const char* why) {
    if (error_.empty()) {
      error_ = why;
    }
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return fail("unknown literal");
    }
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue& out, int depth) {
    if (depth > kMaxDepth) {
      return fail("nesting too deep");
    }
    if (at_end()) {
      return fail("value expected, end of text");
    }
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"':
        out.kind = JsonValue::Kind::kString;
        return string(out.text);
      case 't':
        out.kind = JsonValue::Kind::kBool;
        out.boolean = true;
        return literal("true");
      case 'f':
        out.kind = JsonValue::Kind::kBool;
        return literal("false");
      case 'n':
        out.kind = JsonValue::Kind::kNull;
        return literal("null");
      default:
        out.kind = JsonValue::Kind::kNumber;
        return number(out.text);
    }
  }

  bool object(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kObject;
    ++pos_;  // '{'
    skip_whitespace();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_whitespace();
      if (peek() != '"') {
        return fail("object key expected");
      }
      std::string key;
      if (!string(key)) {
        return false;
      }
      for (const std::string& k : out.keys) {
        if (k == key) {
          return fail("duplicate key");
        }
      }
      skip_whitespace();
      if (peek() != ':') {
        return fail("':' expected");
      }
      ++pos_;
      skip_whitespace();
      out.keys.push_back(key);
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1)) {
        return false;
      }
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("',' or '}' expected");
    }
  }

  bool array(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::kArray;
    ++pos_;  // '['
    skip_whitespace();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_whitespace();
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1)) {
        return false;
      }
      skip_whitespace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("',' or ']' expected");
    }
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(std::string& out) {
    const std::size_t start = pos_;
    if (peek() == '-') {
      ++pos_;
    }
    if (peek() == '0') {
      ++pos_;
      if (is_digit(peek())) {
        return fail("leading zero");
      }
    } else if (is_digit(peek())) {
      while (is_digit(peek())) {
        ++pos_;
      }
    } else {
      return fail("value expected");
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) {
        return fail("digit expected after '.'");
      }
      while (is_digit(peek())) {
        ++pos_;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') {
        ++pos_;
      }
      if (!is_digit(peek())) {
        return fail("digit expected in exponent");
      }
      while (is_digit(peek())) {
        ++pos_;
      }
    }
    out.assign(text_.substr(start, pos_ - start));
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | cp >> 6);
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | cp >> 12);
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | cp >> 18);
      out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = peek();
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("four hex digits expected after \\u");
      }
      out = out << 4 | d;
      ++pos_;
    }
    return true;
  }

  // One raw UTF-8 character, decoded by its code point (utf8_check.hpp).
  bool raw_utf8(std::string& out) {
    const Utf8Char c = decode_utf8(text_, pos_);
    switch (c.fault) {
      case Utf8Fault::kNone:
        break;
      case Utf8Fault::kLeadByte:
        return fail("ill-formed UTF-8 lead byte");
      case Utf8Fault::kCutShort:
        return fail("UTF-8 sequence cut short");
      case Utf8Fault::kContinuation:
        return fail("ill-formed UTF-8 continuation");
      case Utf8Fault::kRange:
        return fail("overlong, surrogate or out-of-range UTF-8");
    }
    const std::size_t length = c.length;
    out.append(text_.substr(pos_, length));
    pos_ += length;
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // '"'
    while (true) {
      if (at_end()) {
        return fail("unterminated string");
      }
      const char c = peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<std::uint8_t>(c) < 0x20) {
        return fail("raw control character in string");
      }
      if (c != '\\') {
        if (!raw_utf8(out)) {
          return false;
        }
        continue;
      }
      ++pos_;
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) {
            return false;
          }
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone low surrogate");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") {
              return fail("high surrogate without its low half");
            }
            pos_ += 2;
            if (!hex4(low)) {
              return false;
            }
            if (low < 0xDC00 || low > 0xDFFF) {
              return fail("high surrogate without its low half");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("unknown escape");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
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
  return Parser(text).run();
}

}  // namespace portcullis::test
