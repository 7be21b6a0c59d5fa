// SPDX-License-Identifier: Apache-2.0
#include <string>
#include <string_view>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "http_strings.hpp"
#include "portcullis/mgmt/http_request.hpp"
#include "portcullis/mgmt/http_response.hpp"

using portcullis::Status;
using portcullis::StatusWithSize;
using portcullis::mgmt::HttpRequestParser;
using portcullis::mgmt::HttpStatus;
using portcullis::mgmt::kMaxErrorResponse;
using portcullis::mgmt::Method;
using portcullis::mgmt::reason_phrase;
using portcullis::mgmt::Resource;
using portcullis::mgmt::Route;
using portcullis::mgmt::route;

namespace {

Route route_of(std::string_view text) {
  HttpRequestParser p;
  p.feed(std::span<const char>(text.data(), text.size()));
  return route(p);
}

std::string head_text(HttpStatus status, std::string_view type, std::size_t length) {
  std::vector<char> buffer(512);
  const portcullis::StatusWithSize r =
      portcullis::mgmt::write_response_head(status, type, length, buffer);
  CHECK_EQUAL(Status::kOk, r.status);
  return std::string(buffer.data(), r.size);
}

constexpr HttpStatus kErrorStatuses[] = {
    HttpStatus::kBadRequest,          HttpStatus::kNotFound,
    HttpStatus::kMethodNotAllowed,    HttpStatus::kRequestTimeout,
    HttpStatus::kUriTooLong,          HttpStatus::kFieldsTooLarge,
    HttpStatus::kVersionNotSupported, HttpStatus::kInternalServerError};

}  // namespace

TEST_GROUP(HttpRoute){};

TEST(HttpRoute, GetOnTheTwoPaths) {
  const Route status = route(Method::kGet, "/v1/status");
  CHECK_EQUAL(HttpStatus::kOk, status.status);
  CHECK(status.resource == Resource::kStatus);
  const Route metrics = route(Method::kGet, "/metrics");
  CHECK_EQUAL(HttpStatus::kOk, metrics.status);
  CHECK(metrics.resource == Resource::kMetrics);
}

TEST(HttpRoute, OtherMethodsOnTheTwoPathsAre405) {
  for (const Method m :
       {Method::kHead, Method::kPost, Method::kPut, Method::kDelete, Method::kConnect,
        Method::kOptions, Method::kTrace, Method::kPatch, Method::kOther}) {
    for (const char* path : {"/v1/status", "/metrics"}) {
      const Route r = route(m, path);
      CHECK_EQUAL(HttpStatus::kMethodNotAllowed, r.status);
      CHECK(r.resource == Resource::kNone);
    }
  }
}

TEST(HttpRoute, OtherPathsAre404WhateverTheMethod) {
  for (const char* path :
       {"/", "/v1/status/", "/v1/Status", "/V1/STATUS", "/metrics/", "/v1/%73tatus", "//metrics",
        "/v1", "/metricsx", "/v1/status/../x", "/v1/./status", ""}) {
    for (const Method m : {Method::kGet, Method::kPost, Method::kOther}) {
      const Route r = route(m, path);
      CHECK_EQUAL_TEXT(HttpStatus::kNotFound, r.status, path);
      CHECK(r.resource == Resource::kNone);
    }
  }
}

TEST(HttpRoute, ParsedRequests) {
  CHECK(route_of("GET /metrics?x=1 HTTP/1.1\r\nHost: d\r\n\r\n").resource == Resource::kMetrics);
  CHECK(route_of("GET /v1/status HTTP/1.0\r\n\r\n").resource == Resource::kStatus);
  CHECK_EQUAL(HttpStatus::kMethodNotAllowed,
              route_of("get /v1/status HTTP/1.1\r\nHost: d\r\n\r\n").status);
  CHECK_EQUAL(HttpStatus::kNotFound, route_of("GET /v2/status HTTP/1.1\r\nHost: d\r\n\r\n").status);
  CHECK_EQUAL(HttpStatus::kMethodNotAllowed,
              route_of("POST /metrics HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\nhi").status);
}

TEST(HttpRoute, RefusedAndUnfinishedRequests) {
  CHECK_EQUAL(HttpStatus::kBadRequest, route_of("GET /v1/status HTTP/1.1\r\n\r\n").status);
  CHECK_EQUAL(HttpStatus::kVersionNotSupported, route_of("GET /metrics HTTP/2.0\r\n\r\n").status);
  CHECK_EQUAL(HttpStatus::kUriTooLong, route_of("GET /" + std::string(300, 'a')).status);
  const Route unfinished = route_of("GET /v1/status HTTP/1.1\r\nHost: d\r\n");
  CHECK_EQUAL(HttpStatus::kBadRequest, unfinished.status);
  CHECK(unfinished.resource == Resource::kNone);
}

TEST_GROUP(HttpResponse){};

TEST(HttpResponse, HeadOfAJsonDocument) {
  STRCMP_EQUAL(
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: 1596\r\n"
      "Connection: close\r\n"
      "\r\n",
      head_text(HttpStatus::kOk, "application/json", 1596).c_str());
}

TEST(HttpResponse, A405SaysWhatIsAllowed) {
  STRCMP_EQUAL(
      "HTTP/1.1 405 Method Not Allowed\r\n"
      "Content-Type: text/plain\r\n"
      "Content-Length: 0\r\n"
      "Allow: GET\r\n"
      "Connection: close\r\n"
      "\r\n",
      head_text(HttpStatus::kMethodNotAllowed, "text/plain", 0).c_str());
  CHECK(head_text(HttpStatus::kNotFound, "text/plain", 0).find("Allow") == std::string::npos);
}

TEST(HttpResponse, TooSmallBufferIsAnErrorAndNothingIsWrittenPastIt) {
  const std::string full = head_text(HttpStatus::kOk, "application/json", 12345);
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::vector<char> buffer(n + 8, '#');
    const portcullis::StatusWithSize r = portcullis::mgmt::write_response_head(
        HttpStatus::kOk, "application/json", 12345, std::span<char>(buffer.data(), n));
    CHECK_EQUAL(Status::kResourceExhausted, r.status);
    LONGS_EQUAL(full.size(), r.size);
    STRCMP_EQUAL("########", std::string(buffer.data() + n, 8).c_str());
  }
}

TEST(HttpResponse, ContentTypeCannotInjectAField) {
  std::vector<char> buffer(512, '#');
  for (const std::string_view type :
       {std::string_view("text/plain\r\nSet-Cookie: a=b"), std::string_view("text/plain\n"),
        std::string_view("a\0b", 3)}) {
    const portcullis::StatusWithSize r =
        portcullis::mgmt::write_response_head(HttpStatus::kOk, type, 1, buffer);
    CHECK_EQUAL(Status::kInvalidArgument, r.status);
    CHECK_EQUAL('#', buffer[0]);
  }
}

TEST(HttpResponse, EveryErrorResponseIsCompleteAndFits) {
  for (const HttpStatus status : kErrorStatuses) {
    std::vector<char> buffer(kMaxErrorResponse);
    const portcullis::StatusWithSize r = portcullis::mgmt::write_error_response(status, buffer);
    CHECK_EQUAL(Status::kOk, r.status);
    const std::string text(buffer.data(), r.size);
    const std::string code = std::to_string(static_cast<int>(status));
    const std::string reason(reason_phrase(status));
    const std::string status_line = "HTTP/1.1 " + code + " " + reason + "\r\n";
    STRCMP_EQUAL(status_line.c_str(), text.substr(0, status_line.size()).c_str());
    const std::size_t end = text.find("\r\n\r\n");
    CHECK(end != std::string::npos);
    const std::string head = text.substr(0, end + 2);
    const std::string body = text.substr(end + 4);
    STRCMP_EQUAL((code + " " + reason + "\n").c_str(), body.c_str());
    CHECK(head.find("\r\nContent-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
    CHECK(head.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") !=
          std::string::npos);
    CHECK(head.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK((head.find("\r\nAllow: GET\r\n") != std::string::npos) ==
          (status == HttpStatus::kMethodNotAllowed));
  }
}

TEST(HttpResponse, ErrorResponseInATooSmallBuffer) {
  std::vector<char> buffer(40);
  const portcullis::StatusWithSize r =
      portcullis::mgmt::write_error_response(HttpStatus::kNotFound, buffer);
  CHECK_EQUAL(Status::kResourceExhausted, r.status);
  CHECK(r.size > buffer.size());
}

TEST(HttpResponse, ReasonPhrases) {
  STRCMP_EQUAL("OK", std::string(reason_phrase(HttpStatus::kOk)).c_str());
  STRCMP_EQUAL("Bad Request", std::string(reason_phrase(HttpStatus::kBadRequest)).c_str());
  STRCMP_EQUAL("Not Found", std::string(reason_phrase(HttpStatus::kNotFound)).c_str());
  STRCMP_EQUAL("Method Not Allowed",
               std::string(reason_phrase(HttpStatus::kMethodNotAllowed)).c_str());
  STRCMP_EQUAL("Request Timeout", std::string(reason_phrase(HttpStatus::kRequestTimeout)).c_str());
  STRCMP_EQUAL("URI Too Long", std::string(reason_phrase(HttpStatus::kUriTooLong)).c_str());
  STRCMP_EQUAL("Request Header Fields Too Large",
               std::string(reason_phrase(HttpStatus::kFieldsTooLarge)).c_str());
  STRCMP_EQUAL("HTTP Version Not Supported",
               std::string(reason_phrase(HttpStatus::kVersionNotSupported)).c_str());
  STRCMP_EQUAL("Internal Server Error",
               std::string(reason_phrase(HttpStatus::kInternalServerError)).c_str());
}
