// SPDX-License-Identifier: Apache-2.0
// lwIP's own statistics as the status report shows them (stack::read_lwip_info), on real
// lwIP: every pool the build has, allocations through lwIP's API moving their figures, an
// exhausted pool and heap counting refusals, and what lwIP sent (nothing for a dropped probe,
// one RST or port unreachable for a rejected one). Reads and allocations happen in one
// lwIP-context scope each, so with NO_SYS=0 the tcpip thread cannot move the figures between.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lwip/ip_addr.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "netif/ppp/ppp_opts.h"  // PPP_NUM_TIMEOUTS, in MEMP_NUM_SYS_TIMEOUT
#include "portcullis/report/status.hpp"
#include "portcullis/stack/lwip_info.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::policy::Mode;
using portcullis::policy::Policy;
using portcullis::report::LwipInfo;
using portcullis::report::LwipPool;
using portcullis::stack::read_lwip_info;

namespace {

constexpr Policy kStealth = web_and_coap_policy(Mode::kStealth);
constexpr Policy kReject = web_and_coap_policy(Mode::kReject);

// The figures once the tcpip thread (NO_SYS=0) has nothing left to do.
LwipInfo info() {
  settle_lwip();
  LwipInfo out;
  in_lwip([&out] { read_lwip_info(out); });
  return out;
}

// The pool named `name`; an empty one (size 0) when the report does not list it.
LwipPool pool(const LwipInfo& i, std::string_view name) {
  for (const LwipPool& p : i.pools.view()) {
    if (p.name == name) {
      return p;
    }
  }
  return {};
}

// Runs lwIP's timers second by second (a timer runs once however late it is), so duplicate
// address detection ends and the device's IPv6 address can be used for replies.
void run_lwip_for_seconds(int seconds) {
  for (int s = 0; s < seconds; ++s) {
    lwip_test_clock().advance(1000);
#if NO_SYS
    in_lwip([] { sys_check_timeouts(); });
#else
    settle_lwip();
#endif
  }
}

struct ExpectedPool {
  const char* name;
  memp_t index;
  std::uint16_t size;
};

}  // namespace

TEST_GROUP(LwipInfo) {
  LwipDevice* dev = nullptr;
  void setup() override {
    set_hook_policy(kStealth);
    dev = new LwipDevice;
    dev->start();
  }
  void teardown() override {
    delete dev;
    set_hook_policy(default_hook_policy());
  }
};

TEST(LwipInfo, EveryPoolOfTheBuildByLwipsNameInLwipsOrder) {
  const LwipInfo i = info();
  CHECK_TRUE(i.measured);
  LONGS_EQUAL(MEMP_MAX, i.pools.view().size());
  const std::array kExpected = {
    ExpectedPool{"UDP_PCB", MEMP_UDP_PCB, MEMP_NUM_UDP_PCB},
    ExpectedPool{"TCP_PCB", MEMP_TCP_PCB, MEMP_NUM_TCP_PCB},
    ExpectedPool{"TCP_PCB_LISTEN", MEMP_TCP_PCB_LISTEN, MEMP_NUM_TCP_PCB_LISTEN},
    ExpectedPool{"TCP_SEG", MEMP_TCP_SEG, MEMP_NUM_TCP_SEG},
    ExpectedPool{"ALTCP_PCB", MEMP_ALTCP_PCB, MEMP_NUM_ALTCP_PCB},
    ExpectedPool{"FRAG_PBUF", MEMP_FRAG_PBUF, MEMP_NUM_FRAG_PBUF},
    ExpectedPool{"ARP_QUEUE", MEMP_ARP_QUEUE, MEMP_NUM_ARP_QUEUE},
    ExpectedPool{"SYS_TIMEOUT", MEMP_SYS_TIMEOUT, MEMP_NUM_SYS_TIMEOUT},
    ExpectedPool{"ND6_QUEUE", MEMP_ND6_QUEUE, MEMP_NUM_ND6_QUEUE},
    ExpectedPool{"MLD6_GROUP", MEMP_MLD6_GROUP, MEMP_NUM_MLD6_GROUP},
    ExpectedPool{"PBUF", MEMP_PBUF, MEMP_NUM_PBUF},
    ExpectedPool{"PBUF_POOL", MEMP_PBUF_POOL, PBUF_POOL_SIZE},
#if !NO_SYS
    ExpectedPool{"TCPIP_MSG_API", MEMP_TCPIP_MSG_API, MEMP_NUM_TCPIP_MSG_API},
    ExpectedPool{"TCPIP_MSG_INPKT", MEMP_TCPIP_MSG_INPKT, MEMP_NUM_TCPIP_MSG_INPKT},
#endif
  };
  LONGS_EQUAL(kExpected.size(), i.pools.view().size());  // no pool of the build left out
  for (const ExpectedPool& e : kExpected) {
    const LwipPool& p = i.pools.view()[e.index];
    STRCMP_EQUAL(e.name, std::string(p.name).c_str());
    LONGS_EQUAL_TEXT(e.size, p.size, e.name);
    CHECK_TEXT(p.used <= p.peak && p.peak <= p.size, e.name);
  }
}

TEST(LwipInfo, TcpPcbsTakenAndGivenBackMoveUsedAndPeak) {
  struct Figures {
    LwipPool before, all_taken, given_back;
    bool all_made = true;
  };
  const Figures f = in_lwip([] {
    Figures r;
    LwipInfo i;
    read_lwip_info(i);
    r.before = pool(i, "TCP_PCB");
    std::vector<tcp_pcb*> pcbs;
    for (std::size_t k = r.before.used; k < r.before.size; ++k) {
      tcp_pcb* pcb = tcp_new();
      r.all_made = r.all_made && pcb != nullptr;
      pcbs.push_back(pcb);
    }
    read_lwip_info(i);
    r.all_taken = pool(i, "TCP_PCB");
    for (tcp_pcb* pcb : pcbs) {
      if (pcb != nullptr) {
        (void)tcp_close(pcb);  // never connected: freed at once
      }
    }
    read_lwip_info(i);
    r.given_back = pool(i, "TCP_PCB");
    return r;
  });
  CHECK_TRUE(f.all_made);
  CHECK(f.before.size > 0);
  LONGS_EQUAL(f.before.size, f.all_taken.used);
  LONGS_EQUAL(f.before.size, f.all_taken.peak);
  LONGS_EQUAL(f.before.used, f.given_back.used);
  LONGS_EQUAL(f.before.size, f.given_back.peak);  // a high-water mark stays
  LONGS_EQUAL(f.before.failures, f.given_back.failures);
}

TEST(LwipInfo, AnExhaustedPoolCountsTheRefusal) {
  struct Figures {
    LwipPool before, exhausted, given_back;
    std::size_t made = 0;
  };
  const Figures f = in_lwip([] {
    Figures r;
    LwipInfo i;
    read_lwip_info(i);
    r.before = pool(i, "UDP_PCB");
    std::vector<udp_pcb*> pcbs;
    // One more than the pool has free: the last udp_new() finds it empty.
    for (std::size_t k = r.before.used; k <= r.before.size; ++k) {
      if (udp_pcb* pcb = udp_new(); pcb != nullptr) {
        pcbs.push_back(pcb);
      }
    }
    r.made = pcbs.size();
    read_lwip_info(i);
    r.exhausted = pool(i, "UDP_PCB");
    for (udp_pcb* pcb : pcbs) {
      udp_remove(pcb);
    }
    read_lwip_info(i);
    r.given_back = pool(i, "UDP_PCB");
    return r;
  });
  LONGS_EQUAL(MEMP_NUM_UDP_PCB, f.before.size);
  LONGS_EQUAL(f.before.size - f.before.used, f.made);
  LONGS_EQUAL(f.before.size, f.exhausted.used);
  LONGS_EQUAL(f.before.size, f.exhausted.peak);
  LONGS_EQUAL(f.before.failures + 1, f.exhausted.failures);
  LONGS_EQUAL(f.before.used, f.given_back.used);
  LONGS_EQUAL(f.before.failures + 1, f.given_back.failures);
}

TEST(LwipInfo, PbufsFromThePoolsAndTheHeap) {
  struct Figures {
    LwipInfo before, taken, given_back;
    bool all_made = false;
  };
  const Figures f = in_lwip([] {
    Figures r;
    read_lwip_info(r.before);
    pbuf* from_pool = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL);
    pbuf* reference = pbuf_alloc(PBUF_RAW, 0, PBUF_REF);
    pbuf* from_heap = pbuf_alloc(PBUF_RAW, 1000, PBUF_RAM);
    r.all_made = from_pool != nullptr && reference != nullptr && from_heap != nullptr;
    read_lwip_info(r.taken);
    for (pbuf* p : {from_pool, reference, from_heap}) {
      if (p != nullptr) {
        pbuf_free(p);
      }
    }
    read_lwip_info(r.given_back);
    return r;
  });
  CHECK_TRUE(f.all_made);
  LONGS_EQUAL(pool(f.before, "PBUF_POOL").used + 1, pool(f.taken, "PBUF_POOL").used);
  LONGS_EQUAL(pool(f.before, "PBUF").used + 1, pool(f.taken, "PBUF").used);
  CHECK(f.taken.heap.used_bytes >= f.before.heap.used_bytes + 1000);
  CHECK(f.taken.heap.peak_bytes >= f.taken.heap.used_bytes);
  CHECK(f.taken.heap.size_bytes >= MEM_SIZE);
  LONGS_EQUAL(pool(f.before, "PBUF_POOL").used, pool(f.given_back, "PBUF_POOL").used);
  LONGS_EQUAL(pool(f.before, "PBUF").used, pool(f.given_back, "PBUF").used);
  LONGS_EQUAL(f.before.heap.used_bytes, f.given_back.heap.used_bytes);
}

TEST(LwipInfo, AFullHeapCountsTheRefusal) {
  struct Figures {
    LwipInfo before, full, given_back;
    std::size_t made = 0;
  };
  const Figures f = in_lwip([] {
    Figures r;
    read_lwip_info(r.before);
    // 1 KiB blocks until one does not fit (a bounded number of tries, however large the heap).
    std::vector<pbuf*> blocks;
    for (std::size_t k = 0; k <= MEM_SIZE / 1024 + 1; ++k) {
      pbuf* p = pbuf_alloc(PBUF_RAW, 1024, PBUF_RAM);
      if (p == nullptr) {
        break;
      }
      blocks.push_back(p);
    }
    r.made = blocks.size();
    read_lwip_info(r.full);
    for (pbuf* p : blocks) {
      pbuf_free(p);
    }
    read_lwip_info(r.given_back);
    return r;
  });
  CHECK(f.made > 0 && f.made <= MEM_SIZE / 1024);
  LONGS_EQUAL(f.before.heap.failures + 1, f.full.heap.failures);
  CHECK(f.full.heap.peak_bytes >= f.made * 1024);
  CHECK(f.full.heap.peak_bytes <= f.full.heap.size_bytes);
  LONGS_EQUAL(f.before.heap.used_bytes, f.given_back.heap.used_bytes);
}

// lwIP's event counters are STAT_COUNTER wide (16 bits here) and would wrap at 65 536; the
// report's totals go on in 32 bits as long as the counters are looked at (the agent's loop
// does every turn) before one moves 65 536 times. lwIP is made to have counted 40 000 more
// segments sent and pool and heap refusals, twice, with a look after each.
TEST(LwipInfo, CountsGoOnPastLwipsSixteenBitCounters) {
  constexpr std::uint32_t kStep = 40000;
  struct Figures {
    LwipInfo before, after;
    STAT_COUNTER raw_before = 0, raw_after = 0;
  };
  const Figures f = in_lwip([] {
    Figures r;
    read_lwip_info(r.before);
    r.raw_before = lwip_stats.tcp.xmit;
    for (int step = 0; step < 2; ++step) {
      lwip_stats.tcp.xmit = static_cast<STAT_COUNTER>(lwip_stats.tcp.xmit + kStep);
      lwip_stats.icmp6.xmit = static_cast<STAT_COUNTER>(lwip_stats.icmp6.xmit + kStep);
      lwip_stats.mem.err = static_cast<STAT_COUNTER>(lwip_stats.mem.err + kStep);
      lwip_stats.memp[MEMP_UDP_PCB]->err =
          static_cast<STAT_COUNTER>(lwip_stats.memp[MEMP_UDP_PCB]->err + kStep);
      portcullis::stack::track_lwip_counters();
    }
    r.raw_after = lwip_stats.tcp.xmit;
    read_lwip_info(r.after);
    return r;
  });
  if constexpr (sizeof(STAT_COUNTER) == 2) {
    LONGS_EQUAL((f.raw_before + 2 * kStep) % 65536, f.raw_after);  // lwIP's own has wrapped
  }
  LONGS_EQUAL(f.before.sent.tcp + 2 * kStep, f.after.sent.tcp);
  LONGS_EQUAL(f.before.sent.icmpv6 + 2 * kStep, f.after.sent.icmpv6);
  LONGS_EQUAL(f.before.sent.udp, f.after.sent.udp);
  LONGS_EQUAL(f.before.heap.failures + 2 * kStep, f.after.heap.failures);
  LONGS_EQUAL(pool(f.before, "UDP_PCB").failures + 2 * kStep, pool(f.after, "UDP_PCB").failures);
  LONGS_EQUAL(pool(f.before, "TCP_PCB").failures, pool(f.after, "TCP_PCB").failures);
}

TEST(LwipInfo, StealthSendsNothingForProbesToClosedPorts) {
  run_lwip_for_seconds(10);  // what lwIP itself would answer, it could
  const LwipInfo before = info();
  LONGS_EQUAL(0,
              dev->exchange(tcp_frame({.src_port = 40000, .dst_port = 81, .flags = kSyn})).size());
  LONGS_EQUAL(0, dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161})).size());
  LONGS_EQUAL(0, dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161}, true)).size());
  const LwipInfo after = info();
  LONGS_EQUAL(before.sent.tcp, after.sent.tcp);
  LONGS_EQUAL(before.sent.udp, after.sent.udp);
  LONGS_EQUAL(before.sent.icmp, after.sent.icmp);
  LONGS_EQUAL(before.sent.icmpv6, after.sent.icmpv6);
}

TEST(LwipInfo, WhatLwipSentIsCountedByProtocol) {
  set_hook_policy(kReject);
  run_lwip_for_seconds(10);  // and a full reject budget
  const LwipInfo start = info();
  // A rejected SYN: one RST.
  LONGS_EQUAL(1,
              dev->exchange(tcp_frame({.src_port = 40000, .dst_port = 81, .flags = kSyn})).size());
  const LwipInfo rst = info();
  LONGS_EQUAL(start.sent.tcp + 1, rst.sent.tcp);
  LONGS_EQUAL(start.sent.icmp, rst.sent.icmp);
  // A rejected UDP datagram: one port unreachable; then an echo request: one reply.
  LONGS_EQUAL(1, dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161})).size());
  LONGS_EQUAL(1, dev->exchange(ipv4_echo_request(7, 1, {})).size());
  const LwipInfo icmp = info();
  LONGS_EQUAL(rst.sent.icmp + 2, icmp.sent.icmp);
  LONGS_EQUAL(rst.sent.tcp, icmp.sent.tcp);
  // The same UDP datagram over IPv6: an ICMPv6 port unreachable (lwIP counts it when it
  // hands it to IPv6, which may first have to ask for the peer's address).
  dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161}, true));
  const LwipInfo icmp6 = info();
  LONGS_EQUAL(icmp.sent.icmpv6 + 1, icmp6.sent.icmpv6);
  LONGS_EQUAL(icmp.sent.icmp, icmp6.sent.icmp);
  // A datagram of the device's own.
  const err_t sent = in_lwip([] {
    udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_V4);
    pbuf* p = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
    ip_addr_t peer = IPADDR4_INIT_BYTES(192, 0, 2, 1);
    const err_t err = pcb != nullptr && p != nullptr ? udp_sendto(pcb, p, &peer, 5683)
                                                     : static_cast<err_t>(ERR_MEM);
    if (p != nullptr) {
      pbuf_free(p);
    }
    if (pcb != nullptr) {
      udp_remove(pcb);
    }
    return err;
  });
  LONGS_EQUAL(ERR_OK, sent);
  const LwipInfo udp = info();
  LONGS_EQUAL(icmp6.sent.udp + 1, udp.sent.udp);
  LONGS_EQUAL(icmp6.sent.tcp, udp.sent.tcp);
}
