// SPDX-License-Identifier: Apache-2.0
#include "json.hpp"

#include <cstdlib>
#include <string>

#include "utf8.hpp"

namespace portcullis::fleet {
namespace {

constexpr int kMaxDepth = 32;

class Reader {
 public:
  explicit Reader(std::string_view t) : t_(t) {}

  bool document(Value& out) {
    ws();
    if (!value(out, 0)) return false;
    ws();
    if (i_ != t_.size()) return fail("trailing characters");
    return true;
  }
  std::string error() const { return err_ + " at offset " + std::to_string(i_); }

 private:
  bool fail(const char* why) {
    if (err_.empty()) err_ = why;
    return false;
  }
  void ws() {
    while (i_ < t_.size() &&
           (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) {
      ++i_;
    }
  }
  bool literal(std::string_view word) {
    if (t_.substr(i_, word.size()) != word) return fail("bad literal");
    i_ += word.size();
    return true;
  }
  bool value(Value& v, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    if (i_ >= t_.size()) return fail("unexpected end");
    const char c = t_[i_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v.kind = Value::Kind::kString;
      return string(v.string);
    }
    if (c == 't') {
      v.kind = Value::Kind::kBool;
      v.boolean = true;
      return literal("true");
    }
    if (c == 'f') {
      v.kind = Value::Kind::kBool;
      return literal("false");
    }
    if (c == 'n') return literal("null");
    return number(v);
  }
  bool number(Value& v) {
    const std::size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    const std::size_t digits = i_;
    while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    if (i_ == digits) return fail("bad number");
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      const std::size_t frac = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == frac) return fail("bad number");
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      const std::size_t exp = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == exp) return fail("bad number");
    }
    v.kind = Value::Kind::kNumber;
    v.number = std::strtod(std::string(t_.substr(start, i_ - start)).c_str(), nullptr);
    return true;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(unsigned& out) {
    if (t_.size() - i_ < 4) return fail("bad \\u escape");
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const int h = hex(t_[i_++]);
      if (h < 0) return fail("bad \\u escape");
      out = out * 16 + static_cast<unsigned>(h);
    }
    return true;
  }
  bool string(std::string& out) {
    ++i_;  // opening quote
    while (i_ < t_.size()) {
      const char c = t_[i_++];
      if (c == '"') return true;
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20) return fail("control character in string");
      if (u >= 0x80) {
        --i_;  // an error's offset is the character's first byte
        const Utf8Char ch = decode_utf8(t_, i_);
        if (!ch.valid) return fail("invalid UTF-8 in string");
        out += t_.substr(i_, ch.length);
        i_ += ch.length;
        continue;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= t_.size()) break;
      const char e = t_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
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
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned lo = 0;
            if (t_.substr(i_, 2) != "\\u") return fail("lone surrogate");
            i_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }
  bool array(Value& v, int depth) {
    v.kind = Value::Kind::kArray;
    ++i_;
    ws();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      return true;
    }
    for (;;) {
      ws();
      Value item;
      if (!value(item, depth + 1)) return false;
      v.array.push_back(std::move(item));
      ws();
      if (i_ >= t_.size()) return fail("unterminated array");
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == ']') {
        ++i_;
        return true;
      }
      return fail("expected , or ]");
    }
  }
  bool object(Value& v, int depth) {
    v.kind = Value::Kind::kObject;
    ++i_;
    ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      return true;
    }
    for (;;) {
      ws();
      if (i_ >= t_.size() || t_[i_] != '"') return fail("expected key");
      std::string key;
      if (!string(key)) return false;
      ws();
      if (i_ >= t_.size() || t_[i_] != ':') return fail("expected :");
      ++i_;
      ws();
      Value item;
      if (!value(item, depth + 1)) return false;
      v.object.emplace_back(std::move(key), std::move(item));
      ws();
      if (i_ >= t_.size()) return fail("unterminated object");
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == '}') {
        ++i_;
        return true;
      }
      return fail("expected , or }");
    }
  }

  std::string_view t_;
  std::size_t i_ = 0;
  std::string err_;
};

}  // namespace

std::optional<Value> parse_json(std::string_view text, std::string* error) {
  Reader r(text);
  Value v;
  if (!r.document(v)) {
    if (error) *error = r.error();
    return std::nullopt;
  }
  return v;
}

}  // namespace portcullis::fleet
