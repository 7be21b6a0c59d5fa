// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the status encoders (firmware/report json.hpp and metrics.hpp) over a
// snapshot drawn from the input: device strings of arbitrary bytes (ill-formed UTF-8, control
// characters, quotes and backslashes), a policy table with any values (counts beyond the
// capacities included), counters, lists and numbers up to 2^64 - 1.
//
// Input, read in this order (FuzzInput: big-endian, zeros past the end):
//   5 strings, each a length byte and its bytes: device id, board, firmware, policy digest,
//   push broker; uptime (8); the policy: flags (bit 0 reject, bit 1 echo), rule count (raw,
//   may exceed kMaxRules), then per rule proto, first, last (2 each), source count (raw),
//   mgmt, and per source a flag byte (bit 0 IPv6), length and 4 or 16 address bytes;
//   listeners (count raw; bit 0 udp, bit 0 allowed, port); decisions recorded into the
//   counters (count; reason, bit 0 reject, IP protocol, port) and rejects suppressed (count);
//   addresses are a byte (bit 0 IPv6) and 4 or 16 bytes; recent blocked (count raw;
//   address, IP protocol, port, reason, uptime); scanners (count raw; address, distinct
//   ports, first, last); scanners detected; violations (count raw; proto, port, action,
//   uptime); violations total; push (flags, seven counters); memory (four); the slice size;
//   lwIP's figures (after the slice size, so older seeds keep their meaning): measured (bit
//   0), pools (count raw; per pool a byte choosing its name: bit 0 set, one of lwIP's names
//   by the next byte, else a string of any bytes; failures (4), size, used, peak (2 each)),
//   heap (four), sent (four); the netif's frame losses (seven); the push's trimmed count.
//
// Invariants: both documents are valid (the strict JSON parser of tests/unit/report, the
// exposition format checker), hold what the snapshot holds (lists clamped to their
// capacities; well-formed UTF-8 strings unchanged in the JSON, and in the metrics but for
// the control characters the format cannot escape), their size functions agree with their
// writers, a buffer one byte short is refused, and the slice writers reproduce the whole
// document piece by piece. lwIP's figures: in the JSON the heap and the pools' failures
// summed, in the metrics one series per pool with an identifier name (the first of a name
// listed twice), 0 and no pool when not measured.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exposition_checker.hpp"
#include "fuzz_input.hpp"
#include "json_checker.hpp"
#include "portcullis/filter/classifier.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/report/metrics.hpp"
#include "portcullis/report/status.hpp"
#include "utf8_check.hpp"

namespace {

using portcullis::Status;
using portcullis::StatusWithSize;
using portcullis::fuzz::FuzzInput;
using portcullis::report::StatusSnapshot;
using portcullis::test::is_utf8;

// Values of an enum with a fixed underlying type may be any value of that type: the
// encoders must cope with those a corrupted snapshot would hold.
template <typename Enum>
Enum raw(std::uint8_t v) {
  return static_cast<Enum>(v);
}

portcullis::report::IpAddress address(FuzzInput& in) {
  portcullis::report::IpAddress a;
  a.is_v6 = in.boolean();
  const auto b = in.bytes(a.is_v6 ? 16 : 4);
  std::copy(b.begin(), b.end(), a.bytes.begin());
  return a;
}

void read_policy(FuzzInput& in, portcullis::policy::Policy& p) {
  const std::uint8_t flags = in.u8();
  p.mode =
      (flags & 1u) != 0 ? portcullis::policy::Mode::kReject : portcullis::policy::Mode::kStealth;
  p.echo = (flags & 2u) != 0;
  p.rule_count = in.u8();
  const std::size_t rules = std::min<std::size_t>(p.rule_count, p.rules.size());
  for (std::size_t i = 0; i < rules; ++i) {
    auto& r = p.rules[i];
    r.proto = raw<portcullis::policy::Proto>(in.u8());
    r.first_port = in.u16();
    r.last_port = in.u16();
    r.source_count = in.u8();
    r.mgmt = in.boolean();
    const std::size_t sources = std::min<std::size_t>(r.source_count, r.sources.size());
    for (std::size_t k = 0; k < sources; ++k) {
      auto& s = r.sources[k];
      s.is_v6 = in.boolean();
      s.len = in.u8();
      const auto b = in.bytes(s.is_v6 ? 16 : 4);
      std::copy(b.begin(), b.end(), s.addr.begin());
    }
  }
}

// A list's count as read (a corrupted one may exceed the capacity); entries for what fits.
template <typename List, typename Read>
void read_list(FuzzInput& in, List& list, Read read_item) {
  list.count = in.u8();
  for (std::size_t i = 0; i < std::min(list.count, list.capacity()); ++i) {
    list.items[i] = read_item();
  }
}

void read_counters(FuzzInput& in, portcullis::report::Counters& c) {
  using portcullis::filter::Reason;
  using portcullis::filter::Verdict;
  const std::size_t decisions = in.u8();
  for (std::size_t i = 0; i < decisions; ++i) {
    // As the classifier makes them: a valid reason, pass exactly for a pass reason.
    const auto reason = static_cast<Reason>(in.u8() % portcullis::filter::kReasonCount);
    const bool reject = in.boolean();
    const Verdict verdict = portcullis::filter::is_pass_reason(reason) ? Verdict::kPass
                            : reject                                   ? Verdict::kReject
                                                                       : Verdict::kDrop;
    const std::uint8_t ip_proto = in.u8();
    const std::uint16_t port = in.u16();
    c.record({verdict, reason, ip_proto, port});
  }
  for (std::size_t i = in.u8(); i > 0; --i) {
    c.record_reject_suppressed();
  }
}

// Names the stack gives lwIP's pools (and a custom one), so that pool series get written.
constexpr std::array<std::string_view, 8> kLwipPoolNames = {
    "TCP_PCB", "TCP_PCB_LISTEN", "TCP_SEG",     "UDP_PCB",
    "PBUF",    "PBUF_POOL",      "SYS_TIMEOUT", "my_pool_2",
};

// The snapshot and everything it points to.
struct Fixture {
  portcullis::policy::Policy policy;
  portcullis::policy::AnyCompactPolicy table;
  portcullis::policy::Table table_view;  // of `table`, once it is filled
  portcullis::report::Counters counters;
  StatusSnapshot s;
  std::size_t slice = 1;

  explicit Fixture(FuzzInput& in) {
    s.device.id = in.text();
    s.device.board = in.text();
    s.device.firmware = in.text();
    s.policy_digest = in.text();
    s.push.broker = in.text();
    s.device.uptime_ms = in.u64();
    read_policy(in, policy);
    table = portcullis::policy::compact(policy);
    table_view = table;
    s.policy = &table_view;
    read_list(in, s.listening, [&in] {
      portcullis::report::Listener l;
      // A listener's protocol comes from the audit, never corrupted: the metrics name it and
      // merge the IPv4 and IPv6 listeners of one port by it.
      l.proto = in.boolean() ? portcullis::policy::Proto::kUdp : portcullis::policy::Proto::kTcp;
      l.allowed = in.boolean();
      l.port = in.u16();
      return l;
    });
    read_counters(in, counters);
    s.counters = &counters;
    read_list(in, s.recent_blocked, [&in] {
      portcullis::report::BlockedAttempt b;
      b.src = address(in);
      b.ip_proto = in.u8();
      b.port = in.u16();
      b.reason = raw<portcullis::filter::Reason>(in.u8());
      b.uptime_ms = in.u64();
      return b;
    });
    read_list(in, s.scanners, [&in] {
      portcullis::report::Scanner sc;
      sc.src = address(in);
      sc.distinct_ports = in.u32();
      sc.first_ms = in.u64();
      sc.last_ms = in.u64();
      return sc;
    });
    s.scanners_detected_total = in.u64();
    read_list(in, s.violations, [&in] {
      portcullis::report::Violation v;
      v.proto = raw<portcullis::policy::Proto>(in.u8());
      v.port = in.u16();
      v.action = raw<portcullis::report::ViolationAction>(in.u8());
      v.uptime_ms = in.u64();
      return v;
    });
    s.violations_total = in.u64();
    const std::uint8_t push = in.u8();
    s.push.enabled = (push & 1u) != 0;
    s.push.connected = (push & 2u) != 0;
    s.push.connects = in.u32();
    s.push.connect_failures = in.u32();
    s.push.disconnects = in.u32();
    s.push.status_published = in.u32();
    s.push.events_published = in.u32();
    s.push.events_queued = in.u32();
    s.push.events_dropped = in.u32();
    s.memory = {in.u32(), in.u32(), in.u32(), in.u32()};
    slice = std::max<std::size_t>(in.u16(), 1);
    s.lwip.measured = in.boolean();
    read_list(in, s.lwip.pools, [&in] {
      portcullis::report::LwipPool p;
      p.name = (in.u8() & 1u) != 0 ? kLwipPoolNames[in.u8() % kLwipPoolNames.size()] : in.text();
      p.failures = in.u32();
      p.size = in.u16();
      p.used = in.u16();
      p.peak = in.u16();
      return p;
    });
    s.lwip.heap = {in.u32(), in.u32(), in.u32(), in.u32()};
    s.lwip.sent = {in.u32(), in.u32(), in.u32(), in.u32()};
    s.netif = {in.u32(), in.u32(), in.u32(), in.u32(), in.u32(), in.u32(), in.u32()};
    s.push.status_trimmed = in.u32();
    s.push.protocol_errors = in.u32();
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
};

// Runs one encoder's three functions and checks they agree; returns the document.
template <typename SizeOf, typename Write, typename WriteSlice>
std::string render(const StatusSnapshot& s, std::size_t slice, SizeOf size_of, Write write,
                   WriteSlice write_slice) {
  const portcullis::StatusWithSize size = size_of(s);
  FUZZ_CHECK(size.status == Status::kOk && size.size > 0);
  std::vector<char> buffer(size.size);
  const portcullis::StatusWithSize whole = write(s, std::span<char>(buffer));
  FUZZ_CHECK(whole.status == Status::kOk && whole.size == size.size);
  std::string doc(buffer.data(), buffer.size());

  // One byte short: refused, with the size it needs.
  std::vector<char> short_buffer(size.size - 1);
  const portcullis::StatusWithSize cut = write(s, std::span<char>(short_buffer));
  FUZZ_CHECK(cut.status == Status::kResourceExhausted && cut.size == size.size);

  // Streamed: three slices of the input's size, then one for the rest and one past the end.
  // (Each slice encodes the whole document anew: a few of them, wherever they cut.)
  std::string streamed;
  std::size_t offset = 0;
  for (int i = 0; i < 5; ++i) {
    const std::size_t want = i < 3 ? slice : size.size - std::min(offset, size.size) + 1;
    std::vector<char> window(want);
    const portcullis::StatusWithSize part = write_slice(s, offset, std::span<char>(window));
    FUZZ_CHECK(part.status == Status::kOk);
    FUZZ_CHECK(part.size == std::min(want, size.size - std::min(offset, size.size)));
    streamed.append(window.data(), part.size);
    offset += part.size;
  }
  FUZZ_CHECK(streamed == doc);

  StatusSnapshot missing = s;
  missing.counters = nullptr;
  FUZZ_CHECK(size_of(missing).status == Status::kInvalidArgument);
  return doc;
}

// A string of the snapshot, as the document shows it: unchanged when it was well-formed
// UTF-8 (ill-formed bytes are replaced; the checkers see to it that the result is UTF-8).
void check_text(std::string_view shown, std::string_view given) {
  FUZZ_CHECK(is_utf8(shown));
  if (is_utf8(given)) {
    FUZZ_CHECK(shown == given);
  }
}

void check_json(const Fixture& f, const std::string& doc) {
  const auto parsed = portcullis::test::parse_json(doc);
  if (!parsed.ok) {
    std::fprintf(stderr, "JSON: %s\n", parsed.error.c_str());
  }
  FUZZ_CHECK(parsed.ok);
  const auto& v = parsed.value;
  const StatusSnapshot& s = f.s;
  check_text(v["device"]["id"].text, s.device.id);
  check_text(v["device"]["board"].text, s.device.board);
  check_text(v["device"]["firmware"].text, s.device.firmware);
  check_text(v["policy"]["digest"].text, s.policy_digest);
  check_text(v["push"]["broker"].text, s.push.broker);
  FUZZ_CHECK(v["device"]["uptime_ms"].is_u64(s.device.uptime_ms));
  const std::size_t rules = std::min<std::size_t>(f.policy.rule_count, f.policy.rules.size());
  FUZZ_CHECK(v["policy"]["rules"].size() == rules);
  for (std::size_t i = 0; i < rules; ++i) {
    const auto& r = f.policy.rules[i];
    FUZZ_CHECK(v["policy"]["rules"][i]["from"].size() ==
               std::min<std::size_t>(r.source_count, r.sources.size()));
    FUZZ_CHECK(v["policy"]["rules"][i]["first"].is_u64(r.first_port));
  }
  FUZZ_CHECK(v["listening"].size() == s.listening.view().size());
  FUZZ_CHECK(v["recent_blocked"].size() == s.recent_blocked.view().size());
  FUZZ_CHECK(v["scanners"].size() == s.scanners.view().size());
  FUZZ_CHECK(v["violations"].size() == s.violations.view().size());
  FUZZ_CHECK(v["counters"]["rx_total"].is_u64(f.counters.rx_total()));
  FUZZ_CHECK(v["violations_total"].is_u64(s.violations_total));
  FUZZ_CHECK(v["memory"]["tls_arena_peak_bytes"].is_u64(s.memory.tls_arena_peak_bytes));
  std::uint64_t pool_failures = 0;
  for (const auto& p : s.lwip.pools.view()) {
    pool_failures += p.failures;
  }
  const bool lwip = s.lwip.measured;
  FUZZ_CHECK(v["memory"]["lwip_heap_bytes"].is_u64(lwip ? s.lwip.heap.size_bytes : 0));
  FUZZ_CHECK(v["memory"]["lwip_heap_peak_bytes"].is_u64(lwip ? s.lwip.heap.peak_bytes : 0));
  FUZZ_CHECK(v["memory"]["lwip_pool_failures"].is_u64(lwip ? pool_failures : 0));
  FUZZ_CHECK(v["counters"]["rx_frames_dropped"].is_u64(
      std::uint64_t{s.netif.rx_no_buffer} + s.netif.rx_refused + s.netif.rx_mac_overflow +
      s.netif.rx_mac_errors + s.netif.rx_mac_too_large));
}

// A label value, as the metrics show it: like check_text, but the control characters the
// format cannot escape (all but tab and line feed) are replaced too.
void check_label(std::string_view shown, std::string_view given) {
  FUZZ_CHECK(is_utf8(shown));
  if (!is_utf8(given)) {
    return;
  }
  std::string expected;
  for (const char c : given) {
    const auto u = static_cast<std::uint8_t>(c);
    const bool control = (u < 0x20 && c != '\t' && c != '\n') || u == 0x7F;
    expected += control ? std::string_view("\xEF\xBF\xBD") : std::string_view(&c, 1);
  }
  FUZZ_CHECK(shown == expected);
}

// The value of the one sample of `name` with `labels`, as text; "<absent>" otherwise.
std::string sample_value(const portcullis::test::Exposition& e, std::string_view name,
                         const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  const auto* sample = e.find(name, labels);
  return sample == nullptr ? "<absent>" : sample->value;
}

bool is_identifier(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void check_lwip_metrics(const portcullis::report::LwipInfo& l,
                        const portcullis::test::Exposition& e) {
  // The pools written: those with an identifier name, each name once, its first entry.
  std::vector<portcullis::report::LwipPool> shown;
  if (l.measured) {
    for (const auto& p : l.pools.view()) {
      const bool seen =
          std::any_of(shown.begin(), shown.end(), [&p](const auto& o) { return o.name == p.name; });
      if (is_identifier(p.name) && !seen) {
        shown.push_back(p);
      }
    }
  }
  for (const char* family :
       {"portcullis_lwip_pool_entries", "portcullis_lwip_pool_used_entries",
        "portcullis_lwip_pool_peak_entries", "portcullis_lwip_pool_failures_total",
        "portcullis_lwip_pool_size", "portcullis_lwip_pool_used", "portcullis_lwip_pool_peak"}) {
    FUZZ_CHECK(e.of(family).size() == shown.size());
  }
  for (const auto& p : shown) {
    const std::vector<std::pair<std::string, std::string>> label = {{"pool", std::string(p.name)}};
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_entries", label) == std::to_string(p.size));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_used_entries", label) ==
               std::to_string(p.used));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_peak_entries", label) ==
               std::to_string(p.peak));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_size", label) == std::to_string(p.size));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_used", label) == std::to_string(p.used));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_peak", label) == std::to_string(p.peak));
    FUZZ_CHECK(sample_value(e, "portcullis_lwip_pool_failures_total", label) ==
               std::to_string(p.failures));
  }
  // Without lwIP's statistics no lwIP series at all (issue 17), not zeros.
  const auto shown_or_0 = [&l](std::uint32_t v) {
    return l.measured ? std::to_string(v) : std::string("<absent>");
  };
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_heap_bytes") == shown_or_0(l.heap.size_bytes));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_heap_used_bytes") == shown_or_0(l.heap.used_bytes));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_heap_peak_bytes") == shown_or_0(l.heap.peak_bytes));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_heap_failures_total") == shown_or_0(l.heap.failures));
  FUZZ_CHECK(e.of("portcullis_lwip_sent_total").size() == (l.measured ? 4U : 0U));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_sent_total", {{"proto", "tcp"}}) ==
             shown_or_0(l.sent.tcp));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_sent_total", {{"proto", "udp"}}) ==
             shown_or_0(l.sent.udp));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_sent_total", {{"proto", "icmp"}}) ==
             shown_or_0(l.sent.icmp));
  FUZZ_CHECK(sample_value(e, "portcullis_lwip_sent_total", {{"proto", "icmpv6"}}) ==
             shown_or_0(l.sent.icmpv6));
}

void check_metrics(const Fixture& f, const std::string& doc) {
  const auto parsed = portcullis::test::parse_exposition(doc);
  if (!parsed.ok) {
    std::fprintf(stderr, "exposition: %s\n", parsed.error.c_str());
  }
  FUZZ_CHECK(parsed.ok);
  const StatusSnapshot& s = f.s;
  const auto info = parsed.of("portcullis_device_info");
  FUZZ_CHECK(info.size() == 1);
  check_label(info[0].label("id"), s.device.id);
  check_label(info[0].label("board"), s.device.board);
  check_label(info[0].label("firmware"), s.device.firmware);
  const auto policy = parsed.of("portcullis_policy_info");
  FUZZ_CHECK(policy.size() == 1);
  check_label(policy[0].label("digest"), s.policy_digest);
  const auto push = parsed.of("portcullis_push_connected");
  FUZZ_CHECK(push.size() == (s.push.enabled ? 1u : 0u));
  if (s.push.enabled) {
    check_label(push[0].label("broker"), s.push.broker);
  }
  for (const auto& sample : parsed.samples) {
    FUZZ_CHECK(sample.name.rfind("portcullis_", 0) == 0);
  }
  check_lwip_metrics(s.lwip, parsed);
  // A memory region's two series only where it is measured (its size not 0), then exact.
  const auto region = [&parsed](std::uint32_t size, const char* name, std::uint32_t v) {
    FUZZ_CHECK(sample_value(parsed, name) == (size != 0 ? std::to_string(v) : "<absent>"));
  };
  region(s.memory.stack_bytes, "portcullis_stack_bytes", s.memory.stack_bytes);
  region(s.memory.stack_bytes, "portcullis_stack_peak_bytes", s.memory.stack_peak_bytes);
  region(s.memory.tls_arena_bytes, "portcullis_tls_arena_bytes", s.memory.tls_arena_bytes);
  region(s.memory.tls_arena_bytes, "portcullis_tls_arena_peak_bytes",
         s.memory.tls_arena_peak_bytes);
  FUZZ_CHECK(sample_value(parsed, "portcullis_rx_frames_dropped_total",
                          {{"reason", "no_buffer"}}) == std::to_string(s.netif.rx_no_buffer));
  FUZZ_CHECK(sample_value(parsed, "portcullis_rx_frames_dropped_total",
                          {{"reason", "mac_overflow"}}) == std::to_string(s.netif.rx_mac_overflow));
  FUZZ_CHECK(sample_value(parsed, "portcullis_rx_frames_dropped_total",
                          {{"reason", "mac_error"}}) == std::to_string(s.netif.rx_mac_errors));
  FUZZ_CHECK(sample_value(parsed, "portcullis_rx_frames_dropped_total",
                          {{"reason", "too_large"}}) == std::to_string(s.netif.rx_mac_too_large));
  FUZZ_CHECK(sample_value(parsed, "portcullis_rx_frames_dropped_total",
                          {{"reason", "input_refused"}}) == std::to_string(s.netif.rx_refused));
  FUZZ_CHECK(sample_value(parsed, "portcullis_tx_frames_failed_total", {{"reason", "too_large"}}) ==
             std::to_string(s.netif.tx_too_large));
  FUZZ_CHECK(sample_value(parsed, "portcullis_tx_frames_failed_total", {{"reason", "mac"}}) ==
             std::to_string(s.netif.tx_failed));
  FUZZ_CHECK(sample_value(parsed, "portcullis_push_status_trimmed_total") ==
             (s.push.enabled ? std::to_string(s.push.status_trimmed) : "<absent>"));
}

// write_status_json_fitted into a buffer of 4 x the slice size: the whole document when it
// fits; else a valid document whose recent lists keep their newest entries (a prefix of
// recent_blocked and scanners, a suffix of violations), left_out counting what went; or,
// when nothing fits, a refusal with those lists empty.
void check_fitted(const Fixture& f) {
  static StatusSnapshot fitted;  // static: a snapshot is a few KiB
  fitted = f.s;
  std::vector<char> buffer(f.slice * 4);
  const auto r = portcullis::report::write_status_json_fitted(fitted, buffer);
  const std::size_t before =
      f.s.recent_blocked.view().size() + f.s.scanners.view().size() + f.s.violations.view().size();
  const std::size_t after = fitted.recent_blocked.view().size() + fitted.scanners.view().size() +
                            fitted.violations.view().size();
  FUZZ_CHECK(after + r.left_out == before);
  if (portcullis::report::status_json_size(f.s).size <= buffer.size()) {
    FUZZ_CHECK(r.encoded.status == Status::kOk && r.left_out == 0);
  }
  if (r.encoded.status != Status::kOk) {
    FUZZ_CHECK(r.encoded.status == Status::kResourceExhausted && after == 0);
    return;
  }
  FUZZ_CHECK(r.encoded.size <= buffer.size());
  FUZZ_CHECK(portcullis::test::parse_json(std::string(buffer.data(), r.encoded.size)).ok);
  // Entries compared member by member (struct bytes would include padding).
  const auto kept = [](const auto& list, const auto& original, bool front, auto same) {
    const auto a = list.view();
    const auto b = original.view();
    if (a.size() > b.size()) {
      return false;
    }
    const std::size_t from = front ? 0 : b.size() - a.size();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[from + i])) {
        return false;
      }
    }
    return true;
  };
  FUZZ_CHECK(
      kept(fitted.recent_blocked, f.s.recent_blocked, true, [](const auto& x, const auto& y) {
        return x.src == y.src && x.ip_proto == y.ip_proto && x.port == y.port &&
               x.reason == y.reason && x.uptime_ms == y.uptime_ms;
      }));
  FUZZ_CHECK(kept(fitted.scanners, f.s.scanners, true, [](const auto& x, const auto& y) {
    return x.src == y.src && x.distinct_ports == y.distinct_ports && x.first_ms == y.first_ms &&
           x.last_ms == y.last_ms;
  }));
  FUZZ_CHECK(kept(fitted.violations, f.s.violations, false, [](const auto& x, const auto& y) {
    return x.proto == y.proto && x.port == y.port && x.action == y.action &&
           x.uptime_ms == y.uptime_ms;
  }));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in({data, size});
  const Fixture f(in);
  check_json(f, render(f.s, f.slice, portcullis::report::status_json_size,
                       portcullis::report::write_status_json,
                       portcullis::report::write_status_json_slice));
  check_metrics(
      f, render(f.s, f.slice, portcullis::report::metrics_size, portcullis::report::write_metrics,
                portcullis::report::write_metrics_slice));
  check_fitted(f);
  return 0;
}
