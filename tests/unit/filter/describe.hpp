// SPDX-License-Identifier: Apache-2.0
#pragma once
// "verdict reason" text of a Decision, so a failing check prints both names.

#include <string>

#include "portcullis/filter/classifier.hpp"

namespace portcullis::test {

inline const char* verdict_name(filter::Verdict v) {
  switch (v) {
    case filter::Verdict::kPass:
      return "pass";
    case filter::Verdict::kDrop:
      return "drop";
    case filter::Verdict::kReject:
      return "reject";
  }
  return "?";
}

inline std::string describe(const filter::Decision& d) {
  return std::string(verdict_name(d.verdict)) + " " + filter::reason_name(d.reason);
}

}  // namespace portcullis::test

// CHECK_DECISION("drop closed_port", decision)
#define CHECK_DECISION(expected, decision) \
  STRCMP_EQUAL(expected, portcullis::test::describe(decision).c_str())
