// SPDX-License-Identifier: Apache-2.0
#pragma once
// UTC calendar time from and to seconds since 1970-01-01, and its RFC 3339 text: what the
// status report writes and what Mbed TLS compares certificate dates with. Proleptic
// Gregorian, no leap seconds (as Unix time), constexpr, no locale, no libc.

#include <cstdint>

#include "portcullis/base/fixed_text.hpp"

namespace portcullis {

struct CivilTime {
  std::int32_t year = 1970;
  std::uint8_t month = 1;  // 1..12
  std::uint8_t day = 1;    // 1..31
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
};

// Days from 1970-01-01 to year-month-day. Counted in 400-year eras of 146 097 days from
// 0000-03-01, so that February, with its leap day, ends each era's year.
constexpr std::int64_t days_from_civil(std::int32_t year, unsigned month, unsigned day) {
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_era = y - era * 400;                          // 0..399
  const std::int64_t march_month = month > 2 ? month - 3 : month + 9;      // March = 0
  const std::int64_t day_of_year = (153 * march_month + 2) / 5 + day - 1;  // 0..365
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // 0..146096
  return era * 146097 + day_of_era - 719468;  // 719 468: 0000-03-01 to 1970-01-01
}

constexpr std::int64_t unix_seconds(const CivilTime& t) {
  return days_from_civil(t.year, t.month, t.day) * 86400 + std::int64_t{t.hour} * 3600 +
         std::int64_t{t.minute} * 60 + t.second;
}

constexpr CivilTime civil_time(std::int64_t unix_s) {
  std::int64_t days = unix_s / 86400;
  std::int64_t rest = unix_s % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t march_month = (5 * day_of_year + 2) / 153;
  CivilTime t;
  t.day = static_cast<std::uint8_t>(day_of_year - (153 * march_month + 2) / 5 + 1);
  t.month = static_cast<std::uint8_t>(march_month < 10 ? march_month + 3 : march_month - 9);
  t.year = static_cast<std::int32_t>(year_of_era + era * 400 + (t.month <= 2 ? 1 : 0));
  t.hour = static_cast<std::uint8_t>(rest / 3600);
  t.minute = static_cast<std::uint8_t>(rest / 60 % 60);
  t.second = static_cast<std::uint8_t>(rest % 60);
  return t;
}

// "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC, whole seconds), for years 0000..9999.
using TimeText = FixedText<20>;
constexpr TimeText time_text(std::int64_t unix_s) {
  const CivilTime t = civil_time(unix_s);
  TimeText out;
  const auto two = [&out](unsigned v) {
    out.append(static_cast<char>('0' + v / 10 % 10));
    out.append(static_cast<char>('0' + v % 10));
  };
  const unsigned year = t.year < 0 ? 0U : t.year > 9999 ? 9999U : static_cast<unsigned>(t.year);
  two(year / 100);
  two(year % 100);
  out.append('-');
  two(t.month);
  out.append('-');
  two(t.day);
  out.append('T');
  two(t.hour);
  out.append(':');
  two(t.minute);
  out.append(':');
  two(t.second);
  out.append('Z');
  return out;
}

}  // namespace portcullis
