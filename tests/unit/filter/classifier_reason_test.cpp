// SPDX-License-Identifier: Apache-2.0
// reason_name and is_pass_reason: the names the status JSON and the metrics carry.

#include <CppUTest/TestHarness.h>

#include <cctype>
#include <cstring>
#include <string>

#include "portcullis/filter/classifier.hpp"

using portcullis::filter::is_pass_reason;
using portcullis::filter::kReasonCount;
using portcullis::filter::Reason;
using portcullis::filter::reason_name;

namespace {

constexpr const char* kNames[] = {
    "allowed",
    "established",
    "stack_client",
    "neighbour_discovery",
    "icmp_error_own_flow",
    "echo",
    "closed_port",
    "malformed",
    "fragment",
    "bad_extension_chain",
    "unknown_protocol",
    "broadcast",
    "icmp_denied",
    "no_connection",
    "bad_mtu",
    "connection_limit",
    "unsolicited_reply",
};
static_assert(std::size(kNames) == kReasonCount, "a name for every reason");

Reason reason(std::size_t i) {
  return static_cast<Reason>(i);
}

}  // namespace

TEST_GROUP(ClassifierReason){};

TEST(ClassifierReason, NamesAreStable) {
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    STRCMP_EQUAL(kNames[i], reason_name(reason(i)));
  }
}

TEST(ClassifierReason, NamesAreDistinctLowerCaseLabels) {
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    const std::string name = reason_name(reason(i));
    CHECK(!name.empty());
    for (const char c : name) {
      CHECK_TEXT(std::islower(static_cast<unsigned char>(c)) || c == '_', name.c_str());
    }
    for (std::size_t j = 0; j < i; ++j) {
      CHECK_TEXT(name != reason_name(reason(j)), name.c_str());
    }
  }
}

TEST(ClassifierReason, OutOfRangeIsInvalid) {
  STRCMP_EQUAL("invalid", reason_name(Reason::kCount));
  STRCMP_EQUAL("invalid", reason_name(reason(200)));
}

TEST(ClassifierReason, PassReasonsAreTheFirstSix) {
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    CHECK_EQUAL_TEXT(i < 6, is_pass_reason(reason(i)), kNames[i]);
  }
}
