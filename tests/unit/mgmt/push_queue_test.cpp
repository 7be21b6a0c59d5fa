// SPDX-License-Identifier: Apache-2.0
// What the MQTT push keeps while the broker is away: the event queue (QoS 1 until PUBACK,
// bounded, counted drops), the reconnect backoff and the event document.
#include <CppUTest/TestHarness.h>

#include <array>
#include <string>

#include "json_checker.hpp"
#include "portcullis/mgmt/push_queue.hpp"

namespace {

namespace mgmt = portcullis::mgmt;
namespace report = portcullis::report;
using portcullis::test::parse_json;

mgmt::PushEvent violation(std::uint16_t port, std::uint64_t at_ms = 1000) {
  mgmt::PushEvent e;
  e.kind = mgmt::EventKind::kViolation;
  e.uptime_ms = at_ms;
  e.violation = {portcullis::policy::Proto::kTcp, port, report::ViolationAction::kClosed, at_ms};
  return e;
}

mgmt::PushEvent scanner(std::uint8_t last_octet, std::uint32_t ports) {
  mgmt::PushEvent e;
  e.kind = mgmt::EventKind::kScanner;
  e.uptime_ms = 5000;
  const std::array<std::uint8_t, 4> a{192, 0, 2, last_octet};
  e.scanner.src = report::IpAddress::v4(a);
  e.scanner.distinct_ports = ports;
  e.scanner.first_ms = 4000;
  e.scanner.last_ms = 5000;
  return e;
}

// The longest event document: a scanner (src and three numbers), every number at its largest,
// an IPv6 source of eight full groups (ffff:...:ffff, which no "::" shortens).
mgmt::PushEvent largest_event() {
  mgmt::PushEvent e;
  e.seq = UINT32_MAX;
  e.kind = mgmt::EventKind::kScanner;
  e.uptime_ms = UINT64_MAX;
  e.scanner.src.is_v6 = true;
  e.scanner.src.bytes.fill(0xFF);
  e.scanner.distinct_ports = UINT32_MAX;
  e.scanner.first_ms = UINT64_MAX;
  e.scanner.last_ms = UINT64_MAX;
  return e;
}

}  // namespace

TEST_GROUP(EventQueue) {
  mgmt::EventQueue q;
};

TEST(EventQueue, NumbersEventsFromOneAndSendsThemOldestFirstOncePerConnection) {
  CHECK(q.push(violation(4444)));
  CHECK(q.push(violation(4445)));
  const mgmt::PushEvent* first = q.next_to_send();
  CHECK(first != nullptr);
  LONGS_EQUAL(1, first->seq);
  LONGS_EQUAL(4444, first->violation.port);
  const mgmt::PushEvent* second = q.next_to_send();
  CHECK(second != nullptr);
  LONGS_EQUAL(2, second->seq);
  POINTERS_EQUAL(nullptr, q.next_to_send());  // both in flight: nothing more to send
  LONGS_EQUAL(2, q.in_flight());
  LONGS_EQUAL(2, q.size());
}

TEST(EventQueue, AnEventStaysUntilThePubackAndOnlyOnce) {
  CHECK(q.push(violation(4444)));
  CHECK(q.next_to_send() != nullptr);
  CHECK(q.acknowledge(1));
  LONGS_EQUAL(0, q.size());
  CHECK_FALSE(q.acknowledge(1));  // a duplicate PUBACK changes nothing
  POINTERS_EQUAL(nullptr, q.next_to_send());
}

TEST(EventQueue, ALostConnectionMakesEveryUnacknowledgedEventDueAgainInOrder) {
  CHECK(q.push(violation(1)));
  CHECK(q.push(violation(2)));
  CHECK(q.push(violation(3)));
  CHECK(q.next_to_send() != nullptr);
  CHECK(q.next_to_send() != nullptr);
  CHECK(q.acknowledge(1));
  q.requeue_all();  // 2 was in flight, 3 never sent
  const mgmt::PushEvent* again = q.next_to_send();
  CHECK(again != nullptr);
  LONGS_EQUAL(2, again->seq);
  const mgmt::PushEvent* next = q.next_to_send();
  CHECK(next != nullptr);
  LONGS_EQUAL(3, next->seq);
}

TEST(EventQueue, UnsendReturnsOneEventToTheQueue) {
  CHECK(q.push(violation(1)));
  CHECK(q.push(violation(2)));
  CHECK(q.next_to_send() != nullptr);
  CHECK(q.next_to_send() != nullptr);
  q.unsend(2);
  LONGS_EQUAL(1, q.in_flight());
  const mgmt::PushEvent* e = q.next_to_send();
  CHECK(e != nullptr);
  LONGS_EQUAL(2, e->seq);
}

TEST(EventQueue, AFullQueueKeepsTheOldestAndCountsTheRefused) {
  for (std::size_t i = 0; i < mgmt::EventQueue::capacity(); ++i) {
    CHECK(q.push(violation(static_cast<std::uint16_t>(1000 + i))));
  }
  CHECK_FALSE(q.push(violation(9999)));
  CHECK_FALSE(q.push(violation(9998)));
  LONGS_EQUAL(2, q.dropped());
  LONGS_EQUAL(mgmt::EventQueue::capacity(), q.size());
  const mgmt::PushEvent* e = q.next_to_send();
  CHECK(e != nullptr);
  LONGS_EQUAL(1000, e->violation.port);
  // Refused events use no sequence number: the broker sees no gap it could wait for.
  LONGS_EQUAL(mgmt::EventQueue::capacity(), q.last_seq());
}

TEST(EventQueue, WrapsAroundTheRingWithoutLosingOrder) {
  std::uint32_t expected = 1;
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < mgmt::EventQueue::capacity() - 1; ++i) {
      CHECK(q.push(violation(static_cast<std::uint16_t>(i + 1))));
    }
    while (const mgmt::PushEvent* e = q.next_to_send()) {
      LONGS_EQUAL(expected, e->seq);
      CHECK(q.acknowledge(e->seq));
      ++expected;
    }
    LONGS_EQUAL(0, q.size());
  }
  LONGS_EQUAL(0, q.dropped());
}

TEST(EventQueue, AnOutOfOrderAcknowledgementKeepsTheOthers) {
  CHECK(q.push(violation(1)));
  CHECK(q.push(violation(2)));
  CHECK(q.push(violation(3)));
  while (q.next_to_send() != nullptr) {
  }
  CHECK(q.acknowledge(2));
  LONGS_EQUAL(2, q.size());
  q.requeue_all();
  const mgmt::PushEvent* a = q.next_to_send();
  const mgmt::PushEvent* b = q.next_to_send();
  CHECK(a != nullptr && b != nullptr);
  LONGS_EQUAL(1, a->seq);
  LONGS_EQUAL(3, b->seq);
}

TEST_GROUP(Backoff){};

TEST(Backoff, DoublesFromOneSecondToAMinuteWithAtMostAQuarterOfJitter) {
  mgmt::Backoff b;
  std::uint32_t expected = mgmt::Backoff::kMinMs;
  for (int i = 0; i < 12; ++i) {
    const std::uint32_t d = b.next_delay(0xffffffffu);
    CHECK(d >= expected);
    CHECK(d <= expected + expected / 4);
    LONGS_EQUAL(expected, b.current());
    expected = std::min(mgmt::Backoff::kMaxMs, expected * 2);
  }
  LONGS_EQUAL(mgmt::Backoff::kMaxMs, b.current());
  LONGS_EQUAL(mgmt::Backoff::kMaxMs, b.next_delay(0));
}

TEST(Backoff, AConnectionResetsIt) {
  mgmt::Backoff b;
  (void)b.next_delay(0);
  (void)b.next_delay(0);
  b.reset();
  LONGS_EQUAL(mgmt::Backoff::kMinMs, b.next_delay(0));
}

TEST_GROUP(EventJson){};

TEST(EventJson, AScannerEventNamesTheSourceLikeTheStatusDocument) {
  mgmt::PushEvent e = scanner(1, 25);
  e.seq = 7;
  std::array<char, 512> out{};
  const portcullis::StatusWithSize r = mgmt::write_event_json(e, "dev-1", out);
  CHECK(portcullis::ok(r.status));
  const auto doc = parse_json(std::string_view(out.data(), r.size));
  CHECK_TEXT(doc.ok, doc.error.c_str());
  CHECK(doc.value["device"].is_string("dev-1"));
  CHECK(doc.value["seq"].is_u64(7));
  CHECK(doc.value["type"].is_string("scanner"));
  CHECK(doc.value["uptime_ms"].is_u64(5000));
  CHECK(doc.value["src"].is_string("192.0.2.1"));
  CHECK(doc.value["distinct_ports"].is_u64(25));
  CHECK(doc.value["first_ms"].is_u64(4000));
  CHECK(doc.value["last_ms"].is_u64(5000));
}

TEST(EventJson, AViolationEventCarriesProtoPortAndAction) {
  mgmt::PushEvent e = violation(4444, 1234);
  e.seq = 2;
  std::array<char, 512> out{};
  const portcullis::StatusWithSize r = mgmt::write_event_json(e, "dev-\"1\"", out);
  CHECK(portcullis::ok(r.status));
  const auto doc = parse_json(std::string_view(out.data(), r.size));
  CHECK_TEXT(doc.ok, doc.error.c_str());
  CHECK(doc.value["device"].is_string("dev-\"1\""));
  CHECK(doc.value["type"].is_string("violation"));
  CHECK(doc.value["proto"].is_string("tcp"));
  CHECK(doc.value["port"].is_u64(4444));
  CHECK(doc.value["action"].is_string("closed"));
  CHECK(doc.value["uptime_ms"].is_u64(1234));
}

TEST(EventJson, ATooSmallBufferIsReportedWithTheSizeNeeded) {
  const mgmt::PushEvent e = scanner(1, 25);
  std::array<char, 512> big{};
  const portcullis::StatusWithSize full = mgmt::write_event_json(e, "dev-1", big);
  std::array<char, 16> small{};
  const portcullis::StatusWithSize r = mgmt::write_event_json(e, "dev-1", small);
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kResourceExhausted), static_cast<int>(r.status));
  LONGS_EQUAL(full.size, r.size);
}

TEST(EventJson, TheLargestEventTakes242BytesBesidesTheDeviceId) {
  std::array<char, 1024> out{};
  const portcullis::StatusWithSize r = mgmt::write_event_json(largest_event(), "", out);
  CHECK(portcullis::ok(r.status));
  LONGS_EQUAL(mgmt::kLargestEventWithoutId, r.size);  // the figure push_queue.hpp gives
  const auto doc = parse_json(std::string_view(out.data(), r.size));
  CHECK_TEXT(doc.ok, doc.error.c_str());
  CHECK(doc.value["src"].is_string("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  CHECK(doc.value["uptime_ms"].is_u64(UINT64_MAX));
}

TEST(EventJson, AnIdOfQuotesFitsUpToWhatTheBufferHolds) {
  // Each quote is written as two bytes: the longest id of quotes that still fits.
  const std::size_t most = (mgmt::kEventJsonMax - mgmt::kLargestEventWithoutId) / 2;
  std::array<char, mgmt::kEventJsonMax> out{};
  const std::string fits(most, '"');
  CHECK(portcullis::ok(mgmt::write_event_json(largest_event(), fits, out).status));
  const std::string over(most + 1, '"');
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kResourceExhausted),
              static_cast<int>(mgmt::write_event_json(largest_event(), over, out).status));
}
