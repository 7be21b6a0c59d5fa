// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/canonical.hpp"

#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

constexpr std::string_view kExample =
    "# comment\n"
    "mode stealth\n"
    "allow tcp 80\n"
    "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
    "allow udp 5683\n"
    "mgmt 8443 from 192.0.2.0/24\n"
    "echo on\n";

constexpr std::string_view kExampleCanonical =
    "mode stealth\n"
    "echo on\n"
    "allow tcp 80\n"
    "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
    "allow udp 5683\n"
    "mgmt 8443 from 192.0.2.0/24\n";

static_assert(canonical(parse(kExample).policy).view() == kExampleCanonical);

std::string canonical_of(std::string_view text) {
  const ParseResult r = parse(text);
  CHECK_TRUE(r.ok());
  return std::string(canonical(r.policy).view());
}

std::string prefix_text(std::string_view text) {
  Prefix p{};
  CHECK_TRUE(internal::parse_prefix(text, p) == ErrorCode::kNone);
  return std::string(format_prefix(p).view());
}

// The table without the line numbers, which the canonical form drops on purpose.
Policy without_lines(Policy p) {
  for (Rule& r : p.rules) {
    r.line = 0;
  }
  return p;
}

}  // namespace

TEST_GROUP(PolicyCanonical){};

TEST(PolicyCanonical, ExampleHasTheDocumentedForm) {
  STRCMP_EQUAL(std::string(kExampleCanonical).c_str(), canonical_of(kExample).c_str());
}

TEST(PolicyCanonical, DefaultsAreSpelledOut) {
  STRCMP_EQUAL("mode stealth\necho off\n", canonical_of("").c_str());
  STRCMP_EQUAL("mode reject\necho off\n", canonical_of("mode reject").c_str());
}

TEST(PolicyCanonical, PortsAndHostsAreNormalised) {
  STRCMP_EQUAL("mode stealth\necho off\nallow udp 7\nallow tcp 80-90\nmgmt 22 from 10.0.0.1/32\n",
               canonical_of("allow udp 7-7\nallow tcp 080-0090\nmgmt 022 from 10.0.0.1").c_str());
}

TEST(PolicyCanonical, Ipv4Prefixes) {
  STRCMP_EQUAL("0.0.0.0/0", prefix_text("0.0.0.0/0").c_str());
  STRCMP_EQUAL("255.255.255.255/32", prefix_text("255.255.255.255").c_str());
  STRCMP_EQUAL("198.51.100.128/25", prefix_text("198.51.100.128/25").c_str());
}

TEST(PolicyCanonical, Ipv6PrefixesFollowRfc5952) {
  STRCMP_EQUAL("2001:db8::1/128", prefix_text("2001:0DB8:0000:0000:0000:0000:0000:0001").c_str());
  STRCMP_EQUAL("::/0", prefix_text("::/0").c_str());
  STRCMP_EQUAL("::1/128", prefix_text("0:0:0:0:0:0:0:1").c_str());
  STRCMP_EQUAL("1::/128", prefix_text("1:0:0:0:0:0:0:0").c_str());
  // 4.2.2: one zero group is not compressed.
  STRCMP_EQUAL("2001:db8:0:1:1:1:1:1/128", prefix_text("2001:db8::1:1:1:1:1").c_str());
  // 4.2.3: the longest run is compressed; on a tie, the first.
  STRCMP_EQUAL("2001:0:0:1::1/128", prefix_text("2001:0:0:1:0:0:0:1").c_str());
  STRCMP_EQUAL("2001:db8::1:0:0:1/128", prefix_text("2001:db8:0:0:1:0:0:1").c_str());
  // 4.1 and 4.3: no leading zeros, lower case.
  STRCMP_EQUAL("abcd:ef:1::/64", prefix_text("ABCD:00EF:0001::/64").c_str());
  STRCMP_EQUAL("fe80::/10", prefix_text("FE80:0::/10").c_str());
  // No mixed dotted form: the canonical text uses hex groups only.
  STRCMP_EQUAL("::ffff:c000:201/128", prefix_text("::ffff:192.0.2.1").c_str());
  STRCMP_EQUAL("1:2:3:4:5:6:7:8/128", prefix_text("1:2:3:4:5:6:7:8").c_str());
  STRCMP_EQUAL("0:1:2:3:4:5:6:7/128", prefix_text("::1:2:3:4:5:6:7").c_str());
  STRCMP_EQUAL("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
               prefix_text("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").c_str());
}

TEST(PolicyCanonical, TheCanonicalTextParsesBackToTheSameTable) {
  constexpr std::string_view kTexts[] = {
      kExample,
      "mode reject\necho off\nallow udp 1-65535 from ::/0,0.0.0.0/0\nmgmt 1",
      "allow tcp 1 from 1:0:0:1::,::ffff:10.0.0.1,192.0.2.64/26,2001:db8:0:0:1::/80",
  };
  for (std::string_view text : kTexts) {
    const ParseResult first = parse(text);
    CHECK_TRUE(first.ok());
    const CanonicalText canonical_text = canonical(first.policy);
    const ParseResult again = parse(canonical_text.view());
    CHECK_TRUE(again.ok());
    CHECK(without_lines(first.policy) == without_lines(again.policy));
    STRCMP_EQUAL(std::string(canonical_text.view()).c_str(),
                 std::string(canonical(again.policy).view()).c_str());
  }
}

}  // namespace portcullis::policy
