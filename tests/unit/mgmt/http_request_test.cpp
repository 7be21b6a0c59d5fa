// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 request parser. Every request in these tests is parsed three ways: in one
// feed, byte by byte, and split in two at each position; parse() fails the test unless the
// three give the same result, so each case also checks incremental parsing.
#include <string>
#include <string_view>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "http_strings.hpp"
#include "portcullis/mgmt/http_request.hpp"

using portcullis::mgmt::fault_name;
using portcullis::mgmt::fault_status;
using portcullis::mgmt::HttpRequestParser;
using portcullis::mgmt::HttpStatus;
using portcullis::mgmt::HttpVersion;
using portcullis::mgmt::kMaxFieldLine;
using portcullis::mgmt::kMaxFields;
using portcullis::mgmt::kMaxHead;
using portcullis::mgmt::kMaxRequestLine;
using portcullis::mgmt::Method;
using portcullis::mgmt::ParseFault;
using portcullis::mgmt::ParseState;

namespace {

std::span<const char> bytes(std::string_view s) {
  return {s.data(), s.size()};
}

// Everything the parser reports, as one comparable string.
std::string summary(const HttpRequestParser& p) {
  return std::string(StringFrom(p.state()).asCharString()) + "|" +
         std::string(fault_name(p.fault())) + "|" + std::string(p.method_text()) + "|" +
         std::to_string(static_cast<int>(p.method())) + "|" + std::string(p.target()) + "|" +
         (p.version() == HttpVersion::kHttp10 ? "1.0" : "1.1") + "|" +
         (p.has_host() ? "host" : "no-host") + "|" + (p.keep_alive() ? "keep" : "close") + "|" +
         std::to_string(p.content_length()) + "|" + (p.has_transfer_encoding() ? "te" : "no-te") +
         "|" + std::to_string(p.field_count()) + "|" + std::to_string(p.head_size()) + "|" +
         std::to_string(p.extra_bytes());
}

HttpRequestParser parse(std::string_view text) {
  HttpRequestParser whole;
  const ParseState state = whole.feed(bytes(text));
  CHECK_EQUAL(whole.state(), state);
  const std::string expected = summary(whole);

  HttpRequestParser bytewise;
  for (const char c : text) {
    bytewise.feed(std::span<const char>(&c, 1));
  }
  STRCMP_EQUAL_TEXT(expected.c_str(), summary(bytewise).c_str(), "byte by byte");

  // Every split point of short requests; a sample of them in long ones.
  const std::size_t stride = text.size() <= 600 ? 1 : 61;
  for (std::size_t split = 0; split <= text.size(); split += stride) {
    HttpRequestParser two;
    two.feed(bytes(text.substr(0, split)));
    two.feed(bytes(text.substr(split)));
    if (summary(two) != expected) {
      STRCMP_EQUAL_TEXT(expected.c_str(), summary(two).c_str(),
                        ("split at " + std::to_string(split)).c_str());
    }
  }
  return whole;
}

void check_refused(std::string_view text, ParseFault fault, HttpStatus status) {
  const HttpRequestParser p = parse(text);
  CHECK_EQUAL_TEXT(ParseState::kError, p.state(), std::string(text).c_str());
  CHECK_EQUAL_TEXT(fault, p.fault(), std::string(text).c_str());
  CHECK_EQUAL_TEXT(status, p.error_status(), std::string(text).c_str());
}

void check_bad_request(std::string_view text, ParseFault fault) {
  check_refused(text, fault, HttpStatus::kBadRequest);
}

// A request line with `target` and HTTP/1.1, a Host, and the empty line.
std::string get(std::string_view target, std::string_view fields = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: device\r\n" + std::string(fields) +
         "\r\n";
}

// A request line with `version`, no fields.
std::string with_version(std::string_view version) {
  return "GET /v1/status " + std::string(version) + "\r\n\r\n";
}

std::string with_request_line(std::string_view line) {
  return std::string(line) + "\r\nHost: device\r\n\r\n";
}

// A GET whose head is exactly `total` bytes: filler fields well inside the per-line limit.
std::string head_of_size(std::size_t total) {
  std::string head = "GET / HTTP/1.1\r\nHost: device\r\n";
  std::size_t remaining = total - head.size() - 2;
  int k = 0;
  while (remaining > 0) {
    const std::size_t line = remaining > 278 ? 200 : remaining;
    const std::string name = "X-Fill-" + std::to_string(k++) + ": ";
    head += name + std::string(line - name.size() - 2, 'a') + "\r\n";
    remaining -= line;
  }
  return head + "\r\n";
}

}  // namespace

TEST_GROUP(HttpRequest){};

// ---- requests that parse --------------------------------------------------------------

TEST(HttpRequest, MinimalHttp11Get) {
  const std::string text = "GET /v1/status HTTP/1.1\r\nHost: 192.0.2.2:8443\r\n\r\n";
  const HttpRequestParser p = parse(text);
  CHECK_EQUAL(ParseState::kComplete, p.state());
  CHECK_EQUAL(ParseFault::kNone, p.fault());
  CHECK_EQUAL(HttpStatus::kOk, p.error_status());
  CHECK(p.method() == Method::kGet);
  STRCMP_EQUAL("GET", std::string(p.method_text()).c_str());
  STRCMP_EQUAL("/v1/status", std::string(p.target()).c_str());
  STRCMP_EQUAL("/v1/status", std::string(p.path()).c_str());
  CHECK_TRUE(p.query().empty());
  CHECK(p.version() == HttpVersion::kHttp11);
  CHECK_TRUE(p.has_host());
  CHECK_TRUE(p.keep_alive());
  LONGS_EQUAL(1, p.field_count());
  LONGS_EQUAL(text.size(), p.head_size());
  LONGS_EQUAL(0, p.extra_bytes());
}

TEST(HttpRequest, CurlRequest) {
  const HttpRequestParser p = parse(
      "GET /v1/status HTTP/1.1\r\nHost: [2001:db8::2]:8443\r\nUser-Agent: curl/7.88.1\r\n"
      "Accept: */*\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, p.state());
  LONGS_EQUAL(3, p.field_count());
}

TEST(HttpRequest, PrometheusScrape) {
  const HttpRequestParser p = parse(
      "GET /metrics HTTP/1.1\r\nHost: 192.0.2.2:8443\r\nUser-Agent: Prometheus/2.42.0\r\n"
      "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
      "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
      "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, p.state());
  STRCMP_EQUAL("/metrics", std::string(p.path()).c_str());
}

TEST(HttpRequest, Http10NeedsNoHostAndClosesByDefault) {
  const HttpRequestParser p = parse("GET /metrics HTTP/1.0\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, p.state());
  CHECK(p.version() == HttpVersion::kHttp10);
  CHECK_FALSE(p.has_host());
  CHECK_FALSE(p.keep_alive());
  CHECK_TRUE(parse("GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive());
}

TEST(HttpRequest, ConnectionCloseAmongOtherOptions) {
  CHECK_FALSE(parse(get("/", "Connection: close\r\n")).keep_alive());
  CHECK_FALSE(parse(get("/", "Connection: Upgrade, ,  CLOSE \r\n")).keep_alive());
  CHECK_FALSE(parse(get("/", "Connection: keep-alive\r\nConnection: close\r\n")).keep_alive());
  CHECK_TRUE(parse(get("/", "Connection: closed\r\n")).keep_alive());  // not the token
  CHECK_TRUE(parse(get("/", "X-Connection: close\r\n")).keep_alive());
}

TEST(HttpRequest, QueryIsKeptAndSplitFromThePath) {
  const HttpRequestParser p = parse(get("/metrics?a=1&b=%41/?c"));
  CHECK_EQUAL(ParseState::kComplete, p.state());
  STRCMP_EQUAL("/metrics", std::string(p.path()).c_str());
  STRCMP_EQUAL("a=1&b=%41/?c", std::string(p.query()).c_str());
  STRCMP_EQUAL("/metrics?a=1&b=%41/?c", std::string(p.target()).c_str());
  STRCMP_EQUAL("", std::string(parse(get("/metrics?")).query()).c_str());
}

TEST(HttpRequest, EveryCharacterAPathMayHold) {
  const HttpRequestParser p = parse(get("/AZaz09-._~!$&'()*+,;=:@/%20%fF"));
  CHECK_EQUAL(ParseState::kComplete, p.state());
}

TEST(HttpRequest, FieldNamesAreCaseInsensitiveAndValuesMayHoldTabsAndObsText) {
  const HttpRequestParser p =
      parse("GET / HTTP/1.1\r\nhOsT:device\r\nX-A: \t a \t b\xE9\xFF \t\r\nX-Empty:\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, p.state());
  CHECK_TRUE(p.has_host());
  LONGS_EQUAL(3, p.field_count());
}

TEST(HttpRequest, EmptyHostIsAllowed) {
  CHECK_EQUAL(ParseState::kComplete, parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").state());
  CHECK_EQUAL(ParseState::kComplete, parse("GET / HTTP/1.1\r\nHost: \r\n\r\n").state());
}

TEST(HttpRequest, ZeroContentLengthOnGetIsNoBody) {
  const HttpRequestParser p = parse(get("/v1/status", "Content-Length: 0\r\n"));
  CHECK_EQUAL(ParseState::kComplete, p.state());
  LONGS_EQUAL(0, p.content_length());
  CHECK_EQUAL(ParseState::kComplete, parse(get("/", "Content-Length: 000\r\n")).state());
}

TEST(HttpRequest, OtherMethodsParseAndTheirBodiesAreNotRead) {
  const HttpRequestParser post =
      parse("POST /v1/status HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\n\r\nhello");
  CHECK_EQUAL(ParseState::kComplete, post.state());
  CHECK(post.method() == Method::kPost);
  LONGS_EQUAL(5, post.content_length());
  LONGS_EQUAL(5, post.extra_bytes());  // the body: counted, never parsed

  const HttpRequestParser chunked =
      parse("PUT /x HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, chunked.state());
  CHECK_TRUE(chunked.has_transfer_encoding());

  const struct {
    const char* text;
    Method method;
  } methods[] = {{"HEAD", Method::kHead},       {"PUT", Method::kPut},
                 {"DELETE", Method::kDelete},   {"CONNECT", Method::kConnect},
                 {"OPTIONS", Method::kOptions}, {"TRACE", Method::kTrace},
                 {"PATCH", Method::kPatch},     {"get", Method::kOther},
                 {"M-SEARCH", Method::kOther},  {"X!#$%&'*+.^_`|~9", Method::kOther}};
  for (const auto& m : methods) {
    const HttpRequestParser p = parse(with_request_line(std::string(m.text) + " / HTTP/1.1"));
    CHECK_EQUAL_TEXT(ParseState::kComplete, p.state(), m.text);
    CHECK_TEXT(p.method() == m.method, m.text);
    STRCMP_EQUAL(m.text, std::string(p.method_text()).c_str());
  }
}

TEST(HttpRequest, HigherMinorVersionIsHandledAsHttp11) {
  const HttpRequestParser p = parse(with_request_line("GET / HTTP/1.9"));
  CHECK_EQUAL(ParseState::kComplete, p.state());
  CHECK(p.version() == HttpVersion::kHttp11);
}

TEST(HttpRequest, EveryLimitExactlyReachedIsAccepted) {
  const std::string line = "GET /" + std::string(kMaxRequestLine - 5 - 9, 'a') + " HTTP/1.1";
  LONGS_EQUAL(kMaxRequestLine, line.size());
  CHECK_EQUAL(ParseState::kComplete, parse(with_request_line(line)).state());

  const std::string field = "X-Long: " + std::string(kMaxFieldLine - 8, 'v');
  LONGS_EQUAL(kMaxFieldLine, field.size());
  CHECK_EQUAL(ParseState::kComplete, parse(get("/", field + "\r\n")).state());

  std::string fields;
  for (std::size_t i = 1; i < kMaxFields; ++i) {  // Host is the first
    fields += "X-" + std::to_string(i) + ": v\r\n";
  }
  const HttpRequestParser many = parse(get("/", fields));
  CHECK_EQUAL(ParseState::kComplete, many.state());
  LONGS_EQUAL(kMaxFields, many.field_count());

  const std::string head = head_of_size(kMaxHead);
  LONGS_EQUAL(kMaxHead, head.size());
  CHECK_EQUAL(ParseState::kComplete, parse(head).state());
}

// ---- limits ---------------------------------------------------------------------------

TEST(HttpRequest, RequestLineOneByteTooLongIs414AtThatByte) {
  const std::string line = "GET /" + std::string(kMaxRequestLine - 5 - 9 + 1, 'a') + " HTTP/1.1";
  check_refused(with_request_line(line), ParseFault::kRequestLineTooLong, HttpStatus::kUriTooLong);
  HttpRequestParser p;
  p.feed(bytes(std::string_view(line).substr(0, kMaxRequestLine)));
  CHECK_EQUAL(ParseState::kNeedMore, p.state());
  p.feed(bytes(std::string_view(line).substr(kMaxRequestLine, 1)));
  CHECK_EQUAL(ParseState::kError, p.state());
}

TEST(HttpRequest, FieldLineOneByteTooLongIs431AtThatByte) {
  const std::string field = "X-Long: " + std::string(kMaxFieldLine - 8 + 1, 'v');
  check_refused(get("/", field + "\r\n"), ParseFault::kFieldLineTooLong,
                HttpStatus::kFieldsTooLarge);
  HttpRequestParser p;
  p.feed(bytes("GET / HTTP/1.1\r\n"));
  p.feed(bytes(std::string_view(field).substr(0, kMaxFieldLine)));
  CHECK_EQUAL(ParseState::kNeedMore, p.state());
  p.feed(bytes(std::string_view(field).substr(kMaxFieldLine, 1)));
  CHECK_EQUAL(ParseFault::kFieldLineTooLong, p.fault());
}

TEST(HttpRequest, OneFieldTooManyIs431AtItsFirstByte) {
  std::string fields;
  for (std::size_t i = 1; i <= kMaxFields; ++i) {
    fields += "X-" + std::to_string(i) + ": v\r\n";
  }
  check_refused(get("/", fields), ParseFault::kTooManyFields, HttpStatus::kFieldsTooLarge);
  HttpRequestParser p;
  p.feed(bytes(get("/", fields.substr(0, fields.rfind("X-")))));
  CHECK_EQUAL(ParseState::kComplete, p.state());  // 32 fields and the empty line: fine
  HttpRequestParser q;
  q.feed(bytes("GET / HTTP/1.1\r\nHost: device\r\n" + fields.substr(0, fields.rfind("X-"))));
  CHECK_EQUAL(ParseState::kNeedMore, q.state());
  q.feed(bytes("X"));
  CHECK_EQUAL(ParseFault::kTooManyFields, q.fault());
}

TEST(HttpRequest, HeadOneByteTooLargeIs431) {
  const std::string head = head_of_size(kMaxHead + 1);
  LONGS_EQUAL(kMaxHead + 1, head.size());
  check_refused(head, ParseFault::kHeadTooLarge, HttpStatus::kFieldsTooLarge);
  HttpRequestParser p;
  p.feed(bytes(std::string_view(head).substr(0, kMaxHead)));
  CHECK_EQUAL(ParseState::kNeedMore, p.state());
}

TEST(HttpRequest, EndlessFieldsStopAtTheHeadLimit) {
  // A client that keeps sending fields never grows the parser: the head ends in an error
  // within kMaxHead bytes, whatever else it sends (the time it takes is the server's bound).
  const std::string field = "X-Pad: " + std::string(91, 'p') + "\r\n";  // 100 bytes
  HttpRequestParser p;
  p.feed(bytes("GET / HTTP/1.1\r\n"));
  std::size_t sent = 16;
  while (p.state() == ParseState::kNeedMore && sent < 10 * kMaxHead) {
    p.feed(bytes(field));
    sent += field.size();
  }
  CHECK_EQUAL(ParseFault::kHeadTooLarge, p.fault());
  CHECK(sent <= kMaxHead + field.size());
  LONGS_EQUAL(kMaxHead + 1, p.head_size());
}

// ---- the request line -----------------------------------------------------------------

TEST(HttpRequest, BadMethodToken) {
  for (const char* m : {"GE(T", "GE\"T", "G,ET", "GET:", "GE/T", "G[T", "GE?T", "GE{T}"}) {
    check_bad_request(with_request_line(std::string(m) + " / HTTP/1.1"), ParseFault::kBadMethod);
  }
}

TEST(HttpRequest, NotExactlyOneSpaceBetweenThreeParts) {
  for (const char* line :
       {"GET/v1/status HTTP/1.1", "GET  /v1/status HTTP/1.1", "GET /v1/status  HTTP/1.1",
        " GET /v1/status HTTP/1.1", "GET /v1/status HTTP/1.1 ", "GET /v1/status HTTP/1.1 x",
        "GET /v1/status", "GET", "GET /a b HTTP/1.1", "GET /v1/statusHTTP/1.1", "GET  HTTP/1.1"}) {
    check_bad_request(with_request_line(line), ParseFault::kBadSeparator);
  }
}

TEST(HttpRequest, TabIsNotASeparator) {
  check_bad_request(with_request_line("GET\t/ HTTP/1.1"), ParseFault::kControlCharacter);
}

TEST(HttpRequest, TargetMustBeOriginForm) {
  for (const char* target :
       {"*", "http://192.0.2.2/v1/status", "v1/status", "/a#frag", "/a%2", "/a%", "/a%zz", "/a%g0",
        "/a<b>", "/a\\b", "/a\"b", "/a{b}", "/a|b", "/a^b", "/a`b", "/a[b]"}) {
    check_bad_request(get(target), ParseFault::kBadTarget);
  }
}

TEST(HttpRequest, BadVersion) {
  for (const char* v : {"HTTP/1.10", "HTTP/1", "http/1.1", "HTTP/1.x", "HTTPS/1.1", "HTTP/11",
                        "HTTP/1.1.1", "HTTP/a.1", "HTTP-1.1", "HTTP/1,1"}) {
    check_bad_request(with_version(v), ParseFault::kBadVersion);
  }
}

TEST(HttpRequest, OtherMajorVersionsAre505) {
  for (const char* v : {"HTTP/2.0", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9"}) {
    check_refused(with_version(v), ParseFault::kVersionNotSupported,
                  HttpStatus::kVersionNotSupported);
  }
}

TEST(HttpRequest, NulAndControlCharactersInTheRequestLineFailAtOnce) {
  for (const char c : {'\0', '\x01', '\x1b', '\x7f', '\v', '\f'}) {
    std::string line = "GET /v1/status HTTP/1.1";
    line[6] = c;
    check_bad_request(with_request_line(line), ParseFault::kControlCharacter);
    HttpRequestParser p;  // no need to wait for the line's end
    p.feed(bytes(line.substr(0, 7)));
    CHECK_EQUAL(ParseState::kError, p.state());
  }
}

TEST(HttpRequest, NonAsciiInTheRequestLine) {
  check_bad_request(get("/caf\xC3\xA9"), ParseFault::kNonAsciiRequestLine);
}

TEST(HttpRequest, EmptyLineBeforeTheRequestLine) {
  check_bad_request("\r\n" + get("/v1/status"), ParseFault::kEmptyRequestLine);
}

// ---- line ends ------------------------------------------------------------------------

TEST(HttpRequest, BareLfEndsNoLine) {
  check_bad_request("GET / HTTP/1.1\nHost: d\r\n\r\n", ParseFault::kBareLf);
  check_bad_request("GET / HTTP/1.1\r\nHost: d\n\r\n", ParseFault::kBareLf);
  check_bad_request("GET / HTTP/1.1\r\nHost: d\r\n\n", ParseFault::kBareLf);
  check_bad_request("GET / HTTP/1.1\n\n", ParseFault::kBareLf);
}

TEST(HttpRequest, BareCr) {
  check_bad_request("GET / HTTP/1.1\rHost: d\r\n\r\n", ParseFault::kBareCr);
  check_bad_request("GET / HTTP/1.1\r\nX-A: a\rb\r\nHost: d\r\n\r\n", ParseFault::kBareCr);
  check_bad_request("GET / HTTP/1.1\r\nHost: d\r\n\r\r\n", ParseFault::kBareCr);
}

// ---- fields ---------------------------------------------------------------------------

TEST(HttpRequest, FieldWithoutColon) {
  check_bad_request("GET / HTTP/1.1\r\nHost device\r\n\r\n", ParseFault::kMissingColon);
  check_bad_request(get("/", "X-Flag\r\n"), ParseFault::kMissingColon);
}

TEST(HttpRequest, BadFieldName) {
  check_bad_request("GET / HTTP/1.1\r\nHost : device\r\n\r\n", ParseFault::kBadFieldName);
  check_bad_request(get("/", "X-A\t: b\r\n"), ParseFault::kBadFieldName);
  check_bad_request(get("/", ": b\r\n"), ParseFault::kBadFieldName);
  check_bad_request(get("/", "X(A): b\r\n"), ParseFault::kBadFieldName);
  check_bad_request(get("/", "X\xE9: b\r\n"), ParseFault::kBadFieldName);
}

TEST(HttpRequest, ObsFoldIsRefused) {
  check_bad_request(get("/", "X-A: b\r\n c\r\n"), ParseFault::kObsFold);
  check_bad_request(get("/", "X-A: b\r\n\tc\r\n"), ParseFault::kObsFold);
  // Whitespace between the request line and the first field (RFC 9112 2.2).
  check_bad_request("GET / HTTP/1.1\r\n Host: device\r\n\r\n", ParseFault::kObsFold);
}

TEST(HttpRequest, NulAndControlCharactersInFields) {
  for (const char c : {'\0', '\x01', '\x1b', '\x7f', '\v'}) {
    std::string field = "X-A: ab\r\n";
    field[6] = c;
    check_bad_request(get("/", field), ParseFault::kControlCharacter);
  }
  check_bad_request(get("/", std::string("X-\0A: b\r\n", 9)), ParseFault::kControlCharacter);
}

TEST(HttpRequest, Http11WithoutHost) {
  check_bad_request("GET /v1/status HTTP/1.1\r\nAccept: */*\r\n\r\n", ParseFault::kMissingHost);
  check_bad_request(with_version("HTTP/1.1"), ParseFault::kMissingHost);
}

TEST(HttpRequest, SecondHostEvenTheSame) {
  check_bad_request(get("/", "Host: device\r\n"), ParseFault::kDuplicateHost);
  check_bad_request(get("/", "host: other\r\n"), ParseFault::kDuplicateHost);
}

TEST(HttpRequest, HostThatIsNoAuthority) {
  for (const char* host : {"user@device", "device/path", "dev%zz", "dev ice", "dev\xE9", "a\"b"}) {
    check_bad_request("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n",
                      ParseFault::kBadHost);
  }
}

// ---- bodies ---------------------------------------------------------------------------

TEST(HttpRequest, BodyOnGetOrHead) {
  check_bad_request(get("/v1/status", "Content-Length: 1\r\n"), ParseFault::kBodyOnGet);
  check_bad_request(get("/v1/status", "Transfer-Encoding: chunked\r\n"), ParseFault::kBodyOnGet);
  check_bad_request("HEAD /metrics HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\n\r\n",
                    ParseFault::kBodyOnGet);
}

TEST(HttpRequest, ContentLengthAndTransferEncodingTogether) {
  check_bad_request(
      "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      ParseFault::kLengthAndTransferEncoding);
  check_bad_request(get("/", "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n"),
                    ParseFault::kLengthAndTransferEncoding);
}

TEST(HttpRequest, TransferEncodingInHttp10) {
  check_bad_request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                    ParseFault::kTransferEncodingHttp10);
}

TEST(HttpRequest, BadContentLength) {
  for (const char* value :
       {"", "abc", "-1", "+1", "1,1", "1 1", "0x10", "1.0", "1234567890123456789"}) {
    check_bad_request(
        "POST / HTTP/1.1\r\nHost: d\r\nContent-Length: " + std::string(value) + "\r\n\r\n",
        ParseFault::kBadContentLength);
  }
  const HttpRequestParser longest =
      parse("POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 999999999999999999\r\n\r\n");
  CHECK_EQUAL(ParseState::kComplete, longest.state());
  CHECK(longest.content_length() == 999999999999999999ull);
}

TEST(HttpRequest, SecondContentLengthEvenTheSame) {
  check_bad_request("POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
                    ParseFault::kDuplicateContentLength);
}

// ---- feeding --------------------------------------------------------------------------

TEST(HttpRequest, NeedsMoreUntilTheLastByteOfTheHead) {
  const std::string text = get("/v1/status");
  HttpRequestParser p;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    CHECK_EQUAL(ParseState::kNeedMore, p.feed(bytes(std::string_view(text).substr(i, 1))));
  }
  CHECK_EQUAL(ParseState::kComplete, p.feed(bytes(std::string_view(text).substr(text.size() - 1))));
  CHECK_EQUAL(ParseState::kNeedMore, HttpRequestParser{}.feed({}));
}

TEST(HttpRequest, PipelinedSecondRequestIsNeverParsed) {
  const std::string first = get("/v1/status");
  const std::string second = "GET /metrics HTTP/1.1\r\nHost: device\r\n\r\n";
  HttpRequestParser p = parse(first + second);
  CHECK_EQUAL(ParseState::kComplete, p.state());
  STRCMP_EQUAL("/v1/status", std::string(p.path()).c_str());
  LONGS_EQUAL(first.size(), p.head_size());
  LONGS_EQUAL(second.size(), p.extra_bytes());
  CHECK_EQUAL(ParseState::kComplete, p.feed(bytes(std::string_view("\0garbage", 8))));
  LONGS_EQUAL(second.size() + 8, p.extra_bytes());
  STRCMP_EQUAL("/v1/status", std::string(p.path()).c_str());
}

TEST(HttpRequest, AfterAnErrorFurtherBytesAreOnlyCounted) {
  HttpRequestParser p;
  p.feed(bytes("GET / HTTP/1.1\n"));
  CHECK_EQUAL(ParseFault::kBareLf, p.fault());
  CHECK_EQUAL(ParseState::kError, p.feed(bytes("Host: d\r\n\r\n")));
  CHECK_EQUAL(ParseFault::kBareLf, p.fault());
  LONGS_EQUAL(11, p.extra_bytes());
}

TEST(HttpRequest, ResetStartsOver) {
  HttpRequestParser p;
  p.feed(bytes("BAD\r\n"));
  CHECK_EQUAL(ParseState::kError, p.state());
  p.reset();
  CHECK_EQUAL(ParseState::kNeedMore, p.state());
  CHECK_EQUAL(ParseState::kComplete, p.feed(bytes(get("/metrics"))));
  STRCMP_EQUAL("/metrics", std::string(p.path()).c_str());
  LONGS_EQUAL(0, p.extra_bytes());
}

TEST(HttpRequest, FaultsMapToTheirStatus) {
  const struct {
    ParseFault fault;
    HttpStatus status;
  } table[] = {
      {ParseFault::kNone, HttpStatus::kOk},
      {ParseFault::kBareLf, HttpStatus::kBadRequest},
      {ParseFault::kBareCr, HttpStatus::kBadRequest},
      {ParseFault::kControlCharacter, HttpStatus::kBadRequest},
      {ParseFault::kNonAsciiRequestLine, HttpStatus::kBadRequest},
      {ParseFault::kEmptyRequestLine, HttpStatus::kBadRequest},
      {ParseFault::kBadSeparator, HttpStatus::kBadRequest},
      {ParseFault::kBadMethod, HttpStatus::kBadRequest},
      {ParseFault::kBadTarget, HttpStatus::kBadRequest},
      {ParseFault::kBadVersion, HttpStatus::kBadRequest},
      {ParseFault::kObsFold, HttpStatus::kBadRequest},
      {ParseFault::kMissingColon, HttpStatus::kBadRequest},
      {ParseFault::kBadFieldName, HttpStatus::kBadRequest},
      {ParseFault::kMissingHost, HttpStatus::kBadRequest},
      {ParseFault::kDuplicateHost, HttpStatus::kBadRequest},
      {ParseFault::kBadHost, HttpStatus::kBadRequest},
      {ParseFault::kBadContentLength, HttpStatus::kBadRequest},
      {ParseFault::kDuplicateContentLength, HttpStatus::kBadRequest},
      {ParseFault::kLengthAndTransferEncoding, HttpStatus::kBadRequest},
      {ParseFault::kTransferEncodingHttp10, HttpStatus::kBadRequest},
      {ParseFault::kBodyOnGet, HttpStatus::kBadRequest},
      {ParseFault::kRequestLineTooLong, HttpStatus::kUriTooLong},
      {ParseFault::kFieldLineTooLong, HttpStatus::kFieldsTooLarge},
      {ParseFault::kTooManyFields, HttpStatus::kFieldsTooLarge},
      {ParseFault::kHeadTooLarge, HttpStatus::kFieldsTooLarge},
      {ParseFault::kVersionNotSupported, HttpStatus::kVersionNotSupported},
  };
  std::vector<std::string> names;
  for (const auto& row : table) {
    CHECK_EQUAL(row.status, fault_status(row.fault));
    const std::string name(fault_name(row.fault));
    CHECK_TEXT(name != "unknown", name.c_str());
    for (const std::string& other : names) {
      CHECK_TEXT(other != name, name.c_str());
    }
    names.push_back(name);
  }
}
