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

}  // namespace

void read_lwip_info(report::LwipInfo& out) {
  // Member by member: a whole LwipInfo{} would be a few hundred bytes of stack for a moment.
  out.measured = false;
  out.pools.count = 0;
  out.heap = {};
  out.sent = {};
#if LWIP_STATS
  out.measured = true;
#if MEMP_STATS
  for (std::size_t i = 0; i < kPoolNames.size(); ++i) {
    const stats_mem* m = lwip_stats.memp[i];
    if (m == nullptr) {
      continue;  // before memp_init()
    }
    report::LwipPool& p = out.pools.items[out.pools.count++];
    p.name = kPoolNames[i];
    p.failures = u32(m->err);
    p.size = u16(m->avail);
    p.used = u16(m->used);
    p.peak = u16(m->max);
  }
#endif
#if MEM_STATS
  out.heap = {u32(lwip_stats.mem.avail), u32(lwip_stats.mem.used), u32(lwip_stats.mem.max),
              u32(lwip_stats.mem.err)};
#endif
#if TCP_STATS
  out.sent.tcp = u32(lwip_stats.tcp.xmit);
#endif
#if UDP_STATS
  out.sent.udp = u32(lwip_stats.udp.xmit);
#endif
#if ICMP_STATS
  out.sent.icmp = u32(lwip_stats.icmp.xmit);
#endif
#if ICMP6_STATS
  out.sent.icmpv6 = u32(lwip_stats.icmp6.xmit);
#endif
#endif
}

}  // namespace portcullis::stack
