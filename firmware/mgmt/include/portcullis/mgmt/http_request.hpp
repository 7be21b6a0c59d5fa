// SPDX-License-Identifier: Apache-2.0
#pragma once
// An incremental HTTP/1.1 request parser for the status endpoint: bytes in as they arrive
// from TLS, a request head (method, target, version, the few fields the endpoint cares
// about) or an HTTP error status out. No heap, no lwIP, bounded in every size; the time
// bounds (slow clients) belong to the server that feeds it. Rules: firmware/mgmt/README.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace portcullis::mgmt {

// Bounds. A longer request line, field line, more fields or a longer head is an error as
// soon as its first excess byte arrives. Build-time settings.
inline constexpr std::size_t kMaxRequestLine = 256;  // bytes before its CRLF
inline constexpr std::size_t kMaxFieldLine = 256;    // one header field line, before its CRLF
inline constexpr std::size_t kMaxFields = 32;
inline constexpr std::size_t kMaxHead = 2048;  // request line, field lines, each CRLF, empty line
static_assert(kMaxHead >= kMaxRequestLine + 2 + kMaxFieldLine + 2 + 2,
              "a head of one longest request line and one longest field must fit");

// The statuses the endpoint answers with.
enum class HttpStatus : std::uint16_t {
  kOk = 200,
  kBadRequest = 400,
  kNotFound = 404,
  kMethodNotAllowed = 405,
  kRequestTimeout = 408,  // for the server: a client too slow to finish its head
  kUriTooLong = 414,
  kFieldsTooLarge = 431,       // Request Header Fields Too Large
  kInternalServerError = 500,  // the device could not encode its own document
  kVersionNotSupported = 505,
};
std::string_view reason_phrase(HttpStatus s);

enum class Method : std::uint8_t {
  kGet,
  kHead,
  kPost,
  kPut,
  kDelete,
  kConnect,
  kOptions,
  kTrace,
  kPatch,
  kOther,  // any other token: valid syntax, a method the endpoint does not serve
};

enum class HttpVersion : std::uint8_t { kHttp10, kHttp11 };

enum class ParseState : std::uint8_t { kNeedMore, kComplete, kError };

// Why a request was refused. fault_status() gives the status to answer with.
enum class ParseFault : std::uint8_t {
  kNone,
  // 400
  kBareLf,                     // a line ended by LF without CR
  kBareCr,                     // CR not followed by LF
  kControlCharacter,           // NUL or another control character (HTAB allowed in fields)
  kNonAsciiRequestLine,        // a byte >= 0x80 in the request line
  kEmptyRequestLine,           // one request per connection: no leading empty lines
  kBadSeparator,               // not exactly "method SP target SP version"
  kBadMethod,                  // not a token
  kBadTarget,                  // not origin-form ("/..."), a character outside RFC 3986, bad %XX
  kBadVersion,                 // not "HTTP/" DIGIT "." DIGIT
  kObsFold,                    // a field line starting with SP/HTAB (obsolete line folding)
  kMissingColon,               // a field line without ':'
  kBadFieldName,               // empty, not a token, or whitespace before ':'
  kMissingHost,                // HTTP/1.1 without Host
  kDuplicateHost,              // more than one Host
  kBadHost,                    // Host value with characters an authority cannot have
  kBadContentLength,           // not 1*DIGIT (lists too), or more than 18 digits
  kDuplicateContentLength,     // more than one Content-Length
  kLengthAndTransferEncoding,  // both: the classic request-smuggling ambiguity
  kTransferEncodingHttp10,     // Transfer-Encoding in an HTTP/1.0 request
  kBodyOnGet,                  // GET or HEAD announcing a body (Content-Length > 0, TE)
  // 414
  kRequestLineTooLong,
  // 431
  kFieldLineTooLong,
  kTooManyFields,
  kHeadTooLarge,
  // 505
  kVersionNotSupported,  // a major version other than 1
};
HttpStatus fault_status(ParseFault f);
std::string_view fault_name(ParseFault f);

// One request per connection: after the head is complete (or an error found) further bytes
// are not parsed, only counted (extra_bytes()): a pipelined second request or a body of a
// non-GET method is never looked at, the response says Connection: close.
class HttpRequestParser {
 public:
  // Takes the bytes that arrived; returns the state after them.
  ParseState feed(std::span<const char> bytes);
  void reset() { *this = HttpRequestParser{}; }

  ParseState state() const { return state_; }
  ParseFault fault() const { return fault_; }
  // kOk while the request is fine so far, else the status to answer with.
  HttpStatus error_status() const { return fault_status(fault_); }

  // The request, once complete (empty / defaults before that).
  Method method() const { return method_; }
  std::string_view method_text() const { return request_line().substr(0, method_len_); }
  std::string_view target() const { return request_line().substr(target_pos_, target_len_); }
  std::string_view path() const;   // the target up to '?', not decoded or normalised
  std::string_view query() const;  // after '?', empty without one
  HttpVersion version() const { return version_; }
  bool has_host() const { return has_host_; }
  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
  bool keep_alive() const;
  std::uint64_t content_length() const { return content_length_; }
  bool has_transfer_encoding() const { return has_transfer_encoding_; }
  std::size_t field_count() const { return field_count_; }
  // Bytes of the head parsed so far (all of it once complete), and bytes fed after it.
  std::size_t head_size() const { return head_size_; }
  std::size_t extra_bytes() const { return extra_bytes_; }

 private:
  enum class Phase : std::uint8_t { kRequestLine, kRequestLineLf, kFieldLine, kFieldLineLf };

  std::string_view request_line() const { return std::string_view(request_, request_len_); }
  void take(char c);
  void fail(ParseFault f);
  void finish_request_line();
  void finish_field_line();
  void finish_head();

  char request_[kMaxRequestLine] = {};
  char field_[kMaxFieldLine] = {};
  std::size_t request_len_ = 0;
  std::size_t field_len_ = 0;
  std::size_t head_size_ = 0;
  std::size_t extra_bytes_ = 0;
  std::size_t field_count_ = 0;
  std::uint64_t content_length_ = 0;
  std::uint16_t method_len_ = 0;
  std::uint16_t target_pos_ = 0;
  std::uint16_t target_len_ = 0;
  static_assert(kMaxRequestLine <= 0xFFFF, "request line offsets are kept in std::uint16_t");
  Phase phase_ = Phase::kRequestLine;
  ParseState state_ = ParseState::kNeedMore;
  ParseFault fault_ = ParseFault::kNone;
  Method method_ = Method::kOther;
  HttpVersion version_ = HttpVersion::kHttp11;
  bool has_host_ = false;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
};

}  // namespace portcullis::mgmt
