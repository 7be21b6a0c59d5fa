// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/allowed_port.hpp"

#include <cstdint>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

constexpr Policy kTestPolicy = parse(
                                   "allow tcp 80\n"
                                   "allow tcp 5000-5010 from 192.0.2.0/24\n"
                                   "allow udp 5683\n"
                                   "mgmt 8443\n")
                                   .policy;

// What compiles is the point: each of these would be a build error for a port or protocol
// the policy does not allow (tests/policy checks that failure and its message).
constexpr AllowedTcpPort kHttp = AllowedTcpPort::checked<kTestPolicy, 80>();
constexpr AllowedTcpPort kRangeEnd = AllowedTcpPort::checked<kTestPolicy, 5010>();
constexpr AllowedTcpPort kMgmt = AllowedTcpPort::checked<kTestPolicy, 8443>();
constexpr AllowedUdpPort kCoap = AllowedUdpPort::checked<kTestPolicy, 5683>();

static_assert(kHttp.value() == 80 && kHttp.proto() == Proto::kTcp);
static_assert(kCoap.value() == 5683 && kCoap.proto() == Proto::kUdp);

}  // namespace

TEST_GROUP(AllowedPort){};

TEST(AllowedPort, CarriesThePortAndProtocol) {
  LONGS_EQUAL(80, kHttp.value());
  LONGS_EQUAL(5010, kRangeEnd.value());
  LONGS_EQUAL(8443, kMgmt.value());
  LONGS_EQUAL(5683, kCoap.value());
  CHECK(kMgmt.proto() == Proto::kTcp);
  CHECK(kCoap.proto() == Proto::kUdp);
}

TEST(AllowedPort, RunTimeLookupYieldsOnlyAllowedPorts) {
  const auto http = AllowedTcpPort::if_allowed<kTestPolicy>(80);
  CHECK_TRUE(http.has_value());
  CHECK(*http == kHttp);
  LONGS_EQUAL(5005, AllowedTcpPort::if_allowed<kTestPolicy>(5005).value().value());
  LONGS_EQUAL(5683, AllowedUdpPort::if_allowed<kTestPolicy>(5683).value().value());
  CHECK_FALSE(AllowedTcpPort::if_allowed<kTestPolicy>(81).has_value());
  CHECK_FALSE(AllowedTcpPort::if_allowed<kTestPolicy>(5011).has_value());
  CHECK_FALSE(AllowedTcpPort::if_allowed<kTestPolicy>(0).has_value());
  CHECK_FALSE(AllowedTcpPort::if_allowed<kTestPolicy>(5683).has_value());  // udp only
  CHECK_FALSE(AllowedUdpPort::if_allowed<kTestPolicy>(80).has_value());    // tcp only
}

TEST(AllowedPort, RunTimeLookupCoversExactlyThePolicy) {
  int tcp = 0;
  int udp = 0;
  for (std::uint32_t port = 0; port <= 65535; ++port) {
    const auto p16 = static_cast<std::uint16_t>(port);
    tcp += AllowedTcpPort::if_allowed<kTestPolicy>(p16).has_value() ? 1 : 0;
    udp += AllowedUdpPort::if_allowed<kTestPolicy>(p16).has_value() ? 1 : 0;
  }
  LONGS_EQUAL(1 + 11 + 1, tcp);  // 80, 5000-5010, 8443
  LONGS_EQUAL(1, udp);
}

TEST(AllowedPort, CopiesCompareByPort) {
  const AllowedTcpPort copy = kHttp;
  CHECK(copy == kHttp);
  CHECK_FALSE(copy == kMgmt);
}

}  // namespace portcullis::policy
