// SPDX-License-Identifier: Apache-2.0
#pragma once
// The report module's build-time settings, in one place: each an #ifndef default a board
// may override in PORTCULLIS_BOARD_DEFINITIONS (board.cmake; the configure rejects names that
// are not here or in another module's settings.hpp), a constant, and its range.

#include <cstddef>
#include <cstdint>

// Capacities of the status snapshot's lists. Each entry costs RAM in every snapshot (sizes in
// firmware/report/README.md), and the JSON grows with them.
#ifndef PORTCULLIS_STATUS_MAX_LISTENERS
#define PORTCULLIS_STATUS_MAX_LISTENERS 16
#endif
#ifndef PORTCULLIS_STATUS_MAX_RECENT_BLOCKED
#define PORTCULLIS_STATUS_MAX_RECENT_BLOCKED 16
#endif
#ifndef PORTCULLIS_STATUS_MAX_SCANNERS
#define PORTCULLIS_STATUS_MAX_SCANNERS 8
#endif
#ifndef PORTCULLIS_STATUS_MAX_VIOLATIONS
#define PORTCULLIS_STATUS_MAX_VIOLATIONS 16
#endif
// lwIP's memory pools (one entry per pool the build has; firmware/stack checks they fit).
#ifndef PORTCULLIS_STATUS_MAX_LWIP_POOLS
#define PORTCULLIS_STATUS_MAX_LWIP_POOLS 16
#endif

// How many (protocol, port) pairs the most-dropped table tracks.
#ifndef PORTCULLIS_TOP_DROPPED_PORTS
#define PORTCULLIS_TOP_DROPPED_PORTS 16
#endif

// A source is a scanner once it has touched more than PORTCULLIS_SCAN_THRESHOLD distinct
// closed ports within PORTCULLIS_SCAN_WINDOW_MS; PORTCULLIS_SCAN_TABLE_SIZE sources are
// tracked at once (scan_detector.hpp).
#ifndef PORTCULLIS_SCAN_THRESHOLD
#define PORTCULLIS_SCAN_THRESHOLD 12
#endif
#ifndef PORTCULLIS_SCAN_WINDOW_MS
#define PORTCULLIS_SCAN_WINDOW_MS 60000
#endif
#ifndef PORTCULLIS_SCAN_TABLE_SIZE
#define PORTCULLIS_SCAN_TABLE_SIZE 16
#endif

namespace portcullis::report {

inline constexpr std::size_t kMaxListeners = PORTCULLIS_STATUS_MAX_LISTENERS;
inline constexpr std::size_t kMaxRecentBlocked = PORTCULLIS_STATUS_MAX_RECENT_BLOCKED;
inline constexpr std::size_t kMaxScanners = PORTCULLIS_STATUS_MAX_SCANNERS;
inline constexpr std::size_t kMaxViolations = PORTCULLIS_STATUS_MAX_VIOLATIONS;
inline constexpr std::size_t kMaxLwipPools = PORTCULLIS_STATUS_MAX_LWIP_POOLS;
static_assert(kMaxListeners >= 1 && kMaxListeners <= 64, "PORTCULLIS_STATUS_MAX_LISTENERS: 1..64");
static_assert(kMaxRecentBlocked >= 1 && kMaxRecentBlocked <= 64,
              "PORTCULLIS_STATUS_MAX_RECENT_BLOCKED: 1..64");
static_assert(kMaxScanners >= 1 && kMaxScanners <= 64, "PORTCULLIS_STATUS_MAX_SCANNERS: 1..64");
static_assert(kMaxViolations >= 1 && kMaxViolations <= 64,
              "PORTCULLIS_STATUS_MAX_VIOLATIONS: 1..64");
static_assert(kMaxLwipPools >= 1 && kMaxLwipPools <= 64, "PORTCULLIS_STATUS_MAX_LWIP_POOLS: 1..64");

inline constexpr std::size_t kTopDroppedPorts = PORTCULLIS_TOP_DROPPED_PORTS;
// Set-associative: a port lives in one set of kTopPortWays slots chosen by a hash of it, so
// an update looks at kTopPortWays slots whatever the table's size (a port sweep used to walk
// all of them for every dropped packet).
inline constexpr std::size_t kTopPortWays = kTopDroppedPorts < 4 ? kTopDroppedPorts : 4;
static_assert(kTopDroppedPorts >= 1 && kTopDroppedPorts <= 256 &&
                  kTopDroppedPorts % kTopPortWays == 0,
              "PORTCULLIS_TOP_DROPPED_PORTS: 1..3, or a multiple of 4 up to 256");

inline constexpr std::uint32_t kScanThreshold = PORTCULLIS_SCAN_THRESHOLD;
inline constexpr std::uint64_t kScanWindowMs = PORTCULLIS_SCAN_WINDOW_MS;
inline constexpr std::size_t kScanTableSize = PORTCULLIS_SCAN_TABLE_SIZE;
inline constexpr std::size_t kScanWays = 4;
// Positions in a source's port bitmap: distinct ports are counted by the positions they set.
inline constexpr std::uint32_t kScanPortBits = 64;
static_assert(kScanThreshold >= 2 && kScanThreshold <= kScanPortBits / 2,
              "PORTCULLIS_SCAN_THRESHOLD: 2..32 (a 64-position bitmap counts the ports)");
static_assert(kScanWindowMs >= 1000 && kScanWindowMs <= 3'600'000,
              "PORTCULLIS_SCAN_WINDOW_MS: 1000..3600000");
static_assert(kScanTableSize >= kScanWays && kScanTableSize <= 256 &&
                  kScanTableSize % kScanWays == 0,
              "PORTCULLIS_SCAN_TABLE_SIZE: a multiple of 4 from 4 to 256");

}  // namespace portcullis::report
