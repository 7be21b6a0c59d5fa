// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/json.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "portcullis/base/civil_time.hpp"
#include "portcullis/filter/classifier.hpp"

namespace portcullis::report {

namespace {

void put_escaped(TextSink& sink, std::string_view s) {
  constexpr std::string_view kHex = "0123456789abcdef";
  sink.put('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s.substr(i));
      sink.put(n == 0 ? kReplacementCharacter : s.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '"':
        sink.put("\\\"");
        break;
      case '\\':
        sink.put("\\\\");
        break;
      case '\b':
        sink.put("\\b");
        break;
      case '\f':
        sink.put("\\f");
        break;
      case '\n':
        sink.put("\\n");
        break;
      case '\r':
        sink.put("\\r");
        break;
      case '\t':
        sink.put("\\t");
        break;
      default:
        // JSON requires escaping below 0x20; DEL too, so no raw control byte reaches a terminal.
        if (c < 0x20 || c == 0x7F) {
          sink.put("\\u00");
          sink.put(kHex[c >> 4]);
          sink.put(kHex[c & 0xF]);
        } else {
          sink.put(static_cast<char>(c));
        }
    }
    ++i;
  }
  sink.put('"');
}

}  // namespace

bool JsonWriter::before_value() {
  if (misused_) {
    return false;
  }
  if (depth_ == 0) {
    misused_ = values_at_top_ != 0;  // a document is one value
    ++values_at_top_;
    return !misused_;
  }
  const std::uint32_t bit = 1u << (depth_ - 1);
  if ((object_bits_ & bit) != 0) {
    misused_ = !after_key_;
    after_key_ = false;
    return !misused_;
  }
  if ((non_empty_bits_ & bit) != 0) {
    sink_.put(',');
  }
  non_empty_bits_ |= bit;
  return true;
}

void JsonWriter::key(std::string_view name) {
  if (misused_) {
    return;
  }
  const std::uint32_t bit = depth_ == 0 ? 0 : 1u << (depth_ - 1);
  if ((object_bits_ & bit) == 0 || after_key_) {
    misused_ = true;
    return;
  }
  if ((non_empty_bits_ & bit) != 0) {
    sink_.put(',');
  }
  non_empty_bits_ |= bit;
  put_escaped(sink_, name);
  sink_.put(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  if (before_value()) {
    put_escaped(sink_, value);
  }
}

void JsonWriter::number(std::uint64_t value) {
  if (before_value()) {
    sink_.put_decimal(value);
  }
}

void JsonWriter::boolean(bool value) {
  if (before_value()) {
    sink_.put(value ? "true" : "false");
  }
}

void JsonWriter::open(char bracket, bool object) {
  if (depth_ == kMaxDepth) {
    misused_ = true;
  }
  if (!before_value()) {
    return;
  }
  sink_.put(bracket);
  const std::uint32_t bit = 1u << depth_;
  ++depth_;
  object_bits_ = object ? object_bits_ | bit : object_bits_ & ~bit;
  non_empty_bits_ &= ~bit;
}

void JsonWriter::close(char bracket, bool object) {
  if (misused_) {
    return;
  }
  const std::uint32_t bit = depth_ == 0 ? 0 : 1u << (depth_ - 1);
  if (depth_ == 0 || after_key_ || ((object_bits_ & bit) != 0) != object) {
    misused_ = true;
    return;
  }
  sink_.put(bracket);
  --depth_;
}

namespace {

void member_ip_proto(JsonWriter& w, std::uint8_t ip_proto) {
  const std::string_view name = ip_proto_name(ip_proto);
  w.member_string("proto", name.empty() ? decimal_text(ip_proto).view() : name);
}

void encode_device(const DeviceInfo& d, JsonWriter& w) {
  w.key("device");
  w.begin_object();
  w.member_string("id", d.id);
  w.member_string("board", d.board);
  w.member_string("firmware", d.firmware);
  w.member_number("uptime_ms", d.uptime_ms);
  w.member_bool("time_known", d.time_known);
  if (d.time_known) {
    w.member_string("time", time_text(d.unix_ms / 1000).view());
  }
  w.end_object();
}

// Port ranges as two numbers, `first` and `last` (equal for one port), so a reader needs no
// second parser for "5000-5010"; `from` is empty when the rule admits any source.
void encode_policy(const policy::Table& p, std::string_view digest, JsonWriter& w) {
  w.key("policy");
  w.begin_object();
  w.member_string("digest", digest);
  w.member_string("mode", mode_name(p.mode));
  w.member_bool("echo", p.echo);
  w.key("rules");
  w.begin_array();
  for (const policy::TableRule& r : p.rules) {
    w.begin_object();
    w.member_string("proto", proto_name(r.proto));
    w.member_number("first", r.first_port);
    w.member_number("last", r.last_port);
    w.key("from");
    w.begin_array();
    for (const policy::Prefix& source : p.sources_of(r)) {
      w.string(policy::format_prefix(source).view());
    }
    w.end_array();
    w.member_bool("mgmt", r.mgmt);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void encode_counters(const Counters& c, const NetifInfo& netif, JsonWriter& w) {
  w.key("counters");
  w.begin_object();
  w.member_number("rx_total", c.rx_total());
  w.member_number("passed_total", c.passed_total());
  w.member_number("dropped_total", c.dropped_total());
  w.member_number("rejected_total", c.rejected_total());
  // Schema 1.0 names both counters twice: without `_total` (deprecated, gone in 2.0) and with.
  w.member_number("reject_suppressed", c.reject_suppressed());
  w.member_number("reject_suppressed_total", c.reject_suppressed());
  // Frames lost before the filter (no buffer, refused by lwIP): the metrics split them.
  const std::uint64_t frames_dropped = std::uint64_t{netif.rx_no_buffer} + netif.rx_refused +
                                       netif.rx_mac_overflow + netif.rx_mac_errors +
                                       netif.rx_mac_too_large;
  w.member_number("rx_frames_dropped", frames_dropped);
  w.member_number("rx_frames_dropped_total", frames_dropped);
  // Passes first (is_pass_reason), then drops: one walk over the reasons.
  w.key("passed_by_reason");
  w.begin_object();
  for (std::size_t i = 0; i < filter::kReasonCount; ++i) {
    const auto reason = static_cast<filter::Reason>(i);
    if (reason == filter::Reason::kClosedPort) {
      w.end_object();
      w.key("dropped_by_reason");
      w.begin_object();
    }
    w.member_number(filter::reason_name(reason), c.by_reason(reason));
  }
  w.end_object();
  w.end_object();

  std::array<PortCount, kTopDroppedPorts> top{};
  const std::size_t n = c.top_dropped().sorted(top);
  w.key("top_dropped_ports");
  w.begin_array();
  for (const PortCount& e : std::span<const PortCount>(top.data(), n)) {
    w.begin_object();
    member_ip_proto(w, e.ip_proto);
    w.member_number("port", e.port);
    w.member_number("count", e.count);
    w.end_object();
  }
  w.end_array();
}

// The members a field table describes, in its order.
template <typename Info, std::size_t N>
void put_numbers(const Info& info, const std::array<NumberField<Info>, N>& fields, JsonWriter& w) {
  for (const NumberField<Info>& f : fields) {
    if (!f.json.empty()) {
      w.member_number(f.json, info.*f.member);
    }
  }
}

void encode_push(const PushInfo& p, JsonWriter& w) {
  w.key("push");
  w.begin_object();
  w.member_bool("enabled", p.enabled);
  w.member_string("broker", p.broker);
  w.member_bool("connected", p.connected);
  w.member_bool("waiting_for_time", p.waiting_for_time);
  put_numbers(p, kPushFields, w);
  w.end_object();
}

// lwIP's figures compactly (the push's payload is small on some boards): the heap and the
// pools' failures summed; /metrics has every pool.
void encode_memory(const MemoryInfo& m, const LwipInfo& lwip, JsonWriter& w) {
  std::uint64_t pool_failures = 0;
  if (lwip.measured) {
    for (const LwipPool& p : lwip.pools.view()) {
      pool_failures += p.failures;
    }
  }
  w.key("memory");
  w.begin_object();
  put_numbers(m, kMemoryFields, w);
  w.member_number("lwip_heap_bytes", lwip.measured ? lwip.heap.size_bytes : 0);
  w.member_number("lwip_heap_peak_bytes", lwip.measured ? lwip.heap.peak_bytes : 0);
  w.member_number("lwip_pool_failures", pool_failures);
  w.end_object();
}

void encode(const StatusSnapshot& s, JsonWriter& w) {
  w.begin_object();
  w.member_string("schema_version", kSchemaVersion);
  encode_device(s.device, w);
  encode_policy(*s.policy, s.policy_digest, w);

  w.key("listening");
  w.begin_array();
  for (const Listener& l : s.listening.view()) {
    w.begin_object();
    w.member_string("proto", proto_name(l.proto));
    w.member_number("port", l.port);
    w.member_bool("allowed", l.allowed);
    w.end_object();
  }
  w.end_array();

  encode_counters(*s.counters, s.netif, w);

  w.key("recent_blocked");
  w.begin_array();
  for (const BlockedAttempt& b : s.recent_blocked.view()) {
    w.begin_object();
    w.member_string("src", format_address(b.src).view());
    member_ip_proto(w, b.ip_proto);
    w.member_number("port", b.port);
    w.member_number("uptime_ms", b.uptime_ms);
    w.member_string("reason", filter::reason_name(b.reason));
    w.end_object();
  }
  w.end_array();

  w.key("scanners");
  w.begin_array();
  for (const Scanner& sc : s.scanners.view()) {
    w.begin_object();
    w.member_string("src", format_address(sc.src).view());
    w.member_number("distinct_ports", sc.distinct_ports);
    w.member_number("first_ms", sc.first_ms);
    w.member_number("last_ms", sc.last_ms);
    w.end_object();
  }
  w.end_array();

  w.member_number("violations_total", s.violations_total);
  w.key("violations");
  w.begin_array();
  for (const Violation& v : s.violations.view()) {
    w.begin_object();
    w.member_string("proto", proto_name(v.proto));
    w.member_number("port", v.port);
    w.member_string("action", action_name(v.action));
    w.member_number("uptime_ms", v.uptime_ms);
    w.end_object();
  }
  w.end_array();
  encode_push(s.push, w);
  encode_memory(s.memory, s.lwip, w);
  w.end_object();
}

bool valid(const StatusSnapshot& s) {
  return s.policy != nullptr && s.counters != nullptr;
}

}  // namespace

StatusWithSize status_json_size(const StatusSnapshot& s) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  JsonWriter w(std::span<char>{});
  encode(s, w);
  return {w.well_formed() ? Status::kOk : Status::kInternal, w.size()};
}

StatusWithSize write_status_json(const StatusSnapshot& s, std::span<char> out) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  JsonWriter w(out);
  encode(s, w);
  if (!w.well_formed()) {
    return {Status::kInternal, 0};
  }
  return {w.complete() ? Status::kOk : Status::kResourceExhausted, w.size()};
}

namespace {

// Halves a list: keeps its front (newest-first lists) or its back (oldest-first); returns
// how many entries it took out.
template <typename T, std::size_t kCapacity>
std::size_t halve(BoundedList<T, kCapacity>& list, bool keep_front) {
  const std::size_t n = list.view().size();
  const std::size_t keep = n / 2;
  if (!keep_front) {
    std::copy(list.items.begin() + static_cast<std::ptrdiff_t>(n - keep),
              list.items.begin() + static_cast<std::ptrdiff_t>(n), list.items.begin());
  }
  list.count = keep;
  return n - keep;
}

}  // namespace

FittedStatus fit_status_json(StatusSnapshot& s, std::size_t max_size) {
  FittedStatus r{status_json_size(s), 0};
  while (ok(r.encoded.status) && r.encoded.size > max_size) {
    std::size_t cut = halve(s.recent_blocked, true);  // newest first
    if (cut == 0) {
      cut = halve(s.scanners, true);  // most recently seen first
    }
    if (cut == 0) {
      cut = halve(s.violations, false);  // oldest first
    }
    if (cut == 0) {
      r.encoded.status = Status::kResourceExhausted;  // nothing left to shorten
      break;
    }
    r.left_out += cut;
    r.encoded = status_json_size(s);
  }
  return r;
}

FittedStatus write_status_json_fitted(StatusSnapshot& s, std::span<char> out) {
  FittedStatus r = fit_status_json(s, out.size());
  if (ok(r.encoded.status)) {
    r.encoded = write_status_json(s, out);
  }
  return r;
}

StatusWithSize write_status_json_slice(const StatusSnapshot& s, std::size_t offset,
                                       std::span<char> out) {
  if (!valid(s)) {
    return {Status::kInvalidArgument, 0};
  }
  JsonWriter w(out, offset);
  encode(s, w);
  return {w.well_formed() ? Status::kOk : Status::kInternal, w.stored()};
}

}  // namespace portcullis::report
