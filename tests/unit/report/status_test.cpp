// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/report/status.hpp"
#include "status_fixture.hpp"

using portcullis::policy::Proto;
using portcullis::report::format_address;
using portcullis::report::IpAddress;
using portcullis::test::v4;
using portcullis::test::v6;

namespace {
std::string text(const IpAddress& a) {
  return std::string(format_address(a).view());
}
}  // namespace

TEST_GROUP(FormatAddress){};

TEST(FormatAddress, Ipv4DottedDecimal) {
  STRCMP_EQUAL("192.0.2.1", text(v4(192, 0, 2, 1)).c_str());
  STRCMP_EQUAL("0.0.0.0", text(v4(0, 0, 0, 0)).c_str());
  STRCMP_EQUAL("255.255.255.255", text(v4(255, 255, 255, 255)).c_str());
}

// RFC 5952 section 4: lower case, no leading zeros, the longest run of two or more zero
// groups as "::" (the first on a tie), a single zero group kept as "0".
TEST(FormatAddress, Ipv6Rfc5952) {
  STRCMP_EQUAL("2001:db8::1", text(v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1})).c_str());
  STRCMP_EQUAL("::", text(v6({0, 0, 0, 0, 0, 0, 0, 0})).c_str());
  STRCMP_EQUAL("::1", text(v6({0, 0, 0, 0, 0, 0, 0, 1})).c_str());
  STRCMP_EQUAL("fe80::", text(v6({0xfe80, 0, 0, 0, 0, 0, 0, 0})).c_str());
  STRCMP_EQUAL("2001:db8:0:1:1:1:1:1", text(v6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1})).c_str());
  STRCMP_EQUAL("2001:db8::1:0:0:1", text(v6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1})).c_str());
  STRCMP_EQUAL("2001:0:0:1::1", text(v6({0x2001, 0, 0, 1, 0, 0, 0, 1})).c_str());
  STRCMP_EQUAL("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
               text(v6({0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0xffff})).c_str());
  STRCMP_EQUAL("::ffff:c000:201", text(v6({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201})).c_str());
}

TEST_GROUP(StatusNames){};

TEST(StatusNames, ProtocolAndActionNames) {
  STRCMP_EQUAL("tcp", std::string(portcullis::report::proto_name(Proto::kTcp)).c_str());
  STRCMP_EQUAL("udp", std::string(portcullis::report::proto_name(Proto::kUdp)).c_str());
  STRCMP_EQUAL("icmp", std::string(portcullis::report::ip_proto_name(1)).c_str());
  STRCMP_EQUAL("icmpv6", std::string(portcullis::report::ip_proto_name(58)).c_str());
  CHECK_TRUE(portcullis::report::ip_proto_name(47).empty());
  STRCMP_EQUAL(
      "closed",
      std::string(portcullis::report::action_name(portcullis::report::ViolationAction::kClosed))
          .c_str());
  STRCMP_EQUAL(
      "reported",
      std::string(portcullis::report::action_name(portcullis::report::ViolationAction::kReported))
          .c_str());
}
