// SPDX-License-Identifier: Apache-2.0
// The scan detector: who is listed as a scanner, when, for how long, and what a flood of
// spoofed sources can and cannot do to it.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>

#include "portcullis/report/scan_detector.hpp"

using portcullis::filter::Decision;
using portcullis::filter::Reason;
using portcullis::filter::Verdict;
using portcullis::report::IpAddress;
using portcullis::report::is_scan_evidence;
using portcullis::report::kScanDetectionLogSize;
using portcullis::report::kScanHoldMs;
using portcullis::report::kScanTableSize;
using portcullis::report::kScanThreshold;
using portcullis::report::kScanWays;
using portcullis::report::kScanWindowMs;
using portcullis::report::ScanDetector;
using portcullis::report::Scanner;

// Fixed memory whatever the traffic: the table, a time per set of it, the detection log and
// three counters.
static_assert(sizeof(ScanDetector) <= kScanTableSize * 48 + kScanTableSize / kScanWays * 8 +
                                          kScanDetectionLogSize * sizeof(Scanner) + 24);

namespace {

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
// Ports of one block of 64 (1024..1087) never share a bitmap position, so these tests count
// exactly; threshold + 1 <= 33 of them fit.
constexpr std::uint16_t kBase = 1024;
static_assert(kScanThreshold + 1 <= 64);

IpAddress v4(std::uint32_t a) {
  const std::array<std::uint8_t, 4> b{
      static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
      static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)};
  return IpAddress::v4(b);
}
IpAddress v6(std::uint8_t last) {
  std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
  b[15] = last;
  return IpAddress::v6(b);
}

const IpAddress kScanner = v4(0xC6336407);  // 198.51.100.7

// Sends ports kBase+first .. kBase+first+count-1 from `src`, `step_ms` apart from `at_ms` on;
// returns how many of them reported a detection.
int sweep(ScanDetector& d, const IpAddress& src, std::uint32_t first, std::uint32_t count,
          std::uint64_t at_ms, std::uint64_t step_ms = 1) {
  int detections = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    detections +=
        d.record(src, kTcp, static_cast<std::uint16_t>(kBase + first + i), at_ms + i * step_ms) ? 1
                                                                                                : 0;
  }
  return detections;
}

std::size_t listed(const ScanDetector& d, std::uint64_t now_ms,
                   std::array<Scanner, kScanTableSize>& out) {
  return d.scanners(out, now_ms);
}

bool lists(const ScanDetector& d, const IpAddress& src, std::uint64_t now_ms) {
  std::array<Scanner, kScanTableSize> out{};
  const std::size_t n = d.scanners(out, now_ms);
  for (std::size_t i = 0; i < n; ++i) {
    if (out[i].src == src) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_GROUP(ScanDetector) {
  ScanDetector d;
  std::array<Scanner, kScanTableSize> out{};
};

TEST(ScanDetector, OnlyClosedPortDropsOfTcpAndUdpAreEvidence) {
  CHECK_TRUE(is_scan_evidence({Verdict::kDrop, Reason::kClosedPort, kTcp, 23}));
  CHECK_TRUE(is_scan_evidence({Verdict::kReject, Reason::kClosedPort, kUdp, 161}));
  CHECK_FALSE(is_scan_evidence({Verdict::kPass, Reason::kAllowed, kTcp, 80}));
  CHECK_FALSE(is_scan_evidence({Verdict::kDrop, Reason::kBroadcast, kUdp, 1900}));
  CHECK_FALSE(is_scan_evidence({Verdict::kDrop, Reason::kNoConnection, kTcp, 80}));
  CHECK_FALSE(is_scan_evidence({Verdict::kDrop, Reason::kIcmpDenied, 1, 0}));
  CHECK_FALSE(is_scan_evidence({Verdict::kDrop, Reason::kMalformed, 0, 0}));
  CHECK_FALSE(is_scan_evidence({Verdict::kDrop, Reason::kClosedPort, kTcp, 0}));
}

TEST(ScanDetector, BelowAndAtTheThresholdIsNoScanner) {
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold - 1, 1000));
  LONGS_EQUAL(0, listed(d, 2000, out));
  LONGS_EQUAL(0, sweep(d, kScanner, kScanThreshold - 1, 1, 2000));  // exactly the threshold
  LONGS_EQUAL(0, listed(d, 2000, out));
  LONGS_EQUAL(0, d.detected_total());
}

TEST(ScanDetector, OnePortAboveTheThresholdIsAScanner) {
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold, 1000, 10));
  CHECK_TRUE(d.record(kScanner, kTcp, kBase + kScanThreshold, 5000));
  LONGS_EQUAL(1, d.detected_total());
  LONGS_EQUAL(1, listed(d, 5000, out));
  CHECK(out[0].src == kScanner);
  LONGS_EQUAL(kScanThreshold + 1, out[0].distinct_ports);
  LONGS_EQUAL(1000, out[0].first_ms);
  LONGS_EQUAL(5000, out[0].last_ms);
  // Once a scanner, more ports are counted but detected only once.
  CHECK_FALSE(d.record(kScanner, kTcp, kBase + kScanThreshold + 1, 6000));
  LONGS_EQUAL(1, d.detected_total());
  LONGS_EQUAL(1, listed(d, 6000, out));
  LONGS_EQUAL(kScanThreshold + 2, out[0].distinct_ports);
  LONGS_EQUAL(6000, out[0].last_ms);
}

TEST(ScanDetector, RepeatedHitsOnOnePortAreOnePort) {
  for (int i = 0; i < 1000; ++i) {
    CHECK_FALSE(d.record(kScanner, kTcp, kBase + 50, 1000 + static_cast<std::uint64_t>(i)));
  }
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold - 1, 3000));
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold - 1, 4000));  // the same ports again
  LONGS_EQUAL(0, d.detected_total());
  CHECK_TRUE(d.record(kScanner, kTcp, kBase + 51, 5000));
}

TEST(ScanDetector, Ipv4AndIpv6SourcesAreKeptApart) {
  // The same 16 bytes (192.0.2.1 and 192.0.2.1 as the first IPv6 bytes) differ by family.
  const std::array<std::uint8_t, 16> bytes{192, 0, 2, 1};
  const IpAddress four = IpAddress::v4(std::span<const std::uint8_t, 4>(bytes.data(), 4));
  const IpAddress six = IpAddress::v6(bytes);
  LONGS_EQUAL(0, sweep(d, four, 0, kScanThreshold, 1000));
  LONGS_EQUAL(0, sweep(d, six, 0, kScanThreshold, 1000));
  LONGS_EQUAL(0, sweep(d, v6(1), 0, kScanThreshold, 1000));
  LONGS_EQUAL(1, sweep(d, six, kScanThreshold, 1, 2000));
  LONGS_EQUAL(1, listed(d, 2000, out));
  CHECK_TRUE(out[0].src.is_v6);
  CHECK(out[0].src == six);
  LONGS_EQUAL(1, sweep(d, four, kScanThreshold, 1, 3000));
  LONGS_EQUAL(2, listed(d, 3000, out));
  CHECK(out[0].src == four);  // most recently seen first
  CHECK(out[1].src == six);
}

TEST(ScanDetector, PortsSpreadOverMoreThanTheWindowDoNotTrigger) {
  // threshold + 1 ports, evenly spaced so that no window holds more than `threshold`.
  const std::uint64_t step = kScanWindowMs / kScanThreshold + 1;
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold + 1, 1000, step));
  LONGS_EQUAL(0, d.detected_total());
  // The same ports within one window do.
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, 1000 + 3 * kScanWindowMs, 1000));
}

TEST(ScanDetector, TheWindowStartsAtTheFirstPortAndIsFollowedByAFreshOne) {
  // threshold ports at the end of one window and one at the start of the next: two windows.
  CHECK_FALSE(d.record(kScanner, kTcp, kBase, 0));
  LONGS_EQUAL(0, sweep(d, kScanner, 1, kScanThreshold - 1, kScanWindowMs - 100));
  LONGS_EQUAL(0, sweep(d, kScanner, kScanThreshold, 1, kScanWindowMs));
  // The fresh window counts from that port on, the earlier ports again included.
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold, 2 * kScanWindowMs - 100));
  LONGS_EQUAL(1, listed(d, 2 * kScanWindowMs, out));
  LONGS_EQUAL(kScanWindowMs, out[0].first_ms);
}

TEST(ScanDetector, TwiceTheThresholdWithinAnyWindowIsAlwaysDetected) {
  // 2 * threshold + 1 ports in a window-long span that straddles two of the source's windows:
  // one of them holds more than the threshold.
  static_assert(2 * kScanThreshold + 1 < 64);
  CHECK_FALSE(d.record(kScanner, kTcp, kBase + 63, 0));
  const std::uint64_t step = kScanWindowMs / (2 * kScanThreshold + 1);
  LONGS_EQUAL(1, sweep(d, kScanner, 0, 2 * kScanThreshold + 1, kScanWindowMs / 2, step));
}

TEST(ScanDetector, AScannerStaysListedWhileItScansAndExpiresAWindowAfterItsLastPort) {
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, 1000));
  std::uint64_t now = 1000;
  for (std::uint32_t i = 0; i < 6; ++i) {  // three windows, a port every half window
    now += kScanWindowMs / 2;
    CHECK_FALSE(d.record(kScanner, kTcp, static_cast<std::uint16_t>(kBase + 40 + i), now));
    CHECK_TRUE(lists(d, kScanner, now));
  }
  LONGS_EQUAL(1, listed(d, now, out));
  LONGS_EQUAL(1000, out[0].first_ms);  // one continuous scan
  LONGS_EQUAL(now, out[0].last_ms);
  CHECK_TRUE(lists(d, kScanner, now + kScanWindowMs - 1));
  CHECK_FALSE(lists(d, kScanner, now + kScanWindowMs));
  // Scanning again after that is a new detection.
  const std::uint64_t later = now + kScanWindowMs;
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, later));
  LONGS_EQUAL(2, d.detected_total());
  LONGS_EQUAL(1, listed(d, later + kScanThreshold, out));
  LONGS_EQUAL(later, out[0].first_ms);
}

TEST(ScanDetector, DetectionsArePolledBySequenceNumber) {
  CHECK(d.find(0) == nullptr);
  std::uint64_t shown = 0;  // what a poller (the MQTT push) has already published
  const std::uint32_t sources = kScanDetectionLogSize + 3;
  for (std::uint32_t s = 0; s < sources; ++s) {
    LONGS_EQUAL(1, sweep(d, v4(0x0A000000 + s), 0, kScanThreshold + 1, 1000 * (s + 1)));
    if (s == 0) {  // the poller catches up after the first, then falls behind
      const Scanner* e = d.find(shown);
      CHECK(e != nullptr);
      CHECK(e->src == v4(0x0A000000));
      LONGS_EQUAL(kScanThreshold + 1, e->distinct_ports);
      LONGS_EQUAL(1000, e->first_ms);
      LONGS_EQUAL(1000 + kScanThreshold, e->last_ms);
      ++shown;
    }
  }
  LONGS_EQUAL(sources, d.detected_total());
  CHECK(d.find(sources) == nullptr);
  // Fallen behind by more than the log holds: the oldest unread ones are gone, the rest read
  // back in order.
  std::uint64_t read = 0;
  for (; shown < d.detected_total(); ++shown) {
    const Scanner* e = d.find(shown);
    if (e == nullptr) {
      CHECK(shown < sources - kScanDetectionLogSize);
      continue;
    }
    CHECK(e->src == v4(0x0A000000 + static_cast<std::uint32_t>(shown)));  // detection `shown`
    ++read;
  }
  LONGS_EQUAL(kScanDetectionLogSize, read);
}

TEST(ScanDetector, ScannersAreCopiedMostRecentlySeenFirstAndNoMoreThanAsked) {
  for (std::uint32_t s = 0; s < 3; ++s) {
    LONGS_EQUAL(1, sweep(d, v4(0x0A000000 + s), 0, kScanThreshold + 1, 1000 + 100 * s));
  }
  CHECK_FALSE(d.record(v4(0x0A000000), kTcp, 1, 2000));  // the first one seen again
  std::array<Scanner, 2> two{};
  LONGS_EQUAL(2, d.scanners(two, 2000));
  CHECK(two[0].src == v4(0x0A000000));
  CHECK(two[1].src == v4(0x0A000002));
  LONGS_EQUAL(0, d.scanners(std::span<Scanner>{}, 2000));
}

// The table is set-associative (kScanWays slots a set, a keyed hash of the source picks the
// set): filling it takes more sources than slots, and a source competes only within its set.
TEST(ScanDetector, ANewSourceDoesNotEvictOneWithinItsHold) {
  for (std::uint32_t s = 0; s < 64 * kScanTableSize; ++s) {
    CHECK_FALSE(d.record(v4(0x0A000000 + s), kTcp, 1, 1000));
  }
  LONGS_EQUAL(kScanTableSize, 64 * kScanTableSize - d.untracked());  // every slot taken
  // Every set is full of sources younger than the hold: a new one is not tracked at all.
  const std::uint64_t untracked = d.untracked();
  LONGS_EQUAL(0, sweep(d, kScanner, 0, kScanThreshold + 1, 1000 + kScanHoldMs - 100));
  LONGS_EQUAL(untracked + kScanThreshold + 1, d.untracked());
  // Past the hold it takes the place of one of them, once the admission coin lets it.
  LONGS_EQUAL(1, sweep(d, kScanner, 0, 64, 1000 + kScanHoldMs));
  CHECK(d.untracked() < untracked + kScanThreshold + 1 + 64);
}

// A set that refused a new source (full, its weakest entry within its hold) refuses the next
// ones without a look at its entries, until the hold ends; but once its entries change, a
// new source finds what they are now: here, scanners only, of which it evicts the least
// recently seen at once.
TEST(ScanDetector, ASetRefusingAFloodTakesANewSourceOnceItsEntriesAllBecameScanners) {
  constexpr std::uint32_t kSources = 64 * kScanTableSize;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    CHECK_FALSE(d.record(v4(0x0A000000 + s), kTcp, kBase, 1000));
  }
  LONGS_EQUAL(kSources - kScanTableSize, d.untracked());
  // Every source sweeps enough ports to be a scanner, all at one time: the tracked ones come
  // first in their sets (they were each set's first), so a set's entries are all scanners
  // before its next source comes, which then takes the place of one and scans too.
  for (std::uint32_t s = 0; s < kSources; ++s) {
    (void)sweep(d, v4(0x0A000000 + s), 1, kScanThreshold + 1, 1001, 0);
  }
  CHECK(d.detected_total() > kScanTableSize);
  const std::uint64_t untracked = d.untracked();
  const std::uint64_t now = 1002;
  CHECK(now < 1000 + kScanHoldMs);  // still within every first source's hold
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, now));
  LONGS_EQUAL(untracked, d.untracked());
  CHECK_TRUE(lists(d, kScanner, now + kScanThreshold));
}

// A refusing set weighs new sources again from the very end of its weakest entry's hold...
TEST(ScanDetector, AtTheEndOfTheHoldNewSourcesAreWeighedAgain) {
  constexpr std::uint32_t kSources = 64 * kScanTableSize;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    CHECK_FALSE(d.record(v4(0x0A000000 + s), kTcp, kBase, 1000));
  }
  const std::uint64_t untracked = d.untracked();
  for (std::uint32_t s = 0; s < kSources; ++s) {
    CHECK_FALSE(d.record(v4(0x0B000000 + s), kTcp, kBase, 1000 + kScanHoldMs));
  }
  CHECK(d.untracked() < untracked + kSources);  // the coin let some in
}

// ... and from the moment any entry expires, even while its weakest entry (a newer one with
// fewer ports) is within its hold.
TEST(ScanDetector, ARefusingSetTakesANewSourceWhenAnEntryExpires) {
  constexpr std::uint32_t kSources = 64 * kScanTableSize;
  for (std::uint32_t s = 0; s < kSources; ++s) {  // two ports each: every set full
    (void)d.record(v4(0x0A000000 + s), kTcp, kBase, 1000);
    (void)d.record(v4(0x0A000000 + s), kTcp, kBase + 1, 1000);
  }
  // Near the end of their window, one-port sources take some places (the coin), and each set
  // that has one refuses the rest: it is the weakest now, within its hold.
  const std::uint64_t late = 1000 + kScanWindowMs - 200;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    (void)d.record(v4(0x0B000000 + s), kTcp, kBase, late);
  }
  static_assert(kScanHoldMs > 200);
  // The first sources' window is over: their slots are free, whatever the newer ones' hold.
  const std::uint64_t untracked = d.untracked();
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, 1000 + kScanWindowMs));
  LONGS_EQUAL(untracked, d.untracked());
}

TEST(ScanDetector, ASourceWithMorePortsOutlivesNewOnePortSources) {
  LONGS_EQUAL(0, sweep(d, kScanner, 0, 2, 1000));
  for (std::uint32_t s = 0; s < 100 * kScanTableSize; ++s) {
    CHECK_FALSE(d.record(v4(0x0A000000 + s), kTcp, 1, 1000 + kScanHoldMs + s));
  }
  // Its two ports are still counted: threshold - 1 more make a scanner.
  LONGS_EQUAL(1, sweep(d, kScanner, 2, kScanThreshold - 1, 1000 + kScanHoldMs + 10000));
}

TEST(ScanDetector, ScannersStayWhileNonScannersComeAndGo) {
  LONGS_EQUAL(1, sweep(d, kScanner, 0, kScanThreshold + 1, 1000));
  LONGS_EQUAL(1, sweep(d, v6(9), 0, kScanThreshold + 1, 1000));
  std::uint64_t now = 1000 + kScanHoldMs;
  for (std::uint32_t s = 0; s < 100 * kScanTableSize; ++s, now += 10) {
    CHECK_FALSE(d.record(v4(0x0A000000 + s), kTcp, 1, now));
  }
  CHECK(now < 1000 + kScanWindowMs);
  LONGS_EQUAL(2, listed(d, now, out));
}

// A scanner may evict a scanner, the least recently seen of its set: with 8 times as many
// scanners as slots, each set keeps its most recent ones, so the 4 newest of all are listed
// and the first is gone; every one was tracked.
TEST(ScanDetector, WhenEveryEntryIsAScannerTheLeastRecentlySeenGoes) {
  constexpr std::uint32_t kScanners = 8 * kScanTableSize;
  for (std::uint32_t s = 0; s < kScanners; ++s) {
    LONGS_EQUAL(1, sweep(d, v4(0x0A000000 + s), 0, kScanThreshold + 1, 1000 + 100 * s));
  }
  const std::uint64_t now = 1000 + 100 * kScanners;
  LONGS_EQUAL(kScanTableSize, listed(d, now, out));
  LONGS_EQUAL(0, d.untracked());
  for (std::uint32_t s = kScanners - kScanWays; s < kScanners; ++s) {
    CHECK_TRUE(lists(d, v4(0x0A000000 + s), now));
  }
  CHECK_FALSE(lists(d, v4(0x0A000000), now));
  LONGS_EQUAL(kScanners, d.detected_total());
}

// 100 000 spoofed sources, each touching one port, one per millisecond; once they fill the
// table, a real scanner starts and probes one port for every `kFloodPerProbe` of theirs, always
// just after one of theirs: more new sources between two of its probes than the table has
// slots (a least-recently-seen rule would evict it before every second probe), and a flood
// that grabs every slot the moment it comes free (a hold alone would never let it in).
TEST(ScanDetector, ASpoofedFloodNeitherGrowsTheTableNorHidesARealScanner) {
  constexpr std::uint32_t kFlood = 100'000;
  constexpr std::uint32_t kFloodPerProbe = 2 * kScanTableSize;
  std::uint32_t rand = 0x12345678;
  std::uint64_t now = 1000;
  std::uint16_t next_port = 1;
  std::uint64_t detected_at = 0;
  for (std::uint32_t i = 0; i < kFlood; ++i, ++now) {
    rand ^= rand << 13;
    rand ^= rand >> 17;
    rand ^= rand << 5;
    // Distinct 10.x.y.z sources (an odd multiplier permutes the 24 bits), random ports.
    const IpAddress spoofed = v4(0x0A000000 | ((i * 2654435761u) & 0xFFFFFF));
    CHECK_FALSE(d.record(spoofed, rand & 1 ? kTcp : kUdp, static_cast<std::uint16_t>(rand), now));
    if (i >= kFlood / 10 && i % kFloodPerProbe == 0 && d.record(kScanner, kTcp, next_port++, now)) {
      detected_at = now;
    }
  }
  CHECK(detected_at != 0);  // about 7.5 s after it started, in expectation
  CHECK_TRUE(lists(d, kScanner, now));
  LONGS_EQUAL(1, d.detected_total());  // and no spoofed source was taken for a scanner
  CHECK(d.untracked() > 0);            // the hold refused part of the flood
}
