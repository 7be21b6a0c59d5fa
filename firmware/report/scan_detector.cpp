// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/scan_detector.hpp"

#include <algorithm>
#include <cstring>

#include "portcullis/base/hot_path.hpp"

namespace portcullis::report {
namespace {

// The bitmap position of (ip_proto, port): its offset in its block of 64 ports, rotated by a
// keyed hash of the block. Ports of one block never share a position (a sequential sweep
// is counted exactly); ports of different blocks share one with probability 1/64 for a
// sender who does not know the key.
std::uint32_t position(std::uint8_t ip_proto, std::uint16_t port, std::uint32_t key) {
  std::uint32_t h = ((std::uint32_t{ip_proto} << 10) | (std::uint32_t{port} >> 6)) ^ key;
  h ^= h >> 16;  // the 32-bit finaliser of MurmurHash3
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return (port + h) % kScanPortBits;
}

std::uint32_t fmix(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

}  // namespace

std::uint32_t ScanDetector::hash_of(const IpAddress& src) const {
  // The address's 32-bit words folded into the key one at a time; IPv4 has one.
  std::uint32_t w = 0;
  std::memcpy(&w, &src.bytes[0], sizeof w);  // byte order is the hash's business
  if (!src.is_v6) {
    return fmix(key_ ^ w);
  }
  std::uint32_t h = fmix(key_ ^ 0x9E3779B9u ^ w);
  for (std::size_t i = 4; i < 16; i += 4) {
    std::memcpy(&w, &src.bytes[i], sizeof w);
    h = fmix(h ^ w);
  }
  return h;
}

void ScanDetector::set_key(std::uint32_t key) {
  key_ = key;
  random_ = key;
}

std::uint32_t ScanDetector::next_random() {
  // xorshift32: not predictable from outside, which is all the admission coin needs.
  std::uint32_t x = random_ != 0 ? random_ : kDefaultRandomState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  random_ = x;
  return x;
}

std::uint64_t ScanDetector::expiry_ms(const Entry& e) {
  // A scanner stays listed while it keeps going; anyone else gets one window from its
  // first packet. (Times are far below 2^63 ms, so the sum cannot wrap.)
  return (e.scanner ? e.last_ms : e.first_ms) + kScanWindowMs;
}

bool ScanDetector::expired(const Entry& e, std::uint64_t now_ms) {
  return now_ms >= expiry_ms(e);  // a time before the entry's never counts as expired
}

void ScanDetector::start(Entry& e, const IpAddress& src, std::uint32_t tag, std::uint64_t now_ms) {
  e = Entry{};
  e.src = src;
  e.tag = tag;
  e.used = true;
  e.first_ms = now_ms;
  e.last_ms = now_ms;
}

ScanDetector::Entry* ScanDetector::admit(Entry* set, std::size_t set_index, std::uint64_t now_ms) {
  Entry* free_slot = nullptr;        // unused, or its entry expired
  Entry* victim = nullptr;           // the non-scanner with the fewest ports, then LRU
  Entry* stalest_scanner = nullptr;  // least recently seen
  // The victim's order as one number: its port count above its last time (below 2^56 ms).
  std::uint64_t victim_rank = ~std::uint64_t{0};
  std::uint64_t stalest_ms = ~std::uint64_t{0};
  std::uint64_t soonest_expiry_ms = ~std::uint64_t{0};
  bool all_scanners = true;
  for (std::size_t i = 0; i < kScanWays; ++i) {
    Entry& e = set[i];
    if (!e.used || expired(e, now_ms)) {
      free_slot = free_slot != nullptr ? free_slot : &e;
      continue;
    }
    soonest_expiry_ms = std::min(soonest_expiry_ms, expiry_ms(e));
    if (e.scanner) {
      if (e.last_ms < stalest_ms) {
        stalest_scanner = &e;
        stalest_ms = e.last_ms;
      }
    } else {
      all_scanners = false;
      const std::uint64_t rank = (std::uint64_t{e.distinct} << 56) | e.last_ms;
      if (rank < victim_rank) {
        victim = &e;
        victim_rank = rank;
      }
    }
  }
  if (free_slot != nullptr) {
    return free_slot;
  }
  if (all_scanners) {
    return stalest_scanner;
  }
  // Within the source's set, the weakest entry goes only once it has had its hold (a flood of
  // new sources cannot churn a newcomer out before its next probe, nor reach past the weakest
  // to stronger ones; a sender who does not know the key cannot aim at one set), and
  // then to one new source in kScanAdmitOdds, at random: whoever times a flood to grab each
  // slot as it comes free still wins it only in proportion to its share of the packets.
  const std::uint64_t hold_ends_ms = victim->first_ms + kScanHoldMs;
  if (now_ms < hold_ends_ms) {
    // Sealed: until the hold ends or an entry expires, a new source finds the same unless an
    // entry changes (record() unseals the set then), so the pass need not be repeated for
    // each packet of a spoofed flood.
    sealed_until_ms_[set_index] = std::min(hold_ends_ms, soonest_expiry_ms);
    return nullptr;
  }
  return next_random() % kScanAdmitOdds == 0 ? victim : nullptr;
}

bool ScanDetector::record(const IpAddress& src, std::uint8_t ip_proto, std::uint16_t port,
                          std::uint64_t now_ms) {
  const std::uint32_t tag = hash_of(src);
  const std::size_t set_index = tag % kScanSets;
  Entry* const set = &entries_[set_index * kScanWays];
  Entry* e = nullptr;
  PORTCULLIS_HOT_UNROLL_4
  for (std::size_t i = 0; i < kScanWays; ++i) {
    if (set[i].tag == tag && set[i].used && set[i].src == src) {
      e = &set[i];
      break;
    }
  }
  if (e == nullptr) {
    if (now_ms < sealed_until_ms_[set_index]) {
      ++untracked_;  // as admit() would find: nothing in the set can have changed since
      return false;
    }
    e = admit(set, set_index, now_ms);
    if (e == nullptr) {
      ++untracked_;  // the weakest is within its hold, or the coin said no
      return false;
    }
    start(*e, src, tag, now_ms);
  } else if (expired(*e, now_ms)) {
    start(*e, src, tag, now_ms);  // the same source again: a new window
  }
  sealed_until_ms_[set_index] = 0;  // an entry changes: the weakest may be another one

  e->last_ms = std::max(e->last_ms, now_ms);
  const std::uint64_t bit = std::uint64_t{1} << position(ip_proto, port, key_);
  if ((e->ports & bit) == 0) {
    e->ports |= bit;
    ++e->distinct;
  }
  if (e->scanner || e->distinct <= kScanThreshold) {
    return false;
  }
  e->scanner = true;
  log_[detected_total_ % kScanDetectionLogSize] =
      Scanner{e->src, e->distinct, e->first_ms, e->last_ms};
  ++detected_total_;
  return true;
}

std::size_t ScanDetector::scanners(std::span<Scanner> out, std::uint64_t now_ms) const {
  // Insertion into `out`, most recently seen first: at most kScanTableSize x out.size()
  // steps, and no sorting code in the image.
  std::size_t n = 0;
  for (const Entry& e : entries_) {
    if (!e.used || !e.scanner || expired(e, now_ms)) {
      continue;
    }
    std::size_t at = n;
    while (at > 0 && out[at - 1].last_ms < e.last_ms) {
      --at;
    }
    if (at == out.size()) {
      continue;  // older than every one kept
    }
    n = std::min(n + 1, out.size());
    for (std::size_t i = n - 1; i > at; --i) {
      out[i] = out[i - 1];
    }
    out[at] = Scanner{e.src, e.distinct, e.first_ms, e.last_ms};
  }
  return n;
}

const Scanner* ScanDetector::find(std::uint64_t seq) const {
  if (seq >= detected_total_ || detected_total_ - seq > kScanDetectionLogSize) {
    return nullptr;
  }
  return &log_[seq % kScanDetectionLogSize];
}

}  // namespace portcullis::report
