// SPDX-License-Identifier: Apache-2.0
#pragma once
// The scan detector: which sources touched more than kScanThreshold distinct closed ports
// within kScanWindowMs. Fed by the input hook with each drop that is scan evidence, in time
// bounded by the (small) table, in fixed memory; the rule and its bounds are in
// firmware/report/README.md ("Scan detector").

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/filter/classifier.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::report {

// The settings (report/settings.hpp): a source is a scanner once it has touched more than
// kScanThreshold distinct closed ports within kScanWindowMs; kScanTableSize sources are
// tracked at once, in sets of kScanWays: a source's set is chosen by a keyed hash of its
// address, and record() looks at that set only.
// A newly tracked source cannot be evicted by another new source before this much time,
// and after it, a new source that could evict it does so with odds 1 in kScanAdmitOdds.
inline constexpr std::uint64_t kScanHoldMs = kScanWindowMs / 16;
inline constexpr std::uint32_t kScanAdmitOdds = 4;
// Detections kept for find(), so a poller (the MQTT push) can catch up on a burst.
inline constexpr std::size_t kScanDetectionLogSize = 8;
static_assert((kScanDetectionLogSize & (kScanDetectionLogSize - 1)) == 0);

// Drops that are scan evidence: TCP or UDP to a port no rule admits for this source
// (`closed_port`: whatever the TCP flags, dropped or rejected, and in stealth mode an allowed
// port nothing listens on). Not: broadcast/multicast (LAN chatter, not aimed at the device),
// `no_connection` (stray segments to an allowed port: one port, often a peer's stale
// connection), ICMP, and packets the classifier could not read a port from.
constexpr bool is_scan_evidence(const filter::Decision& d) {
  return d.verdict != filter::Verdict::kPass && d.reason == filter::Reason::kClosedPort &&
         d.port != 0 && (d.ip_proto == 6 || d.ip_proto == 17);
}

class ScanDetector {
 public:
  // Keys the hashes that place a source in its set and ports of different blocks of 64 in
  // the bitmap, so a sender can choose neither sources that crowd one set nor ports that
  // collide (and go uncounted), and seeds the admission coin.
  // Call before the first record() with a value a sender cannot guess.
  void set_key(std::uint32_t key);

  // A drop that is scan evidence (is_scan_evidence()): `src` to (ip_proto, port) at
  // uptime `now_ms` (never decreasing). True when this packet made `src` a scanner.
  bool record(const IpAddress& src, std::uint8_t ip_proto, std::uint16_t port,
              std::uint64_t now_ms);

  // The sources listed as scanners at `now_ms`, most recently seen first; copies at most
  // out.size() and returns how many.
  std::size_t scanners(std::span<Scanner> out, std::uint64_t now_ms) const;
  // Detections since boot: a source detected again after its entry expired or was evicted
  // counts again. Also the sequence number the next detection will get.
  std::uint64_t detected_total() const { return detected_total_; }
  // Detection `seq` (< detected_total(); 0 for the first since boot) while it is among the
  // last kScanDetectionLogSize: the scanner as it was at detection (last_ms is the time of
  // detection). Its sequence number is the slot's (seq % kScanDetectionLogSize), not stored.
  const Scanner* find(std::uint64_t seq) const;
  // Evidence from a new source that found every slot taken by an entry it may not evict.
  std::uint64_t untracked() const { return untracked_; }

 private:
  struct Entry {
    IpAddress src;
    bool used = false;
    bool scanner = false;
    std::uint8_t distinct = 0;  // bits set in `ports`
    std::uint32_t tag = 0;      // the keyed hash of `src`: most lookups end at a mismatch here
    std::uint64_t ports = 0;    // bitmap of (proto, port) positions
    std::uint64_t first_ms = 0;
    std::uint64_t last_ms = 0;
  };
  static constexpr std::uint32_t kDefaultRandomState = 0x9E3779B9u;
  static constexpr std::size_t kScanSets = kScanTableSize / kScanWays;
  static std::uint64_t expiry_ms(const Entry& e);
  static bool expired(const Entry& e, std::uint64_t now_ms);
  // The slot a new source of `set` takes (free, else the weakest non-scanner past its hold if
  // the coin says so, else the stalest scanner when all are), or nullptr.
  Entry* admit(Entry* set, std::size_t set_index, std::uint64_t now_ms);
  std::uint32_t hash_of(const IpAddress& src) const;
  std::uint32_t next_random();
  void start(Entry& e, const IpAddress& src, std::uint32_t tag, std::uint64_t now_ms);

  std::array<Entry, kScanTableSize> entries_{};
  // Per set: before this time a new source is untracked without a pass over the set (admit()
  // found no free slot and the weakest within its hold; nothing in the set changed since).
  std::array<std::uint64_t, kScanSets> sealed_until_ms_{};
  std::array<Scanner, kScanDetectionLogSize> log_{};
  std::uint64_t detected_total_ = 0;
  std::uint64_t untracked_ = 0;
  std::uint32_t key_ = 0;
  std::uint32_t random_ = 0;  // xorshift32 state; 0 (not keyed yet) reads as the default,
                              // so that a static detector is all zeros and lies in .bss
};

}  // namespace portcullis::report
