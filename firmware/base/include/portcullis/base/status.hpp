// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

namespace portcullis {

// Result of an operation that can fail in a way the caller must handle.
enum class [[nodiscard]] Status : std::uint8_t{
    kOk = 0,
    kUnavailable,        // the resource is not there (no frame, no device, no link)
    kInvalidArgument,    // the caller passed something out of range
    kResourceExhausted,  // a fixed-size buffer or FIFO is full
    kDeadlineExceeded,   // the hardware did not answer within its bound
    kInternal,           // the hardware answered something it never should
};

constexpr bool ok(Status s) {
  return s == Status::kOk;
}

constexpr const char* to_string(Status s) {
  switch (s) {
    case Status::kOk:
      return "ok";
    case Status::kUnavailable:
      return "unavailable";
    case Status::kInvalidArgument:
      return "invalid argument";
    case Status::kResourceExhausted:
      return "resource exhausted";
    case Status::kDeadlineExceeded:
      return "deadline exceeded";
    case Status::kInternal:
      return "internal";
  }
  return "?";
}

// A status and a size (bytes written, bytes a document needs, ...): what a writer did.
// What `size` means is each function's to say.
struct [[nodiscard]] StatusWithSize {
  Status status = Status::kOk;
  std::size_t size = 0;
};

}  // namespace portcullis
