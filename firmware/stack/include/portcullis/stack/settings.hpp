// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stack module's build-time settings, in one place: each an #ifndef default a board may
// override in PORTCULLIS_BOARD_DEFINITIONS (board.cmake), or a user on the configure line
// (-DPORTCULLIS_AUDIT_CLOSE=0); the configure rejects board names that are not a module's
// setting. A constant and its range follow each.

#include <cstddef>
#include <cstdint>

// Rejects (RST / port unreachable) answered per second at most, and the burst allowed: a
// reject-mode device must not become a reflector.
#ifndef PORTCULLIS_REJECTS_PER_SECOND
#define PORTCULLIS_REJECTS_PER_SECOND 20
#endif
#ifndef PORTCULLIS_REJECT_BURST
#define PORTCULLIS_REJECT_BURST 40
#endif

// Connection attempts to allowed TCP ports (input_filter.hpp says how they are limited).
#ifndef PORTCULLIS_TCP_HALF_OPEN_PER_PORT
#define PORTCULLIS_TCP_HALF_OPEN_PER_PORT 2
#endif
#ifndef PORTCULLIS_TCP_PCB_RESERVE
#define PORTCULLIS_TCP_PCB_RESERVE 2 /* one management session, the push's connection */
#endif
#ifndef PORTCULLIS_TCP_HALF_OPEN_STALE_MS
#define PORTCULLIS_TCP_HALF_OPEN_STALE_MS 1000 /* a handshake's round trip, with room */
#endif

// The listener audit. 1: close a forbidden listener (default); 0: leave it open and only
// report it.
#ifndef PORTCULLIS_AUDIT_CLOSE
#define PORTCULLIS_AUDIT_CLOSE 1
#endif
// Longest time between two audits when the PCB lists show no change.
#ifndef PORTCULLIS_AUDIT_PERIOD_MS
#define PORTCULLIS_AUDIT_PERIOD_MS 1000
#endif
// Violations the log keeps (the most recent ones; the total is counted apart).
#ifndef PORTCULLIS_AUDIT_LOG_SIZE
#define PORTCULLIS_AUDIT_LOG_SIZE 16
#endif

namespace portcullis::stack {

inline constexpr std::uint32_t kRejectsPerSecond = PORTCULLIS_REJECTS_PER_SECOND;
inline constexpr std::uint32_t kRejectBurst = PORTCULLIS_REJECT_BURST;
static_assert(kRejectsPerSecond >= 1 && kRejectsPerSecond <= 10'000,
              "PORTCULLIS_REJECTS_PER_SECOND: 1..10000");
static_assert(kRejectBurst >= 1 && kRejectBurst <= 100'000, "PORTCULLIS_REJECT_BURST: 1..100000");

inline constexpr std::size_t kHalfOpenPerPort = PORTCULLIS_TCP_HALF_OPEN_PER_PORT;
inline constexpr std::size_t kTcpPcbReserve = PORTCULLIS_TCP_PCB_RESERVE;
inline constexpr std::uint32_t kHalfOpenStaleMs = PORTCULLIS_TCP_HALF_OPEN_STALE_MS;
static_assert(kHalfOpenPerPort >= 1 && kHalfOpenPerPort <= 64,
              "PORTCULLIS_TCP_HALF_OPEN_PER_PORT: 1..64");
static_assert(kTcpPcbReserve <= 64, "PORTCULLIS_TCP_PCB_RESERVE: 0..64");
static_assert(kHalfOpenStaleMs >= 1 && kHalfOpenStaleMs <= 60'000,
              "PORTCULLIS_TCP_HALF_OPEN_STALE_MS: 1..60000");

static_assert(PORTCULLIS_AUDIT_CLOSE == 0 || PORTCULLIS_AUDIT_CLOSE == 1,
              "PORTCULLIS_AUDIT_CLOSE: 0 (report only) or 1 (close)");
inline constexpr bool kAuditClose = PORTCULLIS_AUDIT_CLOSE == 1;
inline constexpr std::uint32_t kAuditPeriodMs = PORTCULLIS_AUDIT_PERIOD_MS;
inline constexpr std::size_t kAuditLogSize = PORTCULLIS_AUDIT_LOG_SIZE;
static_assert(kAuditPeriodMs >= 10 && kAuditPeriodMs <= 3'600'000,
              "PORTCULLIS_AUDIT_PERIOD_MS: 10 ms .. 1 h");
static_assert(kAuditLogSize >= 1 && kAuditLogSize <= 256, "PORTCULLIS_AUDIT_LOG_SIZE: 1..256");

}  // namespace portcullis::stack
