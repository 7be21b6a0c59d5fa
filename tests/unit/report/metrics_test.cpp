// SPDX-License-Identifier: Apache-2.0
// /metrics: every document the encoder writes goes through the line-by-line checker of
// exposition_checker.hpp, and its samples are compared with the snapshot.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "exposition_checker.hpp"
#include "portcullis/report/metrics.hpp"
#include "status_fixture.hpp"

using portcullis::Status;
using portcullis::StatusWithSize;
using portcullis::filter::Reason;
using portcullis::policy::Proto;
using portcullis::report::Counters;
using portcullis::report::MetricsWriter;
using portcullis::report::StatusSnapshot;
using portcullis::test::Exposition;
using portcullis::test::MetricSample;
using portcullis::test::parse_exposition;
using portcullis::test::TypicalStatus;

namespace {

std::string metrics_of(const StatusSnapshot& s) {
  return portcullis::test::render(s, portcullis::report::metrics_size,
                                  portcullis::report::write_metrics);
}

// The metrics of `s`, checked; fails the test when the text breaks the format.
Exposition metrics(const StatusSnapshot& s) {
  const std::string text = metrics_of(s);
  Exposition e = parse_exposition(text);
  if (!e.ok) {
    FAIL(("not valid exposition text: " + e.error + "\n" + text).c_str());
  }
  return e;
}

// The value of the one sample of `name` with `labels`; "<absent>" if there is not exactly one.
std::string value(const Exposition& e, std::string_view name,
                  const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  const MetricSample* s = e.find(name, labels);
  return s == nullptr ? "<absent>" : s->value;
}

// Whether the exposition has a family `name` (its # HELP and # TYPE).
bool has_family(const Exposition& e, std::string_view name) {
  return std::any_of(e.families.begin(), e.families.end(),
                     [name](const auto& f) { return f.name == name; });
}

}  // namespace

TEST_GROUP(Metrics) {
  TypicalStatus t;
  void setup() override {
    CHECK_TRUE(t.all_pushed);
  }
};

TEST(Metrics, FamiliesArePrefixedDocumentedAndTyped) {
  const Exposition e = metrics(t.snapshot);
  std::string names;
  for (const auto& f : e.families) {
    CHECK_TEXT(f.name.rfind("portcullis_", 0) == 0, f.name.c_str());
    CHECK_TEXT(!f.help.empty(), f.name.c_str());
    names += f.name + ":" + f.type + "\n";
  }
  STRCMP_EQUAL(
      "portcullis_device_info:gauge\n"
      "portcullis_uptime_seconds:gauge\n"
      "portcullis_time_known:gauge\n"
      "portcullis_policy_info:gauge\n"
      "portcullis_policy_rules:gauge\n"
      "portcullis_listening:gauge\n"
      "portcullis_packets_received_total:counter\n"
      "portcullis_packets_passed_total:counter\n"
      "portcullis_packets_dropped_total:counter\n"
      "portcullis_packets_rejected_total:counter\n"
      "portcullis_packets_reject_suppressed_total:counter\n"
      "portcullis_dropped_port_packets:gauge\n"
      "portcullis_top_dropped_port:gauge\n"
      "portcullis_top_dropped_port_packets:gauge\n"
      "portcullis_rx_frames_dropped_total:counter\n"
      "portcullis_tx_frames_failed_total:counter\n"
      "portcullis_scanners:gauge\n"
      "portcullis_scanners_detected_total:counter\n"
      "portcullis_violations_total:counter\n"
      "portcullis_stack_bytes:gauge\n"
      "portcullis_stack_peak_bytes:gauge\n"
      "portcullis_tls_arena_bytes:gauge\n"
      "portcullis_tls_arena_peak_bytes:gauge\n"
      "portcullis_lwip_pool_entries:gauge\n"
      "portcullis_lwip_pool_used_entries:gauge\n"
      "portcullis_lwip_pool_peak_entries:gauge\n"
      "portcullis_lwip_pool_failures_total:counter\n"
      "portcullis_lwip_pool_size:gauge\n"
      "portcullis_lwip_pool_used:gauge\n"
      "portcullis_lwip_pool_peak:gauge\n"
      "portcullis_lwip_heap_bytes:gauge\n"
      "portcullis_lwip_heap_used_bytes:gauge\n"
      "portcullis_lwip_heap_peak_bytes:gauge\n"
      "portcullis_lwip_heap_failures_total:counter\n"
      "portcullis_lwip_sent_total:counter\n",
      names.c_str());
  for (const auto& s : e.samples) {
    CHECK_TEXT(s.name.rfind("portcullis_", 0) == 0, s.name.c_str());
  }
}

TEST(Metrics, PacketCountersAndOneSeriesPerDropReason) {
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("17", value(e, "portcullis_packets_received_total").c_str());
  STRCMP_EQUAL("6", value(e, "portcullis_packets_passed_total").c_str());
  STRCMP_EQUAL("0", value(e, "portcullis_packets_rejected_total").c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_packets_reject_suppressed_total").c_str());
  std::size_t drop_reasons = 0;
  for (std::size_t i = 0; i < portcullis::filter::kReasonCount; ++i) {
    const auto r = static_cast<Reason>(i);
    const std::string name = portcullis::filter::reason_name(r);
    const std::string v = value(e, "portcullis_packets_dropped_total", {{"reason", name}});
    if (portcullis::filter::is_pass_reason(r)) {
      STRCMP_EQUAL_TEXT("<absent>", v.c_str(), name.c_str());
    } else {
      ++drop_reasons;
      STRCMP_EQUAL_TEXT(std::to_string(t.counters.by_reason(r)).c_str(), v.c_str(), name.c_str());
    }
  }
  LONGS_EQUAL(drop_reasons, e.of("portcullis_packets_dropped_total").size());
  STRCMP_EQUAL("7",
               value(e, "portcullis_packets_dropped_total", {{"reason", "closed_port"}}).c_str());
}

TEST(Metrics, Listening) {
  const Exposition e = metrics(t.snapshot);
  const auto series = e.of("portcullis_listening");
  LONGS_EQUAL(4, series.size());
  STRCMP_EQUAL("proto", series[0].labels[0].first.c_str());
  STRCMP_EQUAL("port", series[0].labels[1].first.c_str());
  STRCMP_EQUAL("allowed", series[0].labels[2].first.c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_listening",
                          {{"proto", "tcp"}, {"port", "8443"}, {"allowed", "true"}})
                        .c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_listening",
                          {{"proto", "udp"}, {"port", "5683"}, {"allowed", "true"}})
                        .c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_listening",
                          {{"proto", "tcp"}, {"port", "2323"}, {"allowed", "false"}})
                        .c_str());
}

TEST(Metrics, ListenersOnOnePortAreOneSeries) {
  // lwIP can hold an IPv4 and an IPv6 PCB on the same port; the audit may list both.
  CHECK_TRUE(t.snapshot.listening.push({Proto::kTcp, 8443, true}));
  CHECK_TRUE(t.snapshot.listening.push({Proto::kUdp, 8443, false}));  // other protocol: its own
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(5, e.of("portcullis_listening").size());
}

TEST(Metrics, DeviceAndPolicyInfo) {
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("1", value(e, "portcullis_device_info",
                          {{"id", "qemu-01"}, {"board", "mps2-an385"}, {"firmware", "0.1.0"}})
                        .c_str());
  const std::string digest(t.digest.view());
  STRCMP_EQUAL(
      "1", value(e, "portcullis_policy_info", {{"digest", digest}, {"mode", "stealth"}}).c_str());
  STRCMP_EQUAL("4", value(e, "portcullis_policy_rules").c_str());
  t.policy.mode = portcullis::policy::Mode::kReject;
  t.policy_changed();
  const Exposition reject = metrics(t.snapshot);
  STRCMP_EQUAL("1", value(reject, "portcullis_policy_info", {{"mode", "reject"}}).c_str());
}

TEST(Metrics, UptimeInSecondsWithMilliseconds) {
  STRCMP_EQUAL("123.456", value(metrics(t.snapshot), "portcullis_uptime_seconds").c_str());
  t.snapshot.device.uptime_ms = 5;
  STRCMP_EQUAL("0.005", value(metrics(t.snapshot), "portcullis_uptime_seconds").c_str());
  t.snapshot.device.uptime_ms = 0;
  STRCMP_EQUAL("0.000", value(metrics(t.snapshot), "portcullis_uptime_seconds").c_str());
  t.snapshot.device.uptime_ms = 18446744073709551615ull;
  STRCMP_EQUAL("18446744073709551.615",
               value(metrics(t.snapshot), "portcullis_uptime_seconds").c_str());
}

TEST(Metrics, WallClockOnlyOnceKnown) {
  STRCMP_EQUAL("0", value(metrics(t.snapshot), "portcullis_time_known").c_str());
  STRCMP_EQUAL("<absent>", value(metrics(t.snapshot), "portcullis_time_seconds").c_str());
  t.snapshot.device.time_known = true;
  t.snapshot.device.unix_ms = 1'796'602'240'123;
  STRCMP_EQUAL("1", value(metrics(t.snapshot), "portcullis_time_known").c_str());
  STRCMP_EQUAL("1796602240.123", value(metrics(t.snapshot), "portcullis_time_seconds").c_str());
}

TEST(Metrics, MostDroppedPorts) {
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(4, e.of("portcullis_dropped_port_packets").size());
  STRCMP_EQUAL(
      "4", value(e, "portcullis_dropped_port_packets", {{"proto", "tcp"}, {"port", "23"}}).c_str());
  STRCMP_EQUAL(
      "2",
      value(e, "portcullis_dropped_port_packets", {{"proto", "udp"}, {"port", "161"}}).c_str());
  STRCMP_EQUAL(
      "1", value(e, "portcullis_dropped_port_packets", {{"proto", "tcp"}, {"port", "80"}}).c_str());
}

// The same list by rank (issue 17): the label set is {rank 1..N} x proto whatever the ports,
// so a scan that moves ports through the list makes no new series for Prometheus to keep.
TEST(Metrics, MostDroppedPortsByRank) {
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(4, e.of("portcullis_top_dropped_port").size());
  LONGS_EQUAL(4, e.of("portcullis_top_dropped_port_packets").size());
  STRCMP_EQUAL("23",
               value(e, "portcullis_top_dropped_port", {{"rank", "1"}, {"proto", "tcp"}}).c_str());
  STRCMP_EQUAL(
      "4",
      value(e, "portcullis_top_dropped_port_packets", {{"rank", "1"}, {"proto", "tcp"}}).c_str());
  STRCMP_EQUAL("161",
               value(e, "portcullis_top_dropped_port", {{"rank", "2"}, {"proto", "udp"}}).c_str());
  STRCMP_EQUAL(
      "2",
      value(e, "portcullis_top_dropped_port_packets", {{"rank", "2"}, {"proto", "udp"}}).c_str());
  for (const auto& s : e.of("portcullis_top_dropped_port")) {
    CHECK_TEXT(s.label("port") == "<none>", s.value.c_str());  // no port label
  }
  // 200 more ports passing through the list: still ranks 1..N, never a port label.
  for (std::uint16_t port = 1000; port < 1200; ++port) {
    for (int k = 0; k < 5; ++k) {
      t.counters.record({portcullis::filter::Verdict::kDrop, Reason::kClosedPort, 6, port});
    }
  }
  const Exposition after = metrics(t.snapshot);
  std::size_t ranks = 0;
  for (const auto& s : after.of("portcullis_top_dropped_port_packets")) {
    CHECK(s.label("proto") == "tcp" || s.label("proto") == "udp");
    const int rank = std::stoi(s.label("rank"));
    CHECK(rank >= 1 && rank <= static_cast<int>(portcullis::report::kTopDroppedPorts));
    ++ranks;
  }
  LONGS_EQUAL(portcullis::report::kTopDroppedPorts, ranks);
}

TEST(Metrics, ScannersAndViolations) {
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("1", value(e, "portcullis_scanners").c_str());
  STRCMP_EQUAL("3", value(e, "portcullis_scanners_detected_total").c_str());
  STRCMP_EQUAL("7", value(e, "portcullis_violations_total").c_str());
}

TEST(Metrics, MemorySizesAndPeaks) {
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("8192", value(e, "portcullis_stack_bytes").c_str());
  STRCMP_EQUAL("2345", value(e, "portcullis_stack_peak_bytes").c_str());
  STRCMP_EQUAL("43008", value(e, "portcullis_tls_arena_bytes").c_str());
  STRCMP_EQUAL("30144", value(e, "portcullis_tls_arena_peak_bytes").c_str());
}

TEST(Metrics, FramesLostBetweenTheMacAndLwipByReason) {
  t.snapshot.netif = {3, 4, 5, 6, 7, 8, 9};
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(5, e.of("portcullis_rx_frames_dropped_total").size());
  STRCMP_EQUAL(
      "7", value(e, "portcullis_rx_frames_dropped_total", {{"reason", "mac_overflow"}}).c_str());
  STRCMP_EQUAL("8",
               value(e, "portcullis_rx_frames_dropped_total", {{"reason", "mac_error"}}).c_str());
  STRCMP_EQUAL("9",
               value(e, "portcullis_rx_frames_dropped_total", {{"reason", "too_large"}}).c_str());
  STRCMP_EQUAL("3",
               value(e, "portcullis_rx_frames_dropped_total", {{"reason", "no_buffer"}}).c_str());
  STRCMP_EQUAL(
      "4", value(e, "portcullis_rx_frames_dropped_total", {{"reason", "input_refused"}}).c_str());
  LONGS_EQUAL(2, e.of("portcullis_tx_frames_failed_total").size());
  STRCMP_EQUAL("5",
               value(e, "portcullis_tx_frames_failed_total", {{"reason", "too_large"}}).c_str());
  STRCMP_EQUAL("6", value(e, "portcullis_tx_frames_failed_total", {{"reason", "mac"}}).c_str());
}

TEST(Metrics, LwipPoolsOneSeriesEachByName) {
  const Exposition e = metrics(t.snapshot);
  for (const char* family :
       {"portcullis_lwip_pool_entries", "portcullis_lwip_pool_used_entries",
        "portcullis_lwip_pool_peak_entries", "portcullis_lwip_pool_failures_total"}) {
    const auto series = e.of(family);
    LONGS_EQUAL_TEXT(3, series.size(), family);
    STRCMP_EQUAL_TEXT("pool", series[0].labels[0].first.c_str(), family);
    LONGS_EQUAL_TEXT(1, series[0].labels.size(), family);
  }
  // {name, failures, size, used, peak} = {"TCP_PCB", 2, 8, 3, 5}
  STRCMP_EQUAL("8", value(e, "portcullis_lwip_pool_entries", {{"pool", "TCP_PCB"}}).c_str());
  STRCMP_EQUAL("3", value(e, "portcullis_lwip_pool_used_entries", {{"pool", "TCP_PCB"}}).c_str());
  STRCMP_EQUAL("5", value(e, "portcullis_lwip_pool_peak_entries", {{"pool", "TCP_PCB"}}).c_str());
  STRCMP_EQUAL("2", value(e, "portcullis_lwip_pool_failures_total", {{"pool", "TCP_PCB"}}).c_str());
  STRCMP_EQUAL("8", value(e, "portcullis_lwip_pool_entries", {{"pool", "TCP_PCB_LISTEN"}}).c_str());
  STRCMP_EQUAL("2",
               value(e, "portcullis_lwip_pool_used_entries", {{"pool", "TCP_PCB_LISTEN"}}).c_str());
  STRCMP_EQUAL("16", value(e, "portcullis_lwip_pool_entries", {{"pool", "PBUF_POOL"}}).c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_lwip_pool_used_entries", {{"pool", "PBUF_POOL"}}).c_str());
  STRCMP_EQUAL("16",
               value(e, "portcullis_lwip_pool_peak_entries", {{"pool", "PBUF_POOL"}}).c_str());
  STRCMP_EQUAL("40",
               value(e, "portcullis_lwip_pool_failures_total", {{"pool", "PBUF_POOL"}}).c_str());
}

TEST(Metrics, LwipHeapAndSent) {
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("16384", value(e, "portcullis_lwip_heap_bytes").c_str());
  STRCMP_EQUAL("1200", value(e, "portcullis_lwip_heap_used_bytes").c_str());
  STRCMP_EQUAL("9016", value(e, "portcullis_lwip_heap_peak_bytes").c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_lwip_heap_failures_total").c_str());
  LONGS_EQUAL(4, e.of("portcullis_lwip_sent_total").size());
  STRCMP_EQUAL("321", value(e, "portcullis_lwip_sent_total", {{"proto", "tcp"}}).c_str());
  STRCMP_EQUAL("12", value(e, "portcullis_lwip_sent_total", {{"proto", "udp"}}).c_str());
  STRCMP_EQUAL("7", value(e, "portcullis_lwip_sent_total", {{"proto", "icmp"}}).c_str());
  STRCMP_EQUAL("4", value(e, "portcullis_lwip_sent_total", {{"proto", "icmpv6"}}).c_str());
}

// Without lwIP's statistics none of lwIP's families is there (issue 17: zeros would read
// "nothing used, nothing sent").
TEST(Metrics, LwipNotMeasuredHasNoLwipFamily) {
  t.snapshot.lwip.measured = false;
  const Exposition e = metrics(t.snapshot);
  for (const char* family : {"portcullis_lwip_pool_entries", "portcullis_lwip_pool_used_entries",
                             "portcullis_lwip_pool_peak_entries",
                             "portcullis_lwip_pool_failures_total", "portcullis_lwip_heap_bytes",
                             "portcullis_lwip_heap_used_bytes", "portcullis_lwip_heap_peak_bytes",
                             "portcullis_lwip_heap_failures_total", "portcullis_lwip_sent_total"}) {
    CHECK_TEXT(!has_family(e, family), family);
    LONGS_EQUAL_TEXT(0, e.of(family).size(), family);
  }
  CHECK(has_family(e, "portcullis_packets_received_total"));  // the rest is there
}

// Only a corrupted snapshot names a pool twice; the scrape must still parse.
TEST(Metrics, APoolNamedTwiceIsOneSeries) {
  CHECK_TRUE(t.snapshot.lwip.pools.push({"TCP_PCB", 9, 9, 9, 9}));
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(3, e.of("portcullis_lwip_pool_used_entries").size());
  STRCMP_EQUAL("3", value(e, "portcullis_lwip_pool_used_entries", {{"pool", "TCP_PCB"}}).c_str());
}

TEST(Metrics, ACorruptedPoolCountReadsNoFurtherThanTheList) {
  t.snapshot.lwip.pools.count = 1000;
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(3, e.of("portcullis_lwip_pool_entries").size());  // the entries past them: no name
}

// lwIP names its pools with C identifiers; any other name is a corrupted snapshot's (two
// such could escape to one label text), and its pool is left out.
TEST(Metrics, APoolWhoseNameIsNoIdentifierIsLeftOut) {
  for (const std::string_view bad :
       {std::string_view(""), std::string_view("TCP PCB"), std::string_view("a\xFF"),
        std::string_view("a\xFE"), std::string_view("x\n"), std::string_view("\"q\"")}) {
    CHECK_TRUE(t.snapshot.lwip.pools.push({bad, 1, 1, 1, 1}));
  }
  CHECK_TRUE(t.snapshot.lwip.pools.push({"custom_Pool_7", 1, 2, 3, 4}));
  const Exposition e = metrics(t.snapshot);
  LONGS_EQUAL(4, e.of("portcullis_lwip_pool_peak_entries").size());
  STRCMP_EQUAL("4",
               value(e, "portcullis_lwip_pool_peak_entries", {{"pool", "custom_Pool_7"}}).c_str());
}

TEST(Metrics, PushSeriesOnlyWhenTheBoardPushes) {
  CHECK(metrics(t.snapshot).of("portcullis_push_connected").empty());
  t.snapshot.push = {true, false, "192.0.2.1:8883", 3, 4, 2, 10, 7, 1, 5, 6};
  const Exposition e = metrics(t.snapshot);
  STRCMP_EQUAL("6", value(e, "portcullis_push_status_trimmed_total").c_str());
  STRCMP_EQUAL("0", value(e, "portcullis_push_connected", {{"broker", "192.0.2.1:8883"}}).c_str());
  STRCMP_EQUAL("3", value(e, "portcullis_push_connects_total").c_str());
  STRCMP_EQUAL("7", value(e, "portcullis_push_events_published_total").c_str());
  STRCMP_EQUAL("1", value(e, "portcullis_push_events_queued").c_str());
  STRCMP_EQUAL("5", value(e, "portcullis_push_events_dropped_total").c_str());
}

TEST(Metrics, LabelValuesAreEscapedAndReadBackExactly) {
  constexpr char kId[] = "a\"b\\c\nd\te caf\xC3\xA9";
  t.snapshot.device.id = kId;
  t.snapshot.device.board =
      "bad\xFF"
      "utf8";
  const Exposition e = metrics(t.snapshot);
  const MetricSample* s = e.find("portcullis_device_info", {});
  CHECK(s != nullptr);
  STRCMP_EQUAL(kId, s->label("id").c_str());
  STRCMP_EQUAL(
      "bad\xEF\xBF\xBD"
      "utf8",
      s->label("board").c_str());
}

// Found by tests/fuzz (status harness): a CR in a device string went out raw, and a reader
// with universal newlines would have split the line, making the rest of the value a series.
TEST(Metrics, ControlCharactersInLabelValuesBecomeReplacementCharacters) {
  constexpr char kId[] = "a\rportcullis_fake 1\x1B[2J\0\x7F\tz";
  t.snapshot.device.id = std::string_view(kId, sizeof(kId) - 1);  // the NUL inside included
  const Exposition e = metrics(t.snapshot);
  const MetricSample* s = e.find("portcullis_device_info", {});
  CHECK(s != nullptr);
  STRCMP_EQUAL("a\xEF\xBF\xBDportcullis_fake 1\xEF\xBF\xBD[2J\xEF\xBF\xBD\xEF\xBF\xBD\tz",
               s->label("id").c_str());
  CHECK(e.of("portcullis_fake").empty());
}

// Nothing measured (a fresh snapshot: no stack or arena figures, no lwIP statistics): those
// families are left out rather than reading 0, which would say "nothing used"; the rest is
// there (issue 17).
TEST(Metrics, EmptySnapshotIsValidWithEveryFamilyItHasFiguresFor) {
  const portcullis::policy::Table no_rules;
  const Counters fresh;
  StatusSnapshot s;
  s.policy = &no_rules;
  s.counters = &fresh;
  const Exposition e = metrics(s);
  LONGS_EQUAL(19, e.families.size());
  LONGS_EQUAL(0, e.of("portcullis_listening").size());
  LONGS_EQUAL(0, e.of("portcullis_dropped_port_packets").size());
  STRCMP_EQUAL("0", value(e, "portcullis_packets_received_total").c_str());
  STRCMP_EQUAL("0", value(e, "portcullis_policy_rules").c_str());
  STRCMP_EQUAL("0", value(e, "portcullis_scanners").c_str());
  STRCMP_EQUAL("0", value(e, "portcullis_scanners_detected_total").c_str());
  for (const char* name :
       {"portcullis_stack_bytes", "portcullis_stack_peak_bytes", "portcullis_tls_arena_bytes",
        "portcullis_tls_arena_peak_bytes", "portcullis_lwip_pool_entries",
        "portcullis_lwip_pool_used_entries", "portcullis_lwip_heap_bytes",
        "portcullis_lwip_heap_peak_bytes", "portcullis_lwip_sent_total"}) {
    CHECK_TEXT(!has_family(e, name), name);  // not measured: no family, no series
  }
}

// One region measured, the other not: the host build measures the arena, not its stack.
TEST(Metrics, AMemoryRegionWithoutFiguresHasNoSeries) {
  t.snapshot.memory = {0, 0, 53248, 17896};
  const Exposition e = metrics(t.snapshot);
  CHECK(!has_family(e, "portcullis_stack_bytes"));
  CHECK(!has_family(e, "portcullis_stack_peak_bytes"));
  STRCMP_EQUAL("53248", value(e, "portcullis_tls_arena_bytes").c_str());
  STRCMP_EQUAL("17896", value(e, "portcullis_tls_arena_peak_bytes").c_str());
}

TEST(Metrics, EveryListAtCapacity) {
  using namespace portcullis::report;
  StatusSnapshot& s = t.snapshot;
  s.listening.count = 0;
  for (std::size_t i = 0; i < kMaxListeners; ++i) {
    CHECK_TRUE(s.listening.push({Proto::kTcp, static_cast<std::uint16_t>(1 + i), false}));
  }
  s.scanners.count = kMaxScanners;
  for (std::uint16_t port = 1; port <= kTopDroppedPorts + 5; ++port) {
    t.counters.record({portcullis::filter::Verdict::kDrop, Reason::kClosedPort, 17, port});
  }
  std::array<std::string, kMaxLwipPools> names;  // outlive the snapshot's views of them
  s.lwip.pools.count = 0;
  for (std::size_t i = 0; i < kMaxLwipPools; ++i) {
    names[i] = "POOL_" + std::to_string(i);
    CHECK_TRUE(s.lwip.pools.push({names[i], ~0u, 65535, 65535, 65535}));
  }
  const Exposition e = metrics(s);
  LONGS_EQUAL(kMaxListeners, e.of("portcullis_listening").size());
  LONGS_EQUAL(kMaxLwipPools, e.of("portcullis_lwip_pool_failures_total").size());
  STRCMP_EQUAL("4294967295",
               value(e, "portcullis_lwip_pool_failures_total", {{"pool", "POOL_0"}}).c_str());
  LONGS_EQUAL(kTopDroppedPorts, e.of("portcullis_dropped_port_packets").size());
  STRCMP_EQUAL(std::to_string(kMaxScanners).c_str(), value(e, "portcullis_scanners").c_str());
}

TEST(Metrics, TooSmallBufferIsAnErrorAndNothingIsWrittenPastIt) {
  const std::string full = metrics_of(t.snapshot);
  CHECK_FALSE(full.empty());
  constexpr std::size_t kGuard = 16;
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::vector<char> buffer(n + kGuard, '#');
    const portcullis::StatusWithSize r =
        portcullis::report::write_metrics(t.snapshot, std::span<char>(buffer.data(), n));
    CHECK(r.status == Status::kResourceExhausted);
    LONGS_EQUAL(full.size(), r.size);
    STRCMP_EQUAL(std::string(kGuard, '#').c_str(), std::string(buffer.data() + n, kGuard).c_str());
  }
}

TEST(Metrics, SlicesMakeUpTheDocument) {
  const std::string full = metrics_of(t.snapshot);
  CHECK_FALSE(full.empty());
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{256}, full.size()}) {
    std::string joined;
    std::vector<char> buffer(chunk);
    for (std::size_t offset = 0;; offset += chunk) {
      const portcullis::StatusWithSize r =
          portcullis::report::write_metrics_slice(t.snapshot, offset, buffer);
      CHECK(ok(r.status));
      joined.append(buffer.data(), r.size);
      if (r.size < chunk) {
        break;
      }
    }
    STRCMP_EQUAL(full.c_str(), joined.c_str());
  }
}

TEST(Metrics, RefusesASnapshotWithoutPolicyOrCounters) {
  std::vector<char> buffer(4096);
  StatusSnapshot no_policy = t.snapshot;
  no_policy.policy = nullptr;
  StatusSnapshot no_counters = t.snapshot;
  no_counters.counters = nullptr;
  for (const StatusSnapshot* s : {&no_policy, &no_counters}) {
    CHECK(portcullis::report::metrics_size(*s).status == Status::kInvalidArgument);
    CHECK(portcullis::report::write_metrics(*s, buffer).status == Status::kInvalidArgument);
    CHECK(portcullis::report::write_metrics_slice(*s, 0, buffer).status ==
          Status::kInvalidArgument);
  }
}

TEST_GROUP(MetricsWriter) {
  std::vector<char> buffer = std::vector<char>(512, '#');
  MetricsWriter w{std::span<char>(buffer)};
  std::string text() const {
    return std::string(buffer.data(), w.stored());
  }
};

TEST(MetricsWriter, FamilyThenSamples) {
  w.family("x_total", MetricsWriter::Type::kCounter, "Help with \\ and\nnewline.");
  w.sample({}, 3);
  w.sample({{"a", "1"}, {"b", "q\"\\\n"}}, 18446744073709551615ull);
  w.family("y", MetricsWriter::Type::kGauge, "Y.");
  w.sample_millis_as_seconds({{"c", ""}}, 1050);
  CHECK_TRUE(w.complete());
  STRCMP_EQUAL(
      "# HELP portcullis_x_total Help with \\\\ and\\nnewline.\n"
      "# TYPE portcullis_x_total counter\n"
      "portcullis_x_total 3\n"
      "portcullis_x_total{a=\"1\",b=\"q\\\"\\\\\\n\"} 18446744073709551615\n"
      "# HELP portcullis_y Y.\n"
      "# TYPE portcullis_y gauge\n"
      "portcullis_y{c=\"\"} 1.050\n",
      text().c_str());
  CHECK_TRUE(parse_exposition(text()).ok);
}

// Every row of the field tables is a family of its name, type and help with its own value: a
// field added to a table is checked here without a new test.
TEST(Metrics, EveryDescribedNumberIsAFamilyOfItsTypeHelpAndValue) {
  using portcullis::report::kMemoryFields;
  using portcullis::report::kPushFields;
  using portcullis::report::SeriesType;
  portcullis::test::fill_described_numbers(t.snapshot, 2000);
  const Exposition e = metrics(t.snapshot);
  std::uint32_t v = 2000;
  std::size_t checked = 0;
  const auto check = [&](const auto& f) {
    ++v;
    if (f.metric.empty()) {
      return;
    }
    const std::string name = "portcullis_" + std::string(f.metric);
    STRCMP_EQUAL_TEXT(std::to_string(v).c_str(), value(e, name).c_str(), name.c_str());
    bool found = false;
    for (const auto& family : e.families) {
      if (family.name == name) {
        found = true;
        STRCMP_EQUAL(f.type == SeriesType::kCounter ? "counter" : "gauge", family.type.c_str());
        STRCMP_EQUAL(std::string(f.help).c_str(), family.help.c_str());
      }
    }
    CHECK_TEXT(found, name.c_str());
    ++checked;
  };
  for (const auto& f : kPushFields) {
    check(f);
  }
  for (const auto& f : kMemoryFields) {
    check(f);
  }
  const auto in_metrics = [](const auto& f) { return !f.metric.empty(); };
  LONGS_EQUAL(std::count_if(kPushFields.begin(), kPushFields.end(), in_metrics) +
                  std::count_if(kMemoryFields.begin(), kMemoryFields.end(), in_metrics),
              checked);
  CHECK(checked >= 9);  // the push's 5 and memory's 4 when the tables were written
}

// The deprecated pool names (until 0.2.0) carry the same figures as the ones with the unit.
TEST(Metrics, DeprecatedPoolNamesCarryTheSameFigures) {
  const Exposition e = metrics(t.snapshot);
  for (const auto& [old_name, new_name] :
       {std::pair<const char*, const char*>{"portcullis_lwip_pool_size",
                                            "portcullis_lwip_pool_entries"},
        {"portcullis_lwip_pool_used", "portcullis_lwip_pool_used_entries"},
        {"portcullis_lwip_pool_peak", "portcullis_lwip_pool_peak_entries"}}) {
    LONGS_EQUAL_TEXT(3, e.of(new_name).size(), new_name);
    for (const char* pool : {"TCP_PCB", "TCP_PCB_LISTEN", "PBUF_POOL"}) {
      STRCMP_EQUAL_TEXT(value(e, new_name, {{"pool", pool}}).c_str(),
                        value(e, old_name, {{"pool", pool}}).c_str(), old_name);
    }
  }
}
