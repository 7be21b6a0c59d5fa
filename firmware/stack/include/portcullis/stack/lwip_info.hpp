// SPDX-License-Identifier: Apache-2.0
#pragma once
// lwIP's own statistics (lwip_stats) for the status report: its memory pools, its heap and
// what it sent.

#include "portcullis/report/status.hpp"

namespace portcullis::stack {

// Copies lwIP's statistics into `out`, by value: every memory pool the build has (in lwIP's
// memp order, named as in lwip/priv/memp_std.h without "MEMP_"), the heap, and the TCP, UDP,
// ICMP and ICMPv6 messages lwIP sent. In lwIP's context only (lwip_context.hpp): lwIP writes
// the figures there. An lwIP built without LWIP_STATS gives `measured` false; a figure whose
// statistics class is off (lwipopts.h) stays 0. Failures and sent counts are 32-bit totals
// carried on from lwIP's narrower counters (see track_lwip_counters()).
void read_lwip_info(report::LwipInfo& out);

// lwIP counts events (allocation failures, segments sent) in STAT_COUNTER, 16 bits with
// LWIP_STATS_LARGE 0, which wraps at 65 536. Each call adds what every such counter moved
// since the last call (modulo its width) to a 32-bit total, so the report's totals stay exact
// as long as no counter moves 65 536 times between two calls. Agent::poll() calls it every
// loop turn (read_lwip_info() does too). In lwIP's context only; a few dozen loads and adds.
void track_lwip_counters();

}  // namespace portcullis::stack
