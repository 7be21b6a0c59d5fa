// SPDX-License-Identifier: Apache-2.0
// The listener audit's decisions on fake PCB lists: what is a listener, what is a violation,
// what gets recorded, when an audit is due.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "portcullis/stack/audit_logic.hpp"

using portcullis::policy::Policy;
using portcullis::policy::Proto;
using namespace portcullis::stack;

namespace {

constexpr Policy make_policy() {
  Policy p;
  p.rule_count = 2;
  p.rules[0].proto = Proto::kTcp;
  p.rules[0].first_port = 80;
  p.rules[0].last_port = 80;
  p.rules[1].proto = Proto::kUdp;
  p.rules[1].first_port = 5683;
  p.rules[1].last_port = 5683;
  return p;
}
constexpr auto kPolicy = portcullis::policy::compact(make_policy());

// Distinct fake handles: the logic only compares and hashes them.
std::array<int, 8> pcb_objects{};
void* h(std::size_t i) {
  return &pcb_objects[i];
}

PcbEntry tcp(std::uint16_t port, std::size_t i = 0) {
  return {Proto::kTcp, port, false, h(i)};
}
PcbEntry udp(std::uint16_t port, std::size_t i = 0, bool connected = false) {
  return {Proto::kUdp, port, connected, h(i)};
}

std::vector<PcbEntry> violations_in(const std::vector<PcbEntry>& pcbs,
                                    const portcullis::policy::Table& policy = kPolicy) {
  std::array<PcbEntry, 16> out{};
  const std::size_t n = find_violations(pcbs, policy, out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

Violation closed(Proto proto, std::uint16_t port, std::uint64_t t = 0) {
  return {proto, port, ViolationAction::kClosed, t};
}
Violation reported(Proto proto, std::uint16_t port, std::uint64_t t = 0) {
  return {proto, port, ViolationAction::kReported, t};
}

}  // namespace

TEST_GROUP(AuditFindViolations){};

TEST(AuditFindViolations, AListenerOnAnAllowedPortIsNoViolation) {
  LONGS_EQUAL(0, violations_in({tcp(80, 0), udp(5683, 1)}).size());
}

TEST(AuditFindViolations, AListenerOnAPortNotAllowedIsOne) {
  const auto v = violations_in({tcp(80, 0), tcp(23, 1), udp(5683, 2), udp(1900, 3)});
  LONGS_EQUAL(2, v.size());
  CHECK(v[0].proto == Proto::kTcp);
  LONGS_EQUAL(23, v[0].port);
  POINTERS_EQUAL(h(1), v[0].handle);
  CHECK(v[1].proto == Proto::kUdp);
  LONGS_EQUAL(1900, v[1].port);
  POINTERS_EQUAL(h(3), v[1].handle);
}

TEST(AuditFindViolations, TheSamePortIsJudgedPerProtocol) {
  // tcp 80 and udp 5683 are allowed; udp 80 and tcp 5683 are not.
  const auto v = violations_in({udp(80, 0), tcp(5683, 1), tcp(80, 2), udp(5683, 3)});
  LONGS_EQUAL(2, v.size());
  CHECK(v[0].proto == Proto::kUdp);
  LONGS_EQUAL(80, v[0].port);
  CHECK(v[1].proto == Proto::kTcp);
  LONGS_EQUAL(5683, v[1].port);
}

TEST(AuditFindViolations, AConnectedUdpPcbIsAClientNotAListener) {
  CHECK_FALSE(is_listener(udp(49153, 0, true)));
  CHECK_TRUE(is_listener(udp(49153, 0, false)));
  LONGS_EQUAL(0, violations_in({udp(49153, 0, true), udp(1883, 1, true)}).size());
  LONGS_EQUAL(1, violations_in({udp(49153, 0, true), udp(1900, 1, false)}).size());
}

TEST(AuditFindViolations, AnUnboundPcbIsNoListener) {
  CHECK_FALSE(is_listener(udp(0)));
  CHECK_FALSE(is_listener(tcp(0)));
  LONGS_EQUAL(0, violations_in({udp(0), tcp(0, 1)}).size());
}

TEST(AuditFindViolations, AnEmptyPolicyForbidsEveryListener) {
  LONGS_EQUAL(2, violations_in({tcp(80, 0), udp(5683, 1)}, portcullis::policy::Table{}).size());
}

TEST(AuditFindViolations, WritesNoMoreThanTheOutputHolds) {
  const std::vector<PcbEntry> pcbs{tcp(21, 0), tcp(22, 1), tcp(23, 2), udp(69, 3)};
  std::array<PcbEntry, 2> out{};
  LONGS_EQUAL(2, find_violations(pcbs, kPolicy, out));
  LONGS_EQUAL(21, out[0].port);
  LONGS_EQUAL(22, out[1].port);
  LONGS_EQUAL(0, find_violations(pcbs, kPolicy, std::span<PcbEntry>()));
}

TEST_GROUP(AuditLog){};

TEST(AuditLog, KeepsTheRecordsInOrder) {
  ViolationLog<4, 4> log;
  LONGS_EQUAL(0, log.total());
  LONGS_EQUAL(0, log.size());
  POINTERS_EQUAL(nullptr, log.find(0));
  const std::array found{closed(Proto::kTcp, 23, 100), closed(Proto::kUdp, 1900, 100)};
  log.record_audit(found);
  LONGS_EQUAL(2, log.total());
  std::array<Violation, 4> out{};
  LONGS_EQUAL(2, log.recent(out));
  LONGS_EQUAL(23, out[0].port);
  CHECK(out[0].proto == Proto::kTcp);
  CHECK(out[0].action == ViolationAction::kClosed);
  LONGS_EQUAL(100, out[0].uptime_ms);
  LONGS_EQUAL(1900, out[1].port);
  CHECK(out[1].proto == Proto::kUdp);
  LONGS_EQUAL(1900, log.find(1)->port);
}

TEST(AuditLog, TheRingKeepsTheNewestAndTheTotalKeepsCounting) {
  ViolationLog<4, 4> log;
  for (std::uint16_t i = 0; i < 10; ++i) {
    const std::array found{closed(Proto::kTcp, static_cast<std::uint16_t>(1000 + i), i)};
    log.record_audit(found);
  }
  LONGS_EQUAL(10, log.total());
  LONGS_EQUAL(4, log.size());
  std::array<Violation, 8> out{};
  LONGS_EQUAL(4, log.recent(out));
  for (std::size_t i = 0; i < 4; ++i) {
    LONGS_EQUAL(1006 + i, out[i].port);
  }
  POINTERS_EQUAL(nullptr, log.find(5));  // overwritten
  LONGS_EQUAL(1006, log.find(6)->port);
  LONGS_EQUAL(1009, log.find(9)->port);
  POINTERS_EQUAL(nullptr, log.find(10));  // not yet
}

TEST(AuditLog, AShortOutputGetsTheNewestRecords) {
  ViolationLog<4, 4> log;
  const std::array found{closed(Proto::kTcp, 1), closed(Proto::kTcp, 2), closed(Proto::kTcp, 3)};
  log.record_audit(found);
  std::array<Violation, 2> out{};
  LONGS_EQUAL(2, log.recent(out));
  LONGS_EQUAL(2, out[0].port);
  LONGS_EQUAL(3, out[1].port);
}

// The total outlives any ring: 64 bits, so it never wraps in a device's life.
static_assert(std::is_same_v<decltype(ViolationLog<1, 1>{}.total()), std::uint64_t>);

TEST(AuditLog, AListenerLeftOpenIsRecordedOnceWhileItStays) {
  ViolationLog<8, 4> log;
  const std::array found{reported(Proto::kTcp, 23, 1000)};
  log.record_audit(found);
  for (std::uint64_t t = 2000; t < 10'000; t += 1000) {
    const std::array again{reported(Proto::kTcp, 23, t)};
    log.record_audit(again);
  }
  LONGS_EQUAL(1, log.total());
  LONGS_EQUAL(1000, log.find(0)->uptime_ms);
  CHECK(log.find(0)->action == ViolationAction::kReported);
}

TEST(AuditLog, AListenerLeftOpenIsRecordedAgainAfterItWentAway) {
  ViolationLog<8, 4> log;
  const std::array found{reported(Proto::kTcp, 23, 1000)};
  log.record_audit(found);
  log.record_audit({});  // an audit without it
  const std::array back{reported(Proto::kTcp, 23, 3000)};
  log.record_audit(back);
  log.record_audit(back);
  LONGS_EQUAL(2, log.total());
  LONGS_EQUAL(3000, log.find(1)->uptime_ms);
}

TEST(AuditLog, OpenViolationsAreTrackedPerProtocolAndPort) {
  ViolationLog<8, 4> log;
  const std::array first{reported(Proto::kTcp, 23)};
  log.record_audit(first);
  const std::array more{reported(Proto::kTcp, 23), reported(Proto::kUdp, 23),
                        reported(Proto::kTcp, 24)};
  log.record_audit(more);
  LONGS_EQUAL(3, log.total());
  log.record_audit(more);
  LONGS_EQUAL(3, log.total());
}

TEST(AuditLog, TwoOpenPcbsOnOnePortInOneAuditMakeOneRecord) {
  ViolationLog<8, 4> log;
  const std::array found{reported(Proto::kUdp, 1900), reported(Proto::kUdp, 1900)};
  log.record_audit(found);
  LONGS_EQUAL(1, log.total());
}

TEST(AuditLog, EveryCloseIsRecorded) {
  // Closed listeners are gone: the same port found again means something reopened it.
  ViolationLog<8, 4> log;
  const std::array found{closed(Proto::kTcp, 23)};
  log.record_audit(found);
  log.record_audit(found);
  log.record_audit(found);
  LONGS_EQUAL(3, log.total());
}

TEST(AuditLog, AClosedListenerDoesNotHideTheSamePortLeftOpenLater) {
  ViolationLog<8, 4> log;
  const std::array was_closed{closed(Proto::kTcp, 23)};
  log.record_audit(was_closed);
  const std::array left_open{reported(Proto::kTcp, 23)};
  log.record_audit(left_open);
  LONGS_EQUAL(2, log.total());
}

TEST(AuditLog, OpenViolationsBeyondItsMemoryAreRecordedAgainNotLost) {
  ViolationLog<16, 2> log;
  const std::array found{reported(Proto::kTcp, 21), reported(Proto::kTcp, 22),
                         reported(Proto::kTcp, 23)};
  log.record_audit(found);
  LONGS_EQUAL(3, log.total());
  log.record_audit(found);  // 21 and 22 remembered; 23 did not fit
  LONGS_EQUAL(4, log.total());
  LONGS_EQUAL(23, log.find(3)->port);
}

TEST_GROUP(AuditSchedule){};

TEST(AuditSchedule, TheFirstPollAudits) {
  const AuditSchedule s{1000};
  CHECK_TRUE(s.due(0, 0));
}

TEST(AuditSchedule, NothingChangedWithinThePeriodMeansNoAudit) {
  AuditSchedule s{1000};
  s.ran(5000, 42);
  CHECK_FALSE(s.due(5000, 42));
  CHECK_FALSE(s.due(5999, 42));
}

TEST(AuditSchedule, ThePeriodEndingMeansAnAudit) {
  AuditSchedule s{1000};
  s.ran(5000, 42);
  CHECK_TRUE(s.due(6000, 42));
  s.ran(6000, 42);
  CHECK_FALSE(s.due(6999, 42));
  CHECK_TRUE(s.due(7000, 42));
}

TEST(AuditSchedule, AChangedFingerprintMeansAnAuditAtOnce) {
  AuditSchedule s{1000};
  s.ran(5000, 42);
  CHECK_TRUE(s.due(5001, 43));
}

TEST(AuditSchedule, AClockThatWentBackMeansAnAudit) {
  AuditSchedule s{1000};
  s.ran(5000, 42);
  CHECK_TRUE(s.due(4000, 42));
}

TEST_GROUP(AuditFingerprint){};

TEST(AuditFingerprint, SeesEveryKindOfChangeOfTheLists) {
  const std::vector<PcbEntry> base{tcp(80, 0), udp(5683, 1), udp(49153, 2, true)};
  const std::uint32_t f = fingerprint(base);
  CHECK_EQUAL(f, fingerprint(base));

  auto added = base;
  added.insert(added.begin(), tcp(23, 3));
  CHECK(fingerprint(added) != f);
  auto removed = base;
  removed.pop_back();
  CHECK(fingerprint(removed) != f);
  auto rebound = base;
  rebound[1].port = 1900;
  CHECK(fingerprint(rebound) != f);
  auto disconnected = base;
  disconnected[2].connected = false;
  CHECK(fingerprint(disconnected) != f);
  auto replaced = base;  // another PCB in the same place, same port
  replaced[0].handle = h(5);
  CHECK(fingerprint(replaced) != f);
  auto other_proto = base;
  other_proto[0].proto = Proto::kUdp;
  CHECK(fingerprint(other_proto) != f);
  CHECK(fingerprint({}) != f);
}
