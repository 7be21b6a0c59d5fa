// SPDX-License-Identifier: Apache-2.0
#pragma once
// The recent-blocked log: the last kMaxRecentBlocked inbound packets the filter dropped,
// written by the input hook in constant time, in fixed memory.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/filter/classifier.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::report {

// Drops that are logged: every drop and reject verdict except broadcast/multicast ones
// (`broadcast`): LAN chatter (DHCP, SSDP, mDNS, NetBIOS) is not aimed at the device and would
// push the attempts that are out of a small ring. Those are still counted by reason.
constexpr bool is_blocked_attempt(const filter::Decision& d) {
  return d.verdict != filter::Verdict::kPass && d.reason != filter::Reason::kBroadcast;
}

class BlockedLog {
 public:
  void record(const BlockedAttempt& a) {
    ring_[next_] = {a.src, a.ip_proto, a.port, static_cast<std::uint8_t>(a.reason), a.uptime_ms};
    next_ = next_ + 1 == ring_.size() ? 0 : next_ + 1;
    ++total_;
  }
  // Copies the most recent entries into `out`, newest first; returns how many.
  std::size_t recent(std::span<BlockedAttempt> out) const;
  // Attempts logged since boot, including those the ring no longer holds.
  std::uint64_t total() const { return total_; }

 private:
  // A BlockedAttempt whose every default is zero, so a static log lies in .bss, not .data.
  struct Slot {
    IpAddress src;
    std::uint8_t ip_proto = 0;
    std::uint16_t port = 0;
    std::uint8_t reason = 0;
    std::uint64_t uptime_ms = 0;
  };
  std::array<Slot, kMaxRecentBlocked> ring_{};
  std::size_t next_ = 0;  // slot of the next record; the newest is just before it
  std::uint64_t total_ = 0;
};

}  // namespace portcullis::report
