// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the status endpoint answers: the route of a parsed request and the response head
// (or a whole short error response) written into a fixed buffer.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/mgmt/http_request.hpp"
#include "portcullis/report/text_sink.hpp"

namespace portcullis::mgmt {

inline constexpr std::string_view kStatusPath = "/v1/status";
inline constexpr std::string_view kMetricsPath = "/metrics";

enum class Resource : std::uint8_t { kNone, kStatus, kMetrics };

struct Route {
  HttpStatus status = HttpStatus::kNotFound;
  Resource resource = Resource::kNone;  // set only with kOk
};

// GET /v1/status -> 200 kStatus, GET /metrics -> 200 kMetrics (the query is ignored);
// another method on one of those paths -> 405; any other path -> 404, whatever the method.
// Paths are compared as sent: no percent-decoding, no "/./" or trailing-slash folding.
[[nodiscard]] Route route(Method method, std::string_view path);
// A complete request is routed as above; a refused one routes to its error status; one
// still incomplete (the client went away half-way) is a 400.
[[nodiscard]] Route route(const HttpRequestParser& request);

// "HTTP/1.1 <code> <reason>", Content-Type, Content-Length, "Connection: close" (one
// request per connection), "Allow: GET" with a 405, and the empty line. kOk and its length;
// kResourceExhausted and the length needed when `out` is too small (send nothing then);
// kInvalidArgument when `content_type` holds a control character (a header injection).
[[nodiscard]] StatusWithSize write_response_head(HttpStatus status, std::string_view content_type,
                                                 std::size_t content_length, std::span<char> out);

// A whole error response: the head as above and a one-line text/plain body "<code>
// <reason>\n". Every status fits in kMaxErrorResponse bytes.
inline constexpr std::size_t kMaxErrorResponse = 192;
[[nodiscard]] StatusWithSize write_error_response(HttpStatus status, std::span<char> out);

}  // namespace portcullis::mgmt
