// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/policy.hpp"

#include <array>
#include <cstdint>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

constexpr Ip6 kDocHost = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
constexpr Ip6 kOtherV6 = {0x20, 0x01, 0x0d, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};

constexpr Prefix prefix_of(std::string_view text) {
  Prefix p{};
  (void)internal::parse_prefix(text, p);
  return p;
}

constexpr Policy policy_of(std::string_view text) {
  return parse(text).policy;
}

constexpr Policy kExample = policy_of(
    "allow tcp 80\n"
    "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
    "allow udp 5683\n"
    "mgmt 8443 from 192.0.2.1\n");

// The classifier calls these on the hot path and in constant expressions alike.
static_assert(kExample.allows(Proto::kTcp, 80, Ip4{198, 51, 100, 7}));
static_assert(!kExample.allows(Proto::kTcp, 8443, Ip4{192, 0, 2, 2}));
static_assert(prefix_of("10.0.0.0/8").contains(Ip4{10, 1, 2, 3}));

}  // namespace

TEST_GROUP(PolicyTable){};

TEST(PolicyTable, Ipv4PrefixContainsItsAddressesOnly) {
  const Prefix p = prefix_of("192.0.2.0/24");
  CHECK_TRUE(p.contains(Ip4{192, 0, 2, 0}));
  CHECK_TRUE(p.contains(Ip4{192, 0, 2, 255}));
  CHECK_FALSE(p.contains(Ip4{192, 0, 3, 0}));
  CHECK_FALSE(p.contains(Ip4{193, 0, 2, 1}));
}

TEST(PolicyTable, PrefixLengthsThatAreNotWholeBytes) {
  const Prefix p = prefix_of("198.51.100.128/25");
  CHECK_TRUE(p.contains(Ip4{198, 51, 100, 128}));
  CHECK_TRUE(p.contains(Ip4{198, 51, 100, 255}));
  CHECK_FALSE(p.contains(Ip4{198, 51, 100, 127}));
  const Prefix q = prefix_of("172.16.0.0/12");
  CHECK_TRUE(q.contains(Ip4{172, 31, 255, 255}));
  CHECK_FALSE(q.contains(Ip4{172, 32, 0, 0}));
  CHECK_FALSE(q.contains(Ip4{172, 15, 255, 255}));
}

TEST(PolicyTable, HostAndEverythingPrefixes) {
  const Prefix host = prefix_of("192.0.2.1");
  CHECK_TRUE(host.contains(Ip4{192, 0, 2, 1}));
  CHECK_FALSE(host.contains(Ip4{192, 0, 2, 0}));
  const Prefix any4 = prefix_of("0.0.0.0/0");
  CHECK_TRUE(any4.contains(Ip4{255, 255, 255, 255}));
  CHECK_TRUE(any4.contains(Ip4{0, 0, 0, 0}));
  const Prefix any6 = prefix_of("::/0");
  CHECK_TRUE(any6.contains(kOtherV6));
}

TEST(PolicyTable, Ipv6PrefixContainsItsAddressesOnly) {
  const Prefix p = prefix_of("2001:db8::/64");
  CHECK_TRUE(p.contains(kDocHost));
  CHECK_FALSE(p.contains(kOtherV6));
  const Prefix host = prefix_of("2001:db8::2");
  CHECK_TRUE(host.contains(kDocHost));
  Ip6 next = kDocHost;
  next[15] = 3;
  CHECK_FALSE(host.contains(next));
  const Prefix odd = prefix_of("2001:db8::/31");  // 2001:db8:: and 2001:db9:: alike
  CHECK_TRUE(odd.contains(kOtherV6));
}

TEST(PolicyTable, APrefixNeverMatchesTheOtherFamily) {
  CHECK_FALSE(prefix_of("0.0.0.0/0").contains(kDocHost));
  CHECK_FALSE(prefix_of("::/0").contains(Ip4{192, 0, 2, 1}));
  // ::ffff:192.0.2.1 is an IPv6 address here, never the IPv4 one.
  CHECK_FALSE(prefix_of("::ffff:0.0.0.0/96").contains(Ip4{192, 0, 2, 1}));
  const std::array<std::uint8_t, 5> odd_size = {192, 0, 2, 1, 0};
  CHECK_FALSE(prefix_of("0.0.0.0/0").contains(odd_size));
}

TEST(PolicyTable, RuleCoversItsProtocolAndPortRange) {
  const Rule& r = kExample.rules[1];
  CHECK_TRUE(r.covers(Proto::kTcp, 5000));
  CHECK_TRUE(r.covers(Proto::kTcp, 5010));
  CHECK_FALSE(r.covers(Proto::kTcp, 4999));
  CHECK_FALSE(r.covers(Proto::kTcp, 5011));
  CHECK_FALSE(r.covers(Proto::kUdp, 5005));
}

TEST(PolicyTable, RuleWithoutSourcesAdmitsEveryone) {
  const Rule& r = kExample.rules[0];
  CHECK_TRUE(r.admits(Ip4{198, 51, 100, 1}));
  CHECK_TRUE(r.admits(kOtherV6));
}

TEST(PolicyTable, RuleWithSourcesAdmitsOnlyThem) {
  const Rule& r = kExample.rules[1];
  CHECK_TRUE(r.admits(Ip4{192, 0, 2, 77}));
  CHECK_TRUE(r.admits(kDocHost));
  CHECK_FALSE(r.admits(Ip4{198, 51, 100, 1}));
  CHECK_FALSE(r.admits(kOtherV6));
}

TEST(PolicyTable, AllowsWithoutSources) {
  CHECK_TRUE(kExample.allows(Proto::kTcp, 80, Ip4{203, 0, 113, 9}));
  CHECK_TRUE(kExample.allows(Proto::kTcp, 80, kOtherV6));
  CHECK_TRUE(kExample.allows(Proto::kUdp, 5683, Ip4{203, 0, 113, 9}));
  CHECK_FALSE(kExample.allows(Proto::kUdp, 80, Ip4{203, 0, 113, 9}));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 5683, Ip4{203, 0, 113, 9}));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 81, Ip4{203, 0, 113, 9}));
}

TEST(PolicyTable, AllowsWithSources) {
  CHECK_TRUE(kExample.allows(Proto::kTcp, 5003, Ip4{192, 0, 2, 200}));
  CHECK_TRUE(kExample.allows(Proto::kTcp, 5003, kDocHost));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 5003, Ip4{192, 0, 3, 200}));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 5003, kOtherV6));
  CHECK_TRUE(kExample.allows(Proto::kTcp, 8443, Ip4{192, 0, 2, 1}));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 8443, Ip4{192, 0, 2, 2}));
  CHECK_FALSE(kExample.allows(Proto::kTcp, 8443, kDocHost));
}

TEST(PolicyTable, AllowsPortIgnoresSources) {
  CHECK_TRUE(kExample.allows_port(Proto::kTcp, 5010));
  CHECK_TRUE(kExample.allows_port(Proto::kTcp, 8443));
  CHECK_TRUE(kExample.allows_port(Proto::kUdp, 5683));
  CHECK_FALSE(kExample.allows_port(Proto::kUdp, 8443));
  CHECK_FALSE(kExample.allows_port(Proto::kTcp, 5011));
}

TEST(PolicyTable, AnEmptyPolicyAllowsNothing) {
  const Policy none{};
  CHECK_FALSE(none.allows(Proto::kTcp, 80, Ip4{192, 0, 2, 1}));
  CHECK_FALSE(none.allows_port(Proto::kUdp, 53));
  CHECK_FALSE(none.mgmt_port().has_value());
}

TEST(PolicyTable, MgmtPort) {
  LONGS_EQUAL(8443, kExample.mgmt_port().value_or(0));
  CHECK_FALSE(policy_of("allow tcp 8443").mgmt_port().has_value());
}

}  // namespace portcullis::policy
