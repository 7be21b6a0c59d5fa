// SPDX-License-Identifier: Apache-2.0
// lwIP's DHCP client behind the filter: its offers and acknowledgements pass as answers to its
// own requests, a forged one of another transaction is dropped (unsolicited_reply), and the
// device binds the address it was offered; at T1 it renews with its server (unicast: another
// server's answer is dropped), at T2 it rebinds with any server (broadcast: any server's
// answer to that transaction extends the lease, another transaction's is dropped).
#include <CppUTest/TestHarness.h>

#include <optional>
#include <vector>

#include "lwip/dhcp.h"
#include "lwip/ip4_addr.h"
#include "lwip/timeouts.h"
#include "lwip_device.hpp"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::filter::Reason;

namespace {

constexpr std::uint8_t kDhcpDiscover = 1;
constexpr std::uint8_t kDhcpOffer = 2;
constexpr std::uint8_t kDhcpRequest = 3;
constexpr std::uint8_t kDhcpAck = 5;

portcullis::NetworkSettings dhcp_settings() {
  portcullis::NetworkSettings s = portcullis::boards::kLabNetwork;
  s.ipv4_dhcp = true;
  return s;
}

// A DHCP message the device sent: its message type (option 53), xid and IPv4 destination.
struct Sent {
  std::uint8_t type = 0;
  std::uint32_t xid = 0;
  Bytes dst;
};

std::optional<Sent> sent_dhcp(const Bytes& frame) {
  const std::optional<UdpDatagram> d = sent_udp(frame);
  if (!d || d->src_port != 68 || d->dst_port != 67 || d->payload.size() < 244) {
    return std::nullopt;
  }
  const Bytes& m = d->payload;
  Sent out{0, get32(m, 4), Bytes(frame.begin() + 30, frame.begin() + 34)};  // IPv4 dst
  for (std::size_t i = 240; i + 1 < m.size() && m[i] != 255;) {
    if (m[i] == 0) {
      ++i;
      continue;
    }
    if (m[i] == 53 && i + 2 < m.size()) {
      out.type = m[i + 2];
    }
    i += 2 + m[i + 1];
  }
  return out;
}

std::vector<Sent> dhcp_of(const std::vector<Bytes>& frames) {
  std::vector<Sent> out;
  for (const Bytes& f : frames) {
    if (const auto s = sent_dhcp(f)) {
      out.push_back(*s);
    }
  }
  return out;
}

// A server's answer of `type` for `xid`, offering 192.0.2.2/24 for `lease` seconds, from `server`
// (default the peer, 192.0.2.1:67, which it also names as its server id) to the device's MAC
// and the offered address (as dnsmasq sends it).
Bytes server_answer(std::uint8_t type, std::uint32_t xid, std::uint32_t lease = 120,
                    const Bytes& server = {192, 0, 2, 1}) {
  Bytes m(236, 0);  // the fixed BOOTP header; the magic cookie and options follow
  m[0] = 2;         // BOOTREPLY
  m[1] = 1;
  m[2] = 6;
  for (int i = 0; i < 4; ++i) {
    m[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(xid >> (24 - 8 * i));
  }
  std::copy(kDeviceIp4.begin(), kDeviceIp4.end(), m.begin() + 16);  // yiaddr
  std::copy(kDeviceMac.begin(), kDeviceMac.end(), m.begin() + 28);  // chaddr
  const Bytes options = {0x63,
                         0x82,
                         0x53,
                         0x63,
                         53,
                         1,
                         type,
                         54,
                         4,
                         server[0],
                         server[1],
                         server[2],
                         server[3],
                         51,
                         4,
                         static_cast<std::uint8_t>(lease >> 24),
                         static_cast<std::uint8_t>(lease >> 16),
                         static_cast<std::uint8_t>(lease >> 8),
                         static_cast<std::uint8_t>(lease),
                         1,
                         4,
                         255,
                         255,
                         255,
                         0,
                         255};
  m.insert(m.end(), options.begin(), options.end());
  return udp_frame({.src_port = 67, .dst_port = 68, .payload = m}, false, server);
}

std::uint32_t ipv4_of(LwipDevice& dev) {
  return in_lwip([&] { return ip4_addr_get_u32(netif_ip4_addr(&dev.netif.lwip_netif())); });
}

}  // namespace

TEST_GROUP(Dhcp) {
  LwipDevice* dev = nullptr;
  std::uint32_t xid = 0;

  void setup() override {
    set_hook_policy(default_hook_policy());
    dev = new LwipDevice;
    // The discover goes out as the netif starts (the fake MAC's link is up).
    CHECK(ok(in_lwip([this] { return dev->netif.start(dhcp_settings()); })));
    settle_lwip();
    const std::vector<Sent> sent = dhcp_of(in_lwip([this] { return dev->mac.sent(); }));
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(kDhcpDiscover, sent[0].type);
    xid = sent[0].xid;
    LONGS_EQUAL(0, ipv4_of(*dev));
  }
  void teardown() override {
    delete dev;
  }

  std::uint64_t dropped(Reason r) {
    return in_lwip([r] { return hook_filter().counters().by_reason(r); });
  }
};

TEST(Dhcp, TheDeviceBindsTheAddressItsOwnTransactionWasOffered) {
  const std::uint64_t answers = dropped(Reason::kStackClient);
  const std::vector<Sent> request = dhcp_of(dev->exchange(server_answer(kDhcpOffer, xid)));
  LONGS_EQUAL(1, request.size());
  LONGS_EQUAL(kDhcpRequest, request[0].type);
  LONGS_EQUAL(xid, request[0].xid);  // lwIP requests within the offer's transaction
  dev->exchange(server_answer(kDhcpAck, xid));
  LONGS_EQUAL(answers + 2, dropped(Reason::kStackClient));
  Bytes bound(4);
  const std::uint32_t addr = ipv4_of(*dev);
  std::memcpy(bound.data(), &addr, 4);
  CHECK(bound == kDeviceIp4);
  CHECK(in_lwip([this] { return dhcp_supplied_address(&dev->netif.lwip_netif()) != 0; }));
}

TEST(Dhcp, AnOfferOfAnotherTransactionIsDroppedAndCounted) {
  const std::uint64_t unsolicited = dropped(Reason::kUnsolicitedReply);
  CHECK(dhcp_of(dev->exchange(server_answer(kDhcpOffer, xid + 1))).empty());
  CHECK(dhcp_of(dev->exchange(server_answer(kDhcpAck, ~xid))).empty());
  LONGS_EQUAL(unsolicited + 2, dropped(Reason::kUnsolicitedReply));
  LONGS_EQUAL(0, ipv4_of(*dev));
  // The real offer still binds: the forgeries changed nothing.
  LONGS_EQUAL(1, dhcp_of(dev->exchange(server_answer(kDhcpOffer, xid))).size());
  dev->exchange(server_answer(kDhcpAck, xid));
  CHECK(ipv4_of(*dev) != 0);
}

TEST(Dhcp, AnAnswerLongAfterTheRequestIsDropped) {
  // lwIP retries its discover after 2 s with a new xid at the earliest; the first one's
  // answer is no longer awaited after ClientRequests::kLifetimeMs.
  lwip_test_clock().advance(portcullis::filter::ClientRequests::kLifetimeMs);
  in_lwip([] { hook_filter().expire_requests(); });
  const std::uint64_t unsolicited = dropped(Reason::kUnsolicitedReply);
  const std::vector<Bytes> sent = dev->exchange(server_answer(kDhcpOffer, xid));
  // Whatever lwIP's timers sent meanwhile, no request answers the stale offer.
  for (const Sent& s : dhcp_of(sent)) {
    CHECK(s.type != kDhcpRequest);
  }
  CHECK(dropped(Reason::kUnsolicitedReply) > unsolicited);
}

TEST(Dhcp, TheAuditKnowsTheDhcpClientsPcbAndStillClosesOthersLikeIt) {
  // lwIP's DHCP PCB: port 68, connected to 0.0.0.0:67. An application PCB connected to the
  // any-address hears everyone from that port: a listener.
  udp_pcb* rogue = in_lwip([] {
    udp_pcb* pcb = udp_new();
    if (pcb != nullptr) {
      udp_bind(pcb, IP4_ADDR_ANY, 6800);
      udp_connect(pcb, IP4_ADDR_ANY, 67);
    }
    return pcb;
  });
  CHECK(rogue != nullptr);
  portcullis::stack::ListenerAudit audit(hook_filter().policy());
  audit.audit_now(0);
  LONGS_EQUAL(1, audit.violations().total());
  LONGS_EQUAL(6800, audit.violations().find(0)->port);
}

TEST(Dhcp, RenewalIsAnsweredByItsServerOnlyAndRebindingByAnyServerInItsTransaction) {
  // A 10-minute lease: lwIP's coarse timer ticks once a minute, so T1 falls at 5 minutes and
  // T2 (87.5 %) at 9, before the lease ends (a 2-minute lease, the lab's, ends before T2).
  constexpr std::uint32_t kLeaseS = 600;
  const Bytes other_server = {192, 0, 2, 9};
  const Bytes broadcast = {255, 255, 255, 255};
  dev->exchange(server_answer(kDhcpOffer, xid, kLeaseS));
  dev->exchange(server_answer(kDhcpAck, xid, kLeaseS));
  const std::uint32_t bound = ipv4_of(*dev);
  CHECK(bound != 0);
  dev->exchange(arp_request(kDeviceIp4));  // the server's MAC, for the unicast renewal

  const auto requests_after = [this](std::uint32_t ms) {
    in_lwip([this] { dev->mac.sent().clear(); });
    let_time_pass(ms);
    std::vector<Sent> out;
    for (const Sent& s : dhcp_of(in_lwip([this] { return dev->mac.sent(); }))) {
      if (s.type == kDhcpRequest) {
        out.push_back(s);
      }
    }
    return out;
  };

  // T1: a renewal, unicast to the server that gave the lease. Another server's answer to it is
  // dropped; the renewal is left unanswered.
  const std::vector<Sent> renewal = requests_after(300'000);
  CHECK(!renewal.empty());
  CHECK(renewal.back().dst == (Bytes{192, 0, 2, 1}));
  const std::uint64_t unsolicited = dropped(Reason::kUnsolicitedReply);
  dev->exchange(server_answer(kDhcpAck, renewal.back().xid, kLeaseS, other_server));
  LONGS_EQUAL(unsolicited + 1, dropped(Reason::kUnsolicitedReply));

  // T2: rebinding, broadcast to any server. Another transaction's answer is dropped; any
  // server's answer to this one is taken and extends the lease past its first end.
  const std::vector<Sent> rebind = requests_after(240'000);
  CHECK(!rebind.empty());
  CHECK(rebind.back().dst == broadcast);
  dev->exchange(server_answer(kDhcpAck, rebind.back().xid + 1, kLeaseS, other_server));
  LONGS_EQUAL(unsolicited + 2, dropped(Reason::kUnsolicitedReply));
  const std::uint64_t answers = dropped(Reason::kStackClient);
  dev->exchange(server_answer(kDhcpAck, rebind.back().xid, kLeaseS, other_server));
  LONGS_EQUAL(answers + 1, dropped(Reason::kStackClient));
  let_time_pass(120'000);  // past the first lease's end (10 minutes from the first ACK)
  LONGS_EQUAL(bound, ipv4_of(*dev));
  CHECK(in_lwip([this] { return dhcp_supplied_address(&dev->netif.lwip_netif()) != 0; }));
}
