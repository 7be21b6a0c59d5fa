// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/parser.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

namespace portcullis::policy {
namespace {

// Parsing happens in the compiler for the firmware: these prove it is a constant expression.
static_assert(parse("").ok());
static_assert(parse("allow tcp 80\nmgmt 8443 from 2001:db8::/32\n").policy.rule_count == 2);
static_assert(parse("allow tcp 0").error == Error{1, ErrorCode::kPortZero, "0", 0});
static_assert(parse("\n\nallow tcp 80\nallow tcp 80").error.other_line == 3);

Prefix v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t len) {
  Prefix p{};
  p.addr = {a, b, c, d};
  p.len = len;
  return p;
}

Prefix v6(std::array<std::uint8_t, 16> addr, std::uint8_t len) {
  Prefix p{};
  p.is_v6 = true;
  p.addr = addr;
  p.len = len;
  return p;
}

std::string describe(const Error& e) {
  return std::to_string(e.line) + ": " + std::string(e.message()) + " [" + std::string(e.token) +
         "] other " + std::to_string(e.other_line);
}

// Checks code, line, token and the earlier line in one comparison with a readable diff.
void check_error(std::string_view text, std::uint32_t line, ErrorCode code,
                 std::string_view token = {}, std::uint32_t other_line = 0) {
  const ParseResult r = parse(text);
  STRCMP_EQUAL(describe(Error{line, code, token, other_line}).c_str(), describe(r.error).c_str());
  CHECK_FALSE(r.ok());
}

Rule parse_one_rule(std::string_view text) {
  const ParseResult r = parse(text);
  STRCMP_EQUAL("ok", std::string(r.error.message()).c_str());
  LONGS_EQUAL(1, r.policy.rule_count);
  return r.policy.rules[0];
}

Prefix parse_one_prefix(std::string_view prefix) {
  const Rule r = parse_one_rule("allow tcp 1 from " + std::string(prefix));
  LONGS_EQUAL(1, r.source_count);
  return r.sources[0];
}

void check_prefix_error(std::string_view prefix, ErrorCode code) {
  check_error("allow tcp 1 from " + std::string(prefix), 1, code, prefix);
}

}  // namespace

TEST_GROUP(PolicyParser){};

// ---- valid files ---------------------------------------------------------------------

TEST(PolicyParser, EmptyFileIsAStealthPolicyWithNoRulesAndNoEcho) {
  for (std::string_view text : {"", "\n\n", "# only a comment\n   \t\n"}) {
    const ParseResult r = parse(text);
    CHECK_TRUE(r.ok());
    CHECK(r.policy == Policy{});
    CHECK(r.policy.mode == Mode::kStealth);
    CHECK_FALSE(r.policy.echo);
    LONGS_EQUAL(0, r.policy.rule_count);
  }
}

TEST(PolicyParser, ParsesTheArchitectureExample) {
  constexpr std::string_view kText =
      "# comment\n"
      "mode stealth\n"
      "allow tcp 80\n"
      "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
      "allow udp 5683\n"
      "mgmt 8443 from 192.0.2.0/24\n"
      "echo on\n";
  const ParseResult r = parse(kText);
  CHECK_TRUE(r.ok());
  CHECK(r.policy.mode == Mode::kStealth);
  CHECK_TRUE(r.policy.echo);
  LONGS_EQUAL(4, r.policy.rule_count);

  const Rule& http = r.policy.rules[0];
  CHECK(http.proto == Proto::kTcp);
  LONGS_EQUAL(80, http.first_port);
  LONGS_EQUAL(80, http.last_port);
  LONGS_EQUAL(0, http.source_count);
  CHECK_FALSE(http.mgmt);
  LONGS_EQUAL(3, http.line);

  const Rule& range = r.policy.rules[1];
  CHECK(range.proto == Proto::kTcp);
  LONGS_EQUAL(5000, range.first_port);
  LONGS_EQUAL(5010, range.last_port);
  LONGS_EQUAL(2, range.source_count);
  CHECK(range.sources[0] == v4(192, 0, 2, 0, 24));
  CHECK(range.sources[1] == v6({0x20, 0x01, 0x0d, 0xb8}, 64));
  LONGS_EQUAL(4, range.line);

  const Rule& coap = r.policy.rules[2];
  CHECK(coap.proto == Proto::kUdp);
  LONGS_EQUAL(5683, coap.first_port);
  LONGS_EQUAL(5683, coap.last_port);

  const Rule& mgmt = r.policy.rules[3];
  CHECK(mgmt.proto == Proto::kTcp);
  CHECK_TRUE(mgmt.mgmt);
  LONGS_EQUAL(8443, mgmt.first_port);
  LONGS_EQUAL(8443, mgmt.last_port);
  LONGS_EQUAL(1, mgmt.source_count);
  CHECK(mgmt.sources[0] == v4(192, 0, 2, 0, 24));
  LONGS_EQUAL(6, mgmt.line);
  LONGS_EQUAL(8443, r.policy.mgmt_port().value_or(0));
}

TEST(PolicyParser, ReadsModeAndEcho) {
  CHECK(parse("mode reject").policy.mode == Mode::kReject);
  CHECK(parse("mode stealth").policy.mode == Mode::kStealth);
  CHECK_TRUE(parse("echo on").policy.echo);
  CHECK_FALSE(parse("echo off").policy.echo);
}

TEST(PolicyParser, CommentsBlanksTabsAndCrlfAreIgnored) {
  const ParseResult r = parse(
      "  # indented comment\r\n"
      "\tallow\tudp  1-65535\t# everything, really # twice\r\n"
      "mgmt 22 from 10.0.0.0/8 , 2001:db8::1 #no blank before the hash\r\n"
      "echo on#tight\n"
      "mode reject   ");  // no newline at the end
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(2, r.policy.rule_count);
  LONGS_EQUAL(1, r.policy.rules[0].first_port);
  LONGS_EQUAL(65535, r.policy.rules[0].last_port);
  LONGS_EQUAL(2, r.policy.rules[1].source_count);
  CHECK_TRUE(r.policy.echo);
  CHECK(r.policy.mode == Mode::kReject);
}

TEST(PolicyParser, RulesKeepFileOrderAndLineNumbers) {
  const ParseResult r = parse("allow udp 53\n\n# x\nallow tcp 53\nmgmt 443\nallow tcp 1-52\n");
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(4, r.policy.rule_count);
  const std::array<std::uint32_t, 4> lines = {1, 4, 5, 6};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    LONGS_EQUAL(lines[i], r.policy.rules[i].line);
  }
  CHECK(r.policy.rules[0].proto == Proto::kUdp);
  CHECK(r.policy.rules[1].proto == Proto::kTcp);  // same port, other protocol: no overlap
}

TEST(PolicyParser, LeadingZerosInPortsAreTheSamePort) {
  const Rule r = parse_one_rule("allow tcp 0080-00443");
  LONGS_EQUAL(80, r.first_port);
  LONGS_EQUAL(443, r.last_port);
}

TEST(PolicyParser, ASinglePortRangeIsOnePort) {
  const Rule r = parse_one_rule("allow udp 7-7");
  LONGS_EQUAL(7, r.first_port);
  LONGS_EQUAL(7, r.last_port);
}

TEST(PolicyParser, HighestPortAndWidestRange) {
  LONGS_EQUAL(65535, parse_one_rule("allow tcp 65535").first_port);
  const Rule r = parse_one_rule("allow tcp 1-65535");
  LONGS_EQUAL(1, r.first_port);
  LONGS_EQUAL(65535, r.last_port);
}

TEST(PolicyParser, Ipv4Prefixes) {
  CHECK(parse_one_prefix("192.0.2.0/24") == v4(192, 0, 2, 0, 24));
  CHECK(parse_one_prefix("192.0.2.7") == v4(192, 0, 2, 7, 32));  // a host
  CHECK(parse_one_prefix("192.0.2.7/32") == v4(192, 0, 2, 7, 32));
  CHECK(parse_one_prefix("0.0.0.0/0") == v4(0, 0, 0, 0, 0));
  CHECK(parse_one_prefix("255.255.255.255") == v4(255, 255, 255, 255, 32));
  CHECK(parse_one_prefix("10.0.0.0/8") == v4(10, 0, 0, 0, 8));
  CHECK(parse_one_prefix("172.16.0.0/12") == v4(172, 16, 0, 0, 12));
  CHECK(parse_one_prefix("198.51.100.128/25") == v4(198, 51, 100, 128, 25));
}

TEST(PolicyParser, Ipv6PrefixesInEveryTextForm) {
  const std::array<std::uint8_t, 16> kDoc1 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                              0,    0,    0,    0,    0, 0, 0, 1};
  CHECK(parse_one_prefix("2001:db8::1") == v6(kDoc1, 128));
  CHECK(parse_one_prefix("2001:DB8::1/128") == v6(kDoc1, 128));
  CHECK(parse_one_prefix("2001:0db8:0000:0000:0000:0000:0000:0001") == v6(kDoc1, 128));
  CHECK(parse_one_prefix("2001:db8:0:0:0:0:0:1") == v6(kDoc1, 128));
  CHECK(parse_one_prefix("2001:db8:0::0:1") == v6(kDoc1, 128));
  CHECK(parse_one_prefix("::") == v6({}, 128));
  CHECK(parse_one_prefix("::/0") == v6({}, 0));
  CHECK(parse_one_prefix("::1") == v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128));
  CHECK(parse_one_prefix("fe80::/10") == v6({0xfe, 0x80}, 10));
  CHECK(parse_one_prefix("2001:db8::/32") == v6({0x20, 0x01, 0x0d, 0xb8}, 32));
  CHECK(parse_one_prefix("1:2:3:4:5:6:7::") ==
        v6({0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0}, 128));  // `::` for one group
  CHECK(parse_one_prefix("::2:3:4:5:6:7:8") ==
        v6({0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}, 128));
  CHECK(parse_one_prefix("fFfF:1::aBcD:0/112") ==
        v6({0xff, 0xff, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0}, 112));
}

TEST(PolicyParser, Ipv6WithEmbeddedIpv4) {
  CHECK(parse_one_prefix("::ffff:192.0.2.1") ==
        v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}, 128));
  CHECK(parse_one_prefix("64:ff9b::/96") == parse_one_prefix("64:ff9b::0.0.0.0/96"));
  CHECK(parse_one_prefix("1:2:3:4:5:6:10.0.0.1") ==
        v6({0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 10, 0, 0, 1}, 128));
}

TEST(PolicyParser, MixedFamiliesAndTheFullSourceList) {
  const Rule r = parse_one_rule(
      "allow tcp 22 from 10.0.0.0/8,10.1.0.0/16,::1,2001:db8::/48,192.0.2.1,"
      "198.51.100.0/24,203.0.113.0/24,fd00::/8");
  LONGS_EQUAL(kMaxSources, r.source_count);
  CHECK_TRUE(r.sources[2].is_v6);
  CHECK_FALSE(r.sources[4].is_v6);
  CHECK(r.sources[7] == v6({0xfd}, 8));
}

TEST(PolicyParser, FillsAllRuleSlots) {
  std::string text;
  for (std::size_t i = 0; i < kMaxRules - 1; ++i) {
    text += "allow udp " + std::to_string(1000 + i) + "\n";
  }
  text += "mgmt 8443\n";
  const ParseResult r = parse(text);
  CHECK_TRUE(r.ok());
  LONGS_EQUAL(kMaxRules, r.policy.rule_count);
  LONGS_EQUAL(8443, r.policy.mgmt_port().value_or(0));
}

TEST(PolicyParser, AcceptsALineOfExactlyTheMaximumLength) {
  std::string line = "allow tcp 80 #";
  line.resize(kMaxLineLength, 'x');
  CHECK_TRUE(parse(line).ok());
  CHECK_TRUE(parse(line + "\r\n").ok());  // the CR of CRLF does not count
}

// ---- errors, each with its line --------------------------------------------------------

TEST(PolicyParser, UnknownKeyword) {
  check_error("# c\n\nalow tcp 80\n", 3, ErrorCode::kUnknownKeyword, "alow");
  check_error("allow tcp 80\nALLOW tcp 81\n", 2, ErrorCode::kUnknownKeyword, "ALLOW");
  check_error("deny tcp 80", 1, ErrorCode::kUnknownKeyword, "deny");
}

TEST(PolicyParser, MissingArguments) {
  check_error("\nallow", 2, ErrorCode::kMissingArgument);
  check_error("allow tcp # 80", 1, ErrorCode::kMissingArgument);
  check_error("echo on\nmgmt\n", 2, ErrorCode::kMissingArgument);
  check_error("mode", 1, ErrorCode::kMissingArgument);
  check_error("echo   ", 1, ErrorCode::kMissingArgument);
  check_error("allow tcp 80 from\n", 1, ErrorCode::kMissingArgument);
  check_error("\n\n\nmgmt 1 from   # nothing", 4, ErrorCode::kMissingArgument);
}

TEST(PolicyParser, ExtraArguments) {
  check_error("mode stealth reject", 1, ErrorCode::kExtraArgument, "reject");
  check_error("\necho on off", 2, ErrorCode::kExtraArgument, "off");
  check_error("allow tcp 80 from 10.0.0.0/8 extra", 1, ErrorCode::kExtraArgument, "extra");
  check_error("mgmt 1 from ::1 ::2", 1, ErrorCode::kExtraArgument, "::2");
}

TEST(PolicyParser, BadValuesOfModeEchoAndProtocol) {
  check_error("mode silent", 1, ErrorCode::kBadMode, "silent");
  check_error("mode Stealth", 1, ErrorCode::kBadMode, "Stealth");
  check_error("\necho yes", 2, ErrorCode::kBadEcho, "yes");
  check_error("allow icmp 1", 1, ErrorCode::kBadProtocol, "icmp");
  check_error("allow 80", 1, ErrorCode::kBadProtocol, "80");
}

TEST(PolicyParser, SomethingElseThanFromAfterThePorts) {
  check_error("allow tcp 80 to 10.0.0.0/8", 1, ErrorCode::kExpectedFrom, "to");
  check_error("mgmt 8443 from10.0.0.0/8", 1, ErrorCode::kExpectedFrom, "from10.0.0.0/8");
}

TEST(PolicyParser, PortZero) {
  check_error("\nallow tcp 0", 2, ErrorCode::kPortZero, "0");
  check_error("allow udp 0-10", 1, ErrorCode::kPortZero, "0-10");
  check_error("mgmt 000", 1, ErrorCode::kPortZero, "000");
}

TEST(PolicyParser, PortAbove65535) {
  check_error("allow tcp 65536", 1, ErrorCode::kPortTooLarge, "65536");
  check_error("# a\nallow tcp 1-70000", 2, ErrorCode::kPortTooLarge, "1-70000");
  check_error("mgmt 99999999999999999999", 1, ErrorCode::kPortTooLarge,
              "99999999999999999999");  // no overflow back into range
}

TEST(PolicyParser, NonNumericPorts) {
  for (std::string_view port : {"http", "80a", "-80", "80-", "+80", "8.0", "1-2-3", "0x50"}) {
    check_error("allow tcp " + std::string(port), 1, ErrorCode::kPortNotNumeric, port);
  }
}

TEST(PolicyParser, ReversedRange) {
  check_error("\n\nallow udp 10-9", 3, ErrorCode::kReversedRange, "10-9");
}

TEST(PolicyParser, MgmtTakesOnePort) {
  check_error("mgmt 8443-8444", 1, ErrorCode::kMgmtRange, "8443-8444");
}

TEST(PolicyParser, MalformedPrefixes) {
  for (std::string_view p : {"192.0.2",
                             "192.0.2.0.1",
                             "192.0.2.256",
                             "192.0.02.1",
                             "192.0.2.",
                             ".192.0.2.1",
                             "192.0.2.1/",
                             "192.0.2.1/x",
                             "192.0.2.1/24/1",
                             "192.0.2.1/-1",
                             "a.b.c.d",
                             "localhost",
                             "/24",
                             "2001:db8::1::2",
                             "2001:db8:::1",
                             ":1::",
                             "1::2:",
                             "1:2:3:4:5:6:7:8:9",
                             "1:2:3:4:5:6:7",
                             "::1:2:3:4:5:6:7:8",
                             "1:2:3:4:5:6:7:8::",
                             "12345::",
                             "g::",
                             "fe80::1%eth0",
                             "[::1]",
                             "::ffff:192.0.2",
                             "::192.0.2.1:1",
                             "1:2:3:4:5:6:7:1.2.3.4",
                             "::1.2.3.4.5"}) {
    check_prefix_error(p, ErrorCode::kMalformedPrefix);
  }
}

TEST(PolicyParser, PrefixLengthOutOfRange) {
  check_prefix_error("192.0.2.0/33", ErrorCode::kPrefixLengthRange);
  check_prefix_error("2001:db8::/129", ErrorCode::kPrefixLengthRange);
  check_prefix_error("::/99999999999", ErrorCode::kPrefixLengthRange);
  check_error("\nmgmt 1 from ::1/128,10.0.0.0/64", 2, ErrorCode::kPrefixLengthRange, "10.0.0.0/64");
}

TEST(PolicyParser, HostBitsSet) {
  check_prefix_error("192.0.2.1/24", ErrorCode::kHostBitsSet);
  check_prefix_error("192.0.2.128/24", ErrorCode::kHostBitsSet);
  check_prefix_error("0.0.0.1/0", ErrorCode::kHostBitsSet);
  check_prefix_error("2001:db8::1/64", ErrorCode::kHostBitsSet);
  check_prefix_error("2001:db8:0:0:8000::/64", ErrorCode::kHostBitsSet);
  check_prefix_error("fe80::/8", ErrorCode::kHostBitsSet);  // fe80::/9 would be fine
}

TEST(PolicyParser, EmptyEntriesInThePrefixList) {
  check_error("allow tcp 1 from ,10.0.0.0/8", 1, ErrorCode::kEmptyPrefix);
  check_error("allow tcp 1 from 10.0.0.0/8,", 1, ErrorCode::kEmptyPrefix);
  check_error("\nallow tcp 1 from 10.0.0.0/8,,::1", 2, ErrorCode::kEmptyPrefix);
}

TEST(PolicyParser, APrefixTwiceInOneRule) {
  check_error("allow tcp 1 from 10.0.0.0/8,::1,10.0.0.0/8", 1, ErrorCode::kDuplicatePrefix,
              "10.0.0.0/8");
  check_error("allow tcp 1 from 2001:db8::/32,2001:DB8:0::/32", 1, ErrorCode::kDuplicatePrefix,
              "2001:DB8:0::/32");  // the same network spelled differently
  check_error("allow tcp 1 from 192.0.2.1,192.0.2.1/32", 1, ErrorCode::kDuplicatePrefix,
              "192.0.2.1/32");
}

TEST(PolicyParser, DuplicateRules) {
  check_error("allow tcp 80\n# x\nallow tcp 80", 3, ErrorCode::kDuplicateRule, "80", 1);
  check_error("allow udp 5-9\nallow udp 5-9 from ::1", 2, ErrorCode::kDuplicateRule, "5-9", 1);
  check_error("mgmt 8443\nallow tcp 8443", 2, ErrorCode::kDuplicateRule, "8443", 1);
  check_error("allow tcp 8443\n\nmgmt 8443 from 10.0.0.0/8", 3, ErrorCode::kDuplicateRule, "8443",
              1);
}

TEST(PolicyParser, OverlappingRules) {
  // Any shared port of the same protocol, whatever the source lists: one port, one rule.
  check_error("allow tcp 5000-5010\nallow tcp 5010-5020", 2, ErrorCode::kOverlappingRule,
              "5010-5020", 1);
  check_error("allow tcp 5000-5010\nallow tcp 4000-4999\nallow tcp 5005", 3,
              ErrorCode::kOverlappingRule, "5005", 1);
  check_error("allow tcp 5005\nallow tcp 1-65535", 2, ErrorCode::kOverlappingRule, "1-65535", 1);
  check_error("allow udp 1-100 from 10.0.0.0/8\nallow udp 50 from 192.0.2.0/24", 2,
              ErrorCode::kOverlappingRule, "50", 1);
  check_error("allow tcp 8000-9000\nmgmt 8443", 2, ErrorCode::kOverlappingRule, "8443", 1);
  check_error("mgmt 8443\nallow udp 8443\nallow tcp 8440-8450", 3, ErrorCode::kOverlappingRule,
              "8440-8450", 1);
}

TEST(PolicyParser, SecondMgmtModeOrEchoLine) {
  check_error("mgmt 8443\nmgmt 9443", 2, ErrorCode::kSecondMgmt, {}, 1);
  check_error("mgmt 8443\nmgmt 8443", 2, ErrorCode::kSecondMgmt, {}, 1);
  check_error("mode stealth\nallow tcp 1\nmode stealth", 3, ErrorCode::kSecondMode, {}, 1);
  check_error("\necho off\necho on", 3, ErrorCode::kSecondEcho, {}, 2);
}

TEST(PolicyParser, MoreRulesThanTheCapacity) {
  std::string text = "# header\n";
  for (std::size_t i = 0; i < kMaxRules; ++i) {
    text += "allow tcp " + std::to_string(100 + i) + "\n";
  }
  text += "allow udp 1\n";
  check_error(text, kMaxRules + 2, ErrorCode::kTooManyRules);
}

TEST(PolicyParser, MoreSourcesThanTheCapacity) {
  check_error("\nallow tcp 1 from ::1,::2,::3,::4,::5,::6,::7,::8,::9", 2,
              ErrorCode::kTooManySources, "::9");
}

TEST(PolicyParser, LineTooLong) {
  std::string line = "allow tcp 80 #";
  line.resize(kMaxLineLength + 1, 'x');
  check_error("echo on\n" + line + "\n", 2, ErrorCode::kLineTooLong);
}

TEST(PolicyParser, ControlCharacters) {
  using namespace std::string_literals;
  check_error("allow tcp 80\nallow udp 80\0"s, 2, ErrorCode::kControlCharacter);
  check_error("# lone CR\rallow tcp 22\n", 1, ErrorCode::kControlCharacter);
  check_error("\n\n# form feed \f\n", 3, ErrorCode::kControlCharacter);
  check_error("echo on \x7f", 1, ErrorCode::kControlCharacter);
}

TEST(PolicyParser, StopsAtTheFirstError) {
  check_error("mode loud\necho maybe\n", 1, ErrorCode::kBadMode, "loud");
}

TEST(PolicyParser, EveryErrorHasItsOwnMessage) {
  for (int c = 1; c <= static_cast<int>(ErrorCode::kTooManySources); ++c) {
    const std::string_view m = error_message(static_cast<ErrorCode>(c));
    CHECK_TRUE(m.size() > 10);
    for (int other = 0; other < c; ++other) {
      CHECK_TRUE(m != error_message(static_cast<ErrorCode>(other)));
    }
  }
  STRCMP_EQUAL("host bits set in prefix (the address must be the first of its network)",
               std::string(Error{1, ErrorCode::kHostBitsSet}.message()).c_str());
}

}  // namespace portcullis::policy
