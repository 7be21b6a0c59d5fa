// SPDX-License-Identifier: Apache-2.0
#pragma once
// Packet counters of the early filter: updated on the hot path (inside lwIP's input hook),
// in constant time, in fixed memory.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/filter/classifier.hpp"
#include "portcullis/report/settings.hpp"

namespace portcullis::report {

struct PortCount {
  std::uint8_t ip_proto = 0;  // 6 TCP, 17 UDP
  std::uint16_t port = 0;
  std::uint32_t count = 0;  // 0: free slot
  std::uint32_t error = 0;  // at most this much of `count` may belong to an evicted port
};

// The most-dropped TCP/UDP destination ports, by the Space-Saving algorithm within each set:
// a port not in its full set replaces the set's entry with the smallest count and inherits
// that count as its error bound. Any port dropped more than 1/kTopPortWays of the drops its
// set has seen is guaranteed to be in the table, so a scanner's many one-off ports (spread
// over the sets by the hash) cannot push out a port under steady attack. Constant time.
class TopPorts {
 public:
  // A drop to `port` (not 0) of `ip_proto` (TCP or UDP).
  void add(std::uint8_t ip_proto, std::uint16_t port);
  // Slots in use.
  std::size_t size() const;
  // Copies the entries into `out` ordered by count, largest first; returns how many.
  std::size_t sorted(std::span<PortCount> out) const;

 private:
  struct Slot {
    std::uint32_t key = 0;  // ip_proto << 16 | port; 0 in a free slot
    std::uint32_t count = 0;
    std::uint32_t error = 0;
  };
  std::array<Slot, kTopDroppedPorts> slots_{};
};

class Counters {
 public:
  // One inbound IP packet and the classifier's decision about it.
  void record(const filter::Decision& d);
  // The same for a pass verdict, and for a drop or reject verdict (the input filter's hot
  // path knows which).
  void record_pass(filter::Reason reason) {
    ++rx_total_;
    ++by_reason_[static_cast<std::size_t>(reason)];
    ++passed_total_;
  }
  void record_refused(const filter::Decision& d) {
    ++rx_total_;
    ++by_reason_[static_cast<std::size_t>(d.reason)];
    ++dropped_total_;
    if (d.verdict == filter::Verdict::kReject) {
      ++rejected_total_;
    }
    if (d.port != 0 && (d.ip_proto == 6 || d.ip_proto == 17)) {
      top_dropped_.add(d.ip_proto, d.port);
    }
  }
  // A reject verdict that the rate limiter turned into a silent drop.
  void record_reject_suppressed() { ++reject_suppressed_; }

  std::uint64_t rx_total() const { return rx_total_; }
  std::uint64_t passed_total() const { return passed_total_; }
  std::uint64_t dropped_total() const { return dropped_total_; }
  std::uint64_t rejected_total() const { return rejected_total_; }
  std::uint64_t reject_suppressed() const { return reject_suppressed_; }
  std::uint64_t by_reason(filter::Reason r) const {
    return by_reason_[static_cast<std::size_t>(r)];
  }
  const TopPorts& top_dropped() const { return top_dropped_; }

 private:
  std::uint64_t rx_total_ = 0;
  std::uint64_t passed_total_ = 0;
  std::uint64_t dropped_total_ = 0;   // drop and reject verdicts: nothing reached lwIP's state
  std::uint64_t rejected_total_ = 0;  // of those, answered with RST / port unreachable
                                      // (the stack records a rate-limited reject as a drop)
  std::uint64_t reject_suppressed_ = 0;
  std::array<std::uint64_t, filter::kReasonCount> by_reason_{};
  TopPorts top_dropped_;
};

}  // namespace portcullis::report
