// SPDX-License-Identifier: Apache-2.0
// Instructions per listener-audit step, on lwIP's real PCB lists at their largest (every
// listen PCB and every UDP PCB in use) against a policy of kMaxRules rules. Run under
// callgrind by tests/bench/run (figures, not a test); bench_step is what it counts.
#include <cstdio>
#include <cstring>

#include "lwip/init.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "portcullis/platform/posix.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/lwip_clock.hpp"
#include "portcullis/stack/lwip_hooks.h"
#include "portcullis/stack/lwip_port.hpp"

using namespace portcullis;

namespace {

constexpr int kIterations = 2000;
constexpr std::uint16_t kFirstPort = 5000;
constexpr std::uint16_t kRoguePort = 23;

// kMaxRules single-port rules; the listeners' ports are the last ones, so every lookup
// walks most of the table.
constexpr policy::Policy make_policy() {
  policy::Policy p;
  p.rule_count = policy::kMaxRules;
  constexpr std::size_t kDecoys = policy::kMaxRules - stack::kMaxAuditedPcbs;
  for (std::size_t i = 0; i < policy::kMaxRules; ++i) {
    const std::size_t j = i - kDecoys;  // listener index, for i >= kDecoys
    p.rules[i].proto =
        i >= kDecoys && j >= MEMP_NUM_TCP_PCB_LISTEN ? policy::Proto::kUdp : policy::Proto::kTcp;
    const auto port = static_cast<std::uint16_t>(i < kDecoys ? 6000 + i : kFirstPort + j);
    p.rules[i].first_port = port;
    p.rules[i].last_port = port;
  }
  return p;
}
static_assert(policy::kMaxRules >= stack::kMaxAuditedPcbs);
constexpr policy::Policy kPolicy = make_policy();

err_t accept_none(void*, tcp_pcb*, err_t) {
  return ERR_ABRT;
}

tcp_pcb* listen_on(std::uint16_t port) {
  tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  tcp_bind(pcb, IP_ANY_TYPE, port);
  tcp_pcb* l = tcp_listen(pcb);
  tcp_accept(l, accept_none);
  return l;
}

platform::PosixClock clock_source;
constexpr auto kTable = policy::compact(kPolicy);
stack::ListenerAudit audit{kTable, stack::Enforcement::kClose};
std::uint64_t now_ms = 0;

}  // namespace

extern "C" {
int portcullis_ip4_input_hook(pbuf*, netif*) {
  return 0;
}
int portcullis_ip6_input_hook(pbuf*, netif*) {
  return 0;
}

// The measured steps.
__attribute__((noinline)) void bench_step(bool force) {
  if (force) {
    audit.audit_now(now_ms);
  } else {
    audit.poll(now_ms);
  }
}
}

int main(int argc, char** argv) {
  const char* scenario = argc > 1 ? argv[1] : "";
  stack::set_lwip_clock(clock_source);
  lwip_init();
  // Every listen PCB and every UDP PCB, on allowed ports; one listen PCB is kept free for
  // the rogue in the "rogue" scenario.
  const bool rogue = std::strcmp(scenario, "rogue") == 0;
  for (int i = 0; i < MEMP_NUM_TCP_PCB_LISTEN - (rogue ? 1 : 0); ++i) {
    listen_on(static_cast<std::uint16_t>(kFirstPort + i));
  }
  for (int i = 0; i < MEMP_NUM_UDP_PCB; ++i) {
    udp_bind(udp_new_ip_type(IPADDR_TYPE_ANY), IP_ANY_TYPE,
             static_cast<std::uint16_t>(kFirstPort + MEMP_NUM_TCP_PCB_LISTEN + i));
  }
  audit.audit_now(now_ms);

  if (std::strcmp(scenario, "idle") == 0) {  // a loop turn between audits: fingerprint only
    for (int i = 0; i < kIterations; ++i) {
      bench_step(false);
    }
  } else if (std::strcmp(scenario, "audit") == 0) {  // a full audit, nothing to close
    for (int i = 0; i < kIterations; ++i) {
      bench_step(true);
    }
  } else if (rogue) {  // a new listener: found by the fingerprint, audited, closed
    for (int i = 0; i < kIterations; ++i) {
      listen_on(kRoguePort);
      bench_step(false);
    }
  } else {
    std::fprintf(stderr, "usage: %s idle|audit|rogue\n", argv[0]);
    return 2;
  }
  const bool ok = audit.audits() == (std::strcmp(scenario, "idle") == 0 ? 1u : 1u + kIterations) &&
                  audit.violations().total() == (rogue ? kIterations : 0u);
  std::printf("%s: %d steps, %llu audits, %llu violations%s\n", scenario, kIterations,
              static_cast<unsigned long long>(audit.audits()),
              static_cast<unsigned long long>(audit.violations().total()),
              ok ? "" : " (unexpected audit count)");
  return ok ? 0 : 1;
}
