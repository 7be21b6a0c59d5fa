#pragma once
// lwIP's own statistics (lwip_stats) for the status report: its memory pools, its heap and
// what it sent.

#include "portcullis/report/status.hpp"

namespace portcullis::stack {

// Copies lwIP's statistics into `out`, by value: every memory pool the build has (in lwIP's
// memp order, named as in lwip/priv/memp_std.h without "MEMP_"), the heap, and the TCP, UDP,
// ICMP and ICMPv6 messages lwIP sent. In lwIP's context only (lwip_context.hpp): lwIP writes
// the figures there. An lwIP built without LWIP_STATS gives `measured` false; a figure whose
// statistics class is off (lwipopts.h) stays 0.
void read_lwip_info(report::LwipInfo& out);

}  // namespace portcullis::stack
