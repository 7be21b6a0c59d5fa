// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/metrics.hpp"

#include <algorithm>
#include <array>

#include "portcullis/filter/classifier.hpp"

namespace portcullis::report {

namespace {

// The format escapes backslash and line feed in help text, and the double quote too in
// label values. It has no escape for the other control characters, and a raw one does harm
// (a CR splits the line for a reader with universal newlines, turning a label value into a
// series of its own; an ESC drives the terminal of whoever reads the page): like ill-formed
// UTF-8 they become U+FFFD. Tab stays; everything else is UTF-8 as is.
void put_escaped(TextSink& sink, std::string_view s, bool quote) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (static_cast<std::uint8_t>(c) >= 0x80) {
      const std::size_t n = utf8_sequence_length(s.substr(i));
      sink.put(n == 0 ? kReplacementCharacter : s.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    if (c == '\\') {
      sink.put("\\\\");
    } else if (c == '\n') {
      sink.put("\\n");
    } else if (c == '"' && quote) {
      sink.put("\\\"");
    } else if ((static_cast<std::uint8_t>(c) < 0x20 && c != '\t') || c == 0x7F) {
      sink.put(kReplacementCharacter);
    } else {
      sink.put(c);
    }
    ++i;
  }
}

}  // namespace

void MetricsWriter::family(std::string_view name, Type type, std::string_view help) {
  family_ = name;
  sink_.put("# HELP ");
  sink_.put(kMetricPrefix);
  sink_.put(name);
  sink_.put(' ');
  put_escaped(sink_, help, false);
  sink_.put("\n# TYPE ");
  sink_.put(kMetricPrefix);
  sink_.put(name);
  sink_.put(type == Type::kCounter ? " counter\n" : " gauge\n");
}

void MetricsWriter::sample_head(std::initializer_list<Label> labels) {
  sink_.put(kMetricPrefix);
  sink_.put(family_);
  if (labels.size() != 0) {
    char separator = '{';
    for (const Label& l : labels) {
      sink_.put(separator);
      sink_.put(l.name);
      sink_.put("=\"");
      put_escaped(sink_, l.value, true);
      sink_.put('"');
      separator = ',';
    }
    sink_.put('}');
  }
  sink_.put(' ');
}

void MetricsWriter::sample(std::initializer_list<Label> labels, std::uint64_t value) {
  sample_head(labels);
  sink_.put_decimal(value);
  sink_.put('\n');
}

void MetricsWriter::sample_millis_as_seconds(std::initializer_list<Label> labels,
                                             std::uint64_t millis) {
  sample_head(labels);
  sink_.put_decimal(millis / 1000);
  const auto fraction = static_cast<unsigned>(millis % 1000);
  sink_.put('.');
  sink_.put(static_cast<char>('0' + fraction / 100));
  sink_.put(static_cast<char>('0' + fraction / 10 % 10));
  sink_.put(static_cast<char>('0' + fraction % 10));
  sink_.put('\n');
}

namespace {

using Type = MetricsWriter::Type;

std::string_view bool_text(bool b) {
  return b ? "true" : "false";
}

// Each family group in a frame of its own (noinline): inlined into encode(), their label lists
// would all share one frame, some 550 bytes of stack on the Cortex-M3 while a scrape renders.
[[gnu::noinline]] void encode_listening(std::span<const Listener> listeners, MetricsWriter& w) {
  w.family("listening", Type::kGauge,
           "A real listener (TCP listen or bound UDP socket) and whether the policy allows "
           "its port; always 1.");
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const Listener& l = listeners[i];
    // lwIP may hold an IPv4 and an IPv6 PCB on one port: one series, or the scrape fails
    // on a duplicate.
    const auto same = [&l](const Listener& o) { return o.proto == l.proto && o.port == l.port; };
    if (std::any_of(listeners.begin(), listeners.begin() + static_cast<std::ptrdiff_t>(i), same)) {
      continue;
    }
    w.sample({{"proto", proto_name(l.proto)},
              {"port", decimal_text(l.port).view()},
              {"allowed", bool_text(l.allowed)}},
             1);
  }
}

[[gnu::noinline]] void encode_netif(const NetifInfo& n, MetricsWriter& w) {
  w.family("rx_frames_dropped_total", Type::kCounter,
           "Received frames lost before the filter saw them: the MAC's FIFO full, bad or too "
           "large frames, no receive buffer free, or refused by lwIP.");
  w.sample({{"reason", "mac_overflow"}}, n.rx_mac_overflow);
  w.sample({{"reason", "mac_error"}}, n.rx_mac_errors);
  w.sample({{"reason", "too_large"}}, n.rx_mac_too_large);
  w.sample({{"reason", "no_buffer"}}, n.rx_no_buffer);
  w.sample({{"reason", "input_refused"}}, n.rx_refused);
  w.family("tx_frames_failed_total", Type::kCounter,
           "Frames lwIP sent that never left: larger than a MAC frame, or refused by the MAC.");
  w.sample({{"reason", "too_large"}}, n.tx_too_large);
  w.sample({{"reason", "mac"}}, n.tx_failed);
}

[[gnu::noinline]] void encode_counters(const Counters& c, MetricsWriter& w) {
  w.family("packets_received_total", Type::kCounter, "Inbound IP packets the filter judged.");
  w.sample({}, c.rx_total());
  w.family("packets_passed_total", Type::kCounter, "Inbound IP packets passed on to lwIP.");
  w.sample({}, c.passed_total());
  w.family("packets_dropped_total", Type::kCounter,
           "Inbound IP packets dropped (or rejected) before lwIP saw them, by reason.");
  for (std::size_t i = 0; i < filter::kReasonCount; ++i) {
    const auto reason = static_cast<filter::Reason>(i);
    if (!filter::is_pass_reason(reason)) {
      w.sample({{"reason", filter::reason_name(reason)}}, c.by_reason(reason));
    }
  }
  w.family("packets_rejected_total", Type::kCounter,
           "Dropped packets answered with a TCP RST or an ICMP port unreachable.");
  w.sample({}, c.rejected_total());
  w.family("packets_reject_suppressed_total", Type::kCounter,
           "Rejects the rate limiter turned into silent drops.");
  w.sample({}, c.reject_suppressed());

  std::array<PortCount, kTopDroppedPorts> top{};
  const std::size_t n = c.top_dropped().sorted(top);
  const std::span<const PortCount> ranked(top.data(), n);
  // The protocol's name, or its number as text in `storage`.
  const auto proto_of = [](const PortCount& e, DecimalText& storage) {
    const std::string_view name = ip_proto_name(e.ip_proto);
    storage = decimal_text(e.ip_proto);
    return name.empty() ? storage.view() : name;
  };
  DecimalText number;
  // A gauge: a port can leave the table, and one that enters inherits an estimate.
  // Deprecated: its port label makes a new series whenever a port enters the list.
  w.family("dropped_port_packets", Type::kGauge,
           "Deprecated, goes in 0.2.0 (a series per port ever listed): "
           "portcullis_top_dropped_port_packets.");
  for (const PortCount& e : ranked) {
    w.sample({{"proto", proto_of(e, number)}, {"port", decimal_text(e.port).view()}}, e.count);
  }
  // By rank (1: the most dropped), so the series stay put as ports come and go: at most
  // kTopDroppedPorts ranks, each with the protocol of the port it holds.
  w.family("top_dropped_port", Type::kGauge,
           "The port at each rank of the most-dropped TCP/UDP ports (1: the most dropped).");
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    w.sample({{"rank", decimal_text(i + 1).view()}, {"proto", proto_of(ranked[i], number)}},
             ranked[i].port);
  }
  w.family("top_dropped_port_packets", Type::kGauge,
           "Dropped packets to the port at each rank (Space-Saving estimate).");
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    w.sample({{"rank", decimal_text(i + 1).view()}, {"proto", proto_of(ranked[i], number)}},
             ranked[i].count);
  }
}

// The families a field table describes, one sample each, in its order.
template <typename Info, std::size_t N>
void put_families(const Info& info, const std::array<NumberField<Info>, N>& fields,
                  MetricsWriter& w) {
  for (const NumberField<Info>& f : fields) {
    if (!f.metric.empty()) {
      w.family(f.metric, f.type == SeriesType::kCounter ? Type::kCounter : Type::kGauge, f.help);
      w.sample({}, info.*f.member);
    }
  }
}

// The region each of kMemoryFields' numbers belongs to, by its size: a region not measured
// (size 0: the host build's stack, the arena before TLS started) has no series at all, since
// a 0 would read as "nothing used".
constexpr std::array<std::uint32_t MemoryInfo::*, 4> kMemoryRegionSize = {
    &MemoryInfo::stack_bytes, &MemoryInfo::stack_bytes, &MemoryInfo::tls_arena_bytes,
    &MemoryInfo::tls_arena_bytes};
static_assert(kMemoryRegionSize.size() == kMemoryFields.size());

void put_memory(const MemoryInfo& m, MetricsWriter& w) {
  for (std::size_t i = 0; i < kMemoryFields.size(); ++i) {
    const NumberField<MemoryInfo>& f = kMemoryFields[i];
    if (m.*kMemoryRegionSize[i] == 0 || f.metric.empty()) {
      continue;
    }
    w.family(f.metric, f.type == SeriesType::kCounter ? Type::kCounter : Type::kGauge, f.help);
    w.sample({}, m.*f.member);
  }
}

// lwIP's pool names are C identifiers. Any other name comes from a corrupted snapshot and
// its pool is left out: two such names could escape to the same label text.
bool is_pool_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The four families with a series per pool: one row each, one loop for all (a template per
// figure put four copies of the loop in the image).
enum class PoolFigure : std::uint8_t { kSize, kUsed, kPeak, kFailures };
struct PoolFamily {
  std::string_view name;
  Type type;
  PoolFigure figure;
  std::string_view help;
};
// The gauges name their unit, entries (issue 17); the names without it are deprecated and
// sent too until 0.2.0.
constexpr std::array<PoolFamily, 7> kPoolFamilies = {{
    {"lwip_pool_entries", Type::kGauge, PoolFigure::kSize,
     "Entries in each of lwIP's memory pools."},
    {"lwip_pool_used_entries", Type::kGauge, PoolFigure::kUsed,
     "Entries of each lwIP pool in use now."},
    {"lwip_pool_peak_entries", Type::kGauge, PoolFigure::kPeak,
     "Most entries of each lwIP pool ever in use at once since boot."},
    {"lwip_pool_failures_total", Type::kCounter, PoolFigure::kFailures,
     "Allocations from each lwIP pool refused because it was empty."},
    {"lwip_pool_size", Type::kGauge, PoolFigure::kSize,
     "Deprecated, goes in 0.2.0: portcullis_lwip_pool_entries."},
    {"lwip_pool_used", Type::kGauge, PoolFigure::kUsed,
     "Deprecated, goes in 0.2.0: portcullis_lwip_pool_used_entries."},
    {"lwip_pool_peak", Type::kGauge, PoolFigure::kPeak,
     "Deprecated, goes in 0.2.0: portcullis_lwip_pool_peak_entries."},
}};

std::uint32_t figure_of(const LwipPool& p, PoolFigure f) {
  switch (f) {
    case PoolFigure::kSize:
      return p.size;
    case PoolFigure::kUsed:
      return p.used;
    case PoolFigure::kPeak:
      return p.peak;
    case PoolFigure::kFailures:
      break;
  }
  return p.failures;
}

// A pool name listed twice (again only a corrupted snapshot has one) is written once, or the
// scrape fails on a duplicate series.
void encode_pools(std::span<const LwipPool> pools, const PoolFamily& f, MetricsWriter& w) {
  w.family(f.name, f.type, f.help);
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const LwipPool& p = pools[i];
    const auto same = [&p](const LwipPool& o) { return o.name == p.name; };
    if (!is_pool_name(p.name) ||
        std::any_of(pools.begin(), pools.begin() + static_cast<std::ptrdiff_t>(i), same)) {
      continue;
    }
    w.sample({{"pool", p.name}}, figure_of(p, f.figure));
  }
}

// lwIP's heap: one unlabelled series each.
struct HeapFamily {
  std::uint32_t LwipHeap::*member;
  std::string_view name;
  Type type;
  std::string_view help;
};
constexpr std::array<HeapFamily, 4> kHeapFamilies = {{
    {&LwipHeap::size_bytes, "lwip_heap_bytes", Type::kGauge, "Bytes of lwIP's heap."},
    {&LwipHeap::used_bytes, "lwip_heap_used_bytes", Type::kGauge,
     "Bytes of lwIP's heap in use now, block headers included."},
    {&LwipHeap::peak_bytes, "lwip_heap_peak_bytes", Type::kGauge,
     "Most bytes of lwIP's heap ever in use at once since boot."},
    {&LwipHeap::failures, "lwip_heap_failures_total", Type::kCounter,
     "Allocations from lwIP's heap refused."},
}};

// Only with lwIP's statistics (`measured`): without them, no series at all rather than zeros
// that would read as "nothing used, nothing sent".
[[gnu::noinline]] void encode_lwip(const LwipInfo& l, MetricsWriter& w) {
  if (!l.measured) {
    return;
  }
  for (const PoolFamily& f : kPoolFamilies) {
    encode_pools(l.pools.view(), f, w);
  }
  for (const HeapFamily& f : kHeapFamilies) {
    w.family(f.name, f.type, f.help);
    w.sample({}, l.heap.*f.member);
  }
  const LwipSent& sent = l.sent;
  w.family("lwip_sent_total", Type::kCounter,
           "TCP segments, UDP datagrams and ICMP/ICMPv6 messages lwIP sent.");
  w.sample({{"proto", "tcp"}}, sent.tcp);
  w.sample({{"proto", "udp"}}, sent.udp);
  w.sample({{"proto", "icmp"}}, sent.icmp);
  w.sample({{"proto", "icmpv6"}}, sent.icmpv6);
}

void encode(const StatusSnapshot& s, MetricsWriter& w) {
  w.family("device_info", Type::kGauge, "Identity of the device; always 1.");
  w.sample({{"id", s.device.id}, {"board", s.device.board}, {"firmware", s.device.firmware}}, 1);
  w.family("uptime_seconds", Type::kGauge, "Time since the device booted.");
  w.sample_millis_as_seconds({}, s.device.uptime_ms);
  w.family("time_known", Type::kGauge, "1 once the wall clock was set (SNTP).");
  w.sample({}, s.device.time_known ? 1 : 0);
  if (s.device.time_known) {
    w.family("time_seconds", Type::kGauge, "The device's wall clock, seconds since 1970 (UTC).");
    w.sample_millis_as_seconds({}, static_cast<std::uint64_t>(s.device.unix_ms));
  }
  w.family("policy_info", Type::kGauge,
           "The enforced policy: SHA-256 of its canonical text, and its mode; always 1.");
  w.sample({{"digest", s.policy_digest}, {"mode", mode_name(s.policy->mode)}}, 1);
  w.family("policy_rules", Type::kGauge, "Rules in the policy, the mgmt line included.");
  w.sample({}, s.policy->rules.size());
  encode_listening(s.listening.view(), w);
  encode_counters(*s.counters, w);
  encode_netif(s.netif, w);
  w.family("scanners", Type::kGauge, "Sources the scan detector currently lists.");
  w.sample({}, s.scanners.view().size());
  w.family("scanners_detected_total", Type::kCounter,
           "Sources the scan detector found scanning, since boot (again after expiry).");
  w.sample({}, s.scanners_detected_total);
  w.family("violations_total", Type::kCounter,
           "Listeners found on ports the policy does not allow, since boot.");
  w.sample({}, s.violations_total);
  put_memory(s.memory, w);
  encode_lwip(s.lwip, w);
  if (s.push.enabled) {
    w.family("push_connected", Type::kGauge, "1 while the MQTT push is connected to its broker.");
    w.sample({{"broker", s.push.broker}}, s.push.connected ? 1 : 0);
    put_families(s.push, kPushFields, w);
  }
}

bool valid(const StatusSnapshot& s) {
  return s.policy != nullptr && s.counters != nullptr;
}

}  // namespace

StatusWithSize metrics_size(const StatusSnapshot& s) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  MetricsWriter w(std::span<char>{});
  encode(s, w);
  return {Status::kOk, w.size()};
}

StatusWithSize write_metrics(const StatusSnapshot& s, std::span<char> out) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  MetricsWriter w(out);
  encode(s, w);
  return {w.complete() ? Status::kOk : Status::kResourceExhausted, w.size()};
}

StatusWithSize write_metrics_slice(const StatusSnapshot& s, std::size_t offset,
                                   std::span<char> out) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  MetricsWriter w(out, offset);
  encode(s, w);
  return {Status::kOk, w.stored()};
}

}  // namespace portcullis::report
