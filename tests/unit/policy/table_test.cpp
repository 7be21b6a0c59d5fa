// SPDX-License-Identifier: Apache-2.0
// The run-time table (table.hpp): the same answers as the parser's Policy, in arrays of the
// policy's own size, found by a binary search over the rules' ports.
#include "portcullis/policy/table.hpp"

#include <array>
#include <cstdint>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/compiled.hpp"
#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

constexpr Policy policy_of(std::string_view text) {
  const ParseResult r = parse(text);
  return r.ok() ? r.policy : Policy{};
}

constexpr Policy kExample = policy_of(
    "allow udp 5683\n"
    "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
    "mgmt 8443 from 192.0.2.1\n"
    "allow tcp 80\n"
    "allow udp 1-52 from 2001:db8:0:1::/64,198.51.100.0/25,203.0.113.7\n"
    "allow tcp 65535\n");

// Exactly the policy's size: 6 rules, 6 prefixes.
constexpr auto kExact = compact<kExample.rule_count, source_total(kExample)>(kExample);
static_assert(kExact.rules.size() == 6 && kExact.sources.size() == 6);
static_assert(sizeof(kExact) < 300, "a 6-rule table is not the 5 KiB full-size Policy");
constexpr Table kExactTable = kExact;
static_assert(kExactTable.allows(Proto::kTcp, 5005, Ip4{192, 0, 2, 9}));
static_assert(!kExactTable.allows(Proto::kTcp, 5005, Ip4{192, 0, 3, 9}));
static_assert(kExactTable.mgmt_port() == 8443);

// The sources that tell the rules above apart: in and out of each prefix, both families.
constexpr std::array<Ip4, 5> kSources4 = {Ip4{192, 0, 2, 1}, Ip4{192, 0, 3, 1},
                                          Ip4{198, 51, 100, 127}, Ip4{198, 51, 100, 128},
                                          Ip4{203, 0, 113, 7}};
constexpr std::array<Ip6, 3> kSources6 = {
    Ip6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
    Ip6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},
    Ip6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}};

// Every port of both protocols from every source: the table's answer is the Policy's.
void check_same_answers(const Policy& p) {
  const auto compacted = compact(p);
  const Table t = compacted;
  for (std::uint32_t port = 0; port <= 65535; ++port) {
    const auto p16 = static_cast<std::uint16_t>(port);
    for (const Proto proto : {Proto::kTcp, Proto::kUdp}) {
      if (t.allows_port(proto, p16) != p.allows_port(proto, p16)) {
        FAIL(("allows_port differs at port " + std::to_string(port)).c_str());
      }
      for (const Ip4& src : kSources4) {
        if (t.allows(proto, p16, src) != p.allows(proto, p16, src)) {
          FAIL(("allows (IPv4) differs at port " + std::to_string(port)).c_str());
        }
      }
      for (const Ip6& src : kSources6) {
        if (t.allows(proto, p16, src) != p.allows(proto, p16, src)) {
          FAIL(("allows (IPv6) differs at port " + std::to_string(port)).c_str());
        }
      }
    }
  }
}

}  // namespace

TEST_GROUP(CompactTable){};

TEST(CompactTable, AnswersAsThePolicyForEveryPort) {
  check_same_answers(kExample);
}

// 32 rules given from the highest port down, alternating protocols: the by-port order, not
// the file's, is what the search walks.
TEST(CompactTable, ThirtyTwoRulesInReverseOrder) {
  Policy p;
  for (std::size_t i = 0; i < kMaxRules; ++i) {
    Rule& r = p.rules[p.rule_count++];
    r.proto = i % 2 == 0 ? Proto::kTcp : Proto::kUdp;
    r.first_port = static_cast<std::uint16_t>(64000 - 1000 * i);
    r.last_port = static_cast<std::uint16_t>(r.first_port + (i % 3) * 7);
    r.line = static_cast<std::uint32_t>(i + 1);
  }
  check_same_answers(p);
  const auto compacted = compact(p);
  const Table t = compacted;
  LONGS_EQUAL(kMaxRules, t.rules.size());
  LONGS_EQUAL(1, t.rules[0].line);  // file order kept for the report
  const TableRule* r = t.rule_for(Proto::kUdp, 63000);
  CHECK(r != nullptr);
  LONGS_EQUAL(2, r->line);
  CHECK(t.rule_for(Proto::kTcp, 63000) == nullptr);  // that port's rule is udp
}

TEST(CompactTable, AnEmptyPolicyAllowsNothing) {
  const auto compacted = compact(Policy{});
  const Table t = compacted;
  CHECK_FALSE(t.allows(Proto::kTcp, 80, Ip4{192, 0, 2, 1}));
  CHECK_FALSE(t.allows_port(Proto::kUdp, 1));
  CHECK_FALSE(t.mgmt_port().has_value());
  CHECK_FALSE(Table{}.allows_port(Proto::kTcp, 65535));
}

// A Policy made by hand with counts beyond its arrays is cut to them, never read past them.
TEST(CompactTable, CountsBeyondTheCapacitiesAreCut) {
  Policy p = kExample;
  p.rule_count = 200;
  p.rules[1].source_count = 99;
  const auto compacted = compact(p);
  LONGS_EQUAL(kMaxRules, compacted.rule_count);
  LONGS_EQUAL(kMaxSources, compacted.rules[1].source_count);
}

// The build's policy: its table has the policy's own size, and answers as it does.
TEST(CompactTable, TheCompiledPolicyIsExactSize) {
  LONGS_EQUAL(kPolicy.rule_count, kCompiledPolicy.rules.size());
  LONGS_EQUAL(source_total(kPolicy), kCompiledPolicy.sources.size());
  LONGS_EQUAL(kPolicy.rule_count, kPolicyTable.rules.size());
  check_same_answers(kPolicy);
}

// Prefix::contains compares four bytes at a time at run time and byte by byte in constant
// expressions: both give, for every length, a match exactly when the one differing bit lies
// beyond the prefix.
TEST(CompactTable, PrefixMatchAtEveryLengthAndBit) {
  constexpr Ip6 kBase = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
                         0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9};
  for (std::uint8_t len = 0; len <= 128; ++len) {
    Prefix p;
    p.is_v6 = true;
    p.len = len;
    for (std::size_t i = 0; i < 16; ++i) {
      const std::size_t bits = len > 8 * i ? len - 8 * i : 0;
      p.addr[i] = bits >= 8 ? kBase[i] : static_cast<std::uint8_t>(kBase[i] & (0xFF << (8 - bits)));
    }
    CHECK_TRUE(p.contains(kBase));
    for (std::size_t bit = 0; bit < 128; ++bit) {
      Ip6 other = kBase;
      other[bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
      if (p.contains(other) != (bit >= len)) {
        FAIL(("prefix /" + std::to_string(len) + ", bit " + std::to_string(bit)).c_str());
      }
    }
  }
  static_assert(Prefix{true, {0x20, 0x01, 0x0d, 0xb8}, 32}.contains(
      Ip6{0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  static_assert(!Prefix{true, {0x20, 0x01, 0x0d, 0xb8}, 33}.contains(
      Ip6{0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  // A length beyond the family (a Prefix made by hand) matches nothing.
  CHECK_FALSE((Prefix{false, {192, 0, 2, 0}, 40}.contains(Ip4{192, 0, 2, 0})));
}

}  // namespace portcullis::policy
