// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet's HOST[:PORT] rule and HOSTS file reading: every form a user writes, and
// every malformed one the poller must refuse up front (a usage error) rather than poll.
// Standard headers before CppUTest (its leak detector redefines new).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "target.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::hosts_file_entries;
using portcullis::fleet::kDefaultPort;
using portcullis::fleet::parse_target;
using portcullis::fleet::Target;

namespace {

// Parses `spec` and checks host and port; the spec is kept as given.
void check_target(std::string_view spec, const char* host, unsigned port) {
  const std::string text(spec);
  const std::optional<Target> t = parse_target(spec);
  CHECK_TEXT(t.has_value(), text.c_str());
  STRCMP_EQUAL_TEXT(text.c_str(), t->spec.c_str(), text.c_str());
  STRCMP_EQUAL_TEXT(host, t->host.c_str(), text.c_str());
  LONGS_EQUAL_TEXT(port, t->port, text.c_str());
}

void check_refused(std::string_view spec) {
  const std::string text(spec);
  CHECK_TEXT(!parse_target(spec).has_value(), ("accepted '" + text + "'").c_str());
}

void check_entries(std::string_view text, const std::vector<std::string>& want) {
  const std::vector<std::string> got = hosts_file_entries(text);
  LONGS_EQUAL(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) STRCMP_EQUAL(want[i].c_str(), got[i].c_str());
}

}  // namespace

TEST_GROUP(FleetTarget){};

TEST(FleetTarget, DefaultPortIs8443) {
  LONGS_EQUAL(8443, kDefaultPort);
}

TEST(FleetTarget, Ipv4WithAndWithoutPort) {
  check_target("192.0.2.2", "192.0.2.2", 8443);
  check_target("192.0.2.2:9000", "192.0.2.2", 9000);
  check_target("10.0.0.1:1", "10.0.0.1", 1);
}

TEST(FleetTarget, NamesWithAndWithoutPort) {
  check_target("portcullis-host-linux", "portcullis-host-linux", 8443);
  check_target("dev1.fleet.example:8443", "dev1.fleet.example", 8443);
  check_target("localhost:10443", "localhost", 10443);
}

TEST(FleetTarget, TheCertificateMustNameTheHostUnlessAnIdIsGiven) {
  STRCMP_EQUAL("192.0.2.2", parse_target("192.0.2.2:9000")->name.c_str());
  const std::optional<Target> t =
      parse_target("sensor-7.plant@192.0.2.57:9443", kDefaultPort, true);
  CHECK(t.has_value());
  STRCMP_EQUAL("sensor-7.plant", t->name.c_str());
  STRCMP_EQUAL("192.0.2.57", t->host.c_str());
  LONGS_EQUAL(9443, t->port);
  STRCMP_EQUAL("sensor-7.plant@192.0.2.57:9443", t->spec.c_str());
  const std::optional<Target> v6 =
      parse_target("d1@[2001:db8::5eff:fe00:5302]", kDefaultPort, true);
  CHECK(v6.has_value());
  STRCMP_EQUAL("d1", v6->name.c_str());
  STRCMP_EQUAL("2001:db8::5eff:fe00:5302", v6->host.c_str());
  // Where ids are not allowed (watch's broker), and ids that are none.
  CHECK(!parse_target("d1@192.0.2.2").has_value());
  for (const char* bad :
       {"@192.0.2.2", "a b@192.0.2.2", "a/b@192.0.2.2", "d1@", "d1@@host", "x@y@192.0.2.2"}) {
    CHECK_TEXT(!parse_target(bad, kDefaultPort, true).has_value(), bad);
  }
  CHECK(!parse_target(std::string(65, 'd') + "@192.0.2.2", kDefaultPort, true).has_value());
}

TEST(FleetTarget, BracketedIpv6WithAndWithoutPort) {
  check_target("[2001:db8::2]", "2001:db8::2", 8443);
  check_target("[2001:db8::2]:9443", "2001:db8::2", 9443);
  check_target("[::1]:8443", "::1", 8443);
  check_target("[::ffff:192.0.2.2]:80", "::ffff:192.0.2.2", 80);
  check_target("[fe80::1%eth0]:8443", "fe80::1%eth0", 8443);  // zone left to the resolver
}

TEST(FleetTarget, BareIpv6TakesTheDefaultPort) {
  check_target("2001:db8::2", "2001:db8::2", 8443);
  check_target("::1", "::1", 8443);
  check_target("fe80::1%eth0", "fe80::1%eth0", 8443);
  // Two or more colons is an address: a port needs brackets, else it reads as the last group.
  check_target("2001:db8::2:8443", "2001:db8::2:8443", 8443);
}

TEST(FleetTarget, PortRange) {
  check_target("192.0.2.2:65535", "192.0.2.2", 65535);
  check_target("[2001:db8::2]:65535", "2001:db8::2", 65535);
  check_target("192.0.2.2:00080", "192.0.2.2", 80);  // leading zeros are still decimal
  check_refused("192.0.2.2:0");
  check_refused("192.0.2.2:00000");
  check_refused("192.0.2.2:65536");
  check_refused("192.0.2.2:99999");
  check_refused("192.0.2.2:100000");
  check_refused("192.0.2.2:4294975739");  // 8443 + 2^32: must not wrap into range
  check_refused("[2001:db8::2]:0");
  check_refused("[2001:db8::2]:65536");
}

TEST(FleetTarget, PortMustBeDecimalDigits) {
  check_refused("192.0.2.2:https");
  check_refused("192.0.2.2:0x50");
  check_refused("192.0.2.2:-1");
  check_refused("192.0.2.2:+80");
  check_refused("192.0.2.2: 80");
  check_refused("192.0.2.2:8o");
  check_refused("[2001:db8::2]:https");
}

TEST(FleetTarget, EmptyPortIsRefused) {
  check_refused("192.0.2.2:");
  check_refused("name:");
  check_refused("[2001:db8::2]:");
}

TEST(FleetTarget, EmptyHostIsRefused) {
  check_refused("");
  check_refused(":8443");
  check_refused(":");
  check_refused("[]");
  check_refused("[]:8443");
}

TEST(FleetTarget, UnmatchedBracketsAreRefused) {
  check_refused("[");
  check_refused("]");
  check_refused("[2001:db8::2");
  check_refused("[2001:db8::2:8443");
  check_refused("2001:db8::2]");
  check_refused("2001:db8::2]:8443");
  check_refused("192.0.2.2]:8443");
  check_refused("name]");
  check_refused("na[me");
  check_refused("[[2001:db8::2]");
  check_refused("[2001:db8::2]]");
  check_refused("[2001:db8::2]:[8443]");
}

TEST(FleetTarget, TrailingGarbageIsRefused) {
  check_refused("192.0.2.2:8443x");
  check_refused("192.0.2.2:8443 ");
  check_refused("[2001:db8::2]x");
  check_refused("[2001:db8::2]8443");
  check_refused("[2001:db8::2]:8443x");
  check_refused("[2001:db8::2]:8443:1");
  // Two colons make it a bare IPv6 address, which this is not.
  check_refused("192.0.2.2:8443:1");
  check_refused("name:80:90");
  check_refused("fe80::1%");  // a zone mark with no zone
}

TEST(FleetTarget, WhitespaceAndControlCharactersInTheHostAreRefused) {
  check_refused(" 192.0.2.2");
  check_refused("192.0.2.2 ");
  check_refused("192.0.2.2\t");
  check_refused("192.0.2.2\r");
  check_refused("192.0.2.2 192.0.2.3");  // two hosts on one HOSTS line
  check_refused("192.0.2.2 8443");       // a space for the colon
  check_refused("dev\x01");
  check_refused("dev\x7f:8443");
  check_refused("[ 2001:db8::2]:8443");
  check_refused(std::string_view("192.0.2.2\0x", 11));
}

TEST_GROUP(FleetHostsFile){};

TEST(FleetHostsFile, OneEntryALineInOrder) {
  check_entries("192.0.2.2\n[2001:db8::2]:8443\ndev1:9000\n",
                {"192.0.2.2", "[2001:db8::2]:8443", "dev1:9000"});
  check_entries("192.0.2.2", {"192.0.2.2"});  // no final newline
}

TEST(FleetHostsFile, NothingToPoll) {
  check_entries("", {});
  check_entries("\n\n", {});
  check_entries("# the lab fleet\n   # indented comment\n\t\r\n", {});
}

TEST(FleetHostsFile, CommentsRunToTheEndOfTheLine) {
  check_entries("# the lab fleet\n192.0.2.2   # lab device\n  # 192.0.2.9\n192.0.2.3#no space\n",
                {"192.0.2.2", "192.0.2.3"});
  check_entries("[2001:db8::2]:8443 # v6\n", {"[2001:db8::2]:8443"});
}

TEST(FleetHostsFile, WhitespaceAroundEntriesAndBlankLines) {
  check_entries("\n   \n\t\n  192.0.2.2 \t\n\n\t192.0.2.3:9000\n \n",
                {"192.0.2.2", "192.0.2.3:9000"});
}

TEST(FleetHostsFile, CrlfLines) {
  check_entries("192.0.2.2\r\n192.0.2.3:9000 # two\r\n\r\n", {"192.0.2.2", "192.0.2.3:9000"});
}

TEST(FleetHostsFile, InnerWhitespaceStaysForParseTargetToRefuse) {
  check_entries("192.0.2.2 192.0.2.3\n", {"192.0.2.2 192.0.2.3"});
  const auto entries = hosts_file_entries("192.0.2.2 8443\n");
  LONGS_EQUAL(1, entries.size());
  CHECK(!parse_target(entries[0]).has_value());
}

TEST(FleetHostsFile, EveryEntryOfAGoodFileParses) {
  const auto entries = hosts_file_entries(
      "# lab\r\n192.0.2.2\r\n  [2001:db8::2]:8443  # v6\r\nportcullis-host-linux:10443\r\n");
  LONGS_EQUAL(3, entries.size());
  check_target(entries[0], "192.0.2.2", 8443);
  check_target(entries[1], "2001:db8::2", 8443);
  check_target(entries[2], "portcullis-host-linux", 10443);
}
