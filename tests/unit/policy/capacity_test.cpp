// SPDX-License-Identifier: Apache-2.0
// The largest policies and files the capacities admit, built and parsed in the compiler:
// proves that a full table (32 rules of 8 full-length IPv6 prefixes, every line 512
// characters) and a 64 KiB file stay within GCC's default constexpr limits
// (-fconstexpr-ops-limit, -fconstexpr-loop-limit), and that the canonical buffer is
// exactly as large as the worst case needs.

#include <cstddef>
#include <cstdint>
#include <string>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/canonical.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

using WorstText = FixedText<(kMaxRules + 3) * (kMaxLineLength + 1)>;

constexpr void append_hex4(WorstText& t, std::uint32_t v) {
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int shift = 12; shift >= 0; shift -= 4) {
    t.append(kHex[(v >> shift) & 0xF]);
  }
}

// Longest canonical lines: 5-digit ranges, prefixes with eight 4-digit non-zero groups,
// mode stealth (longer than reject) and echo off (longer than on).
constexpr WorstText worst_case() {
  WorstText t{};
  t.append("# the largest policy the capacities admit\nmode stealth\necho off\n");
  for (std::uint32_t r = 0; r < kMaxRules; ++r) {
    const std::size_t line_start = t.size;
    const std::uint32_t first = 10000 + r * 100;
    if (r + 1 == kMaxRules) {
      t.append("mgmt ");
      t.append_decimal(first);
    } else {
      t.append(r % 2 == 0 ? "allow udp " : "allow tcp ");
      t.append_decimal(first);
      t.append('-');
      t.append_decimal(first + 99);
    }
    for (std::uint32_t s = 0; s < kMaxSources; ++s) {
      t.append(s == 0 ? " from " : ",");
      t.append("ffff:ffff:ffff:");
      append_hex4(t, 0x1000 + r);
      t.append(":ffff:ffff:ffff:");
      append_hex4(t, 0x1000 + s);
      t.append("/128");
    }
    t.append("  # ");
    while (t.size - line_start < kMaxLineLength) {  // and a comment to the longest line
      t.append('x');
    }
    t.append('\n');
  }
  return t;
}

constexpr WorstText kWorstText = worst_case();
constexpr ParseResult kWorst = parse(kWorstText.view());
static_assert(kWorst.ok());
static_assert(kWorst.policy.rule_count == kMaxRules);
static_assert(kWorst.policy.rules[0].source_count == kMaxSources);
constexpr CanonicalText kWorstCanonical = canonical(kWorst.policy);
// mgmt is shorter than an allow range, so the bound is reached but for that difference.
static_assert(kWorstCanonical.size ==
              kMaxCanonicalText - (sizeof("allow tcp 10000-10099") - sizeof("mgmt 13100")));
constexpr Digest kWorstDigest = digest(kWorst.policy);

// The largest file: the worst policy, then 512-character comment lines up to 64 KiB; and
// 64 KiB of empty lines, the most lines a file can have.
using FileText = FixedText<kMaxPolicyText>;
constexpr FileText largest_file() {
  FileText t{};
  t.append(kWorstText.view());
  while (t.size + kMaxLineLength + 1 <= kMaxPolicyText) {
    t.append('#');
    for (std::size_t i = 1; i < kMaxLineLength; ++i) {
      t.append('-');
    }
    t.append('\n');
  }
  while (t.size < kMaxPolicyText) {
    t.append(t.size + 1 == kMaxPolicyText ? '\n' : '#');
  }
  return t;
}
constexpr FileText empty_lines() {
  FileText t{};
  while (t.size < kMaxPolicyText) {
    t.append('\n');
  }
  return t;
}
constexpr FileText kLargestFile = largest_file();
constexpr FileText kEmptyLines = empty_lines();
static_assert(kLargestFile.size == kMaxPolicyText && kEmptyLines.size == kMaxPolicyText);
static_assert(parse(kLargestFile.view()).policy == kWorst.policy);
static_assert(parse(kEmptyLines.view()).ok());

}  // namespace

TEST_GROUP(PolicyCapacity){};

TEST(PolicyCapacity, TheLargestPolicyParsesAtRunTimeAlike) {
  const ParseResult r = parse(kWorstText.view());
  CHECK_TRUE(r.ok());
  CHECK(r.policy == kWorst.policy);
  STRCMP_EQUAL(std::string(kWorstDigest.view()).c_str(),
               std::string(digest(r.policy).view()).c_str());
}

TEST(PolicyCapacity, TheLargestFileParses) {
  CHECK_TRUE(parse(kLargestFile.view()).ok());
  CHECK_TRUE(parse(kEmptyLines.view()).ok());
}

TEST(PolicyCapacity, OneByteMoreIsAnErrorOnTheLineWhereTheLimitIsCrossed) {
  // 101-byte lines: byte 65536 (counting from 0) is the first past the limit, on line 649.
  std::string line(100, '#');
  line += '\n';
  std::string text;
  while (text.size() < kMaxPolicyText) {
    text += line;
  }
  text.resize(kMaxPolicyText);
  CHECK_TRUE(parse(text).ok());
  text += '\n';
  const Error e = parse(text).error;
  CHECK_TRUE(e.code == ErrorCode::kFileTooLarge);
  LONGS_EQUAL(649, e.line);
}

TEST(PolicyCapacity, OneMoreRuleOrPrefixIsAnError) {
  std::string text(kWorstText.view());
  CHECK_TRUE(parse(text + "allow tcp 1\n").error.code == ErrorCode::kTooManyRules);
  CHECK_TRUE(parse("allow tcp 1 from ::1,::2,::3,::4,::5,::6,::7,::8,::9").error.code ==
             ErrorCode::kTooManySources);
}

}  // namespace portcullis::policy
