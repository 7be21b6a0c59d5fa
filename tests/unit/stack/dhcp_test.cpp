// lwIP's DHCP client behind the filter: its offers and acknowledgements pass as answers to its
// own requests, a forged one of another transaction is dropped (unsolicited_reply), and the
// device binds the address it was offered.
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

// A DHCP message the device sent: its message type (option 53) and xid.
struct Sent {
  std::uint8_t type = 0;
  std::uint32_t xid = 0;
};

std::optional<Sent> sent_dhcp(const Bytes& frame) {
  const std::optional<UdpDatagram> d = sent_udp(frame);
  if (!d || d->src_port != 68 || d->dst_port != 67 || d->payload.size() < 244) {
    return std::nullopt;
  }
  const Bytes& m = d->payload;
  Sent out{0, get32(m, 4)};
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

// A server's answer of `type` for `xid`, offering 192.0.2.2/24 for 120 s, from the peer
// (192.0.2.1:67) to the device's MAC and the offered address (as dnsmasq sends it).
Bytes server_answer(std::uint8_t type, std::uint32_t xid) {
  Bytes m(236, 0);  // the fixed BOOTP header; the magic cookie and options follow
  m[0] = 2;         // BOOTREPLY
  m[1] = 1;
  m[2] = 6;
  for (int i = 0; i < 4; ++i) {
    m[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(xid >> (24 - 8 * i));
  }
  std::copy(kDeviceIp4.begin(), kDeviceIp4.end(), m.begin() + 16);  // yiaddr
  std::copy(kDeviceMac.begin(), kDeviceMac.end(), m.begin() + 28);  // chaddr
  const Bytes options = {0x63, 0x82, 0x53, 0x63, 53, 1,   type, 54, 4,   192, 0,   2, 1,
                         51,   4,    0,    0,    0,  120, 1,    4,  255, 255, 255, 0, 255};
  m.insert(m.end(), options.begin(), options.end());
  return udp_frame({.src_port = 67, .dst_port = 68, .payload = m});
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
