// SPDX-License-Identifier: Apache-2.0
// The vocabulary types (firmware/base): what every module relies on them to do.
#include <CppUTest/TestHarness.h>

#include <ctime>
#include <string>

#include "portcullis/base/bounded_list.hpp"
#include "portcullis/base/civil_time.hpp"
#include "portcullis/base/fixed_text.hpp"
#include "portcullis/base/network_settings.hpp"
#include "portcullis/base/status.hpp"

using portcullis::BoundedList;
using portcullis::decimal_text;
using portcullis::FixedText;

TEST_GROUP(BoundedList){};

TEST(BoundedList, RefusesEntriesBeyondItsCapacity) {
  BoundedList<int, 3> list;
  CHECK_TRUE(list.push(1));
  CHECK_TRUE(list.push(2));
  CHECK_TRUE(list.push(3));
  CHECK_FALSE(list.push(4));
  LONGS_EQUAL(3, list.view().size());
  LONGS_EQUAL(3, list.view()[2]);
}

TEST(BoundedList, ViewIsClampedToTheCapacity) {
  BoundedList<int, 3> list;
  list.count = 1000;  // as if corrupted: a reader still stays inside the array
  LONGS_EQUAL(3, list.view().size());
}

TEST_GROUP(FixedText){};

TEST(FixedText, DecimalText) {
  STRCMP_EQUAL("0", std::string(decimal_text(0).view()).c_str());
  STRCMP_EQUAL("7", std::string(decimal_text(7).view()).c_str());
  STRCMP_EQUAL("65535", std::string(decimal_text(65535).view()).c_str());
  STRCMP_EQUAL("18446744073709551615", std::string(decimal_text(~0ull).view()).c_str());
}

TEST(FixedText, AppendsTextCharactersAndNumbers) {
  FixedText<32> t;
  t.append("port ");
  t.append_decimal(8443);
  t.append('/');
  t.append_decimal(0);
  STRCMP_EQUAL("port 8443/0", std::string(t.view()).c_str());
}

TEST(FixedText, WorksInConstantEvaluation) {
  constexpr auto text = [] {
    FixedText<16> t;
    t.append_decimal(4294967295u);
    return t;
  }();
  static_assert(text.view() == "4294967295");
  LONGS_EQUAL(10, text.size);
}

TEST_GROUP(Status){};

TEST(Status, OkIsTheOnlySuccessAndEveryStatusHasAName) {
  CHECK_TRUE(portcullis::ok(portcullis::Status::kOk));
  CHECK_FALSE(portcullis::ok(portcullis::Status::kInternal));
  STRCMP_EQUAL("deadline exceeded", portcullis::to_string(portcullis::Status::kDeadlineExceeded));
  const portcullis::StatusWithSize w{.status = portcullis::Status::kResourceExhausted, .size = 7};
  LONGS_EQUAL(7, w.size);
}

TEST_GROUP(NetworkSettings){};

TEST(NetworkSettings, ValidNeedsAUnicastMacAndPrefixLengthsInRange) {
  portcullis::NetworkSettings s{.mac = {0x02, 0, 0x5e, 0, 0x53, 2},
                                .ipv4 = {192, 0, 2, 2},
                                .ipv4_prefix_len = 24,
                                .ipv4_gateway = {},
                                .ipv6 = {},
                                .ipv6_prefix_len = 64};
  CHECK_TRUE(portcullis::valid(s));
  s.mac[0] = 0x03;  // multicast
  CHECK_FALSE(portcullis::valid(s));
  s.mac[0] = 0x02;
  s.ipv4_prefix_len = 33;
  CHECK_FALSE(portcullis::valid(s));
  s.ipv4_dhcp = true;  // a lease's mask replaces it, but no length above 32 is valid
  CHECK_FALSE(portcullis::valid(s));
}

TEST(NetworkSettings, NoIpv4AddressAndNoMacAreSettingsToo) {
  // A device image (boards/common: board_network.hpp): no static IPv4 address (only DHCP's,
  // or none), no MAC (the identity record's or the board's).
  portcullis::NetworkSettings s{.mac = {},
                                .ipv4 = {},
                                .ipv4_prefix_len = 0,
                                .ipv4_gateway = {},
                                .ipv6 = {},
                                .ipv6_prefix_len = 0};
  CHECK_TRUE(portcullis::valid(s));
  CHECK_FALSE(portcullis::has_mac(s));
  s.ipv4 = {192, 0, 2, 2};  // a static address needs its prefix length
  CHECK_FALSE(portcullis::valid(s));
  s.mac = {0x02, 0, 0x5e, 0, 0x53, 2};
  CHECK_TRUE(portcullis::has_mac(s));
}

// ---- civil time ------------------------------------------------------------------------
TEST_GROUP(CivilTime){};

TEST(CivilTime, KnownDatesAndTheirText) {
  STRCMP_EQUAL("1970-01-01T00:00:00Z", std::string(portcullis::time_text(0).view()).c_str());
  STRCMP_EQUAL("1969-12-31T23:59:59Z", std::string(portcullis::time_text(-1).view()).c_str());
  STRCMP_EQUAL("2000-02-29T12:00:00Z",  // a leap day of a 400-year century
               std::string(portcullis::time_text(951'825'600).view()).c_str());
  STRCMP_EQUAL("2100-03-01T00:00:00Z",  // 2100 is no leap year
               std::string(portcullis::time_text(4'107'542'400).view()).c_str());
  STRCMP_EQUAL("2106-02-07T06:28:15Z",  // the last second of SNTP's 32-bit era 1 in Unix time
               std::string(portcullis::time_text(4'294'967'295).view()).c_str());
}

TEST(CivilTime, AgreesWithTheCLibraryDayByDayAndBack) {
  // Every day from 1900 to 2200 at a varying hour, against gmtime_r, and back again.
  for (std::int64_t t = -2'208'988'800; t < 7'258'118'400; t += 86'400 + 3'599) {
    const time_t tt = static_cast<time_t>(t);
    struct tm want {};
    CHECK(gmtime_r(&tt, &want) != nullptr);
    const portcullis::CivilTime got = portcullis::civil_time(t);
    if (got.year != want.tm_year + 1900 || got.month != want.tm_mon + 1 ||
        got.day != want.tm_mday || got.hour != want.tm_hour || got.minute != want.tm_min ||
        got.second != want.tm_sec) {
      FAIL(("differs from gmtime_r at " + std::to_string(t)).c_str());
    }
    LONGS_EQUAL(t, portcullis::unix_seconds(got));
  }
}

TEST(CivilTime, UsableInConstantEvaluation) {
  static_assert(portcullis::unix_seconds({.year = 2026, .month = 12, .day = 1}) == 1'796'083'200);
  static_assert(portcullis::time_text(1'796'083'200).view() == "2026-12-01T00:00:00Z");
}
