// SPDX-License-Identifier: Apache-2.0
// Path MTU in real lwIP: a Packet Too Big below the IPv6 minimum MTU never reaches it through
// the filter, and whatever reaches nd6 another way cannot make lwIP send fragments smaller
// than 1280 bytes (lwIP 2.2.1 looped forever for 48..55) or packets larger than the link's MTU.
#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <vector>

#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::filter::Reason;
using portcullis::test::hook_filter;

namespace {

constexpr std::uint16_t kPeerPort = 5555;
constexpr std::size_t kEthernetHeader = 14;
constexpr std::uint8_t kNextFragment = 44;

std::uint16_t ipv6_length(const Bytes& frame) {  // header and payload
  return static_cast<std::uint16_t>(40 + get16(frame, kEthernetHeader + 4));
}
bool is_fragment(const Bytes& frame) {
  return frame[kEthernetHeader + 6] == kNextFragment;
}

}  // namespace

TEST_GROUP(PathMtu) {
  LwipDevice* dev = nullptr;
  udp_pcb* pcb = nullptr;

  void setup() override {
    set_hook_policy(web_and_coap_policy(portcullis::policy::Mode::kStealth));
    dev = new LwipDevice();
    dev->start();
    in_lwip([this] {  // duplicate address detection has run its course
      for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
        if (ip6_addr_istentative(netif_ip6_addr_state(&dev->netif.lwip_netif(), i))) {
          netif_ip6_addr_set_state(&dev->netif.lwip_netif(), i, IP6_ADDR_PREFERRED);
        }
      }
    });
    dev->exchange(neighbour_solicitation());  // lwIP knows the peer's MAC: no queueing
    pcb = in_lwip([] {
      udp_pcb* p = udp_new_ip_type(IPADDR_TYPE_V6);
      ip_addr_t peer = IPADDR6_INIT_HOST(0x20010db8, 0, 0, 1);
      return p != nullptr && udp_connect(p, &peer, kPeerPort) == ERR_OK ? p : nullptr;
    });
    CHECK(pcb != nullptr);
    // The first datagram makes lwIP's destination cache entry a Packet Too Big updates.
    const auto first = send(100);
    LONGS_EQUAL(1, first.size());
    LONGS_EQUAL(40 + 8 + 100, ipv6_length(first[0]));
  }
  void teardown() override {
    nd6_packet_too_big(1500);  // the next test starts from the link's MTU again
    delete dev;
    set_hook_policy(default_hook_policy());
  }

  // `n` bytes to the peer; the frames the device sent.
  std::vector<Bytes> send(std::size_t n) {
    return in_lwip([&] {
      dev->mac.sent().clear();
      pbuf* q = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(n), PBUF_RAM);
      if (q == nullptr || udp_send(pcb, q) != ERR_OK) {
        dev->mac.sent().clear();
      }
      if (q != nullptr) {
        pbuf_free(q);
      }
      return dev->mac.sent();
    });
  }

  Bytes quote() const {
    return quoted_ipv6(17, pcb->local_port, kPeerPort);
  }

  // A Packet Too Big handed to lwIP's neighbour discovery directly, as a netif without the
  // filter's hooks (or a later lwIP path) would.
  void nd6_packet_too_big(std::uint32_t mtu) {
    const Bytes frame = packet_too_big(mtu, quote());
    const Bytes icmp(frame.begin() + kEthernetHeader + 40, frame.end());
    in_lwip([&] {
      pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(icmp.size()), PBUF_RAM);
      if (p != nullptr) {
        pbuf_take(p, icmp.data(), static_cast<u16_t>(icmp.size()));
        nd6_input(p, &dev->netif.lwip_netif());  // frees p
      }
    });
  }
};

// The attack of the security review: one Packet Too Big naming 48 bytes, quoting a live flow.
// The filter drops it under its own reason; the device's next datagram leaves whole.
TEST(PathMtu, APacketTooBigBelow1280IsDroppedBeforeLwip) {
  const auto bad = hook_filter().counters().by_reason(Reason::kBadMtu);
  for (const std::uint32_t mtu : {48u, 55u, 1279u}) {
    LONGS_EQUAL(0, dev->exchange(packet_too_big(mtu, quote())).size());
  }
  LONGS_EQUAL(bad + 3, hook_filter().counters().by_reason(Reason::kBadMtu));
  const auto out = send(1400);
  LONGS_EQUAL(1, out.size());
  CHECK_FALSE(is_fragment(out[0]));
}

// The positive control: a Packet Too Big of 1280 about the same flow is the device's own
// business and passes; lwIP then fragments to 1280.
TEST(PathMtu, APacketTooBigOf1280AboutAnOwnFlowPassesAndLwipHonoursIt) {
  const auto own = hook_filter().counters().by_reason(Reason::kIcmpErrorOwnFlow);
  dev->exchange(packet_too_big(1280, quote()));
  LONGS_EQUAL(own + 1, hook_filter().counters().by_reason(Reason::kIcmpErrorOwnFlow));
  const auto out = send(1400);
  LONGS_EQUAL(2, out.size());
  for (const Bytes& f : out) {
    CHECK(is_fragment(f));
    CHECK(ipv6_length(f) <= 1280);
  }
}

// Defence in depth: an MTU lwIP took without the filter never goes below 1280. Before,
// 56 bytes split this datagram into 176 fragments of 8 bytes, and 48..55 never ended.
TEST(PathMtu, LwipNeverFragmentsBelowTheIpv6MinimumMtu) {
  nd6_packet_too_big(56);
  const auto out = send(1400);
  LONGS_EQUAL(2, out.size());
  for (const Bytes& f : out) {
    CHECK(is_fragment(f));
    CHECK(ipv6_length(f) <= 1280);
  }
  LONGS_EQUAL(1280, ipv6_length(out[0]));  // 40 + 8 + 1232: as much as 1280 takes
  nd6_packet_too_big(48);
  LONGS_EQUAL(2, send(1400).size());
}

// ... nor above the link's MTU: a Packet Too Big of 9000 used to let a 1528-byte packet out
// unfragmented onto a 1500-byte link.
TEST(PathMtu, LwipNeverSendsMoreThanTheLinkCarries) {
  nd6_packet_too_big(9000);
  const auto out = send(1480);
  LONGS_EQUAL(2, out.size());
  for (const Bytes& f : out) {
    CHECK(is_fragment(f));
    CHECK(ipv6_length(f) <= 1500);
  }
}
