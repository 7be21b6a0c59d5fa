// SPDX-License-Identifier: Apache-2.0
// The early filter inside real lwIP: what the device sends back (or not) for each packet.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/report/blocked_log.hpp"
#include "portcullis/report/scan_detector.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::filter::Reason;
using portcullis::policy::Mode;
using portcullis::policy::Policy;
using portcullis::test::hook_filter;

namespace {

constexpr Policy kStealth = web_and_coap_policy(Mode::kStealth);
constexpr Policy kReject = web_and_coap_policy(Mode::kReject);

// tcp 80-84 (services), udp 5683 and a management port: a device whose allowed ports can
// together ask for more PCBs than lwIP has.
constexpr std::uint16_t kMgmtPort = 8443;
constexpr Policy services_and_mgmt_policy() {
  Policy p = web_and_coap_policy(Mode::kStealth);
  p.rules[0].last_port = 84;
  p.rules[2].proto = portcullis::policy::Proto::kTcp;
  p.rules[2].first_port = kMgmtPort;
  p.rules[2].last_port = kMgmtPort;
  p.rules[2].mgmt = true;
  p.rule_count = 3;
  return p;
}
constexpr Policy kServicesAndMgmt = services_and_mgmt_policy();

TcpSegment syn(std::uint16_t dport, std::uint32_t seq = 1000) {
  return TcpSegment{.src_port = 40000, .dst_port = dport, .seq = seq, .ack = 0, .flags = kSyn};
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

// Scan probes nmap sends besides SYN: FIN, NULL, Xmas, ACK, Maimon (FIN+ACK), and a RST.
const std::uint8_t kProbeFlags[] = {kFin, 0, kFin | kPsh | kUrg, kAck, kFin | kAck, kRst};

}  // namespace

namespace {
bool connected_called = false;
Bytes received;
err_t on_connected(void*, tcp_pcb*, err_t err) {
  connected_called = err == ERR_OK;
  return ERR_OK;
}
err_t on_recv(void*, tcp_pcb* pcb, pbuf* p, err_t) {
  if (p != nullptr) {
    const std::size_t at = received.size();
    received.resize(at + p->tot_len);
    pbuf_copy_partial(p, received.data() + at, p->tot_len, 0);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
  }
  return ERR_OK;
}
// The device connects to the peer's port 5555 (on_recv takes what arrives); returns the
// TCP segments it sent (its SYN, from an ephemeral port no rule allows).
std::vector<TcpSegment> connect_to_peer(LwipDevice& dev, err_t& connected) {
  settle_lwip();  // timers due now send nothing into what tcp_connect() sends
  return tcp_of(in_lwip([&] {
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    tcp_recv(pcb, on_recv);
    ip_addr_t peer = IPADDR4_INIT_BYTES(192, 0, 2, 1);
    dev.mac.sent().clear();
    connected = tcp_connect(pcb, &peer, 5555, on_connected);
    return dev.mac.sent();
  }));
}
void on_udp(void*, udp_pcb*, pbuf* p, const ip_addr_t*, u16_t) {
  const std::size_t at = received.size();
  received.resize(at + p->tot_len);
  pbuf_copy_partial(p, received.data() + at, p->tot_len, 0);
  pbuf_free(p);
}
}  // namespace

// Pool pbufs a test holds; given back in teardown, which runs even when a check failed.
std::vector<pbuf*> held_pbufs;

TEST_GROUP(InputFilter) {
  LwipDevice* dev = nullptr;
  void setup() override {
    set_hook_policy(kStealth);
    dev = new LwipDevice;
    dev->start();
  }
  void teardown() override {
    in_lwip([] {
      for (pbuf* p : held_pbufs) {
        pbuf_free(p);
      }
      return 0;
    });
    held_pbufs = std::vector<pbuf*>{};
    delete dev;
    received = Bytes{};  // give back its heap before CppUTest's leak check
    set_hook_policy(default_hook_policy());
  }
};

TEST(InputFilter, SynToAnAllowedPortWithAListenerGetsSynAck) {
  listen_on(80);
  const auto out = tcp_of(dev->exchange(tcp_frame(syn(80, 5000))));
  LONGS_EQUAL(1, out.size());
  BYTES_EQUAL(kSyn | kAck, out[0].flags);
  LONGS_EQUAL(5001, out[0].ack);
  LONGS_EQUAL(80, out[0].src_port);
}

TEST(InputFilter, StealthKeepsAnAllowedPortWithoutListenerSilent) {
  LONGS_EQUAL(0, dev->exchange(tcp_frame(syn(80))).size());
  LONGS_EQUAL(0, dev->exchange(udp_frame({.src_port = 40000, .dst_port = 5683})).size());
  listen_on(80);  // positive check: once something listens, the same SYN is answered
  LONGS_EQUAL(1, tcp_of(dev->exchange(tcp_frame(syn(80)))).size());
}

TEST(InputFilter, RejectAnswersAnAllowedPortWithoutListenerLikeAClosedOne) {
  set_hook_policy(kReject);
  lwip_test_clock().advance(10'000);
  const auto out = tcp_of(dev->exchange(tcp_frame(syn(80, 3000))));
  LONGS_EQUAL(1, out.size());
  CHECK((out[0].flags & kRst) != 0);
}

TEST(InputFilter, StealthSendsNothingAtAllForAClosedPortWhateverTheFlags) {
  const auto before = hook_filter().counters().by_reason(Reason::kClosedPort);
  LONGS_EQUAL(0, dev->exchange(tcp_frame(syn(81))).size());
  for (const std::uint8_t flags : kProbeFlags) {
    TcpSegment s = syn(81);
    s.flags = flags;
    LONGS_EQUAL(0, dev->exchange(tcp_frame(s)).size());
  }
  LONGS_EQUAL(before + 1 + sizeof kProbeFlags,
              hook_filter().counters().by_reason(Reason::kClosedPort));
}

TEST(InputFilter, ANonAllowedListenerIsUnreachable) {
  listen_on(8081);  // a listener the policy does not allow
  LONGS_EQUAL(0, dev->exchange(tcp_frame(syn(8081))).size());
  set_hook_policy(kReject);
  const auto out = tcp_of(dev->exchange(tcp_frame(syn(8081))));
  LONGS_EQUAL(0, out.size());  // not even reject mode lets lwIP answer for it
}

TEST(InputFilter, StealthSendsNothingForUdpToAClosedPort) {
  LONGS_EQUAL(0, dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161})).size());
}

TEST(InputFilter, RejectAnswersASynToAClosedPortWithExactlyOneRst) {
  set_hook_policy(kReject);
  lwip_test_clock().advance(10'000);  // a full reject budget
  const auto out = tcp_of(dev->exchange(tcp_frame(syn(81, 7000))));
  LONGS_EQUAL(1, out.size());
  CHECK((out[0].flags & kRst) != 0);
  LONGS_EQUAL(7001, out[0].ack);
  LONGS_EQUAL(81, out[0].src_port);
}

TEST(InputFilter, RejectSendsNothingForScanProbesOtherThanSyn) {
  set_hook_policy(kReject);
  lwip_test_clock().advance(10'000);
  for (const std::uint8_t flags : kProbeFlags) {
    TcpSegment s = syn(81);
    s.flags = flags;
    LONGS_EQUAL(0, dev->exchange(tcp_frame(s)).size());
  }
}

TEST(InputFilter, RejectAnswersUdpToAClosedPortWithPortUnreachable) {
  set_hook_policy(kReject);
  lwip_test_clock().advance(10'000);
  const auto out = dev->exchange(udp_frame({.src_port = 40000, .dst_port = 161}));
  LONGS_EQUAL(1, out.size());
  const auto type = sent_icmp_type(out[0]);
  CHECK(type.has_value());
  BYTES_EQUAL(3, *type);                // destination unreachable
  BYTES_EQUAL(3, out[0][14 + 20 + 1]);  // code: port unreachable
}

TEST(InputFilter, RejectIsRateLimited) {
  set_hook_policy(kReject);
  lwip_test_clock().advance(10'000);
  std::size_t rsts = 0;
  for (std::uint32_t i = 0; i < 3 * portcullis::stack::kRejectBurst; ++i) {
    rsts += tcp_of(dev->exchange(tcp_frame(syn(81, 100 * i)))).size();
  }
  LONGS_EQUAL(portcullis::stack::kRejectBurst, rsts);
  lwip_test_clock().advance(1000);  // one second refills kRejectsPerSecond
  rsts = 0;
  for (std::uint32_t i = 0; i < 3 * portcullis::stack::kRejectsPerSecond; ++i) {
    rsts += tcp_of(dev->exchange(tcp_frame(syn(81, 100 * i)))).size();
  }
  LONGS_EQUAL(portcullis::stack::kRejectsPerSecond, rsts);
}

TEST(InputFilter, AConnectionTheDeviceOpensToAClosedPortWorks) {
  connected_called = false;
  received.clear();
  err_t connected = ERR_VAL;
  const auto out = connect_to_peer(*dev, connected);
  LONGS_EQUAL(ERR_OK, connected);
  LONGS_EQUAL(1, out.size());
  BYTES_EQUAL(kSyn, out[0].flags);
  const std::uint16_t local_port = out[0].src_port;  // an ephemeral port no rule allows

  const auto acked = tcp_of(dev->exchange(tcp_frame({.src_port = 5555,
                                                     .dst_port = local_port,
                                                     .seq = 9000,
                                                     .ack = out[0].seq + 1,
                                                     .flags = kSyn | kAck})));
  CHECK(connected_called);
  LONGS_EQUAL(1, acked.size());
  LONGS_EQUAL(9001, acked[0].ack);

  dev->exchange(tcp_frame({.src_port = 5555,
                           .dst_port = local_port,
                           .seq = 9001,
                           .ack = out[0].seq + 1,
                           .flags = kAck | kPsh,
                           .payload = {'h', 'i'}}));
  CHECK(received == (Bytes{'h', 'i'}));
  // The same port from another peer port is still closed.
  LONGS_EQUAL(
      0,
      dev->exchange(
             tcp_frame({.src_port = 5556, .dst_port = local_port, .seq = 1, .flags = kSyn | kAck}))
          .size());
}

TEST(InputFilter, ADnsLikeExchangeTheDeviceStartsWorks) {
  received.clear();
  settle_lwip();
  err_t connected = ERR_VAL;
  err_t sent = ERR_VAL;
  const std::vector<Bytes> frames = in_lwip([&] {
    udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_V4);
    udp_recv(pcb, on_udp, nullptr);
    ip_addr_t peer = IPADDR4_INIT_BYTES(192, 0, 2, 1);
    connected = udp_connect(pcb, &peer, 53);
    pbuf* q = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
    pbuf_take(q, "qry?", 4);
    dev->mac.sent().clear();
    sent = udp_send(pcb, q);
    pbuf_free(q);
    return dev->mac.sent();
  });
  LONGS_EQUAL(ERR_OK, connected);
  LONGS_EQUAL(ERR_OK, sent);
  LONGS_EQUAL(1, frames.size());
  const auto query = sent_udp(frames[0]);
  CHECK(query.has_value());
  LONGS_EQUAL(53, query->dst_port);

  dev->exchange(udp_frame({.src_port = 53, .dst_port = query->src_port, .payload = {'a', 'n'}}));
  CHECK(received == (Bytes{'a', 'n'}));
  // A datagram to the same port from elsewhere is not the answer, and is dropped.
  dev->exchange(udp_frame({.src_port = 54, .dst_port = query->src_port, .payload = {'x'}}));
  CHECK(received == (Bytes{'a', 'n'}));
}

// Security review finding 5: a source port of 53 (or 67) is no proof the datagram answers a
// query of lwIP's DNS (or DHCP) client. An application's unconnected socket on an ephemeral
// port (or on 68) heard anyone who sent from that port.
TEST(InputFilter, UdpFromADnsOrDhcpServerPortDoesNotReachAnUnconnectedSocket) {
  received.clear();
  std::uint16_t ephemeral = 0;
  const err_t bound = in_lwip([&] {
    udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    udp_recv(pcb, on_udp, nullptr);
    const err_t e = udp_bind(pcb, IP_ANY_TYPE, 0);  // lwIP picks a port >= 0xC000
    ephemeral = pcb->local_port;
    udp_pcb* client68 = udp_new_ip_type(IPADDR_TYPE_ANY);
    udp_recv(client68, on_udp, nullptr);
    return e != ERR_OK ? e : udp_bind(client68, IP_ANY_TYPE, 68);
  });
  LONGS_EQUAL(ERR_OK, bound);
  CHECK(ephemeral >= 0xC000);
  const auto closed = hook_filter().counters().by_reason(Reason::kClosedPort);
  const auto passed = hook_filter().counters().passed_total();
  LONGS_EQUAL(
      0,
      dev->exchange(udp_frame({.src_port = 53, .dst_port = ephemeral, .payload = {'x'}})).size());
  LONGS_EQUAL(0,
              dev->exchange(udp_frame({.src_port = 67, .dst_port = 68, .payload = {'y'}})).size());
  LONGS_EQUAL(
      0, dev->exchange(udp_frame({.src_port = 53, .dst_port = ephemeral, .payload = {'z'}}, true))
             .size());
  CHECK(received.empty());
  LONGS_EQUAL(closed + 3, hook_filter().counters().by_reason(Reason::kClosedPort));
  LONGS_EQUAL(passed, hook_filter().counters().passed_total());
}

// Security review finding 6: lwIP 2.2.1 has no SYN cookies and keeps a PCB for every SYN it
// answers until the handshake completes or SYN_RCVD times out (20 s). Connection attempts to
// one allowed port hold at most kHalfOpenPerPort PCBs, and attempts to ports other than the
// management port leave kTcpPcbReserve PCBs free for a management poll and the push; once
// the half-open connections are stale, a new attempt takes the place of the oldest.
TEST(InputFilter, SynsToAllowedPortsLeaveTcpPcbsForAManagementPollAndThePush) {
  using portcullis::stack::kHalfOpenPerPort;
  using portcullis::stack::kTcpPcbReserve;
  set_hook_policy(kServicesAndMgmt);
  constexpr std::uint16_t kFirst = 80;
  constexpr std::uint16_t kPorts = 5;
  constexpr std::size_t kPerPort = 4;
  for (std::uint16_t port = kFirst; port < kFirst + kPorts; ++port) {
    listen_on(port);
  }
  listen_on(kMgmtPort);
  const auto limited = hook_filter().counters().by_reason(Reason::kConnectionLimit);
  std::size_t synacks = 0;
  std::uint16_t sport = 30000;
  for (std::uint16_t port = kFirst; port < kFirst + kPorts; ++port) {
    for (std::size_t i = 0; i < kPerPort; ++i) {
      TcpSegment s = syn(port);
      s.src_port = sport++;
      for (const TcpSegment& out : tcp_of(dev->exchange(tcp_frame(s)))) {
        synacks += out.flags == (kSyn | kAck) ? 1 : 0;
      }
    }
  }
  // A management poll is answered, and the push can still open its connection.
  TcpSegment poll = syn(kMgmtPort);
  poll.src_port = sport++;
  const auto answer = tcp_of(dev->exchange(tcp_frame(poll)));
  LONGS_EQUAL(1, answer.size());
  BYTES_EQUAL(kSyn | kAck, answer[0].flags);
  const bool push_has_a_pcb = in_lwip([] {
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (pcb == nullptr) {
      return false;
    }
    tcp_abort(pcb);
    return true;
  });
  CHECK(push_has_a_pcb);
  // With the defaults (2 a port, 2 kept, 8 PCBs on the host build) three ports fill all the
  // PCBs but the reserve.
  const std::size_t admitted =
      std::min<std::size_t>(kPorts * kHalfOpenPerPort, MEMP_NUM_TCP_PCB - kTcpPcbReserve);
  CHECK(admitted < kPorts * kPerPort);
  LONGS_EQUAL(admitted, synacks);
  LONGS_EQUAL(limited + kPorts * kPerPort - admitted,
              hook_filter().counters().by_reason(Reason::kConnectionLimit));

  let_time_pass(1500);  // no peer answered its SYN-ACK: every half-open connection is stale
  TcpSegment late = syn(kFirst + kPorts - 1);
  late.src_port = sport++;
  LONGS_EQUAL(1, tcp_of(dev->exchange(tcp_frame(late))).size());
  LONGS_EQUAL(limited + kPorts * kPerPort - admitted,
              hook_filter().counters().by_reason(Reason::kConnectionLimit));
}

// Two SYNs from forged addresses (nobody answers the device's ARP for them) must not close an
// allowed port for the 20 s lwIP keeps their half-open connections.
TEST(InputFilter, HalfOpenConnectionsOfForgedPeersCloseAPortForASecondAtMost) {
  using portcullis::stack::kHalfOpenPerPort;
  set_hook_policy(kServicesAndMgmt);
  listen_on(80);
  for (std::uint8_t i = 0; i < kHalfOpenPerPort; ++i) {
    const Bytes forged = {192, 0, 2, static_cast<std::uint8_t>(100 + i)};
    LONGS_EQUAL(0, tcp_of(dev->exchange(tcp_frame(syn(80), false, forged))).size());
  }
  const auto limited = hook_filter().counters().by_reason(Reason::kConnectionLimit);
  TcpSegment first = syn(80);
  first.src_port = 40001;
  LONGS_EQUAL(0, tcp_of(dev->exchange(tcp_frame(first))).size());
  LONGS_EQUAL(limited + 1, hook_filter().counters().by_reason(Reason::kConnectionLimit));
  let_time_pass(1500);
  TcpSegment later = syn(80);
  later.src_port = 40002;
  const auto answer = tcp_of(dev->exchange(tcp_frame(later)));
  LONGS_EQUAL(1, answer.size());
  BYTES_EQUAL(kSyn | kAck, answer[0].flags);
  LONGS_EQUAL(limited + 1, hook_filter().counters().by_reason(Reason::kConnectionLimit));
}

TEST(InputFilter, HalfOpenConnectionsArePerPortBoundedButARetransmittedSynIsAnswered) {
  using portcullis::stack::kHalfOpenPerPort;
  set_hook_policy(kServicesAndMgmt);
  listen_on(80);
  listen_on(kMgmtPort);
  for (const std::uint16_t port : {std::uint16_t{80}, kMgmtPort}) {
    const auto limited = hook_filter().counters().by_reason(Reason::kConnectionLimit);
    std::vector<TcpSegment> sent;
    std::size_t synacks = 0;
    for (std::uint16_t i = 0; i < kHalfOpenPerPort + 2; ++i) {
      TcpSegment s = syn(port, 1000 * (i + 1));
      s.src_port = static_cast<std::uint16_t>(31000 + port + i);
      sent.push_back(s);
      synacks += tcp_of(dev->exchange(tcp_frame(s))).size();
    }
    LONGS_EQUAL(kHalfOpenPerPort, synacks);
    LONGS_EQUAL(limited + 2, hook_filter().counters().by_reason(Reason::kConnectionLimit));
    // A retransmission of a SYN that holds a PCB is that connection's, not a new one: lwIP
    // answers it with its SYN-ACK again.
    const auto again = tcp_of(dev->exchange(tcp_frame(sent[0])));
    LONGS_EQUAL(1, again.size());
    BYTES_EQUAL(kSyn | kAck, again[0].flags);
    // Once a handshake completes, the port takes a new connection attempt.
    dev->exchange(tcp_frame({.src_port = sent[0].src_port,
                             .dst_port = port,
                             .seq = sent[0].seq + 1,
                             .ack = again[0].seq + 1,
                             .flags = kAck}));
    LONGS_EQUAL(1, tcp_of(dev->exchange(tcp_frame(sent.back()))).size());
    LONGS_EQUAL(limited + 2, hook_filter().counters().by_reason(Reason::kConnectionLimit));
  }
}

TEST(InputFilter, UdpToAnAllowedPortReachesItsPcb) {
  received.clear();
  const err_t bound = in_lwip([] {
    udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    udp_recv(pcb, on_udp, nullptr);
    return udp_bind(pcb, IP_ANY_TYPE, 5683);
  });
  LONGS_EQUAL(ERR_OK, bound);
  dev->exchange(udp_frame({.src_port = 40000, .dst_port = 5683, .payload = {'c', 'o'}}));
  CHECK(received == (Bytes{'c', 'o'}));
}

TEST(InputFilter, EveryPacketIsCountedOnce) {
  const auto rx = hook_filter().counters().rx_total();
  const auto passed = hook_filter().counters().passed_total();
  const auto dropped = hook_filter().counters().dropped_total();
  listen_on(80);
  dev->exchange(tcp_frame(syn(80)));
  dev->exchange(tcp_frame(syn(81)));
  dev->exchange(ipv4_echo_request(1, 1, {}));
  LONGS_EQUAL(rx + 3, hook_filter().counters().rx_total());
  LONGS_EQUAL(passed + 2, hook_filter().counters().passed_total());
  LONGS_EQUAL(dropped + 1, hook_filter().counters().dropped_total());
}

// Owned state: two filters in one process keep their own records; the hooks feed the one
// installed.
TEST(InputFilter, TwoFiltersKeepTheirOwnRecords) {
  constexpr auto kTable = portcullis::policy::compact(kStealth);
  portcullis::stack::InputFilter a{kTable};
  portcullis::stack::InputFilter b{kTable};
  portcullis::stack::use_input_filter(&a);
  dev->exchange(tcp_frame(syn(81)));
  dev->exchange(tcp_frame(syn(82)));
  portcullis::stack::use_input_filter(&b);
  dev->exchange(tcp_frame(syn(83)));
  LONGS_EQUAL(2, a.counters().by_reason(Reason::kClosedPort));
  LONGS_EQUAL(1, b.counters().by_reason(Reason::kClosedPort));
  std::array<portcullis::report::BlockedAttempt, 4> recent{};
  LONGS_EQUAL(2, a.blocked_log().recent(recent));
  LONGS_EQUAL(1, b.blocked_log().recent(recent));
  LONGS_EQUAL(83, recent[0].port);
  set_hook_policy(kStealth);  // the test group's own filter again, before a and b go
}

// The firmware's hooks (compiled_hooks.cpp) with no filter installed drop every packet.
TEST(InputFilter, WithoutAFilterTheHooksFailClosed) {
  portcullis::stack::use_input_filter(nullptr);
  pbuf* p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
  CHECK(p != nullptr);
  const Bytes frame = tcp_frame(syn(80));
  CHECK(frame.size() >= 14 + 40);
  pbuf_take(p, frame.data() + 14, 40);  // the IP packet, without the Ethernet header
  LONGS_EQUAL(1, portcullis::stack::judge_input(p, nullptr, false));  // consumed: freed
  set_hook_policy(kStealth);
}

TEST(InputFilter, Ipv6SynToAClosedPortIsDroppedBeforeLwipSeesIt) {
  const auto before = hook_filter().counters().by_reason(Reason::kClosedPort);
  const auto out = dev->exchange(tcp_frame(syn(81), true));
  LONGS_EQUAL(0, tcp_of(out).size());
  LONGS_EQUAL(before + 1, hook_filter().counters().by_reason(Reason::kClosedPort));
}

// A packet from one of the device's own addresses (its link-local one, made from its MAC) to
// another (its global one) is forged: the filter asks lwIP's netif and drops it as malformed;
// the same SYN from the peer passes.
TEST(InputFilter, APacketFromAnotherOfTheDevicesOwnAddressesIsMalformed) {
  const Bytes link_local = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                            0x00, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, 0x02};
  listen_on(80);
  const auto malformed = hook_filter().counters().by_reason(Reason::kMalformed);
  const auto passed = hook_filter().counters().passed_total();
  LONGS_EQUAL(0, tcp_of(dev->exchange(tcp_frame(syn(80), true, link_local))).size());
  LONGS_EQUAL(malformed + 1, hook_filter().counters().by_reason(Reason::kMalformed));
  LONGS_EQUAL(passed, hook_filter().counters().passed_total());
  dev->exchange(tcp_frame(syn(80), true));
  LONGS_EQUAL(malformed + 1, hook_filter().counters().by_reason(Reason::kMalformed));
  LONGS_EQUAL(passed + 1, hook_filter().counters().passed_total());
}

// What the status report shows of a SYN sweep: its source as a scanner, and its probes.
TEST(InputFilter, ASynSweepOverClosedPortsNamesItsSourceAsAScannerAndLogsItsProbes) {
  using portcullis::report::format_address;
  using portcullis::report::kScanThreshold;
  using portcullis::report::kScanWindowMs;
  lwip_test_clock().advance(kScanWindowMs);  // what earlier tests sent has expired
  const auto detected = hook_filter().scan_detector().detected_total();
  constexpr std::uint16_t kFirst = 2000;  // closed; one block of 64, so counted exactly
  for (std::uint16_t i = 0; i <= kScanThreshold; ++i) {
    LONGS_EQUAL(0, dev->exchange(tcp_frame(syn(static_cast<std::uint16_t>(kFirst + i)))).size());
    if (i + 1 == kScanThreshold) {
      LONGS_EQUAL(detected, hook_filter().scan_detector().detected_total());  // not yet
    }
    lwip_test_clock().advance(10);
  }
  LONGS_EQUAL(detected + 1, hook_filter().scan_detector().detected_total());

  std::array<portcullis::report::Scanner, portcullis::report::kMaxScanners> scanners{};
  const std::size_t n = hook_filter().scan_detector().scanners(scanners, hook_filter().uptime_ms());
  CHECK(n >= 1);
  STRCMP_EQUAL("192.0.2.1", std::string(format_address(scanners[0].src).view()).c_str());
  LONGS_EQUAL(kScanThreshold + 1, scanners[0].distinct_ports);
  LONGS_EQUAL(10 * kScanThreshold, scanners[0].last_ms - scanners[0].first_ms);

  std::array<portcullis::report::BlockedAttempt, portcullis::report::kMaxRecentBlocked> recent{};
  const std::size_t m = hook_filter().blocked_log().recent(recent);
  CHECK(m >= std::min<std::size_t>(recent.size(), kScanThreshold + 1));
  for (std::size_t k = 0; k < std::min<std::size_t>(m, kScanThreshold + 1); ++k) {
    STRCMP_EQUAL("192.0.2.1", std::string(format_address(recent[k].src).view()).c_str());
    LONGS_EQUAL(6, recent[k].ip_proto);
    LONGS_EQUAL(kFirst + kScanThreshold - k, recent[k].port);  // newest first
    CHECK(recent[k].reason == Reason::kClosedPort);
  }
  LONGS_EQUAL(scanners[0].last_ms, recent[0].uptime_ms);
}

TEST(InputFilter, TheSameHostsIpv4AndIpv6AddressesAreTwoSources) {
  using portcullis::report::format_address;
  using portcullis::report::kScanThreshold;
  using portcullis::report::kScanWindowMs;
  lwip_test_clock().advance(kScanWindowMs);
  const auto detected = hook_filter().scan_detector().detected_total();
  constexpr std::uint16_t kFirst = 3008;  // ports of one block of 64
  for (std::uint16_t i = 0; i < kScanThreshold; ++i) {
    dev->exchange(tcp_frame(syn(static_cast<std::uint16_t>(kFirst + i))));
    dev->exchange(tcp_frame(syn(static_cast<std::uint16_t>(kFirst + kScanThreshold + i)), true));
  }
  LONGS_EQUAL(detected, hook_filter().scan_detector().detected_total());  // 2 x threshold if merged
  dev->exchange(tcp_frame(syn(static_cast<std::uint16_t>(kFirst + 2 * kScanThreshold)), true));
  LONGS_EQUAL(detected + 1, hook_filter().scan_detector().detected_total());
  std::array<portcullis::report::Scanner, portcullis::report::kMaxScanners> scanners{};
  CHECK(hook_filter().scan_detector().scanners(scanners, hook_filter().uptime_ms()) >= 1);
  STRCMP_EQUAL("2001:db8::1", std::string(format_address(scanners[0].src).view()).c_str());
  LONGS_EQUAL(kScanThreshold + 1, scanners[0].distinct_ports);
}

// The netif judges a frame where the MAC left it (EthernetNetif::receive_one; with NO_SYS=0
// before the frame waits in the tcpip thread's queue): a dropped frame never needs a receive
// buffer. With every pool pbuf held elsewhere, a SYN to a closed port is still judged and
// dropped, while one to an allowed port, which lwIP must have, is lost for want of a buffer
// and counted so.
TEST(InputFilter, ADroppedFrameNeverTakesAReceiveBuffer) {
  listen_on(80);
  in_lwip([] {
    while (pbuf* p = pbuf_alloc(PBUF_RAW, 64, PBUF_POOL)) {
      held_pbufs.push_back(p);
    }
    return 0;
  });
  CHECK(!held_pbufs.empty());
  portcullis::report::NetifInfo before{};
  dev->netif.report(before);
  const auto closed = hook_filter().counters().by_reason(Reason::kClosedPort);

  const auto out = dev->exchange(tcp_frame(syn(81)));
  portcullis::report::NetifInfo after{};
  dev->netif.report(after);
  LONGS_EQUAL(closed + 1, hook_filter().counters().by_reason(Reason::kClosedPort));
  LONGS_EQUAL(before.rx_no_buffer, after.rx_no_buffer);
  LONGS_EQUAL(0, tcp_of(out).size());

  dev->exchange(tcp_frame(syn(80)));
  dev->netif.report(after);
  LONGS_EQUAL(before.rx_no_buffer + 1, after.rx_no_buffer);
}

// A segment read from the MAC in the same poll as its connection's SYN: with NO_SYS=0 the SYN
// still waits in the tcpip thread's queue when the netif reads the segment, so the netif
// leaves it to the hooks (screen_frame), which judge it after the SYN made the
// connection: a pass, never `no_connection`.
TEST(InputFilter, ASegmentRightBehindItsConnectionsSynIsJudgedAfterIt) {
  listen_on(80);
  const auto no_connection = hook_filter().counters().by_reason(Reason::kNoConnection);
  const auto established = hook_filter().counters().by_reason(Reason::kEstablished);
  dev->mac.inject(tcp_frame(syn(80, 5000)));
  dev->mac.inject(tcp_frame(
      TcpSegment{.src_port = 40000, .dst_port = 80, .seq = 5001, .ack = 1, .flags = kAck}));
  in_lwip([&] { dev->netif.poll(); });
  settle_lwip();
  LONGS_EQUAL(no_connection, hook_filter().counters().by_reason(Reason::kNoConnection));
  LONGS_EQUAL(established + 1, hook_filter().counters().by_reason(Reason::kEstablished));
}

// A packet that did not come through the netif's early judgement (another netif's, a library
// user's own driver: lwIP's input on a pbuf of its own) is judged by lwIP's input hooks; one
// that did is not judged twice (EveryPacketIsCountedOnce).
TEST(InputFilter, APacketLwipGetsAnotherWayIsJudgedByTheHooks) {
  const auto closed = hook_filter().counters().by_reason(Reason::kClosedPort);
  const auto rx = hook_filter().counters().rx_total();
  const Bytes frame = tcp_frame(syn(81));
  const err_t err = in_lwip([&]() -> err_t {
    pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(frame.size()), PBUF_POOL);
    if (p == nullptr) {
      return ERR_MEM;
    }
    pbuf_take(p, frame.data(), static_cast<u16_t>(frame.size()));
    netif& nif = dev->netif.lwip_netif();
    const err_t e = nif.input(p, &nif);
    if (e != ERR_OK) {
      pbuf_free(p);
    }
    return e;
  });
  LONGS_EQUAL(ERR_OK, err);
  settle_lwip();
  LONGS_EQUAL(rx + 1, hook_filter().counters().rx_total());
  LONGS_EQUAL(closed + 1, hook_filter().counters().by_reason(Reason::kClosedPort));
}

// ---- the IPv4/TCP fast path (InputFilter::fast_tcp4) ---------------------------------------
namespace {

bool same_decision(const portcullis::filter::Decision& a, const portcullis::filter::Decision& b) {
  return a.verdict == b.verdict && a.reason == b.reason && a.ip_proto == b.ip_proto &&
         a.port == b.port && a.src_port == b.src_port;
}

struct FastPathTally {
  int fast = 0;   // packets the fast path decided (each one also by the classifier, alike)
  int other = 0;  // packets it left to the classifier
};

// Both decisions about one IPv4 packet (bytes from the IP header on); a difference fails.
void compare(const portcullis::stack::InputFilter& f, const netif* inp, const Bytes& ip,
             std::size_t total_len, FastPathTally& tally) {
  const std::span<const std::uint8_t> head(ip.data(), std::min<std::size_t>(ip.size(), 256));
  const auto fast = in_lwip([&] { return f.fast_tcp4(head, total_len, inp); });
  const auto general = in_lwip([&] { return f.classify(head, total_len, inp, false); });
  if (fast) {
    ++tally.fast;
    if (!same_decision(*fast, general)) {
      std::string text = "fast path and classifier differ for:";
      for (std::uint8_t b : ip) {
        text += ' ' + std::to_string(b);
      }
      FAIL(text.c_str());
    }
  } else {
    ++tally.other;
  }
}

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace

// Every flag combination to every kind of port (closed, allowed with and without a listener,
// a connection of the device's own, the management port), from the peer, from another host
// and from the device's own address, in both modes; then headers mutated at random (version,
// IHL, lengths, fragment bits, data offset, ports, addresses). Wherever the fast path answers,
// the general classifier answers alike; the common shapes do take the fast path.
TEST(InputFilter, TheFastPathDecidesAsTheClassifierDoes) {
  listen_on(80);
  // A connection the device opened, from an ephemeral port.
  err_t connected = ERR_VAL;
  const auto out = connect_to_peer(*dev, connected);
  LONGS_EQUAL(ERR_OK, connected);
  LONGS_EQUAL(1, out.size());
  const std::uint16_t own_port = out[0].src_port;

  const netif* inp = &dev->netif.lwip_netif();
  const Bytes base = [] {
    const Bytes frame = tcp_frame(syn(80));
    return Bytes(frame.begin() + 14, frame.end());  // the IP packet
  }();
  CHECK(base.size() >= 40);
  const std::uint16_t ports[] = {80, 81, 82, own_port, kMgmtPort, 5683};
  const std::uint16_t src_ports[] = {5555, 40000, 0};
  const Bytes sources[] = {{192, 0, 2, 1}, {192, 0, 2, 9}, {192, 0, 2, 2}, {0, 0, 0, 0}};
  const Bytes destinations[] = {
      {192, 0, 2, 2}, {192, 0, 2, 255}, {255, 255, 255, 255}, {224, 0, 0, 1}, {192, 0, 2, 3}};

  FastPathTally tally;
  for (const Policy* policy : {&kServicesAndMgmt, &kReject}) {
    const auto table = portcullis::policy::compact(*policy);
    const portcullis::stack::InputFilter f{table};
    for (unsigned flags = 0; flags < 64; ++flags) {
      for (std::uint16_t dport : ports) {
        for (std::uint16_t sport : src_ports) {
          for (const Bytes& src : sources) {
            for (const Bytes& dst : destinations) {
              Bytes ip = base;
              ip[33] = static_cast<std::uint8_t>(flags);
              put16(ip, 20, sport);
              put16(ip, 22, dport);
              std::copy(src.begin(), src.end(), ip.begin() + 12);
              std::copy(dst.begin(), dst.end(), ip.begin() + 16);
              compare(f, inp, ip, ip.size(), tally);
            }
          }
        }
      }
    }
  }
  // From the peer or another host to the device, ports not 0: 2 policies x 64 flags x 6 ports
  // x 2 source ports x 2 sources, less what reject mode leaves to the classifier: its refused
  // connection attempts (SYN with PSH/URG free: 4 flag sets) to the 5 ports it does not allow,
  // but for the peer's own connection (its flow answers). 0.0.0.0, broadcast and multicast
  // ends are the classifier's too.
  LONGS_EQUAL(2 * 64 * 6 * 2 * 2 - 4 * (5 * 2 * 2 - 1), tally.fast);

  // Mutated headers: a fixed-seed generator, so a failure replays.
  std::uint32_t x = 0x2545F491u;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  const auto table = portcullis::policy::compact(kServicesAndMgmt);
  const portcullis::stack::InputFilter f{table};
  const std::uint8_t first_bytes[] = {0x45, 0x46, 0x44, 0x55, 0x4f};
  const std::uint16_t frag_fields[] = {0, 0x4000, 0x2000, 0x0001, 0x8000, 0x6000};
  const std::uint8_t offsets[] = {0x50, 0x40, 0x60, 0xf0, 0x00, 0x80};
  FastPathTally mutated;
  // Each field keeps its sound value three times in four.
  const auto mutate = [&next] { return next() % 4 == 0; };
  for (int i = 0; i < 4000; ++i) {
    Bytes ip = base;
    if (mutate()) {
      ip.resize(40 + next() % 48, 0);
      put16(ip, 2, static_cast<std::uint16_t>(ip.size()));
    }
    if (mutate()) {
      ip[0] = first_bytes[next() % std::size(first_bytes)];
    }
    if (mutate()) {
      put16(ip, 2, static_cast<std::uint16_t>(next() % 100));
    }
    if (mutate()) {
      put16(ip, 6, frag_fields[next() % std::size(frag_fields)]);
    }
    if (mutate()) {
      ip[9] = 17;
    }
    if (mutate()) {
      ip[32] = offsets[next() % std::size(offsets)];
    }
    ip[33] = static_cast<std::uint8_t>(next());
    put16(ip, 20, src_ports[next() % std::size(src_ports)]);
    put16(ip, 22, ports[next() % std::size(ports)]);
    const Bytes& src = sources[next() % std::size(sources)];
    const Bytes& dst = destinations[mutate() ? next() % std::size(destinations) : 0];
    std::copy(src.begin(), src.end(), ip.begin() + 12);
    std::copy(dst.begin(), dst.end(), ip.begin() + 16);
    const std::size_t total_len = mutate() ? ip.size() + next() % 40 : ip.size();
    compare(f, inp, ip, total_len, mutated);
  }
  CHECK(mutated.fast > 100);
  CHECK(mutated.other > 100);
}
