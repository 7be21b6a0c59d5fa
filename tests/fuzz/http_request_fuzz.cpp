// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the status endpoint's incremental HTTP/1.1 request parser
// (firmware/mgmt/http_request.hpp) on arbitrary bytes, fed in arbitrary pieces.
//
// Input: byte 0 says how many cuts (its low 4 bits), the next that many bytes are the
// lengths of the first pieces (0 included: an empty read), the rest is what the client sends;
// whatever the pieces leave is fed last, in one piece.
//
// Invariants:
// - the result does not depend on how the bytes arrive: in one piece, in the input's pieces,
//   byte by byte, and in a parser reused through reset(), every observable is the same;
// - one outcome: kError exactly when there is a fault, and then an error status; kComplete
//   with no fault and status 200;
// - bytes are either parsed or counted: head_size() + extra_bytes() is what was fed; the head
//   never exceeds kMaxHead, the byte that crosses it (counted) being the only exception;
// - a complete request is what the input says: its method and target are the input's first
//   words, the head ends with CRLF CRLF at head_size(), the path is within the target, the
//   method enum matches its text, HTTP/1.1 has a Host, GET/HEAD announce no body.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "fuzz_input.hpp"
#include "portcullis/mgmt/http_request.hpp"

namespace {

using portcullis::fuzz::FuzzInput;
using portcullis::mgmt::HttpRequestParser;
using portcullis::mgmt::HttpStatus;
using portcullis::mgmt::kMaxFields;
using portcullis::mgmt::kMaxHead;
using portcullis::mgmt::Method;
using portcullis::mgmt::ParseFault;
using portcullis::mgmt::ParseState;

std::span<const char> chars(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void check_same(const HttpRequestParser& a, const HttpRequestParser& b) {
  FUZZ_CHECK(a.state() == b.state());
  FUZZ_CHECK(a.fault() == b.fault());
  FUZZ_CHECK(a.method() == b.method());
  FUZZ_CHECK(a.method_text() == b.method_text());
  FUZZ_CHECK(a.target() == b.target());
  FUZZ_CHECK(a.version() == b.version());
  FUZZ_CHECK(a.has_host() == b.has_host());
  FUZZ_CHECK(a.keep_alive() == b.keep_alive());
  FUZZ_CHECK(a.content_length() == b.content_length());
  FUZZ_CHECK(a.has_transfer_encoding() == b.has_transfer_encoding());
  FUZZ_CHECK(a.field_count() == b.field_count());
  FUZZ_CHECK(a.head_size() == b.head_size());
  FUZZ_CHECK(a.extra_bytes() == b.extra_bytes());
}

Method method_named(std::string_view text) {
  constexpr std::pair<std::string_view, Method> kNames[] = {
      {"GET", Method::kGet},         {"HEAD", Method::kHead},     {"POST", Method::kPost},
      {"PUT", Method::kPut},         {"DELETE", Method::kDelete}, {"CONNECT", Method::kConnect},
      {"OPTIONS", Method::kOptions}, {"TRACE", Method::kTrace},   {"PATCH", Method::kPatch},
  };
  for (const auto& [name, method] : kNames) {
    if (name == text) {
      return method;
    }
  }
  return Method::kOther;
}

void check_outcome(const HttpRequestParser& p, std::string_view input) {
  FUZZ_CHECK(p.head_size() + p.extra_bytes() == input.size());
  switch (p.state()) {
    case ParseState::kNeedMore:
      FUZZ_CHECK(p.fault() == ParseFault::kNone && p.extra_bytes() == 0);
      FUZZ_CHECK(p.head_size() <= kMaxHead);
      break;
    case ParseState::kError:
      FUZZ_CHECK(p.fault() != ParseFault::kNone && p.error_status() != HttpStatus::kOk);
      FUZZ_CHECK(portcullis::mgmt::fault_name(p.fault()) != "unknown");
      FUZZ_CHECK(p.head_size() <= kMaxHead ||
                 (p.head_size() == kMaxHead + 1 && p.fault() == ParseFault::kHeadTooLarge));
      break;
    case ParseState::kComplete: {
      FUZZ_CHECK(p.fault() == ParseFault::kNone && p.error_status() == HttpStatus::kOk);
      FUZZ_CHECK(p.head_size() <= kMaxHead && p.head_size() >= 4);
      const std::string_view head = input.substr(0, p.head_size());
      FUZZ_CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
      // "METHOD SP TARGET SP HTTP/1.x CRLF" at the start of the input.
      const std::string_view method = p.method_text();
      const std::string_view target = p.target();
      FUZZ_CHECK(!method.empty() && !target.empty() && target[0] == '/');
      FUZZ_CHECK(head.substr(0, method.size()) == method && head[method.size()] == ' ');
      FUZZ_CHECK(head.substr(method.size() + 1, target.size()) == target);
      FUZZ_CHECK(head.substr(method.size() + 1 + target.size(), 8) == " HTTP/1.");
      FUZZ_CHECK(p.path().size() <= target.size() && target.substr(0, p.path().size()) == p.path());
      FUZZ_CHECK(p.query().empty() || target.substr(target.size() - p.query().size()) == p.query());
      FUZZ_CHECK(method.find_first_of(" \r\n") == std::string_view::npos);
      FUZZ_CHECK(target.find_first_of(" \r\n") == std::string_view::npos);
      FUZZ_CHECK(p.method() == method_named(method));
      FUZZ_CHECK(p.field_count() <= kMaxFields);
      if (p.version() == portcullis::mgmt::HttpVersion::kHttp11) {
        FUZZ_CHECK(p.has_host());
      }
      FUZZ_CHECK(!(p.has_transfer_encoding() && p.content_length() > 0));
      if (p.method() == Method::kGet || p.method() == Method::kHead) {
        FUZZ_CHECK(p.content_length() == 0 && !p.has_transfer_encoding());
      }
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in({data, size});
  const std::size_t cuts = in.u8() & 0x0Fu;
  const std::span<const std::uint8_t> lengths = in.bytes(cuts);
  const std::span<const char> request = chars(in.rest());
  const std::string_view text(request.data(), request.size());

  HttpRequestParser whole;
  const ParseState state = whole.feed(request);
  FUZZ_CHECK(state == whole.state());
  check_outcome(whole, text);

  HttpRequestParser pieces;
  std::size_t at = 0;
  for (const std::uint8_t n : lengths) {
    const std::size_t k = std::min<std::size_t>(n, request.size() - at);
    const ParseState before = pieces.state();
    const ParseState after = pieces.feed(request.subspan(at, k));
    // Once decided, the outcome stays.
    FUZZ_CHECK(before == ParseState::kNeedMore || after == before);
    at += k;
  }
  static_cast<void>(pieces.feed(request.subspan(at)));
  check_same(whole, pieces);

  HttpRequestParser bytewise;
  for (std::size_t i = 0; i < request.size(); ++i) {
    static_cast<void>(bytewise.feed(request.subspan(i, 1)));
  }
  check_same(whole, bytewise);

  // A parser reused for the next connection forgets everything of the last one.
  pieces.reset();
  FUZZ_CHECK(pieces.state() == ParseState::kNeedMore && pieces.head_size() == 0 &&
             pieces.field_count() == 0 && pieces.target().empty());
  static_cast<void>(pieces.feed(request));
  check_same(whole, pieces);
  return 0;
}
