// SPDX-License-Identifier: Apache-2.0
// The listener audit on lwIP's own PCB lists: snapshot first, judge the snapshot, then close
// from it, so no list is changed while it is walked and no PCB is touched once freed.
#include "portcullis/stack/listener_audit.hpp"

#include <array>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "portcullis/stack/lwip_context.hpp"
#include "portcullis/stack/lwip_port.hpp"
#include "portcullis/stack/time_sync.hpp"

#if LWIP_DHCP
#include "lwip/dhcp.h"
#include "lwip/prot/iana.h"
#endif

namespace portcullis::stack {
namespace {

using Snapshot = std::array<PcbEntry, kMaxAuditedPcbs>;

// A UDP client socket (PcbEntry::connected): connected to one peer's address; lwIP's DHCP
// client, which holds port 68 while any netif runs DHCP (lwIP binds it without SO_REUSE, so
// no application PCB can share the port) and is connected to 0.0.0.0:67; or lwIP's DNS
// client's one PCB (lwip_dns_pcb()); or lwIP's SNTP client's (lwip_sntp_pcb()). Closing any
// would free a PCB lwIP still holds.
static_assert(SO_REUSE == 0, "udp_client() trusts that no PCB shares lwIP's DHCP client port");

bool udp_client(const udp_pcb* u) {
  if (u == lwip_dns_pcb() || u == lwip_sntp_pcb()) {
    return true;
  }
  if ((u->flags & UDP_FLAGS_CONNECTED) == 0) {
    return false;
  }
  if (!ip_addr_isany(&u->remote_ip)) {
    return true;
  }
#if LWIP_DHCP
  if (u->local_port == LWIP_IANA_PORT_DHCP_CLIENT && u->remote_port == LWIP_IANA_PORT_DHCP_SERVER) {
    const netif* n = nullptr;
    NETIF_FOREACH(n) {
      if (netif_dhcp_data(n) != nullptr) {
        return true;
      }
    }
  }
#endif
  return false;
}

// What a UDP socket the audit closed hears: nothing. The audit does not free a UDP PCB: its
// owner still holds it (lwIP's SNTP client resends from its static PCB every few seconds;
// an application's client socket sends again) and would write into a freed pool entry. It
// takes its receive callback instead, so every datagram lwIP delivers there is freed unread;
// the owner may still send from it, or remove it. A socket whose owner sets a callback again
// is a listener again, and found at the next audit.
void discard_datagram(void* /*arg*/, udp_pcb* /*pcb*/, pbuf* p, const ip_addr_t* /*addr*/,
                      u16_t /*port*/) {
  pbuf_free(p);
}

bool closed_by_audit(const udp_pcb* u) {
  return u->recv == discard_datagram;
}

// Both lists, each walked at most as far as its pool is large (a corrupted list cannot make
// the audit loop), without the UDP sockets the audit closed. Returns how many entries it wrote.
std::size_t collect(Snapshot& out) {
  std::size_t n = 0;
  std::size_t walked = 0;
  for (tcp_pcb_listen* l = tcp_listen_pcbs.listen_pcbs;
       l != nullptr && walked < MEMP_NUM_TCP_PCB_LISTEN; l = l->next, ++walked) {
    out[n++] = {policy::Proto::kTcp, l->local_port, false, l};
  }
  walked = 0;
  for (udp_pcb* u = udp_pcbs; u != nullptr && walked < MEMP_NUM_UDP_PCB; u = u->next, ++walked) {
    if (!closed_by_audit(u)) {
      out[n++] = {policy::Proto::kUdp, u->local_port, udp_client(u), u};
    }
  }
  return n;
}

ViolationAction close_listener(const PcbEntry& pcb) {
  if (pcb.proto == policy::Proto::kUdp) {
    udp_recv(static_cast<udp_pcb*>(pcb.handle), discard_datagram, nullptr);
    return ViolationAction::kClosed;
  }
  // lwIP frees a LISTEN PCB at once and returns ERR_OK (2.2.1 cannot fail there). There is
  // no tcp_abort() fallback: lwIP asserts tcp_abort() is never called on a listen PCB.
  // Should a later lwIP refuse, the listener stays open and is reported as such.
  return tcp_close(static_cast<tcp_pcb*>(pcb.handle)) == ERR_OK ? ViolationAction::kClosed
                                                                : ViolationAction::kReported;
}

}  // namespace

void ListenerAudit::poll(std::uint64_t now_ms) {
  const LwipContext in_lwip;  // the walk and the closes, against the tcpip thread
  Snapshot pcbs;
  const std::size_t n = collect(pcbs);
  const std::span<const PcbEntry> seen(pcbs.data(), n);
  if (schedule_.due(now_ms, fingerprint(seen))) {
    run(now_ms, seen);
  }
}

void ListenerAudit::audit_now(std::uint64_t now_ms) {
  const LwipContext in_lwip;
  Snapshot pcbs;
  const std::size_t n = collect(pcbs);
  run(now_ms, std::span<const PcbEntry>(pcbs.data(), n));
}

void ListenerAudit::run(std::uint64_t now_ms, std::span<const PcbEntry> pcbs) {
  Snapshot forbidden;
  const std::size_t n = find_violations(pcbs, policy_, forbidden);
  std::array<Violation, kMaxAuditedPcbs> found;
  bool closed_any = false;
  for (std::size_t i = 0; i < n; ++i) {
    const PcbEntry& pcb = forbidden[i];
    const ViolationAction action =
        enforcement_ == Enforcement::kClose ? close_listener(pcb) : ViolationAction::kReported;
    closed_any = closed_any || action == ViolationAction::kClosed;
    found[i] = {pcb.proto, pcb.port, action, now_ms};
  }
  log_.record_audit(std::span<const Violation>(found.data(), n));
  ++audits_;
  if (!closed_any) {
    schedule_.ran(now_ms, fingerprint(pcbs));
    return;
  }
  // `pcbs` names freed PCBs now: fingerprint the lists as they are (in `forbidden`, whose
  // entries are spent, to keep the stack small).
  schedule_.ran(now_ms,
                fingerprint(std::span<const PcbEntry>(forbidden.data(), collect(forbidden))));
}

void ListenerAudit::report(report::StatusSnapshot& s) const {
  s.listening.count = listeners(s.listening.items);
  s.violations.count = log_.recent(s.violations.items);
  s.violations_total = log_.total();
}

std::size_t ListenerAudit::listeners(std::span<report::Listener> out) const {
  Snapshot pcbs;
  const std::size_t n = collect(pcbs);
  std::size_t written = 0;
  for (std::size_t i = 0; i < n && written < out.size(); ++i) {
    if (is_listener(pcbs[i])) {
      out[written++] = {pcbs[i].proto, pcbs[i].port,
                        policy_.allows_port(pcbs[i].proto, pcbs[i].port)};
    }
  }
  return written;
}

}  // namespace portcullis::stack
