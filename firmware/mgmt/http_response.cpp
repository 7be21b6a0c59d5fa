// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/http_response.hpp"

#include <algorithm>

namespace portcullis::mgmt {

Route route(Method method, std::string_view path) {
  Resource resource = Resource::kNone;
  if (path == kStatusPath) {
    resource = Resource::kStatus;
  } else if (path == kMetricsPath) {
    resource = Resource::kMetrics;
  } else {
    return {HttpStatus::kNotFound, Resource::kNone};
  }
  if (method != Method::kGet) {
    return {HttpStatus::kMethodNotAllowed, Resource::kNone};
  }
  return {HttpStatus::kOk, resource};
}

Route route(const HttpRequestParser& request) {
  switch (request.state()) {
    case ParseState::kComplete:
      return route(request.method(), request.path());
    case ParseState::kError:
      return {request.error_status(), Resource::kNone};
    case ParseState::kNeedMore:
      break;
  }
  return {HttpStatus::kBadRequest, Resource::kNone};
}

namespace {

void put_head(report::TextSink& sink, HttpStatus status, std::string_view content_type,
              std::size_t content_length) {
  sink.put("HTTP/1.1 ");
  sink.put_decimal(static_cast<std::uint16_t>(status));
  sink.put(' ');
  sink.put(reason_phrase(status));
  sink.put("\r\nContent-Type: ");
  sink.put(content_type);
  sink.put("\r\nContent-Length: ");
  sink.put_decimal(content_length);
  if (status == HttpStatus::kMethodNotAllowed) {
    sink.put("\r\nAllow: GET");  // RFC 9110 15.5.6: a 405 must say what is allowed
  }
  sink.put("\r\nConnection: close\r\n\r\n");
}

constexpr std::string_view kErrorContentType = "text/plain; charset=utf-8";

}  // namespace

StatusWithSize write_response_head(HttpStatus status, std::string_view content_type,
                                   std::size_t content_length, std::span<char> out) {
  const auto control = [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\t') || b == 0x7F;
  };
  if (std::any_of(content_type.begin(), content_type.end(), control)) {
    return {Status::kInvalidArgument, 0};
  }
  report::TextSink sink(out);
  put_head(sink, status, content_type, content_length);
  return {sink.complete() ? Status::kOk : Status::kResourceExhausted, sink.size()};
}

StatusWithSize write_error_response(HttpStatus status, std::span<char> out) {
  const std::string_view reason = reason_phrase(status);
  const std::size_t body_length = 3 + 1 + reason.size() + 1;  // "404 Not Found\n"
  report::TextSink sink(out);
  put_head(sink, status, kErrorContentType, body_length);
  sink.put_decimal(static_cast<std::uint16_t>(status));
  sink.put(' ');
  sink.put(reason);
  sink.put('\n');
  return {sink.complete() ? Status::kOk : Status::kResourceExhausted, sink.size()};
}

}  // namespace portcullis::mgmt
