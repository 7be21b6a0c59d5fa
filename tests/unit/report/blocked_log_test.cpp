// SPDX-License-Identifier: Apache-2.0
// The recent-blocked log: what it keeps, in which order, once it has wrapped.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "portcullis/report/blocked_log.hpp"

using portcullis::filter::Reason;
using portcullis::filter::Verdict;
using portcullis::report::BlockedAttempt;
using portcullis::report::BlockedLog;
using portcullis::report::IpAddress;
using portcullis::report::is_blocked_attempt;
using portcullis::report::kMaxRecentBlocked;

namespace {

IpAddress source(std::uint8_t last) {
  const std::array<std::uint8_t, 4> b{198, 51, 100, last};
  return IpAddress::v4(b);
}

// Attempt `i`: its port, time and source all tell which one it is.
BlockedAttempt attempt(std::uint32_t i) {
  return {source(static_cast<std::uint8_t>(i)), 6, static_cast<std::uint16_t>(1000 + i),
          i % 2 == 0 ? Reason::kClosedPort : Reason::kIcmpDenied, 100 * std::uint64_t{i}};
}

}  // namespace

TEST_GROUP(BlockedLog) {
  BlockedLog log;
  std::array<BlockedAttempt, kMaxRecentBlocked> out{};
};

TEST(BlockedLog, EveryDropExceptBroadcastsIsAnAttempt) {
  CHECK_TRUE(is_blocked_attempt({Verdict::kDrop, Reason::kClosedPort, 6, 23}));
  CHECK_TRUE(is_blocked_attempt({Verdict::kReject, Reason::kClosedPort, 17, 161}));
  CHECK_TRUE(is_blocked_attempt({Verdict::kDrop, Reason::kIcmpDenied, 1, 0}));
  CHECK_TRUE(is_blocked_attempt({Verdict::kDrop, Reason::kMalformed, 0, 0}));
  CHECK_TRUE(is_blocked_attempt({Verdict::kDrop, Reason::kNoConnection, 6, 80}));
  CHECK_FALSE(is_blocked_attempt({Verdict::kDrop, Reason::kBroadcast, 17, 1900}));
  CHECK_FALSE(is_blocked_attempt({Verdict::kPass, Reason::kAllowed, 6, 80}));
}

TEST(BlockedLog, EmptyCopiesNothing) {
  LONGS_EQUAL(0, log.recent(out));
  LONGS_EQUAL(0, log.total());
}

TEST(BlockedLog, NewestFirst) {
  for (std::uint32_t i = 0; i < 3; ++i) {
    log.record(attempt(i));
  }
  LONGS_EQUAL(3, log.recent(out));
  LONGS_EQUAL(1002, out[0].port);
  LONGS_EQUAL(1001, out[1].port);
  LONGS_EQUAL(1000, out[2].port);
  CHECK(out[0].src == source(2));
  LONGS_EQUAL(6, out[0].ip_proto);
  LONGS_EQUAL(200, out[0].uptime_ms);
  CHECK(out[0].reason == Reason::kClosedPort);
  CHECK(out[1].reason == Reason::kIcmpDenied);
}

TEST(BlockedLog, KeepsTheLastEntriesOnceItWraps) {
  const std::uint32_t n = 3 * kMaxRecentBlocked + 5;
  for (std::uint32_t i = 0; i < n; ++i) {
    log.record(attempt(i));
    // At every fill level, including exactly full and just wrapped.
    const std::size_t held = log.recent(out);
    LONGS_EQUAL(std::min<std::size_t>(i + 1, kMaxRecentBlocked), held);
    for (std::size_t k = 0; k < held; ++k) {
      LONGS_EQUAL(1000 + i - k, out[k].port);
    }
  }
  LONGS_EQUAL(n, log.total());
}

TEST(BlockedLog, CopiesNoMoreThanAsked) {
  for (std::uint32_t i = 0; i < kMaxRecentBlocked + 2; ++i) {
    log.record(attempt(i));
  }
  std::array<BlockedAttempt, 2> two{};
  LONGS_EQUAL(2, log.recent(two));
  LONGS_EQUAL(1000 + kMaxRecentBlocked + 1, two[0].port);
  LONGS_EQUAL(1000 + kMaxRecentBlocked, two[1].port);
  LONGS_EQUAL(0, log.recent(std::span<BlockedAttempt>{}));
}
