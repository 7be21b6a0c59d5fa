// SPDX-License-Identifier: Apache-2.0
// The /v1/status document: every document the encoder writes goes through the strict
// parser of json_checker.hpp and its fields are compared with the snapshot.
#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "json_checker.hpp"
#include "portcullis/report/blocked_log.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/report/scan_detector.hpp"
#include "status_fixture.hpp"

using portcullis::Status;
using portcullis::StatusWithSize;
using portcullis::filter::Reason;
using portcullis::filter::Verdict;
using portcullis::policy::Proto;
using portcullis::report::BlockedLog;
using portcullis::report::Counters;
using portcullis::report::ScanDetector;
using portcullis::report::StatusSnapshot;
using portcullis::report::ViolationAction;
using portcullis::test::JsonParse;
using portcullis::test::JsonValue;
using portcullis::test::parse_json;
using portcullis::test::TypicalStatus;
using portcullis::test::v4;
using portcullis::test::v6;

namespace {

std::string json_of(const StatusSnapshot& s) {
  return portcullis::test::render(s, portcullis::report::status_json_size,
                                  portcullis::report::write_status_json);
}

// The document of `s`, parsed; fails the test when it is not valid JSON.
JsonValue document(const StatusSnapshot& s) {
  const std::string text = json_of(s);
  JsonParse r = parse_json(text);
  if (!r.ok) {
    FAIL(("not valid JSON: " + r.error + "\n" + text).c_str());
  }
  return std::move(r.value);
}

std::vector<std::string> keys(const JsonValue& object) {
  return object.keys;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

}  // namespace

TEST_GROUP(StatusJson) {
  TypicalStatus t;
  void setup() override {
    CHECK_TRUE(t.all_pushed);
  }
};

TEST(StatusJson, TopLevelFieldsOfTheContractInOrder) {
  const JsonValue doc = document(t.snapshot);
  STRCMP_EQUAL(
      "schema_version,device,policy,listening,counters,top_dropped_ports,recent_blocked,"
      "scanners,violations_total,violations,push,memory",
      joined(keys(doc)).c_str());
  CHECK(doc["schema_version"].is_string("1.0"));
  STRCMP_EQUAL("id,board,firmware,uptime_ms,time_known", joined(keys(doc["device"])).c_str());
  STRCMP_EQUAL("digest,mode,echo,rules", joined(keys(doc["policy"])).c_str());
  STRCMP_EQUAL(
      "rx_total,passed_total,dropped_total,rejected_total,reject_suppressed,"
      "reject_suppressed_total,rx_frames_dropped,rx_frames_dropped_total,passed_by_reason,"
      "dropped_by_reason",
      joined(keys(doc["counters"])).c_str());
}

TEST(StatusJson, Device) {
  const JsonValue d = document(t.snapshot)["device"];
  CHECK(d["id"].is_string("qemu-01"));
  CHECK(d["board"].is_string("mps2-an385"));
  CHECK(d["firmware"].is_string("0.1.0"));
  CHECK(d["uptime_ms"].is_u64(123456));
  CHECK(d["time_known"].kind == JsonValue::Kind::kBool && !d["time_known"].boolean);
  CHECK(d["time"].kind == JsonValue::Kind::kMissing);  // no time while it is unknown
}

TEST(StatusJson, DeviceTimeOnceKnownInRfc3339) {
  t.snapshot.device.time_known = true;
  t.snapshot.device.unix_ms = 1'796'602'240'999;  // 2026-12-07T00:10:40.999Z
  const JsonValue d = document(t.snapshot)["device"];
  STRCMP_EQUAL("id,board,firmware,uptime_ms,time_known,time", joined(keys(d)).c_str());
  CHECK(d["time_known"].boolean);
  CHECK(d["time"].is_string("2026-12-07T00:10:40Z"));
}

TEST(StatusJson, PolicyDigestModeAndRules) {
  const JsonValue p = document(t.snapshot)["policy"];
  CHECK(p["digest"].is_string(std::string(t.digest.view())));
  LONGS_EQUAL(64, p["digest"].text.size());
  CHECK(p["mode"].is_string("stealth"));
  CHECK(p["echo"].kind == JsonValue::Kind::kBool && p["echo"].boolean);
  const JsonValue& rules = p["rules"];
  LONGS_EQUAL(4, rules.size());

  STRCMP_EQUAL("proto,first,last,from,mgmt", joined(keys(rules[0])).c_str());
  CHECK(rules[0]["proto"].is_string("tcp"));
  CHECK(rules[0]["first"].is_u64(80));
  CHECK(rules[0]["last"].is_u64(80));
  CHECK(rules[0]["from"].kind == JsonValue::Kind::kArray);
  LONGS_EQUAL(0, rules[0]["from"].size());
  CHECK_FALSE(rules[0]["mgmt"].boolean);

  CHECK(rules[1]["first"].is_u64(5000));
  CHECK(rules[1]["last"].is_u64(5010));
  LONGS_EQUAL(2, rules[1]["from"].size());
  CHECK(rules[1]["from"][0].is_string("192.0.2.0/24"));
  CHECK(rules[1]["from"][1].is_string("2001:db8::/64"));

  CHECK(rules[2]["proto"].is_string("udp"));
  CHECK(rules[2]["first"].is_u64(5683));

  CHECK(rules[3]["proto"].is_string("tcp"));
  CHECK(rules[3]["first"].is_u64(8443));
  CHECK(rules[3]["mgmt"].kind == JsonValue::Kind::kBool && rules[3]["mgmt"].boolean);
  CHECK(rules[3]["from"][0].is_string("192.0.2.0/24"));
}

TEST(StatusJson, RejectModeAndEchoOff) {
  t.policy.mode = portcullis::policy::Mode::kReject;
  t.policy.echo = false;
  t.policy_changed();
  const JsonValue p = document(t.snapshot)["policy"];
  CHECK(p["mode"].is_string("reject"));
  CHECK(p["echo"].kind == JsonValue::Kind::kBool && !p["echo"].boolean);
}

TEST(StatusJson, Listening) {
  const JsonValue l = document(t.snapshot)["listening"];
  LONGS_EQUAL(4, l.size());
  STRCMP_EQUAL("proto,port,allowed", joined(keys(l[0])).c_str());
  CHECK(l[0]["proto"].is_string("tcp"));
  CHECK(l[0]["port"].is_u64(8443));
  CHECK_TRUE(l[0]["allowed"].boolean);
  CHECK(l[2]["proto"].is_string("udp"));
  CHECK(l[2]["port"].is_u64(5683));
  CHECK(l[3]["port"].is_u64(2323));
  CHECK(l[3]["allowed"].kind == JsonValue::Kind::kBool && !l[3]["allowed"].boolean);
}

// Frames lost before the filter, both reasons summed (the metrics split them), in 64 bits.
TEST(StatusJson, FramesLostBeforeTheFilterAreCounted) {
  CHECK(document(t.snapshot)["counters"]["rx_frames_dropped"].is_u64(0));
  t.snapshot.netif = {3, 4, 5, 6, 7, 8, 9};  // the transmit side (5, 6) is not a drop
  CHECK(document(t.snapshot)["counters"]["rx_frames_dropped"].is_u64(3 + 4 + 7 + 8 + 9));
  t.snapshot.netif = {UINT32_MAX, UINT32_MAX, 0, 0, UINT32_MAX, UINT32_MAX, UINT32_MAX};
  CHECK(document(t.snapshot)["counters"]["rx_frames_dropped"].is_u64(5ull * UINT32_MAX));
  // The name with `_total` (schema 1.0) says the same as the deprecated one.
  CHECK(document(t.snapshot)["counters"]["rx_frames_dropped_total"].is_u64(5ull * UINT32_MAX));
}

TEST(StatusJson, CountersAndEveryReason) {
  const JsonValue c = document(t.snapshot)["counters"];
  CHECK(c["rx_total"].is_u64(17));
  CHECK(c["passed_total"].is_u64(6));
  CHECK(c["dropped_total"].is_u64(11));
  CHECK(c["rejected_total"].is_u64(0));
  CHECK(c["reject_suppressed"].is_u64(1));
  CHECK(c["reject_suppressed_total"].is_u64(1));
  // Each reason in exactly one of the two objects, with its count.
  const JsonValue& by_reason = c["dropped_by_reason"];
  const JsonValue& passed_by_reason = c["passed_by_reason"];
  std::size_t drop_reasons = 0;
  for (std::size_t i = 0; i < portcullis::filter::kReasonCount; ++i) {
    const auto r = static_cast<Reason>(i);
    const char* name = portcullis::filter::reason_name(r);
    const bool pass = portcullis::filter::is_pass_reason(r);
    const JsonValue& here = (pass ? passed_by_reason : by_reason)[name];
    const JsonValue& there = (pass ? by_reason : passed_by_reason)[name];
    drop_reasons += pass ? 0 : 1;
    CHECK_TEXT(here.is_u64(t.counters.by_reason(r)), name);
    CHECK_TEXT(there.kind == JsonValue::Kind::kMissing, name);
  }
  LONGS_EQUAL(drop_reasons, by_reason.size());
  LONGS_EQUAL(portcullis::filter::kReasonCount - drop_reasons, passed_by_reason.size());
  CHECK(by_reason["closed_port"].is_u64(7));
  CHECK(by_reason["fragment"].is_u64(2));
  CHECK(by_reason["malformed"].is_u64(1));
  CHECK(by_reason["no_connection"].is_u64(1));
  CHECK(by_reason["broadcast"].is_u64(0));
}

TEST(StatusJson, TopDroppedPortsLargestFirst) {
  const JsonValue top = document(t.snapshot)["top_dropped_ports"];
  LONGS_EQUAL(4, top.size());
  STRCMP_EQUAL("proto,port,count", joined(keys(top[0])).c_str());
  CHECK(top[0]["proto"].is_string("tcp"));
  CHECK(top[0]["port"].is_u64(23));
  CHECK(top[0]["count"].is_u64(4));
  CHECK(top[1]["proto"].is_string("udp"));
  CHECK(top[1]["port"].is_u64(161));
  CHECK(top[1]["count"].is_u64(2));
  CHECK(top[2]["port"].is_u64(22));  // equal counts: lower port first
  CHECK(top[3]["port"].is_u64(80));
}

TEST(StatusJson, RecentBlocked) {
  CHECK_TRUE(t.snapshot.recent_blocked.push(
      {v4(203, 0, 113, 5), 47, 0, Reason::kUnknownProtocol, 123000}));  // GRE
  const JsonValue b = document(t.snapshot)["recent_blocked"];
  LONGS_EQUAL(4, b.size());
  STRCMP_EQUAL("src,proto,port,uptime_ms,reason", joined(keys(b[0])).c_str());
  CHECK(b[0]["src"].is_string("198.51.100.7"));
  CHECK(b[0]["proto"].is_string("tcp"));
  CHECK(b[0]["port"].is_u64(23));
  CHECK(b[0]["uptime_ms"].is_u64(120000));
  CHECK(b[0]["reason"].is_string("closed_port"));
  CHECK(b[1]["src"].is_string("2001:db8::99"));
  CHECK(b[1]["proto"].is_string("udp"));
  CHECK(b[2]["proto"].is_string("icmp"));
  CHECK(b[2]["port"].is_u64(0));
  CHECK(b[3]["proto"].is_string("47"));  // no name: the number, still a string
}

TEST(StatusJson, ScannersAndViolations) {
  const JsonValue doc = document(t.snapshot);
  const JsonValue& s = doc["scanners"];
  LONGS_EQUAL(1, s.size());
  STRCMP_EQUAL("src,distinct_ports,first_ms,last_ms", joined(keys(s[0])).c_str());
  CHECK(s[0]["src"].is_string("198.51.100.7"));
  CHECK(s[0]["distinct_ports"].is_u64(1000));
  CHECK(s[0]["first_ms"].is_u64(100000));
  CHECK(s[0]["last_ms"].is_u64(120500));

  CHECK(doc["violations_total"].is_u64(7));
  const JsonValue& v = doc["violations"];
  LONGS_EQUAL(2, v.size());
  STRCMP_EQUAL("proto,port,action,uptime_ms", joined(keys(v[0])).c_str());
  CHECK(v[0]["proto"].is_string("tcp"));
  CHECK(v[0]["port"].is_u64(2323));
  CHECK(v[0]["action"].is_string("reported"));
  CHECK(v[0]["uptime_ms"].is_u64(90000));
  CHECK(v[1]["proto"].is_string("udp"));
  CHECK(v[1]["action"].is_string("closed"));
}

// The lists as the agent fills them: straight from a scan detector and a blocked log.
TEST(StatusJson, ScannersAndRecentBlockedFromTheDetectorAndTheLog) {
  using portcullis::report::kScanThreshold;
  ScanDetector detector;
  BlockedLog log;
  const auto scanner4 = v4(203, 0, 113, 9);
  const auto scanner6 = v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x77});
  for (std::uint16_t i = 0; i <= kScanThreshold; ++i) {  // one port more than the threshold
    detector.record(scanner4, 6, static_cast<std::uint16_t>(2048 + i), 5000 + i);
    log.record({scanner4, 6, static_cast<std::uint16_t>(2048 + i), Reason::kClosedPort, 5000u + i});
    detector.record(scanner6, 17, static_cast<std::uint16_t>(2048 + i), 7000 + i);
    log.record(
        {scanner6, 17, static_cast<std::uint16_t>(2048 + i), Reason::kClosedPort, 7000u + i});
  }
  log.record({v4(198, 51, 100, 1), 1, 0, Reason::kIcmpDenied, 9000});
  StatusSnapshot& s = t.snapshot;
  s.scanners.count = detector.scanners(s.scanners.items, 9000);
  s.scanners_detected_total = detector.detected_total();
  s.recent_blocked.count = log.recent(s.recent_blocked.items);

  const JsonValue doc = document(s);
  const JsonValue& sc = doc["scanners"];
  LONGS_EQUAL(2, sc.size());
  CHECK(sc[0]["src"].is_string("2001:db8::77"));  // most recently seen first
  CHECK(sc[0]["distinct_ports"].is_u64(kScanThreshold + 1));
  CHECK(sc[0]["first_ms"].is_u64(7000));
  CHECK(sc[0]["last_ms"].is_u64(7000 + kScanThreshold));
  CHECK(sc[1]["src"].is_string("203.0.113.9"));
  CHECK(sc[1]["first_ms"].is_u64(5000));

  const JsonValue& b = doc["recent_blocked"];
  LONGS_EQUAL(portcullis::report::kMaxRecentBlocked, b.size());
  CHECK(b[0]["src"].is_string("198.51.100.1"));  // newest first
  CHECK(b[0]["proto"].is_string("icmp"));
  CHECK(b[0]["reason"].is_string("icmp_denied"));
  CHECK(b[0]["uptime_ms"].is_u64(9000));
  CHECK(b[1]["src"].is_string("2001:db8::77"));
  CHECK(b[1]["proto"].is_string("udp"));
  CHECK(b[1]["port"].is_u64(2048 + kScanThreshold));
  CHECK(b[1]["uptime_ms"].is_u64(7000 + kScanThreshold));
  CHECK(b[1]["reason"].is_string("closed_port"));
  CHECK(b[2]["src"].is_string("203.0.113.9"));
  CHECK(b[2]["proto"].is_string("tcp"));
  CHECK(b[2]["port"].is_u64(2048 + kScanThreshold));
}

TEST(StatusJson, Ipv6AddressesInRfc5952Form) {
  StatusSnapshot& s = t.snapshot;
  s.recent_blocked.count = 0;
  s.scanners.count = 0;
  CHECK_TRUE(s.recent_blocked.push({v6({0, 0, 0, 0, 0, 0, 0, 1}), 6, 1, Reason::kClosedPort, 0}));
  CHECK_TRUE(
      s.recent_blocked.push({v6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}), 6, 1, Reason::kClosedPort, 0}));
  CHECK_TRUE(s.recent_blocked.push(
      {v6({0xfe80, 0, 0, 0, 0x2aa, 0xff, 0xfe28, 0x9c5a}), 6, 1, Reason::kClosedPort, 0}));
  CHECK_TRUE(s.scanners.push({v6({0x2001, 0xdb8, 0xa, 0, 0, 0, 0, 0}), 3, 1, 2}));
  const JsonValue doc = document(s);
  CHECK(doc["recent_blocked"][0]["src"].is_string("::1"));
  CHECK(doc["recent_blocked"][1]["src"].is_string("2001:db8::1:0:0:1"));
  CHECK(doc["recent_blocked"][2]["src"].is_string("fe80::2aa:ff:fe28:9c5a"));
  CHECK(doc["scanners"][0]["src"].is_string("2001:db8:a::"));
}

TEST(StatusJson, OddDeviceStringsAreEscapedAndReadBackExactly) {
  constexpr char kId[] = "a\"b\\c/d\n\r\t\x01\x1f\x7f\0 caf\xC3\xA9 \xF0\x9F\x98\x80";
  const std::string id(kId, sizeof(kId) - 1);
  t.snapshot.device.id = id;
  t.snapshot.device.board = "</script>";
  const JsonValue d = document(t.snapshot)["device"];
  CHECK(d["id"].is_string(id));
  CHECK(d["board"].is_string("</script>"));
}

TEST(StatusJson, IllFormedUtf8BecomesReplacementCharacters) {
  t.snapshot.device.firmware =
      "v1\xFF"
      "2\xC0\xAF";
  const JsonValue d = document(t.snapshot)["device"];
  CHECK(
      d["firmware"].is_string("v1\xEF\xBF\xBD"
                              "2\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST(StatusJson, NoRawControlCharacterInTheText) {
  t.snapshot.device.id = std::string_view("\x01\x02\x1b[31m\x7f", 8);
  const std::string text = json_of(t.snapshot);
  CHECK_FALSE(text.empty());
  for (const char c : text) {
    CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
  }
}

TEST(StatusJson, EmptySnapshotHasEveryFieldAndEmptyArrays) {
  const portcullis::policy::Table no_rules;
  const Counters fresh;
  StatusSnapshot s;
  s.policy = &no_rules;
  s.counters = &fresh;
  const JsonValue doc = document(s);
  CHECK(doc["device"]["id"].is_string(""));
  CHECK(doc["device"]["uptime_ms"].is_u64(0));
  CHECK(doc["policy"]["digest"].is_string(""));
  for (const char* name :
       {"listening", "top_dropped_ports", "recent_blocked", "scanners", "violations"}) {
    CHECK_TEXT(doc[name].kind == JsonValue::Kind::kArray, name);
    LONGS_EQUAL_TEXT(0, doc[name].size(), name);
  }
  CHECK(doc["policy"]["rules"].kind == JsonValue::Kind::kArray);
  LONGS_EQUAL(0, doc["policy"]["rules"].size());
  CHECK(doc["counters"]["rx_total"].is_u64(0));
  CHECK(doc["counters"]["dropped_by_reason"]["closed_port"].is_u64(0));
  CHECK(doc["violations_total"].is_u64(0));
  for (const char* name :
       {"stack_bytes", "stack_peak_bytes", "tls_arena_bytes", "tls_arena_peak_bytes",
        "lwip_heap_bytes", "lwip_heap_peak_bytes", "lwip_pool_failures"}) {
    CHECK_TEXT(doc["memory"][name].is_u64(0), name);  // 0: not measured
  }
}

TEST(StatusJson, EveryListAtCapacityAndTheLargestPolicy) {
  using namespace portcullis::report;
  using portcullis::policy::kMaxRules;
  using portcullis::policy::kMaxSources;
  StatusSnapshot& s = t.snapshot;
  s.listening.count = 0;
  s.recent_blocked.count = 0;
  s.scanners.count = 0;
  s.violations.count = 0;
  const auto widest = v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff});
  for (std::size_t i = 0; i < kMaxListeners; ++i) {
    CHECK_TRUE(s.listening.push({Proto::kUdp, static_cast<std::uint16_t>(60000 + i), false}));
  }
  for (std::size_t i = 0; i < kMaxRecentBlocked; ++i) {
    CHECK_TRUE(s.recent_blocked.push({widest, 17, 65535, Reason::kBadExtensionChain, ~0ull}));
  }
  for (std::size_t i = 0; i < kMaxScanners; ++i) {
    CHECK_TRUE(s.scanners.push({widest, ~0u, ~0ull, ~0ull}));
  }
  for (std::size_t i = 0; i < kMaxViolations; ++i) {
    CHECK_TRUE(s.violations.push({Proto::kTcp, 65535, ViolationAction::kClosed, ~0ull}));
  }
  CHECK_FALSE(s.violations.push({}));
  t.policy.rule_count = 0;
  for (std::size_t r = 0; r < kMaxRules; ++r) {
    auto& rule = t.policy.rules[t.policy.rule_count++];
    rule = portcullis::test::rule(Proto::kTcp, static_cast<std::uint16_t>(1000 + 2 * r),
                                  static_cast<std::uint16_t>(1001 + 2 * r));
    for (std::size_t k = 0; k < kMaxSources; ++k) {
      rule.sources[rule.source_count++] =
          portcullis::test::prefix(true,
                                   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, static_cast<std::uint8_t>(k)},
                                   128);
    }
  }
  t.policy_changed();
  for (std::uint16_t port = 1; port <= kTopDroppedPorts + 5; ++port) {
    t.counters.record({Verdict::kDrop, Reason::kClosedPort, 6, port});
  }
  const JsonValue doc = document(s);
  LONGS_EQUAL(kMaxListeners, doc["listening"].size());
  LONGS_EQUAL(kMaxRecentBlocked, doc["recent_blocked"].size());
  LONGS_EQUAL(kMaxScanners, doc["scanners"].size());
  LONGS_EQUAL(kMaxViolations, doc["violations"].size());
  LONGS_EQUAL(kTopDroppedPorts, doc["top_dropped_ports"].size());
  LONGS_EQUAL(kMaxRules, doc["policy"]["rules"].size());
  LONGS_EQUAL(kMaxSources, doc["policy"]["rules"][kMaxRules - 1]["from"].size());
  CHECK(doc["policy"]["rules"][0]["from"][0].is_string(
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/128"));
  CHECK(doc["recent_blocked"][kMaxRecentBlocked - 1]["src"].is_string(
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  CHECK(doc["recent_blocked"][0]["uptime_ms"].is_u64(18446744073709551615ull));
  CHECK(doc["scanners"][0]["distinct_ports"].is_u64(4294967295u));
}

// The pools' failures are summed in 64 bits: 64 pools of 2^32 - 1 do not wrap.
TEST(StatusJson, LwipPoolFailuresSumWithoutWrapping) {
  using portcullis::report::kMaxLwipPools;
  using portcullis::report::LwipPool;
  auto& pools = t.snapshot.lwip.pools;
  pools.count = 0;
  for (std::size_t i = 0; i < kMaxLwipPools; ++i) {
    CHECK_TRUE(pools.push(LwipPool{"P", 4294967295u, 65535, 65535, 65535}));
  }
  t.snapshot.lwip.heap = {4294967295u, 4294967295u, 4294967295u, 4294967295u};
  const JsonValue m = document(t.snapshot)["memory"];
  CHECK(m["lwip_pool_failures"].is_u64(kMaxLwipPools * 4294967295ull));
  CHECK(m["lwip_heap_bytes"].is_u64(4294967295u));
  CHECK(m["lwip_heap_peak_bytes"].is_u64(4294967295u));
}

TEST(StatusJson, CorruptedCountsReadNoFurtherThanTheLists) {
  t.snapshot.listening.count = 1000;
  t.snapshot.violations.count = 1000;
  t.snapshot.lwip.pools.count = 1000;
  const JsonValue doc = document(t.snapshot);
  LONGS_EQUAL(portcullis::report::kMaxListeners, doc["listening"].size());
  LONGS_EQUAL(portcullis::report::kMaxViolations, doc["violations"].size());
  CHECK(doc["memory"]["lwip_pool_failures"].is_u64(42));  // the entries past 3 are empty
}

TEST(StatusJson, SizeIsTheLengthWritten) {
  const portcullis::StatusWithSize size = portcullis::report::status_json_size(t.snapshot);
  CHECK(ok(size.status));
  std::vector<char> buffer(4096);
  const portcullis::StatusWithSize written =
      portcullis::report::write_status_json(t.snapshot, buffer);
  CHECK(ok(written.status));
  LONGS_EQUAL(size.size, written.size);
  CHECK(parse_json(std::string_view(buffer.data(), written.size)).ok);
}

TEST(StatusJson, TooSmallBufferIsAnErrorNeverATruncatedDocument) {
  const std::string full = json_of(t.snapshot);
  CHECK_FALSE(full.empty());
  constexpr std::size_t kGuard = 16;
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::vector<char> buffer(n + kGuard, '#');
    const portcullis::StatusWithSize r =
        portcullis::report::write_status_json(t.snapshot, std::span<char>(buffer.data(), n));
    CHECK(r.status == Status::kResourceExhausted);
    LONGS_EQUAL(full.size(), r.size);  // what the caller would need
    STRCMP_EQUAL(std::string(kGuard, '#').c_str(), std::string(buffer.data() + n, kGuard).c_str());
  }
  std::vector<char> exact(full.size());
  const portcullis::StatusWithSize r = portcullis::report::write_status_json(t.snapshot, exact);
  CHECK(ok(r.status));
  STRCMP_EQUAL(full.c_str(), std::string(exact.data(), r.size).c_str());
}

TEST(StatusJson, SlicesMakeUpTheDocument) {
  const std::string full = json_of(t.snapshot);
  CHECK_FALSE(full.empty());
  for (const std::size_t chunk :
       {std::size_t{1}, std::size_t{7}, std::size_t{64}, full.size(), full.size() + 100}) {
    std::string joined_text;
    std::vector<char> buffer(chunk);
    for (std::size_t offset = 0;; offset += chunk) {
      const portcullis::StatusWithSize r =
          portcullis::report::write_status_json_slice(t.snapshot, offset, buffer);
      CHECK(ok(r.status));
      joined_text.append(buffer.data(), r.size);
      if (r.size < chunk) {
        break;
      }
    }
    STRCMP_EQUAL(full.c_str(), joined_text.c_str());
  }
  std::vector<char> buffer(8);
  const portcullis::StatusWithSize past =
      portcullis::report::write_status_json_slice(t.snapshot, full.size(), buffer);
  CHECK(ok(past.status));
  LONGS_EQUAL(0, past.size);
}

TEST(StatusJson, RefusesASnapshotWithoutPolicyOrCounters) {
  std::vector<char> buffer(4096);
  StatusSnapshot no_policy = t.snapshot;
  no_policy.policy = nullptr;
  StatusSnapshot no_counters = t.snapshot;
  no_counters.counters = nullptr;
  for (const StatusSnapshot* s : {&no_policy, &no_counters}) {
    CHECK(portcullis::report::status_json_size(*s).status == Status::kInvalidArgument);
    CHECK(portcullis::report::write_status_json(*s, buffer).status == Status::kInvalidArgument);
    CHECK(portcullis::report::write_status_json_slice(*s, 0, buffer).status ==
          Status::kInvalidArgument);
  }
}

TEST(StatusJson, PushStateWithEveryCounter) {
  t.snapshot.push = {true, true, "192.0.2.1:8883", 3, 4, 2, 10, 7, 1, 5, 0, 9};
  const JsonValue doc = document(t.snapshot);
  const JsonValue& p = doc["push"];
  STRCMP_EQUAL(
      "enabled,broker,connected,waiting_for_time,connects,connect_failures,disconnects,"
      "status_published,"
      "events_published,events_queued,events_dropped,protocol_errors",
      joined(keys(p)).c_str());
  CHECK(p["enabled"].kind == JsonValue::Kind::kBool && p["enabled"].boolean);
  CHECK(p["connected"].kind == JsonValue::Kind::kBool && p["connected"].boolean);
  CHECK(p["broker"].is_string("192.0.2.1:8883"));
  CHECK(p["connects"].is_u64(3));
  CHECK(p["connect_failures"].is_u64(4));
  CHECK(p["disconnects"].is_u64(2));
  CHECK(p["status_published"].is_u64(10));
  CHECK(p["events_published"].is_u64(7));
  CHECK(p["events_queued"].is_u64(1));
  CHECK(p["events_dropped"].is_u64(5));
  CHECK(p["protocol_errors"].is_u64(9));
}

TEST(StatusJson, NoBrokerMeansPushDisabledAndDisconnected) {
  const JsonValue doc = document(t.snapshot);
  const JsonValue& p = doc["push"];
  CHECK(p["enabled"].kind == JsonValue::Kind::kBool && !p["enabled"].boolean);
  CHECK(p["connected"].kind == JsonValue::Kind::kBool && !p["connected"].boolean);
  CHECK(p["broker"].is_string(""));
}

TEST(StatusJson, MemorySizesAndPeaks) {
  const JsonValue m = document(t.snapshot)["memory"];
  STRCMP_EQUAL(
      "stack_bytes,stack_peak_bytes,tls_arena_bytes,tls_arena_peak_bytes,lwip_heap_bytes,"
      "lwip_heap_peak_bytes,lwip_pool_failures",
      joined(keys(m)).c_str());
  CHECK(m["stack_bytes"].is_u64(8192));
  CHECK(m["stack_peak_bytes"].is_u64(2345));
  CHECK(m["tls_arena_bytes"].is_u64(43008));
  CHECK(m["tls_arena_peak_bytes"].is_u64(30144));
}

// lwIP's heap and the sum of its pools' failures; each pool is in /metrics only.
TEST(StatusJson, LwipHeapAndPoolFailuresInMemory) {
  const JsonValue m = document(t.snapshot)["memory"];
  CHECK(m["lwip_heap_bytes"].is_u64(16384));
  CHECK(m["lwip_heap_peak_bytes"].is_u64(9016));
  CHECK(m["lwip_pool_failures"].is_u64(2 + 0 + 40));
  const std::string text = json_of(t.snapshot);
  CHECK(text.find("TCP_PCB") == std::string::npos);
  CHECK(text.find("lwip_sent") == std::string::npos);
}

// Without lwIP's statistics: 0 (not measured), whatever the other members hold.
TEST(StatusJson, LwipNotMeasuredIsZero) {
  t.snapshot.lwip.measured = false;
  const JsonValue m = document(t.snapshot)["memory"];
  CHECK(m["lwip_heap_bytes"].is_u64(0));
  CHECK(m["lwip_heap_peak_bytes"].is_u64(0));
  CHECK(m["lwip_pool_failures"].is_u64(0));
}

// ---- a document that must fit a fixed buffer (the MQTT status payload) ------------------

TEST_GROUP(FittedStatusJson) {
  TypicalStatus t;
  // The document's full size, and a buffer that many bytes long less `short_by`.
  std::vector<char> buffer_short_by(std::size_t short_by) {
    const portcullis::StatusWithSize full = portcullis::report::status_json_size(t.snapshot);
    CHECK(full.size > short_by);
    return std::vector<char>(full.size - short_by);
  }
  JsonValue parsed(const std::vector<char>& buffer, std::size_t size) {
    JsonParse r = parse_json(std::string(buffer.data(), size));
    CHECK_TEXT(r.ok, r.error.c_str());
    return std::move(r.value);
  }
};

TEST(FittedStatusJson, AWholeDocumentIsWrittenUntouched) {
  const std::string whole = json_of(t.snapshot);
  std::vector<char> buffer(whole.size());
  const auto r = portcullis::report::write_status_json_fitted(t.snapshot, buffer);
  CHECK(r.encoded.status == Status::kOk);
  LONGS_EQUAL(0, r.left_out);
  STRCMP_EQUAL(whole.c_str(), std::string(buffer.data(), r.encoded.size).c_str());
}

TEST(FittedStatusJson, OneByteShortDropsTheOldestBlockedAttemptsFirst) {
  std::vector<char> buffer = buffer_short_by(1);
  const auto r = portcullis::report::write_status_json_fitted(t.snapshot, buffer);
  CHECK(r.encoded.status == Status::kOk);
  LONGS_EQUAL(2, r.left_out);  // three blocked attempts halved to one: the newest
  const JsonValue doc = parsed(buffer, r.encoded.size);
  LONGS_EQUAL(1, doc["recent_blocked"].size());
  CHECK(doc["recent_blocked"][0]["src"].is_string("198.51.100.7"));
  CHECK(doc["recent_blocked"][0]["uptime_ms"].is_u64(120000));
  LONGS_EQUAL(1, doc["scanners"].size());  // untouched, as every total and counter
  LONGS_EQUAL(2, doc["violations"].size());
  CHECK(doc["violations_total"].is_u64(7));
  CHECK(doc["counters"]["rx_total"].is_u64(17));
}

TEST(FittedStatusJson, ThenTheScannersThenTheOldestViolations) {
  const std::size_t lists = json_of(t.snapshot).size();
  StatusSnapshot no_lists = t.snapshot;
  no_lists.recent_blocked.count = 0;
  no_lists.scanners.count = 0;
  no_lists.violations.count = 1;
  no_lists.violations.items[0] = t.snapshot.violations.items[1];  // the newest violation
  const std::size_t with_newest_violation = json_of(no_lists).size();
  CHECK(with_newest_violation < lists);
  std::vector<char> buffer(with_newest_violation);
  const auto r = portcullis::report::write_status_json_fitted(t.snapshot, buffer);
  CHECK(r.encoded.status == Status::kOk);
  LONGS_EQUAL(3 + 1 + 1, r.left_out);
  const JsonValue doc = parsed(buffer, r.encoded.size);
  LONGS_EQUAL(0, doc["recent_blocked"].size());
  LONGS_EQUAL(0, doc["scanners"].size());
  LONGS_EQUAL(1, doc["violations"].size());
  CHECK(doc["violations"][0]["port"].is_u64(69));  // the newer of the two
  CHECK(doc["violations_total"].is_u64(7));
}

TEST(FittedStatusJson, FittingWithoutWritingCutsTheSameEntriesAndGivesTheSize) {
  // The push streams the document: it fits the snapshot by size alone, then renders slices.
  std::vector<char> buffer = buffer_short_by(1);
  StatusSnapshot by_size = t.snapshot;
  const auto sized = portcullis::report::fit_status_json(by_size, buffer.size());
  const auto written = portcullis::report::write_status_json_fitted(t.snapshot, buffer);
  CHECK(sized.encoded.status == Status::kOk);
  LONGS_EQUAL(written.left_out, sized.left_out);
  LONGS_EQUAL(written.encoded.size, sized.encoded.size);
  STRCMP_EQUAL(std::string(buffer.data(), written.encoded.size).c_str(), json_of(by_size).c_str());
  StatusSnapshot tiny = t.snapshot;
  CHECK(portcullis::report::fit_status_json(tiny, 64).encoded.status == Status::kResourceExhausted);
}

TEST(FittedStatusJson, TooSmallEvenWithoutTheListsIsRefused) {
  std::vector<char> buffer(64);
  const auto r = portcullis::report::write_status_json_fitted(t.snapshot, buffer);
  CHECK(r.encoded.status == Status::kResourceExhausted);
  LONGS_EQUAL(0, t.snapshot.recent_blocked.count);
  LONGS_EQUAL(0, t.snapshot.scanners.count);
  LONGS_EQUAL(0, t.snapshot.violations.count);
}

// Every row of the field tables reaches the document under its name with its own value: a
// field added to a table is checked here without a new test.
TEST(StatusJson, EveryDescribedNumberUnderItsNameWithItsValue) {
  using portcullis::report::kMemoryFields;
  using portcullis::report::kPushFields;
  portcullis::test::fill_described_numbers(t.snapshot, 1000);
  const JsonValue doc = document(t.snapshot);
  std::uint32_t v = 1000;
  std::size_t checked = 0;
  for (const auto& f : kPushFields) {
    ++v;
    if (!f.json.empty()) {
      CHECK_TEXT(doc["push"][std::string(f.json)].is_u64(v), std::string(f.json).c_str());
      ++checked;
    }
  }
  for (const auto& f : kMemoryFields) {
    ++v;
    if (!f.json.empty()) {
      CHECK_TEXT(doc["memory"][std::string(f.json)].is_u64(v), std::string(f.json).c_str());
      ++checked;
    }
  }
  const auto in_json = [](const auto& f) { return !f.json.empty(); };
  LONGS_EQUAL(std::count_if(kPushFields.begin(), kPushFields.end(), in_json) +
                  std::count_if(kMemoryFields.begin(), kMemoryFields.end(), in_json),
              checked);
  CHECK(checked >= 11);  // the push's 7 and memory's 4 when the tables were written
}
