// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lets CHECK_EQUAL print the parser's enums by name. Global, beside CppUTest's own
// StringFrom overloads (see tests/unit/hal/status_string.hpp).

#include <string>

#include <CppUTest/SimpleString.h>

#include "portcullis/base/status.hpp"
#include "portcullis/mgmt/http_request.hpp"

inline SimpleString StringFrom(portcullis::mgmt::ParseFault f) {
  return SimpleString(std::string(portcullis::mgmt::fault_name(f)).c_str());
}

inline SimpleString StringFrom(portcullis::mgmt::HttpStatus s) {
  return StringFromFormat("%d", static_cast<int>(s));
}

inline SimpleString StringFrom(portcullis::mgmt::ParseState s) {
  switch (s) {
    case portcullis::mgmt::ParseState::kNeedMore:
      return "need-more";
    case portcullis::mgmt::ParseState::kComplete:
      return "complete";
    case portcullis::mgmt::ParseState::kError:
      return "error";
  }
  return "?";
}

inline SimpleString StringFrom(portcullis::Status status) {
  return SimpleString(portcullis::to_string(status));
}
