// SPDX-License-Identifier: Apache-2.0
#pragma once
// The policy file parser. constexpr and header-only so that one parser serves three
// callers: the host tool that checks the file at configure time (FILE:LINE: reason), the
// firmware compiler that builds the table (static_assert on the same text), and tests.
// No allocation: it reads a string_view and fills a fixed-capacity Policy.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/policy/policy.hpp"

namespace portcullis::policy {

// Longer lines are an error rather than being truncated: a limit keeps every token and
// message bounded, and a 512-character line is already far beyond any sensible rule.
inline constexpr std::size_t kMaxLineLength = 512;
// A file limit makes "the host tool accepts it" imply "the firmware compiler can parse
// it": the worst 64 KiB file stays well inside GCC's default constexpr limits (65536
// lines < -fconstexpr-loop-limit 262144; operations: firmware/policy/README.md).
inline constexpr std::size_t kMaxPolicyText = std::size_t{64} * 1024;

enum class ErrorCode : std::uint8_t {
  kNone = 0,
  kFileTooLarge,
  kLineTooLong,
  kControlCharacter,
  kUnknownKeyword,
  kMissingArgument,
  kExtraArgument,
  kBadMode,
  kBadEcho,
  kBadProtocol,
  kExpectedFrom,
  kPortNotNumeric,
  kPortZero,
  kPortTooLarge,
  kReversedRange,
  kMgmtRange,
  kEmptyPrefix,
  kMalformedPrefix,
  kPrefixLengthRange,
  kHostBitsSet,
  kDuplicatePrefix,
  kDuplicateRule,
  kOverlappingRule,
  kSecondMgmt,
  kSecondMode,
  kSecondEcho,
  kTooManyRules,
  kTooManySources,
};

// Fixed text per code; the tool adds the file, line, token and other line around it.
constexpr std::string_view error_message(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNone:
      return "ok";
    case ErrorCode::kFileTooLarge:
      return "policy file larger than 65536 bytes";
    case ErrorCode::kLineTooLong:
      return "line longer than 512 characters";
    case ErrorCode::kControlCharacter:
      return "control character (only tab, and CR before LF, are allowed)";
    case ErrorCode::kUnknownKeyword:
      return "unknown keyword (expected mode, echo, allow or mgmt)";
    case ErrorCode::kMissingArgument:
      return "missing argument";
    case ErrorCode::kExtraArgument:
      return "extra argument";
    case ErrorCode::kBadMode:
      return "mode must be stealth or reject";
    case ErrorCode::kBadEcho:
      return "echo must be on or off";
    case ErrorCode::kBadProtocol:
      return "protocol must be tcp or udp";
    case ErrorCode::kExpectedFrom:
      return "expected 'from' after the port";
    case ErrorCode::kPortNotNumeric:
      return "port is not a decimal number";
    case ErrorCode::kPortZero:
      return "port 0 cannot be allowed";
    case ErrorCode::kPortTooLarge:
      return "port above 65535";
    case ErrorCode::kReversedRange:
      return "reversed port range (first port above last)";
    case ErrorCode::kMgmtRange:
      return "mgmt takes one port, not a range";
    case ErrorCode::kEmptyPrefix:
      return "empty entry in the prefix list";
    case ErrorCode::kMalformedPrefix:
      return "malformed prefix (expected IPv4 or IPv6 address, optionally /length)";
    case ErrorCode::kPrefixLengthRange:
      return "prefix length out of range (0..32 for IPv4, 0..128 for IPv6)";
    case ErrorCode::kHostBitsSet:
      return "host bits set in prefix (the address must be the first of its network)";
    case ErrorCode::kDuplicatePrefix:
      return "prefix listed twice in the same rule";
    case ErrorCode::kDuplicateRule:
      return "duplicate rule (same protocol and ports as an earlier rule)";
    case ErrorCode::kOverlappingRule:
      return "overlapping rules (same protocol, port ranges intersect)";
    case ErrorCode::kSecondMgmt:
      return "more than one mgmt line";
    case ErrorCode::kSecondMode:
      return "more than one mode line";
    case ErrorCode::kSecondEcho:
      return "more than one echo line";
    case ErrorCode::kTooManyRules:
      return "too many rules (capacity is 32, see kMaxRules)";
    case ErrorCode::kTooManySources:
      return "too many prefixes in one rule (capacity is 8, see kMaxSources)";
  }
  return "unknown error";
}

struct Error {
  std::uint32_t line = 0;  // 1-based; 0 only when there is no error
  ErrorCode code = ErrorCode::kNone;
  std::string_view token{};      // the offending word (points into the parsed text), or empty
  std::uint32_t other_line = 0;  // the earlier line a duplicate or overlap conflicts with

  constexpr std::string_view message() const { return error_message(code); }
  friend constexpr bool operator==(const Error&, const Error&) = default;
};

struct ParseResult {
  Policy policy{};
  Error error{};

  constexpr bool ok() const { return error.code == ErrorCode::kNone; }
};

namespace internal {

// The message texts state the capacities; keep them honest.
static_assert(kMaxRules == 32 && kMaxSources == 8 && kMaxLineLength == 512 &&
              kMaxPolicyText == 65536);

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t';
}
// CR only ends a line (CRLF files): a lone CR would split the line for some readers and
// not for others, so the host check and the compiler could see different rules.
constexpr bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n') || u == 0x7F;
}
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The address parsers below index a raw pointer instead of calling string_view members:
// in constant evaluation every call is counted against -fconstexpr-ops-limit, and this
// cuts the cost of a full 32-rule IPv6 policy several times over.

// Decimal digits only; `limit` caps the value so a long digit string cannot overflow.
// Returns false for an empty or non-decimal string; *value is limit + 1 when it exceeds it.
constexpr bool parse_decimal(std::string_view s, std::uint32_t limit, std::uint32_t& value) {
  const char* const p = s.data();
  const std::size_t n = s.size();
  if (n == 0) {
    return false;
  }
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') {
      return false;
    }
    if (value <= limit) {
      value = value * 10 + static_cast<std::uint32_t>(p[i] - '0');
    }
  }
  if (value > limit) {
    value = limit + 1;
  }
  return true;
}

// Dotted quad, each octet 0..255 without leading zeros (an old resolver reads 010 as 8).
constexpr bool parse_ipv4(std::string_view s, std::span<std::uint8_t, 4> out) {
  const char* const p = s.data();
  const std::size_t n = s.size();
  std::size_t octet = 0;
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    std::uint32_t v = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9' && i - start < 3) {
      v = v * 10 + static_cast<std::uint32_t>(p[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || (digits > 1 && p[start] == '0') || v > 255 || octet == 4) {
      return false;
    }
    out[octet++] = static_cast<std::uint8_t>(v);
    if (i == n) {
      break;
    }
    if (p[i] != '.') {
      return false;  // a fourth digit or another character
    }
    ++i;
  }
  return octet == 4;
}

// RFC 4291 section 2.2 text forms: eight groups of 1..4 hex digits, at most one `::`
// standing for one or more zero groups, and optionally a dotted quad as the last 32 bits.
constexpr bool parse_ipv6(std::string_view s, std::array<std::uint8_t, 16>& out) {
  const char* const p = s.data();
  const std::size_t n = s.size();
  std::uint16_t groups[8] = {};
  std::size_t count = 0;  // groups read so far
  bool has_gap = false;   // a `::` was read ...
  std::size_t gap = 0;    // ... and stands before groups[gap]
  std::size_t i = 0;
  if (n >= 2 && p[0] == ':' && p[1] == ':') {
    has_gap = true;
    i = 2;
  }
  while (i < n) {
    const std::size_t start = i;
    std::uint32_t g = 0;
    bool dot = false;
    for (; i < n && p[i] != ':'; ++i) {
      const int h = hex_value(p[i]);
      dot = dot || p[i] == '.';
      g = g * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
      if (h < 0 && p[i] != '.') {
        return false;
      }
    }
    if (dot) {
      // The dotted quad takes two groups and must end the address.
      std::uint8_t v4[4] = {};
      if (i != n || count > 6 || !parse_ipv4(std::string_view(p + start, i - start), v4)) {
        return false;
      }
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      break;
    }
    if (i == start || i - start > 4 || count == 8) {
      return false;
    }
    groups[count++] = static_cast<std::uint16_t>(g);
    if (i == n) {
      break;
    }
    ++i;  // past ':'
    if (i < n && p[i] == ':') {
      if (has_gap) {
        return false;  // a second `::`
      }
      has_gap = true;
      gap = count;
      ++i;
    } else if (i == n) {
      return false;  // a trailing single ':'
    }
  }
  if (has_gap ? count > 7 : count != 8) {
    return false;  // `::` stands for at least one group; without it there are eight
  }
  // The groups after the gap move to the end; the gap itself is zeros.
  std::uint16_t full[8] = {};
  const std::size_t head = has_gap ? gap : count;
  for (std::size_t k = 0; k < head; ++k) {
    full[k] = groups[k];
  }
  for (std::size_t k = head; k < count; ++k) {
    full[8 - count + k] = groups[k];
  }
  for (std::size_t k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
    out[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xFF);
  }
  return true;
}

// `ADDRESS[/LEN]`; no length means one host (/32 or /128).
constexpr ErrorCode parse_prefix(std::string_view s, Prefix& out) {
  out = Prefix{};
  const std::size_t slash = s.find('/');
  const std::string_view address = s.substr(0, slash);
  out.is_v6 = address.find(':') != std::string_view::npos;
  const bool address_ok = out.is_v6 ? parse_ipv6(address, out.addr)
                                    : parse_ipv4(address, std::span(out.addr).first<4>());
  if (!address_ok) {
    return ErrorCode::kMalformedPrefix;
  }
  const std::uint32_t max_len = out.is_v6 ? 128 : 32;
  std::uint32_t len = max_len;
  if (slash != std::string_view::npos && !parse_decimal(s.substr(slash + 1), max_len, len)) {
    return ErrorCode::kMalformedPrefix;
  }
  if (len > max_len) {
    return ErrorCode::kPrefixLengthRange;
  }
  out.len = static_cast<std::uint8_t>(len);
  for (std::size_t bit = len; bit < max_len; ++bit) {
    if ((out.addr[bit / 8] >> (7 - bit % 8)) & 1u) {
      return ErrorCode::kHostBitsSet;
    }
  }
  return ErrorCode::kNone;
}

// Prefix's operator== compares std::arrays through library calls; this is the cheap form.
constexpr bool same_prefix(const Prefix& a, const Prefix& b) {
  if (a.is_v6 != b.is_v6 || a.len != b.len) {
    return false;
  }
  const std::uint8_t* const x = a.addr.data();
  const std::uint8_t* const y = b.addr.data();
  for (std::size_t i = 0; i < 16; ++i) {
    if (x[i] != y[i]) {
      return false;
    }
  }
  return true;
}

constexpr ErrorCode parse_port(std::string_view s, std::uint16_t& port) {
  std::uint32_t v = 0;
  if (!parse_decimal(s, 65535, v)) {
    return ErrorCode::kPortNotNumeric;
  }
  if (v == 0) {
    return ErrorCode::kPortZero;
  }
  if (v > 65535) {
    return ErrorCode::kPortTooLarge;
  }
  port = static_cast<std::uint16_t>(v);
  return ErrorCode::kNone;
}

// Splits one line (comment already removed) into words and prefix-list entries.
class Lexer {
 public:
  constexpr explicit Lexer(std::string_view line) : data_(line.data()), size_(line.size()) {}

  // The next blank-separated word, or empty at the end of the line.
  constexpr std::string_view word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < size_ && !is_space(data_[pos_])) {
      ++pos_;
    }
    return std::string_view(data_ + start, pos_ - start);
  }

  // The next entry of a comma-separated list (blanks around commas are allowed). `more`
  // tells whether a comma followed it; `bad_end` whether something other than a comma
  // or the end of the line did.
  constexpr std::string_view list_entry(bool& more, bool& bad_end) {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < size_ && !is_space(data_[pos_]) && data_[pos_] != ',') {
      ++pos_;
    }
    const std::string_view entry(data_ + start, pos_ - start);
    skip_space();
    more = pos_ < size_ && data_[pos_] == ',';
    bad_end = !more && pos_ < size_;
    if (more) {
      ++pos_;
    }
    return entry;
  }

 private:
  constexpr void skip_space() {
    while (pos_ < size_ && is_space(data_[pos_])) {
      ++pos_;
    }
  }

  // A pointer and size rather than a string_view: indexing a string_view is a call, and
  // the constant evaluator counts it on every byte.
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

class Parser {
 public:
  constexpr explicit Parser(ParseResult& result) : result_(result) {}

  // One pass over each line's bytes finds its end, its comment and any control character:
  // constant evaluation counts every operation, and comments are much of a policy file.
  constexpr void run(std::string_view text) {
    const char* const bytes = text.data();
    const std::size_t size = text.size();
    if (size > kMaxPolicyText) {
      std::uint32_t line_of_limit = 1;
      for (std::size_t i = 0; i < kMaxPolicyText; ++i) {
        line_of_limit += bytes[i] == '\n' ? 1 : 0;
      }
      return fail(line_of_limit, ErrorCode::kFileTooLarge);
    }
    std::size_t start = 0;
    std::uint32_t n = 0;
    while (start < size && result_.ok()) {
      ++n;
      std::size_t end = start;  // of the line: its '\n' or the end of the text
      std::size_t content_end = std::string_view::npos;  // the first '#'
      bool control = false;
      bool words = false;  // anything but blanks before the comment
      for (; end < size && bytes[end] != '\n'; ++end) {
        const char c = bytes[end];
        if (c == '#') {
          content_end = content_end < end ? content_end : end;
        } else if (content_end == std::string_view::npos && c != ' ' && c != '\t' && c != '\r') {
          words = true;
        }
        if (is_control(c)) {
          // CR only as the last byte of a line (CRLF files).
          control = control || !(c == '\r' && (end + 1 == size || bytes[end + 1] == '\n'));
        }
      }
      const std::size_t line_end = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
      if (line_end - start > kMaxLineLength) {
        fail(n, ErrorCode::kLineTooLong);
      } else if (control) {
        fail(n, ErrorCode::kControlCharacter);
      } else if (words) {
        const std::size_t stop = content_end < line_end ? content_end : line_end;
        line(n, std::string_view(bytes + start, stop - start));
      }
      start = end + 1;
    }
  }

 private:
  constexpr void fail(std::uint32_t line, ErrorCode code, std::string_view token = {},
                      std::uint32_t other_line = 0) {
    result_.error = Error{line, code, token, other_line};
  }

  // `text` is the line without its comment and line end.
  constexpr void line(std::uint32_t n, std::string_view text) {
    Lexer lex(text);
    const std::string_view keyword = lex.word();
    if (keyword.empty()) {
      return;  // blank or comment-only
    }
    if (keyword == "mode") {
      return mode(n, lex);
    }
    if (keyword == "echo") {
      return echo(n, lex);
    }
    if (keyword == "allow") {
      return allow(n, lex, /*mgmt=*/false);
    }
    if (keyword == "mgmt") {
      return allow(n, lex, /*mgmt=*/true);
    }
    fail(n, ErrorCode::kUnknownKeyword, keyword);
  }

  // Reports a missing or an extra word; true when the line is still fine.
  constexpr bool present(std::uint32_t n, std::string_view word) {
    if (word.empty()) {
      fail(n, ErrorCode::kMissingArgument);
    }
    return !word.empty();
  }
  constexpr bool at_end(std::uint32_t n, Lexer& lex) {
    const std::string_view extra = lex.word();
    if (!extra.empty()) {
      fail(n, ErrorCode::kExtraArgument, extra);
    }
    return extra.empty();
  }

  constexpr void mode(std::uint32_t n, Lexer& lex) {
    const std::string_view value = lex.word();
    if (!present(n, value)) {
      return;
    }
    if (value != "stealth" && value != "reject") {
      return fail(n, ErrorCode::kBadMode, value);
    }
    if (!at_end(n, lex)) {
      return;
    }
    if (mode_line_ != 0) {
      return fail(n, ErrorCode::kSecondMode, {}, mode_line_);
    }
    mode_line_ = n;
    result_.policy.mode = value == "reject" ? Mode::kReject : Mode::kStealth;
  }

  constexpr void echo(std::uint32_t n, Lexer& lex) {
    const std::string_view value = lex.word();
    if (!present(n, value)) {
      return;
    }
    if (value != "on" && value != "off") {
      return fail(n, ErrorCode::kBadEcho, value);
    }
    if (!at_end(n, lex)) {
      return;
    }
    if (echo_line_ != 0) {
      return fail(n, ErrorCode::kSecondEcho, {}, echo_line_);
    }
    echo_line_ = n;
    result_.policy.echo = value == "on";
  }

  // `allow tcp|udp PORT[-PORT] [from LIST]` and `mgmt PORT [from LIST]`.
  constexpr void allow(std::uint32_t n, Lexer& lex, bool mgmt) {
    Rule rule{};
    rule.mgmt = mgmt;
    rule.line = n;
    if (!mgmt) {
      const std::string_view proto = lex.word();
      if (!present(n, proto)) {
        return;
      }
      if (proto != "tcp" && proto != "udp") {
        return fail(n, ErrorCode::kBadProtocol, proto);
      }
      rule.proto = proto == "udp" ? Proto::kUdp : Proto::kTcp;
    }
    const std::string_view ports = lex.word();
    if (!present(n, ports) || !port_range(n, ports, mgmt, rule)) {
      return;
    }
    const std::string_view from = lex.word();
    if (!from.empty()) {
      if (from != "from") {
        return fail(n, ErrorCode::kExpectedFrom, from);
      }
      if (!sources(n, lex, rule)) {
        return;
      }
    }
    if (mgmt && mgmt_line_ != 0) {
      return fail(n, ErrorCode::kSecondMgmt, {}, mgmt_line_);
    }
    for (const Rule& other : result_.policy.active_rules()) {
      if (other.proto == rule.proto && other.first_port <= rule.last_port &&
          rule.first_port <= other.last_port) {
        const bool same = other.first_port == rule.first_port && other.last_port == rule.last_port;
        return fail(n, same ? ErrorCode::kDuplicateRule : ErrorCode::kOverlappingRule, ports,
                    other.line);
      }
    }
    if (result_.policy.rule_count == kMaxRules) {
      return fail(n, ErrorCode::kTooManyRules);
    }
    if (mgmt) {
      mgmt_line_ = n;
    }
    result_.policy.rules[result_.policy.rule_count++] = rule;
  }

  constexpr bool port_range(std::uint32_t n, std::string_view text, bool mgmt, Rule& rule) {
    const std::size_t dash = text.find('-');
    if (mgmt && dash != std::string_view::npos) {
      fail(n, ErrorCode::kMgmtRange, text);
      return false;
    }
    ErrorCode code = parse_port(text.substr(0, dash), rule.first_port);
    rule.last_port = rule.first_port;
    if (code == ErrorCode::kNone && dash != std::string_view::npos) {
      code = parse_port(text.substr(dash + 1), rule.last_port);
      if (code == ErrorCode::kNone && rule.last_port < rule.first_port) {
        code = ErrorCode::kReversedRange;
      }
    }
    if (code != ErrorCode::kNone) {
      fail(n, code, text);
    }
    return code == ErrorCode::kNone;
  }

  constexpr bool sources(std::uint32_t n, Lexer& lex, Rule& rule) {
    bool more = true;
    bool first = true;
    while (more) {
      bool bad_end = false;
      const std::string_view entry = lex.list_entry(more, bad_end);
      if (entry.empty()) {
        fail(n, first && !more ? ErrorCode::kMissingArgument : ErrorCode::kEmptyPrefix);
        return false;
      }
      first = false;
      if (bad_end) {
        fail(n, ErrorCode::kExtraArgument, lex.word());
        return false;
      }
      Prefix prefix{};
      const ErrorCode code = parse_prefix(entry, prefix);
      if (code != ErrorCode::kNone) {
        fail(n, code, entry);
        return false;
      }
      for (std::size_t i = 0; i < rule.source_count; ++i) {
        if (same_prefix(rule.sources[i], prefix)) {
          fail(n, ErrorCode::kDuplicatePrefix, entry);
          return false;
        }
      }
      if (rule.source_count == kMaxSources) {
        fail(n, ErrorCode::kTooManySources, entry);
        return false;
      }
      rule.sources[rule.source_count++] = prefix;
    }
    return true;
  }

  ParseResult& result_;
  std::uint32_t mode_line_ = 0;
  std::uint32_t echo_line_ = 0;
  std::uint32_t mgmt_line_ = 0;
};

}  // namespace internal

// Parses a whole policy file. On error, `policy` holds what was read before the bad line
// and must not be used.
[[nodiscard]] constexpr ParseResult parse(std::string_view text) {
  ParseResult result{};
  internal::Parser(result).run(text);
  return result;
}

}  // namespace portcullis::policy
