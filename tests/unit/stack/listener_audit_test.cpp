// SPDX-License-Identifier: Apache-2.0
// The listener audit on real lwIP: rogue listeners opened by test code on ports the policy
// does not allow are found, closed (or reported), recorded, and really gone from the stack:
// a TCP listener freed, a UDP socket deaf but left to its owner, who may still hold it.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/lwip_port.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::policy::Policy;
using portcullis::policy::Proto;
using portcullis::report::Listener;
using portcullis::stack::Enforcement;
using portcullis::stack::kAuditPeriodMs;
using portcullis::stack::ListenerAudit;
using portcullis::stack::Violation;
using portcullis::stack::ViolationAction;

namespace {

constexpr std::uint16_t kRogueTcp = 2323;
constexpr std::uint16_t kRogueUdp = 1900;

// The audit's policy: tcp 80 and udp 5683 only.
constexpr Policy make_policy(bool with_rogue_ports) {
  Policy p;
  p.echo = true;
  p.rule_count = with_rogue_ports ? 4 : 2;
  p.rules[0].proto = Proto::kTcp;
  p.rules[0].first_port = 80;
  p.rules[0].last_port = 80;
  p.rules[1].proto = Proto::kUdp;
  p.rules[1].first_port = 5683;
  p.rules[1].last_port = 5683;
  p.rules[2].proto = Proto::kTcp;
  p.rules[2].first_port = kRogueTcp;
  p.rules[2].last_port = kRogueTcp;
  p.rules[3].proto = Proto::kUdp;
  p.rules[3].first_port = kRogueUdp;
  p.rules[3].last_port = kRogueUdp;
  return p;
}
constexpr Policy kPolicy = make_policy(false);
constexpr auto kTable = portcullis::policy::compact(kPolicy);
// Input hooks that let the rogue ports through, to show the listener itself is gone.
constexpr Policy kPermissive = make_policy(true);

void echo(void*, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port) {
  (void)udp_sendto(pcb, p, addr, port);
  pbuf_free(p);
}

udp_pcb* bind_on(std::uint16_t port) {
  udp_pcb* pcb = in_lwip([port]() -> udp_pcb* {
    udp_pcb* p = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (p == nullptr || udp_bind(p, IP_ANY_TYPE, port) != ERR_OK) {
      return nullptr;
    }
    udp_recv(p, echo, nullptr);
    return p;
  });
  CHECK(pcb != nullptr);
  return pcb;
}

// A client socket, as a DNS or MQTT client would have it: connected to one peer.
udp_pcb* udp_client() {
  udp_pcb* pcb = in_lwip([]() -> udp_pcb* {
    udp_pcb* p = udp_new_ip_type(IPADDR_TYPE_V4);
    ip_addr_t peer = IPADDR4_INIT_BYTES(192, 0, 2, 1);
    if (p == nullptr || udp_connect(p, &peer, 53) != ERR_OK) {
      return nullptr;
    }
    return p;
  });
  CHECK(pcb != nullptr);
  return pcb;
}

bool tcp_listening(std::uint16_t port) {
  return in_lwip([port] {
    for (const tcp_pcb_listen* l = tcp_listen_pcbs.listen_pcbs; l != nullptr; l = l->next) {
      if (l->local_port == port) {
        return true;
      }
    }
    return false;
  });
}

bool udp_bound(std::uint16_t port) {
  return in_lwip([port] {
    for (const udp_pcb* u = udp_pcbs; u != nullptr; u = u->next) {
      if (u->local_port == port) {
        return true;
      }
    }
    return false;
  });
}

// Is `port` among the listeners the audit sees (and the status lists)?
bool listed(const ListenerAudit& audit, Proto proto, std::uint16_t port) {
  std::array<Listener, portcullis::stack::kMaxListeners> out{};
  const std::size_t n = in_lwip([&] { return audit.listeners(out); });
  for (std::size_t i = 0; i < n; ++i) {
    if (out[i].proto == proto && out[i].port == port) {
      return true;
    }
  }
  return false;
}

// A firmware's own client socket as lwIP's SNTP client (apps/sntp) has it: unconnected,
// bound to a random port by its first send, kept in a static for the next request; counts
// what it hears.
struct OwnClient {
  udp_pcb* pcb = nullptr;
  int heard = 0;
};

void count_heard(void* arg, udp_pcb*, pbuf* p, const ip_addr_t*, u16_t) {
  ++static_cast<OwnClient*>(arg)->heard;
  pbuf_free(p);
}

err_t send_request(udp_pcb* pcb) {
  return in_lwip([pcb]() -> err_t {
    pbuf* p = pbuf_alloc(PBUF_TRANSPORT, 48, PBUF_RAM);
    if (p == nullptr) {
      return ERR_MEM;
    }
    std::memset(p->payload, 0, 48);
    ip_addr_t server = IPADDR4_INIT_BYTES(192, 0, 2, 1);
    const err_t err = udp_sendto(pcb, p, &server, 123);
    pbuf_free(p);
    return err;
  });
}

std::vector<Violation> recorded(const ListenerAudit& audit) {
  std::array<Violation, portcullis::stack::kAuditLogSize> out{};
  const std::size_t n = audit.violations().recent(out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

std::uint64_t now() {
  return lwip_test_clock().now_ms();
}

Bytes syn(std::uint16_t dport, std::uint16_t sport) {
  return tcp_frame({.src_port = sport, .dst_port = dport, .seq = 1000, .ack = 0, .flags = kSyn});
}

Bytes datagram(std::uint16_t dport) {
  return udp_frame({.src_port = 40000, .dst_port = dport, .payload = {'x'}});
}

std::vector<TcpSegment> tcp_of(const std::vector<Bytes>& frames) {
  std::vector<TcpSegment> out;
  for (const Bytes& f : frames) {
    if (auto s = sent_tcp(f)) {
      out.push_back(*s);
    }
  }
  return out;
}

}  // namespace

TEST_GROUP(ListenerAudit) {
  LwipDevice* dev = nullptr;
  void setup() override {
    set_hook_policy(kPolicy);
    dev = new LwipDevice;
    dev->start();
  }
  void teardown() override {
    delete dev;
    set_hook_policy(default_hook_policy());
  }
};

TEST(ListenerAudit, ARogueTcpListenerIsClosedWithinOneAuditPeriod) {
  listen_on(80);
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  LONGS_EQUAL(0, audit.violations().total());

  listen_on(kRogueTcp);
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());

  CHECK_FALSE(tcp_listening(kRogueTcp));
  CHECK_TRUE(tcp_listening(80));
  const auto v = recorded(audit);
  LONGS_EQUAL(1, v.size());
  CHECK(v[0].proto == Proto::kTcp);
  LONGS_EQUAL(kRogueTcp, v[0].port);
  CHECK(v[0].action == ViolationAction::kClosed);
  LONGS_EQUAL(now(), v[0].uptime_ms);
  // The allowed listener still answers.
  const auto out = tcp_of(dev->exchange(syn(80, 40000)));
  LONGS_EQUAL(1, out.size());
  BYTES_EQUAL(kSyn | kAck, out[0].flags);
}

TEST(ListenerAudit, ARogueUdpSocketIsClosedButAllowedAndClientSocketsStay) {
  bind_on(5683);
  const udp_pcb* client = udp_client();
  const std::uint16_t client_port = client->local_port;  // ephemeral: no rule allows it
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());

  bind_on(kRogueUdp);
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());

  // Closed: no listener any more, though lwIP keeps the PCB for its owner (below).
  CHECK_FALSE(listed(audit, Proto::kUdp, kRogueUdp));
  CHECK_TRUE(udp_bound(5683));
  CHECK_TRUE(listed(audit, Proto::kUdp, 5683));
  CHECK_TRUE(udp_bound(client_port));
  const auto v = recorded(audit);
  LONGS_EQUAL(1, v.size());
  CHECK(v[0].proto == Proto::kUdp);
  LONGS_EQUAL(kRogueUdp, v[0].port);
  CHECK(v[0].action == ViolationAction::kClosed);
}

TEST(ListenerAudit, AChangeOfTheListsIsAuditedAtOnce) {
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  listen_on(kRogueTcp);
  audit.poll(now());  // the clock has not moved
  CHECK_FALSE(tcp_listening(kRogueTcp));
  LONGS_EQUAL(1, audit.violations().total());
}

TEST(ListenerAudit, AUdpSocketDisconnectedIntoAListenerIsAuditedAtOnce) {
  udp_pcb* client = udp_client();
  const std::uint16_t port = client->local_port;
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  CHECK_TRUE(udp_bound(port));                    // a client is no listener
  in_lwip([client] { udp_disconnect(client); });  // same PCB, same port: now it hears anyone
  audit.poll(now());
  CHECK_FALSE(listed(audit, Proto::kUdp, port));
  LONGS_EQUAL(1, audit.violations().total());
}

TEST(ListenerAudit, WithoutChangeItAuditsOncePerPeriod) {
  listen_on(80);
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  LONGS_EQUAL(1, audit.audits());
  for (int i = 0; i < 10; ++i) {
    lwip_test_clock().advance(kAuditPeriodMs / 10 - 1);
    audit.poll(now());
  }
  LONGS_EQUAL(1, audit.audits());
  lwip_test_clock().advance(10);
  audit.poll(now());
  LONGS_EQUAL(2, audit.audits());
}

TEST(ListenerAudit, ItsOwnClosingDoesNotTriggerAnotherAudit) {
  ListenerAudit audit{kTable, Enforcement::kClose};
  listen_on(kRogueTcp);
  audit.poll(now());
  LONGS_EQUAL(1, audit.audits());
  audit.poll(now());
  LONGS_EQUAL(1, audit.audits());
}

TEST(ListenerAudit, AuditNowAuditsWhateverTheSchedule) {
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.audit_now(now());
  audit.audit_now(now());
  LONGS_EQUAL(2, audit.audits());
  listen_on(kRogueTcp);
  bind_on(kRogueUdp);
  audit.audit_now(now());
  CHECK_FALSE(tcp_listening(kRogueTcp));
  CHECK_FALSE(listed(audit, Proto::kUdp, kRogueUdp));
  LONGS_EQUAL(2, audit.violations().total());
}

TEST(ListenerAudit, AClosedRogueAnswersNothingEvenWhereTheFilterLetsItsPortThrough) {
  set_hook_policy(kPermissive);
  listen_on(kRogueTcp);
  bind_on(kRogueUdp);
  // Before the audit, with the filter out of the way, both answer.
  LONGS_EQUAL(1, tcp_of(dev->exchange(syn(kRogueTcp, 40001))).size());
  LONGS_EQUAL(1, dev->exchange(datagram(kRogueUdp)).size());
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  LONGS_EQUAL(0, dev->exchange(syn(kRogueTcp, 40002)).size());
  LONGS_EQUAL(0, dev->exchange(datagram(kRogueUdp)).size());
}

TEST(ListenerAudit, ReportOnlyLeavesTheRogueOpenAndRecordsItOnce) {
  ListenerAudit audit{kTable, Enforcement::kReportOnly};
  tcp_pcb* rogue = listen_on(kRogueTcp);
  audit.poll(now());
  const std::uint64_t first_seen = now();
  for (int i = 0; i < 5; ++i) {
    lwip_test_clock().advance(kAuditPeriodMs);
    audit.poll(now());
  }
  CHECK_TRUE(audit.audits() >= 6);
  CHECK_TRUE(tcp_listening(kRogueTcp));
  auto v = recorded(audit);
  LONGS_EQUAL(1, v.size());
  CHECK(v[0].action == ViolationAction::kReported);
  LONGS_EQUAL(kRogueTcp, v[0].port);
  LONGS_EQUAL(first_seen, v[0].uptime_ms);

  // Gone, then back: a new record.
  LONGS_EQUAL(ERR_OK, in_lwip([rogue] { return tcp_close(rogue); }));
  audit.poll(now());
  LONGS_EQUAL(1, audit.violations().total());
  listen_on(kRogueTcp);
  lwip_test_clock().advance(1);
  audit.poll(now());
  LONGS_EQUAL(2, audit.violations().total());
  LONGS_EQUAL(now(), audit.violations().find(1)->uptime_ms);
}

TEST(ListenerAudit, ListenersShowsEveryRealListenerAndWhetherItIsAllowed) {
  ListenerAudit audit{kTable, Enforcement::kReportOnly};
  listen_on(80);
  listen_on(kRogueTcp);
  bind_on(5683);
  bind_on(kRogueUdp);
  udp_client();  // not a listener
  std::array<Listener, portcullis::stack::kMaxListeners> out{};
  const std::size_t n = in_lwip([&] { return audit.listeners(out); });
  LONGS_EQUAL(4, n);
  // lwIP's lists, newest first: TCP, then UDP.
  CHECK(out[0].proto == Proto::kTcp);
  LONGS_EQUAL(kRogueTcp, out[0].port);
  CHECK_FALSE(out[0].allowed);
  CHECK(out[1].proto == Proto::kTcp);
  LONGS_EQUAL(80, out[1].port);
  CHECK_TRUE(out[1].allowed);
  CHECK(out[2].proto == Proto::kUdp);
  LONGS_EQUAL(kRogueUdp, out[2].port);
  CHECK_FALSE(out[2].allowed);
  CHECK(out[3].proto == Proto::kUdp);
  LONGS_EQUAL(5683, out[3].port);
  CHECK_TRUE(out[3].allowed);

  std::array<Listener, 2> short_out{};
  LONGS_EQUAL(2, in_lwip([&] { return audit.listeners(short_out); }));
}

TEST(ListenerAudit, FullPoolsAreAuditedWhole) {
  // Every listen PCB and every UDP PCB lwIP has left (its DNS client holds one), all
  // forbidden: each one is closed, and lwIP's own is left alone.
  const std::uint16_t own = portcullis::stack::lwip_dns_pcb() != nullptr ? 1 : 0;
  ListenerAudit audit{kTable, Enforcement::kClose};
  for (std::uint16_t i = 0; i < MEMP_NUM_TCP_PCB_LISTEN; ++i) {
    listen_on(static_cast<std::uint16_t>(3000 + i));
  }
  for (std::uint16_t i = 0; i < MEMP_NUM_UDP_PCB - own; ++i) {
    bind_on(static_cast<std::uint16_t>(4000 + i));
  }
  audit.poll(now());
  POINTERS_EQUAL(nullptr, in_lwip([] { return tcp_listen_pcbs.listen_pcbs; }));
  std::array<Listener, portcullis::stack::kMaxListeners> out{};
  LONGS_EQUAL(0, in_lwip([&] { return audit.listeners(out); }));
  LONGS_EQUAL(portcullis::stack::kMaxAuditedPcbs - own, audit.violations().total());
  // Nothing more to close: the next audits find no listener.
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());
  LONGS_EQUAL(portcullis::stack::kMaxAuditedPcbs - own, audit.violations().total());
}

// lwIP's SNTP client (apps/sntp) in a firmware's own lwIP, or any client socket sent from
// without connect(): an unconnected PCB on a random port, which hears anyone there, so a
// listener the policy does not allow. Its owner keeps the PCB in a static and sends from it
// again: the audit must not free it (the owner would write into a freed pool entry), only
// make it deaf.
TEST(ListenerAudit, AFirmwaresUnconnectedClientSocketIsClosedWithoutBeingFreed) {
  set_hook_policy(kPermissive);
  OwnClient own;
  own.pcb = in_lwip([&own] {
    udp_pcb* p = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (p != nullptr) {
      udp_recv(p, count_heard, &own);
    }
    return p;
  });
  CHECK(own.pcb != nullptr);
  LONGS_EQUAL(ERR_OK, send_request(own.pcb));  // binds it to a random port
  const std::uint16_t port = own.pcb->local_port;
  CHECK(port != 0);
  ListenerAudit audit{kTable, Enforcement::kClose};
  audit.poll(now());
  const auto v = recorded(audit);
  LONGS_EQUAL(1, v.size());
  CHECK(v[0].proto == Proto::kUdp);
  LONGS_EQUAL(port, v[0].port);
  CHECK(v[0].action == ViolationAction::kClosed);
  CHECK_FALSE(listed(audit, Proto::kUdp, port));

  // Still the owner's: in lwIP's list, on its port, and it sends as before.
  CHECK_TRUE(in_lwip([&own] {
    for (const udp_pcb* u = udp_pcbs; u != nullptr; u = u->next) {
      if (u == own.pcb) {
        return true;
      }
    }
    return false;
  }));
  LONGS_EQUAL(port, own.pcb->local_port);
  LONGS_EQUAL(ERR_OK, send_request(own.pcb));
  // Deaf: a datagram to its port (the hooks let it through here) reaches nothing.
  LONGS_EQUAL(
      0, dev->exchange(udp_frame({.src_port = 123, .dst_port = port, .payload = {'x'}})).size());
  LONGS_EQUAL(0, own.heard);
  // Found once: the next audits leave it alone.
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());
  LONGS_EQUAL(1, audit.violations().total());

  // Its owner listens on it again: a listener again, found and closed again.
  in_lwip([&own] { udp_recv(own.pcb, count_heard, &own); });
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());
  LONGS_EQUAL(2, audit.violations().total());
  CHECK_FALSE(listed(audit, Proto::kUdp, port));
  // The owner removes it: nothing freed twice.
  in_lwip([&own] { udp_remove(own.pcb); });
  lwip_test_clock().advance(kAuditPeriodMs);
  audit.poll(now());
  LONGS_EQUAL(2, audit.violations().total());
}
