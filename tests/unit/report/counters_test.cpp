// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <array>
#include <span>

#include "portcullis/report/counters.hpp"

using portcullis::filter::Decision;
using portcullis::filter::Reason;
using portcullis::filter::Verdict;
using portcullis::report::Counters;
using portcullis::report::kTopDroppedPorts;
using portcullis::report::PortCount;
using portcullis::report::TopPorts;

namespace {
Decision drop_tcp(std::uint16_t port) {
  return {Verdict::kDrop, Reason::kClosedPort, 6, port};
}
}  // namespace

TEST_GROUP(Counters){};

TEST(Counters, CountsEveryPacketOnceByVerdictAndReason) {
  Counters c;
  c.record({Verdict::kPass, Reason::kAllowed, 6, 8443});
  c.record({Verdict::kPass, Reason::kEcho, 1, 0});
  c.record(drop_tcp(23));
  c.record({Verdict::kDrop, Reason::kMalformed, 0, 0});
  c.record({Verdict::kReject, Reason::kClosedPort, 17, 161});
  LONGS_EQUAL(5, c.rx_total());
  LONGS_EQUAL(2, c.passed_total());
  LONGS_EQUAL(3, c.dropped_total());
  LONGS_EQUAL(1, c.rejected_total());
  LONGS_EQUAL(2, c.by_reason(Reason::kClosedPort));
  LONGS_EQUAL(1, c.by_reason(Reason::kMalformed));
  LONGS_EQUAL(1, c.by_reason(Reason::kAllowed));
  LONGS_EQUAL(0, c.by_reason(Reason::kFragment));
}

TEST(Counters, OnlyDroppedTcpAndUdpPortsEnterTheTopTable) {
  Counters c;
  c.record({Verdict::kPass, Reason::kAllowed, 6, 8443});
  c.record({Verdict::kDrop, Reason::kIcmpDenied, 1, 0});
  c.record(drop_tcp(23));
  c.record({Verdict::kReject, Reason::kClosedPort, 17, 161});
  LONGS_EQUAL(2, c.top_dropped().size());
  std::array<PortCount, 4> e{};
  LONGS_EQUAL(2, c.top_dropped().sorted(e));
  LONGS_EQUAL(23, e[0].port);  // equal counts: by port
  LONGS_EQUAL(161, e[1].port);
  BYTES_EQUAL(17, e[1].ip_proto);
}

TEST_GROUP(TopPorts){};

TEST(TopPorts, SamePortOfTwoProtocolsIsTwoEntries) {
  TopPorts t;
  t.add(6, 53);
  t.add(17, 53);
  t.add(17, 53);
  LONGS_EQUAL(2, t.size());
  std::array<PortCount, 4> out{};
  LONGS_EQUAL(2, t.sorted(out));
  BYTES_EQUAL(17, out[0].ip_proto);
  LONGS_EQUAL(2, out[0].count);
}

TEST(TopPorts, SortedPutsTheMostDroppedFirst) {
  TopPorts t;
  for (int i = 0; i < 3; ++i) t.add(6, 80);
  for (int i = 0; i < 7; ++i) t.add(6, 23);
  t.add(6, 22);
  std::array<PortCount, 2> out{};
  LONGS_EQUAL(2, t.sorted(out));  // bounded by the caller's buffer
  LONGS_EQUAL(23, out[0].port);
  LONGS_EQUAL(7, out[0].count);
  LONGS_EQUAL(80, out[1].port);
}

TEST(TopPorts, AHeavilyAttackedPortSurvivesAScanOfManyOthers) {
  TopPorts t;
  // Port 23 takes a steady share of drops while a scanner sweeps 5000 distinct ports.
  for (std::uint16_t p = 1000; p < 6000; ++p) {
    t.add(6, p);
    if (p % 4 == 0) t.add(6, 23);
  }
  LONGS_EQUAL(kTopDroppedPorts, t.size());  // every slot in use, never more
  std::array<PortCount, kTopDroppedPorts> out{};
  t.sorted(out);
  LONGS_EQUAL(23, out[0].port);
  CHECK(out[0].count - out[0].error >= 1250);  // its guaranteed count is its real count
}

TEST(TopPorts, AnEvictedSlotCarriesTheErrorBoundOfItsPredecessor) {
  TopPorts t;
  for (std::uint16_t p = 1; t.size() < kTopDroppedPorts; ++p) {
    t.add(17, p);  // one drop each until every set is full
  }
  t.add(17, 9999);
  bool found = false;
  std::array<PortCount, kTopDroppedPorts> all{};
  const std::size_t n = t.sorted(all);
  for (const PortCount& e : std::span<const PortCount>(all.data(), n)) {
    if (e.port == 9999) {
      found = true;
      CHECK(e.error >= 1);  // the count of the entry it replaced: perhaps all that count
      LONGS_EQUAL(e.error + 1, e.count);
    }
  }
  CHECK(found);
}
