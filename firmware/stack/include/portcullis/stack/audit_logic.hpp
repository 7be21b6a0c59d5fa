// SPDX-License-Identifier: Apache-2.0
#pragma once
// The listener audit's decisions, apart from lwIP: which PCBs are listeners, which of them
// the policy forbids, what gets recorded, and when an audit is due. No lwIP header here, so
// unit tests drive it with fake PCB lists; listener_audit.hpp feeds it lwIP's real lists.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/policy/table.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::stack {

// One PCB from lwIP's TCP listen list or UDP list, as the audit sees it.
struct PcbEntry {
  policy::Proto proto = policy::Proto::kTcp;
  std::uint16_t port = 0;  // local port
  // UDP: a client socket. Connected (lwIP's UDP_FLAGS_CONNECTED) to one peer's address, or
  // lwIP's own DHCP client (connected to 0.0.0.0:67: its answers pass the filter only as
  // answers to its requests). Any other PCB connected to the any-address hears everyone
  // from that port: a listener.
  bool connected = false;
  void* handle = nullptr;  // the PCB itself; only listener_audit.cpp dereferences it
};

// Does the PCB accept traffic from anyone? A TCP PCB in the listen list does; a UDP PCB
// does when bound to a port and not a client socket. A connected UDP PCB only hears its one
// peer (an MQTT client), so it is no listener, whatever its port.
constexpr bool is_listener(const PcbEntry& pcb) {
  return pcb.port != 0 && !(pcb.proto == policy::Proto::kUdp && pcb.connected);
}

// Writes the listeners of `pcbs` that `policy` does not allow (Table::allows_port) into
// `out`, in list order; returns how many. Stops when `out` is full: callers size it like
// `pcbs`, so nothing is left out.
inline std::size_t find_violations(std::span<const PcbEntry> pcbs, const policy::Table& policy,
                                   std::span<PcbEntry> out) {
  std::size_t n = 0;
  for (const PcbEntry& pcb : pcbs) {
    if (n == out.size()) {
      break;
    }
    if (is_listener(pcb) && !policy.allows_port(pcb.proto, pcb.port)) {
      out[n++] = pcb;
    }
  }
  return n;
}

// A cheap summary of the lists: changes when a PCB appears, goes, is rebound or
// (dis)connected. Two different lists hash alike with odds of about 2^-32; the periodic
// audit catches what such a collision hides.
inline std::uint32_t fingerprint(std::span<const PcbEntry> pcbs) {
  constexpr std::uint32_t kFnvPrime = 16777619u;
  std::uint32_t h = 2166136261u;
  const auto mix = [&h](std::uint32_t word) { h = (h ^ word) * kFnvPrime; };
  for (const PcbEntry& pcb : pcbs) {
    const auto addr = reinterpret_cast<std::uintptr_t>(pcb.handle);
    mix(static_cast<std::uint32_t>(addr));
    if constexpr (sizeof addr > 4) {
      mix(static_cast<std::uint32_t>(static_cast<std::uint64_t>(addr) >> 32));
    }
    mix((std::uint32_t{static_cast<std::uint8_t>(pcb.proto)} << 24) |
        (std::uint32_t{pcb.connected} << 16) | pcb.port);
  }
  mix(static_cast<std::uint32_t>(pcbs.size()));
  return h;
}

// When to audit: when the period is over since the last audit, or at once when the lists'
// fingerprint differs from the one the last audit left behind.
class AuditSchedule {
 public:
  explicit constexpr AuditSchedule(std::uint32_t period_ms) : period_ms_(period_ms) {}

  constexpr bool due(std::uint64_t now_ms, std::uint32_t fingerprint_now) const {
    // A clock that went back makes the difference huge: audit rather than wait.
    return !ran_ || fingerprint_now != fingerprint_ || now_ms - last_ms_ >= period_ms_;
  }
  // An audit ran at `now_ms` and left the lists with `fingerprint_after`.
  constexpr void ran(std::uint64_t now_ms, std::uint32_t fingerprint_after) {
    ran_ = true;
    last_ms_ = now_ms;
    fingerprint_ = fingerprint_after;
  }

 private:
  std::uint32_t period_ms_;
  std::uint32_t fingerprint_ = 0;
  std::uint64_t last_ms_ = 0;
  bool ran_ = false;
};

// A violation is the status report's own type (report::Violation: proto, port, what the
// audit did, when): the audit records what the report shows, with no copy between them.
using report::Violation;
using report::ViolationAction;

// The most recent kRecent violations and how many there were in all.
//
// Recording rule: a closed listener is recorded every time an audit closes one (it is gone,
// so finding the port again means something opened it again). A listener left open is
// recorded when an audit first finds it; while every following audit still finds a listener
// on the same (proto, port) left open, it is not recorded again; once an audit no longer
// finds it, its next sighting is recorded again. kMaxOpen bounds how many such open
// violations are remembered between audits; one beyond it is recorded again at every
// audit rather than ever being dropped silently.
template <std::size_t kRecent, std::size_t kMaxOpen>
class ViolationLog {
 public:
  static_assert(kRecent >= 1, "the violation log keeps at least one record");
  static_assert(kMaxOpen >= 1, "the violation log remembers at least one open violation");

  // Everything one audit found forbidden, with what it did about each.
  void record_audit(std::span<const Violation> found) {
    std::array<Key, kMaxOpen> still_open{};
    std::size_t still_open_count = 0;
    for (const Violation& v : found) {
      const Key key{v.proto, v.port};
      if (v.action == ViolationAction::kReported) {
        const auto next = std::span<const Key>(still_open.data(), still_open_count);
        if (contains(next, key)) {
          continue;  // a second PCB on the same port in this audit: one record
        }
        if (still_open_count < kMaxOpen) {
          still_open[still_open_count++] = key;
        }
        if (contains(std::span<const Key>(open_.data(), open_count_), key)) {
          continue;  // recorded when first found, still there
        }
      }
      ring_[total_ % kRecent] = v;
      ++total_;
    }
    open_ = still_open;
    open_count_ = still_open_count;
  }

  // Violations recorded since boot; never loses count when the ring wraps.
  std::uint64_t total() const { return total_; }
  // Records held: the last min(total(), kRecent).
  std::size_t size() const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(total_, kRecent));
  }
  static constexpr std::size_t capacity() { return kRecent; }
  // The record with sequence number `seq` (0 = first since boot), or nullptr once the ring
  // has overwritten it (or it does not exist yet).
  const Violation* find(std::uint64_t seq) const {
    if (seq >= total_ || total_ - seq > kRecent) {
      return nullptr;
    }
    return &ring_[seq % kRecent];
  }
  // Copies the held records into `out`, oldest first; returns how many (<= out.size()).
  std::size_t recent(std::span<Violation> out) const {
    const std::size_t n = std::min(size(), out.size());
    const std::uint64_t first = total_ - n;  // the newest n when `out` is short
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = ring_[(first + i) % kRecent];
    }
    return n;
  }

 private:
  struct Key {
    policy::Proto proto = policy::Proto::kTcp;
    std::uint16_t port = 0;
    friend constexpr bool operator==(const Key&, const Key&) = default;
  };
  static bool contains(std::span<const Key> keys, const Key& key) {
    for (const Key& k : keys) {  // a plain loop: std::find's unrolled one costs flash
      if (k == key) {
        return true;
      }
    }
    return false;
  }

  std::array<Violation, kRecent> ring_{};
  std::uint64_t total_ = 0;
  std::array<Key, kMaxOpen> open_{};  // left open at the last audit
  std::size_t open_count_ = 0;
};

}  // namespace portcullis::stack
