// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/lwip_info.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "lwip/memp.h"
#include "lwip/stats.h"

namespace portcullis::stack {
namespace {

// The pools in memp_t order: lwIP's own list, the one memp_t is generated from (so a pool
// compiled in or out by lwipopts.h is named or not here too).
constexpr std::array<std::string_view, MEMP_MAX> kPoolNames = {
#define LWIP_MEMPOOL(name, num, size, desc) std::string_view(#name),
#include "lwip/priv/memp_std.h"
};
static_assert(kPoolNames.size() <= report::kMaxLwipPools,
              "lwIP has more memory pools than PORTCULLIS_STATUS_MAX_LWIP_POOLS holds");

template <typename T>
std::uint16_t u16(T value) {
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(value, UINT16_MAX));
}
template <typename T>
std::uint32_t u32(T value) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(value, UINT32_MAX));
}

#if LWIP_STATS
// One of lwIP's event counters (STAT_COUNTER: 16 bits with LWIP_STATS_LARGE 0) carried on in
// 32 bits: each look adds what it moved since the last one, modulo its width.
struct Widened {
  STAT_COUNTER last = 0;  // lwIP's counters start at 0 with the program
  std::uint32_t total = 0;

  void see(STAT_COUNTER now) {
    total += static_cast<STAT_COUNTER>(now - last);
    last = now;
  }
};

// lwIP's figures are one set per program (lwip_stats), and so are these.
struct Totals {
  std::array<Widened, MEMP_MAX> pool_failures;
  Widened heap_failures;
  Widened tcp_sent;
  Widened udp_sent;
  Widened icmp_sent;
  Widened icmpv6_sent;
};
Totals totals;
#endif

}  // namespace

void track_lwip_counters() {
#if LWIP_STATS
#if MEMP_STATS
  for (std::size_t i = 0; i < totals.pool_failures.size(); ++i) {
    if (const stats_mem* m = lwip_stats.memp[i]; m != nullptr) {
      totals.pool_failures[i].see(m->err);
    }
  }
#endif
#if MEM_STATS
  totals.heap_failures.see(lwip_stats.mem.err);
#endif
#if TCP_STATS
  totals.tcp_sent.see(lwip_stats.tcp.xmit);
#endif
#if UDP_STATS
  totals.udp_sent.see(lwip_stats.udp.xmit);
#endif
#if ICMP_STATS
  totals.icmp_sent.see(lwip_stats.icmp.xmit);
#endif
#if ICMP6_STATS
  totals.icmpv6_sent.see(lwip_stats.icmp6.xmit);
#endif
#endif
}

void read_lwip_info(report::LwipInfo& out) {
  // Member by member: a whole LwipInfo{} would be a few hundred bytes of stack for a moment.
  out.measured = false;
  out.pools.count = 0;
  out.heap = {};
  out.sent = {};
#if LWIP_STATS
  out.measured = true;
  track_lwip_counters();
#if MEMP_STATS
  for (std::size_t i = 0; i < kPoolNames.size(); ++i) {
    const stats_mem* m = lwip_stats.memp[i];
    if (m == nullptr) {
      continue;  // before memp_init()
    }
    report::LwipPool& p = out.pools.items[out.pools.count++];
    p.name = kPoolNames[i];
    p.failures = totals.pool_failures[i].total;
    p.size = u16(m->avail);
    p.used = u16(m->used);
    p.peak = u16(m->max);
  }
#endif
#if MEM_STATS
  out.heap = {u32(lwip_stats.mem.avail), u32(lwip_stats.mem.used), u32(lwip_stats.mem.max),
              totals.heap_failures.total};
#endif
  // A class lwipopts.h leaves off is never seen: its total stays 0.
  out.sent = {totals.tcp_sent.total, totals.udp_sent.total, totals.icmp_sent.total,
              totals.icmpv6_sent.total};
#endif
}

}  // namespace portcullis::stack
