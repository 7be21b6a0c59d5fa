// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/http_request.hpp"

#include <algorithm>
#include <array>

namespace portcullis::mgmt {

namespace {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_one_of(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}
// RFC 9110 5.6.2.
constexpr bool is_tchar(char c) {
  return is_digit(c) || is_alpha(c) || is_one_of(c, "!#$%&'*+-.^_`|~");
}
// RFC 3986: unreserved and sub-delims, the characters a path segment and a host share.
constexpr bool is_unreserved_or_sub_delim(char c) {
  return is_digit(c) || is_alpha(c) || is_one_of(c, "-._~!$&'()*+,;=");
}

constexpr bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// Every '%' starts a pct-encoded octet; every other character is in `extra` or in
// unreserved / sub-delims.
constexpr bool is_uri_text(std::string_view s, std::string_view extra) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
        return false;
      }
      i += 2;
    } else if (!is_unreserved_or_sub_delim(c) && !is_one_of(c, extra)) {
      return false;
    }
  }
  return true;
}

// origin-form only (RFC 9112 3.2.1): absolute-path [ "?" query ]. The absolute form is
// refused although RFC 9112 asks servers to accept it: no client of the endpoint sends
// it, and a second authority beside Host is one more thing to disagree about.
constexpr bool is_origin_form(std::string_view t) {
  return !t.empty() && t[0] == '/' && is_uri_text(t, ":@/?");
}

// uri-host [ ":" port ], possibly an IPv6 literal in brackets; empty is allowed (RFC 9112
// 3.2). No userinfo, no path.
constexpr bool is_host_value(std::string_view v) {
  return is_uri_text(v, ":[]");
}

constexpr char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool equals_ignoring_case(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower_b[i]) {
      return false;
    }
  }
  return true;
}

constexpr bool is_ows(char c) {
  return c == ' ' || c == '\t';
}
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_ows(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

struct MethodName {
  std::string_view text;
  Method method;
};
// Methods are case-sensitive (RFC 9110 9.1): "get" is a valid token and kOther.
constexpr std::array<MethodName, 9> kMethods = {{
    {"GET", Method::kGet},
    {"HEAD", Method::kHead},
    {"POST", Method::kPost},
    {"PUT", Method::kPut},
    {"DELETE", Method::kDelete},
    {"CONNECT", Method::kConnect},
    {"OPTIONS", Method::kOptions},
    {"TRACE", Method::kTrace},
    {"PATCH", Method::kPatch},
}};

constexpr std::size_t kMaxContentLengthDigits = 18;  // below 2^63: no overflow to check

}  // namespace

std::string_view reason_phrase(HttpStatus s) {
  switch (s) {
    case HttpStatus::kOk:
      return "OK";
    case HttpStatus::kBadRequest:
      return "Bad Request";
    case HttpStatus::kNotFound:
      return "Not Found";
    case HttpStatus::kMethodNotAllowed:
      return "Method Not Allowed";
    case HttpStatus::kRequestTimeout:
      return "Request Timeout";
    case HttpStatus::kUriTooLong:
      return "URI Too Long";
    case HttpStatus::kFieldsTooLarge:
      return "Request Header Fields Too Large";
    case HttpStatus::kInternalServerError:
      return "Internal Server Error";
    case HttpStatus::kVersionNotSupported:
      return "HTTP Version Not Supported";
  }
  return "Unknown";
}

HttpStatus fault_status(ParseFault f) {
  switch (f) {
    case ParseFault::kNone:
      return HttpStatus::kOk;
    case ParseFault::kRequestLineTooLong:
      return HttpStatus::kUriTooLong;
    case ParseFault::kFieldLineTooLong:
    case ParseFault::kTooManyFields:
    case ParseFault::kHeadTooLarge:
      return HttpStatus::kFieldsTooLarge;
    case ParseFault::kVersionNotSupported:
      return HttpStatus::kVersionNotSupported;
    default:
      return HttpStatus::kBadRequest;
  }
}

std::string_view fault_name(ParseFault f) {
  switch (f) {
    case ParseFault::kNone:
      return "none";
    case ParseFault::kBareLf:
      return "bare_lf";
    case ParseFault::kBareCr:
      return "bare_cr";
    case ParseFault::kControlCharacter:
      return "control_character";
    case ParseFault::kNonAsciiRequestLine:
      return "non_ascii_request_line";
    case ParseFault::kEmptyRequestLine:
      return "empty_request_line";
    case ParseFault::kBadSeparator:
      return "bad_separator";
    case ParseFault::kBadMethod:
      return "bad_method";
    case ParseFault::kBadTarget:
      return "bad_target";
    case ParseFault::kBadVersion:
      return "bad_version";
    case ParseFault::kObsFold:
      return "obs_fold";
    case ParseFault::kMissingColon:
      return "missing_colon";
    case ParseFault::kBadFieldName:
      return "bad_field_name";
    case ParseFault::kMissingHost:
      return "missing_host";
    case ParseFault::kDuplicateHost:
      return "duplicate_host";
    case ParseFault::kBadHost:
      return "bad_host";
    case ParseFault::kBadContentLength:
      return "bad_content_length";
    case ParseFault::kDuplicateContentLength:
      return "duplicate_content_length";
    case ParseFault::kLengthAndTransferEncoding:
      return "length_and_transfer_encoding";
    case ParseFault::kTransferEncodingHttp10:
      return "transfer_encoding_http10";
    case ParseFault::kBodyOnGet:
      return "body_on_get";
    case ParseFault::kRequestLineTooLong:
      return "request_line_too_long";
    case ParseFault::kFieldLineTooLong:
      return "field_line_too_long";
    case ParseFault::kTooManyFields:
      return "too_many_fields";
    case ParseFault::kHeadTooLarge:
      return "head_too_large";
    case ParseFault::kVersionNotSupported:
      return "version_not_supported";
  }
  return "unknown";
}

ParseState HttpRequestParser::feed(std::span<const char> bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && state_ == ParseState::kNeedMore) {
    take(bytes[i++]);
  }
  extra_bytes_ += bytes.size() - i;
  return state_;
}

std::string_view HttpRequestParser::path() const {
  const std::string_view t = target();
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequestParser::query() const {
  const std::string_view t = target();
  const std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

bool HttpRequestParser::keep_alive() const {
  if (connection_close_) {
    return false;
  }
  return version_ == HttpVersion::kHttp11 || connection_keep_alive_;
}

void HttpRequestParser::fail(ParseFault f) {
  if (state_ == ParseState::kNeedMore) {
    fault_ = f;
    state_ = ParseState::kError;
  }
}

// Checks each byte as it arrives, so a NUL, a bare LF or an excess byte ends the parse at
// once rather than after a line the client may never finish. Line ends are strictly CRLF:
// every client of the endpoint (curl, Prometheus, the fleet poller) sends CRLF, and
// accepting bare LF (RFC 9112 2.2 allows it) only adds ways to read one head two ways.
void HttpRequestParser::take(char ch) {
  const auto c = static_cast<std::uint8_t>(ch);
  const bool control = (c < 0x20 && c != '\t') || c == 0x7F;
  if (++head_size_ > kMaxHead) {
    fail(ParseFault::kHeadTooLarge);
    return;
  }
  switch (phase_) {
    case Phase::kRequestLine:
      if (c == '\r') {
        phase_ = Phase::kRequestLineLf;
      } else if (c == '\n') {
        fail(ParseFault::kBareLf);
      } else if (control || c == '\t') {
        fail(ParseFault::kControlCharacter);
      } else if (c >= 0x80) {
        fail(ParseFault::kNonAsciiRequestLine);
      } else if (request_len_ == kMaxRequestLine) {
        fail(ParseFault::kRequestLineTooLong);
      } else {
        request_[request_len_++] = ch;
      }
      return;
    case Phase::kRequestLineLf:
      if (c != '\n') {
        fail(ParseFault::kBareCr);
      } else {
        finish_request_line();
      }
      return;
    case Phase::kFieldLine:
      if (c == '\r') {
        phase_ = Phase::kFieldLineLf;
      } else if (c == '\n') {
        fail(ParseFault::kBareLf);
      } else if (field_len_ == 0 && (c == ' ' || c == '\t')) {
        // RFC 9112 5.2 lets a server reject obs-fold with 400; also covers whitespace
        // between the request line and the first field (RFC 9112 2.2).
        fail(ParseFault::kObsFold);
      } else if (control) {
        fail(ParseFault::kControlCharacter);
      } else if (field_len_ == 0 && field_count_ == kMaxFields) {
        fail(ParseFault::kTooManyFields);
      } else if (field_len_ == kMaxFieldLine) {
        fail(ParseFault::kFieldLineTooLong);
      } else {
        field_[field_len_++] = ch;
      }
      return;
    case Phase::kFieldLineLf:
      if (c != '\n') {
        fail(ParseFault::kBareCr);
      } else if (field_len_ == 0) {
        finish_head();
      } else {
        ++field_count_;
        finish_field_line();
        field_len_ = 0;
        phase_ = Phase::kFieldLine;
      }
      return;
  }
}

void HttpRequestParser::finish_request_line() {
  const std::string_view line = request_line();
  if (line.empty()) {
    // RFC 9112 2.2 asks to skip empty lines before a request line, left over from a
    // previous request's body; with one request per connection there is none.
    fail(ParseFault::kEmptyRequestLine);
    return;
  }
  constexpr auto kNpos = std::string_view::npos;
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == kNpos ? kNpos : line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == kNpos || sp2 == sp1 + 1 || sp2 + 1 == line.size() ||
      line.find(' ', sp2 + 1) != kNpos) {
    fail(ParseFault::kBadSeparator);
    return;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) {
    fail(ParseFault::kBadMethod);
    return;
  }
  if (!is_origin_form(target)) {
    fail(ParseFault::kBadTarget);
    return;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) ||
      version[6] != '.' || !is_digit(version[7])) {
    fail(ParseFault::kBadVersion);
    return;
  }
  if (version[5] != '1') {
    fail(ParseFault::kVersionNotSupported);
    return;
  }
  // RFC 9110 6.2: a higher minor version is handled as the highest one we implement.
  version_ = version[7] == '0' ? HttpVersion::kHttp10 : HttpVersion::kHttp11;
  method_ = Method::kOther;
  for (const MethodName& m : kMethods) {
    if (m.text == method) {
      method_ = m.method;
    }
  }
  method_len_ = static_cast<std::uint16_t>(method.size());
  target_pos_ = static_cast<std::uint16_t>(sp1 + 1);
  target_len_ = static_cast<std::uint16_t>(target.size());
  phase_ = Phase::kFieldLine;
}

void HttpRequestParser::finish_field_line() {
  const std::string_view line(field_, field_len_);
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(ParseFault::kMissingColon);
    return;
  }
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {  // whitespace before ':' lands here (RFC 9112 5.1: 400)
    fail(ParseFault::kBadFieldName);
    return;
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (equals_ignoring_case(name, "host")) {
    if (has_host_) {
      fail(ParseFault::kDuplicateHost);
    } else if (!is_host_value(value)) {
      fail(ParseFault::kBadHost);
    }
    has_host_ = true;
  } else if (equals_ignoring_case(name, "content-length")) {
    if (has_content_length_) {
      // Strict: RFC 9110 8.6 allows merging identical values; a client of ours sends one.
      fail(ParseFault::kDuplicateContentLength);
      return;
    }
    has_content_length_ = true;
    if (value.empty() || value.size() > kMaxContentLengthDigits ||
        !std::all_of(value.begin(), value.end(), is_digit)) {
      fail(ParseFault::kBadContentLength);
      return;
    }
    for (const char c : value) {
      content_length_ = content_length_ * 10 + static_cast<std::uint64_t>(c - '0');
    }
  } else if (equals_ignoring_case(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
  } else if (equals_ignoring_case(name, "connection")) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view option = trim_ows(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      connection_close_ = connection_close_ || equals_ignoring_case(option, "close");
      connection_keep_alive_ = connection_keep_alive_ || equals_ignoring_case(option, "keep-alive");
    }
  }
}

void HttpRequestParser::finish_head() {
  if (version_ == HttpVersion::kHttp11 && !has_host_) {
    fail(ParseFault::kMissingHost);
  } else if (has_transfer_encoding_ && has_content_length_) {
    fail(ParseFault::kLengthAndTransferEncoding);
  } else if (has_transfer_encoding_ && version_ == HttpVersion::kHttp10) {
    fail(ParseFault::kTransferEncodingHttp10);
  } else if ((method_ == Method::kGet || method_ == Method::kHead) &&
             (has_transfer_encoding_ || content_length_ > 0)) {
    // A GET body has no meaning (RFC 9110 9.3.1) and we would not read it: refuse it
    // rather than leave bytes a proxy in front might read as the next request.
    fail(ParseFault::kBodyOnGet);
  } else {
    state_ = ParseState::kComplete;
  }
}

}  // namespace portcullis::mgmt
