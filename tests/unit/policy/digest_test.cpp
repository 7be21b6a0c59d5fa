// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/digest.hpp"

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

// Computed independently: printf '<canonical text of kExample>' | sha256sum
constexpr std::string_view kExampleDigest =
    "55bf3dd68f65a6bc1fc8fd3efeec1d94716dda6a534b6614dfd275fdc12f4f58";

static_assert(digest(parse(kExample).policy).view() == kExampleDigest);

std::string digest_of(std::string_view text) {
  const ParseResult r = parse(text);
  CHECK_TRUE(r.ok());
  return std::string(digest(r.policy).view());
}

}  // namespace

TEST_GROUP(PolicyDigest){};

TEST(PolicyDigest, DigestOfTheExampleIsStable) {
  STRCMP_EQUAL(std::string(kExampleDigest).c_str(), digest_of(kExample).c_str());
  // Independently: printf 'mode stealth\necho off\n' | sha256sum
  STRCMP_EQUAL("9d851305b6d0b20fb4652b04670d70f22c6b612ee14ec1c4ce343b36b5a5bd3a",
               digest_of("").c_str());
}

TEST(PolicyDigest, SameTableSameDigest) {
  const std::string reference = digest_of(kExample);
  // Comments, blanks, tabs, CRLF, where mode and echo stand, hex case, `::`, leading zeros.
  constexpr std::string_view kSame[] = {
      "echo on\nallow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\nmode stealth",
      "\r\n  allow   tcp\t80  # web\r\n"
      "allow tcp 5000-5010 from 192.0.2.0/24 , 2001:DB8:0:0::/64\r\n"
      "# between\r\nallow udp 05683\r\nmgmt 8443 from 192.0.2.0/24 # mgmt\r\nmode stealth\r\n"
      "echo on\r\n",
      "mode stealth\necho on\nallow tcp 80-80\n"
      "allow tcp 5000-5010 from 192.0.2.0/24,2001:0db8:0000:0000:0000:0000:0000:0000/64\n"
      "allow udp 5683-5683\nmgmt 8443 from 192.0.2.0/24\n",
  };
  for (std::string_view text : kSame) {
    STRCMP_EQUAL(reference.c_str(), digest_of(text).c_str());
  }
}

TEST(PolicyDigest, AnyChangeOfMeaningChangesTheDigest) {
  const std::string reference = digest_of(kExample);
  constexpr std::string_view kDifferent[] = {
      // mode, echo, a port, a range, a prefix, a protocol, mgmt vs allow, rule order
      "mode reject\nallow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\n",
      "allow tcp 81\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 80\nallow tcp 5000-5011 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/25,2001:db8::/64\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow tcp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 80\nallow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\nallow tcp 8443 from 192.0.2.0/24\necho on\n",
      "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\nallow tcp 80\n"
      "allow udp 5683\nmgmt 8443 from 192.0.2.0/24\necho on\n",
  };
  for (std::string_view text : kDifferent) {
    CHECK_TRUE(reference != digest_of(text));
  }
}

}  // namespace portcullis::policy
