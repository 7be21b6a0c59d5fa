// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the status endpoint and the metrics report: one plain snapshot the agent fills and
// the encoders (json.hpp, metrics.hpp) read. Fixed capacity, no heap, no lwIP header.
//
// The policy and the counters are referred to, not copied: the encoders read them in the
// same lwIP context turn in which the agent hands the snapshot over, so a size pass and the
// write pass that follows it see the same values.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "portcullis/base/bounded_list.hpp"
#include "portcullis/policy/canonical.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/policy/table.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/settings.hpp"

namespace portcullis::report {

// An IPv4 or IPv6 address (IPv4 in the first 4 bytes), as the classifier's Flow gives it.
struct IpAddress {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  static constexpr IpAddress v4(std::span<const std::uint8_t, 4> b) {
    IpAddress a;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return a;
  }
  static constexpr IpAddress v6(std::span<const std::uint8_t, 16> b) {
    IpAddress a;
    a.is_v6 = true;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return a;
  }
  // Word by word: the scan detector compares addresses on the drop path.
  friend constexpr bool operator==(const IpAddress& a, const IpAddress& b) {
    if (std::is_constant_evaluated()) {
      return a.is_v6 == b.is_v6 && a.bytes == b.bytes;
    }
    std::uint64_t diff = static_cast<std::uint64_t>(a.is_v6 != b.is_v6);
    for (std::size_t i = 0; i < 16; i += 8) {
      std::uint64_t x = 0;
      std::uint64_t y = 0;
      std::memcpy(&x, &a.bytes[i], 8);
      std::memcpy(&y, &b.bytes[i], 8);
      diff |= x ^ y;
    }
    return diff == 0;
  }
};

// IPv4 dotted decimal, IPv6 as RFC 5952 text: the policy's prefix formatter without the
// "/len", so an address in a report reads exactly like the same address in `policy.rules`.
using AddressText = policy::PrefixText;
constexpr AddressText format_address(const IpAddress& a) {
  policy::Prefix p;
  p.is_v6 = a.is_v6;
  p.addr = a.bytes;
  p.len = a.is_v6 ? 128 : 32;
  AddressText text = policy::format_prefix(p);
  text.size -= a.is_v6 ? sizeof("/128") - 1 : sizeof("/32") - 1;
  return text;
}

constexpr std::string_view proto_name(policy::Proto p) {
  return p == policy::Proto::kUdp ? "udp" : "tcp";
}
constexpr std::string_view mode_name(policy::Mode m) {
  return m == policy::Mode::kReject ? "reject" : "stealth";
}
// Names of the IP protocols a blocked attempt can carry; empty for any other number (the
// encoders then write the number as text, so `proto` is a string in every entry).
constexpr std::string_view ip_proto_name(std::uint8_t ip_proto) {
  switch (ip_proto) {
    case 1:
      return "icmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 58:
      return "icmpv6";
    default:
      return {};
  }
}

struct DeviceInfo {
  std::string_view id;
  std::string_view board;
  std::string_view firmware;  // version
  std::uint64_t uptime_ms = 0;
  bool time_known = false;   // the wall clock was set (SNTP)
  std::int64_t unix_ms = 0;  // the wall clock's time, when known
};

// A real listener found by the listener audit (firmware/stack): a TCP listen PCB or a bound
// UDP PCB.
struct Listener {
  policy::Proto proto = policy::Proto::kTcp;
  std::uint16_t port = 0;
  bool allowed = false;  // the policy allows this port
};

// An inbound packet the filter dropped, kept for the recent-blocked log.
struct BlockedAttempt {
  IpAddress src;
  std::uint8_t ip_proto = 0;  // IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...)
  std::uint16_t port = 0;     // destination port, 0 when the protocol has none
  filter::Reason reason = filter::Reason::kClosedPort;  // why it was dropped
  std::uint64_t uptime_ms = 0;
};

// A source the scan detector lists (scan_detector.hpp).
struct Scanner {
  IpAddress src;
  std::uint32_t distinct_ports = 0;  // distinct closed ports in its window (at most 64)
  std::uint64_t first_ms = 0;
  std::uint64_t last_ms = 0;
};

enum class ViolationAction : std::uint8_t {
  kClosed,    // the audit closed the listener
  kReported,  // left open (a report-only build, or lwIP refused to close it)
};
constexpr std::string_view action_name(ViolationAction a) {
  return a == ViolationAction::kReported ? "reported" : "closed";
}

// A listener on a port the policy does not allow, as the listener audit (firmware/stack)
// records it.
struct Violation {
  policy::Proto proto = policy::Proto::kTcp;
  std::uint16_t port = 0;
  ViolationAction action = ViolationAction::kClosed;
  std::uint64_t uptime_ms = 0;  // when the audit found it
};

// How one number of a status struct is reported: its JSON member (in /v1/status and the
// pushed status), its metric family (after "portcullis_") and what kind of series that is.
// An empty name leaves the field out of that encoding. The encoders walk these tables in
// order, so a new number is one member and one row here; json.cpp and metrics.cpp do not
// change, and tests/unit/report checks every row in both encodings.
enum class SeriesType : std::uint8_t { kCounter, kGauge };

template <typename Info>
struct NumberField {
  std::uint32_t Info::*member;
  std::string_view json;    // "" : not in the JSON documents
  std::string_view metric;  // "" : not in /metrics
  SeriesType type;
  std::string_view help;  // the metric's HELP text
};

// The MQTT push (firmware/mgmt/mqtt_push.hpp), as the status reports it.
struct PushInfo {
  bool enabled = false;     // the board has a broker
  bool connected = false;   // CONNACK accepted and not lost since
  std::string_view broker;  // "HOST:PORT" (a name or an address literal)
  std::uint32_t connects = 0;
  std::uint32_t connect_failures = 0;
  std::uint32_t disconnects = 0;
  std::uint32_t status_published = 0;  // acknowledged by the broker
  std::uint32_t events_published = 0;  // acknowledged by the broker
  std::uint32_t events_queued = 0;     // waiting for the broker (sent or not)
  std::uint32_t events_dropped = 0;    // found the queue full: never sent
  std::uint32_t status_trimmed = 0;    // status documents pushed with shortened recent lists
                                       // (write_status_json_fitted); in the metrics only
  std::uint32_t protocol_errors = 0;   // connections ended because the broker broke MQTT
  bool waiting_for_time = false;       // no connection until the wall clock is set
};

// PushInfo's numbers, in document order ("push" object; metrics only while the push runs).
inline constexpr std::array<NumberField<PushInfo>, 9> kPushFields = {{
    {&PushInfo::connects, "connects", "push_connects_total", SeriesType::kCounter,
     "Connections the broker accepted."},
    {&PushInfo::connect_failures, "connect_failures", "", SeriesType::kCounter, ""},
    {&PushInfo::disconnects, "disconnects", "", SeriesType::kCounter, ""},
    {&PushInfo::status_published, "status_published", "", SeriesType::kCounter, ""},
    {&PushInfo::events_published, "events_published", "push_events_published_total",
     SeriesType::kCounter, "Events the broker acknowledged (QoS 1)."},
    {&PushInfo::events_queued, "events_queued", "push_events_queued", SeriesType::kGauge,
     "Events waiting for the broker."},
    {&PushInfo::events_dropped, "events_dropped", "push_events_dropped_total", SeriesType::kCounter,
     "Events that found the queue full and were never sent."},
    {&PushInfo::status_trimmed, "", "push_status_trimmed_total", SeriesType::kCounter,
     "Status documents pushed with fewer recent entries to fit the MQTT payload."},
    {&PushInfo::protocol_errors, "protocol_errors", "push_protocol_errors_total",
     SeriesType::kCounter,
     "Connections the device ended because the broker sent what MQTT does not allow it."},
}};

// Run-time memory figures, in bytes: a reserved size and the most of it ever used (a
// high-water mark since boot). 0 for both: not measured on this platform (the host build's
// stack), never "nothing used".
struct MemoryInfo {
  std::uint32_t stack_bytes = 0;           // the main stack reserved by the board
  std::uint32_t stack_peak_bytes = 0;      // deepest the stack has been (interrupts included)
  std::uint32_t tls_arena_bytes = 0;       // Mbed TLS's static arena; 0 before TLS started
  std::uint32_t tls_arena_peak_bytes = 0;  // the arena's highest byte Mbed TLS has touched
};

// MemoryInfo's numbers, in document order ("memory" object, before lwIP's figures).
inline constexpr std::array<NumberField<MemoryInfo>, 4> kMemoryFields = {{
    {&MemoryInfo::stack_bytes, "stack_bytes", "stack_bytes", SeriesType::kGauge,
     "Bytes reserved for the main stack (no series where not measured)."},
    {&MemoryInfo::stack_peak_bytes, "stack_peak_bytes", "stack_peak_bytes", SeriesType::kGauge,
     "Most bytes of the main stack ever in use since boot."},
    {&MemoryInfo::tls_arena_bytes, "tls_arena_bytes", "tls_arena_bytes", SeriesType::kGauge,
     "Bytes of the static arena Mbed TLS allocates from (no series before TLS started)."},
    {&MemoryInfo::tls_arena_peak_bytes, "tls_arena_peak_bytes", "tls_arena_peak_bytes",
     SeriesType::kGauge, "Highest byte of the TLS arena ever in use since TLS started."},
}};

// One of lwIP's memory pools (memp), as lwip_stats counts it.
struct LwipPool {
  std::string_view name;       // lwIP's pool name without "MEMP_" ("TCP_PCB"): a constant
  std::uint32_t failures = 0;  // allocations refused because the pool was empty (lwIP's err)
  std::uint16_t size = 0;      // entries in the pool
  std::uint16_t used = 0;      // entries in use now
  std::uint16_t peak = 0;      // most entries ever in use at once since boot (lwIP's max)
};

// lwIP's heap (mem_malloc: PBUF_RAM for outgoing segments and replies), in bytes.
struct LwipHeap {
  std::uint32_t size_bytes = 0;  // MEM_SIZE, aligned
  std::uint32_t used_bytes = 0;  // in use now, lwIP's block headers included
  std::uint32_t peak_bytes = 0;  // most ever in use at once since boot
  std::uint32_t failures = 0;    // allocations refused (no block large enough)
};

// Segments, datagrams and messages lwIP itself sent, by protocol (lwIP's xmit counters):
// what shows whether a flood made the device answer (RSTs, port unreachables, echo replies).
struct LwipSent {
  std::uint32_t tcp = 0;
  std::uint32_t udp = 0;
  std::uint32_t icmp = 0;
  std::uint32_t icmpv6 = 0;
};

// lwIP's own statistics (lwip_stats), copied by value in lwIP's context (firmware/stack
// lwip_info.hpp): the snapshot never points at live figures. `failures` and `sent` are 32-bit
// totals carried on from lwIP's 16-bit counters (LWIP_STATS_LARGE 0), which wrap at 65536.
// `measured` false (an lwIP built without its statistics): the encoders write 0 for the heap
// and the sent counts and no pool, whatever the other members hold, the way MemoryInfo
// reports 0 for "not measured".
struct LwipInfo {
  bool measured = false;
  BoundedList<LwipPool, kMaxLwipPools> pools;  // in lwIP's memp order
  LwipHeap heap;
  LwipSent sent;
};

// Frames lost below the filter, in the MAC driver (hal::MacCounters) and on their way from
// it to lwIP (firmware/stack EthernetNetif::report): under a flood, what the filter never saw,
// counted instead of vanishing.
struct NetifInfo {
  std::uint32_t rx_no_buffer = 0;      // no receive pbuf free: the frame was dropped
  std::uint32_t rx_refused = 0;        // lwIP refused the frame (NO_SYS=0: tcpip mailbox full)
  std::uint32_t tx_too_large = 0;      // lwIP handed down more than a MAC frame
  std::uint32_t tx_failed = 0;         // the MAC refused a frame
  std::uint32_t rx_mac_overflow = 0;   // the MAC's receive FIFO was full (where it counts them)
  std::uint32_t rx_mac_errors = 0;     // the MAC flagged the frame bad (CRC, runt, ...)
  std::uint32_t rx_mac_too_large = 0;  // longer than the largest Ethernet frame
};

struct StatusSnapshot {
  DeviceInfo device;
  // Required by the encoders (they refuse a snapshot without them). The mode and the rules
  // are read from the policy itself, so they cannot disagree with the digest.
  const policy::Table* policy = nullptr;
  std::string_view policy_digest;  // 64 lower-case hex characters (policy::Digest::view())
  BoundedList<Listener, kMaxListeners> listening;
  const Counters* counters = nullptr;  // required; top_dropped_ports come from it
  BoundedList<BlockedAttempt, kMaxRecentBlocked> recent_blocked;  // newest first
  BoundedList<Scanner, kMaxScanners> scanners;                    // most recently seen first
  std::uint64_t scanners_detected_total = 0;                      // all detections since boot
  BoundedList<Violation, kMaxViolations> violations;              // the most recent ones
  std::uint64_t violations_total = 0;                             // all since boot, listed or not
  PushInfo push;
  MemoryInfo memory;
  LwipInfo lwip;
  NetifInfo netif;
};

// Fills a snapshot of the agent's state and `counters`, a copy of the filter's counters; the
// caller (a status server connection, the push) points snapshot.counters at its copy, so the
// document cannot change while it is being sent.
using SnapshotFn = void (*)(void* ctx, StatusSnapshot& snapshot, Counters& counters);

}  // namespace portcullis::report
