// The netif glue with real lwIP: frames in through a fake MAC, lwIP's answers out of it.
#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <vector>

#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "portcullis/stack/ethernet_netif.hpp"
#include "portcullis/stack/lwip_port.hpp"

using portcullis::Status;
using portcullis::stack::EthernetNetif;
using portcullis::stack::NetworkSettings;
using portcullis::test::FakeClock;
using portcullis::test::FakeEthernetMac;
using Frame = FakeEthernetMac::Frame;

namespace {

constexpr NetworkSettings kSettings{
    .mac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02},
    .ipv4 = {192, 0, 2, 2},
    .ipv4_prefix_len = 24,
    .ipv4_gateway = {0, 0, 0, 0},
    .ipv6 = {0x2001, 0x0db8, 0, 0, 0, 0, 0, 2},
    .ipv6_prefix_len = 64,
};
const Frame kPeerMac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
const Frame kDeviceMac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02};

void put16(Frame& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v));
}
void append(Frame& f, const Frame& more) {
  f.insert(f.end(), more.begin(), more.end());
}
std::uint16_t get16(const Frame& f, std::size_t at) {
  return static_cast<std::uint16_t>((f[at] << 8) | f[at + 1]);
}

std::uint16_t checksum(const Frame& f, std::size_t from, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) {
    sum += get16(f, from + i);
  }
  if (len % 2 != 0) {
    sum += static_cast<std::uint32_t>(f[from + len - 1] << 8);
  }
  while (sum >> 16) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum);
}

Frame arp_request(std::uint8_t target_last_octet) {
  Frame f = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  append(f, kPeerMac);
  put16(f, 0x0806);
  put16(f, 1);       // Ethernet
  put16(f, 0x0800);  // IPv4
  f.push_back(6);
  f.push_back(4);
  put16(f, 1);  // request
  append(f, kPeerMac);
  append(f, {192, 0, 2, 1});
  append(f, {0, 0, 0, 0, 0, 0});
  append(f, {192, 0, 2, target_last_octet});
  return f;
}

Frame echo_request(std::uint16_t id, std::uint16_t seq, const Frame& payload) {
  Frame f = kDeviceMac;
  append(f, kPeerMac);
  put16(f, 0x0800);
  const std::size_t ip = f.size();
  f.push_back(0x45);
  f.push_back(0);
  put16(f, static_cast<std::uint16_t>(20 + 8 + payload.size()));
  put16(f, 0x1234);
  put16(f, 0);
  f.push_back(64);
  f.push_back(1);  // ICMP
  put16(f, 0);
  append(f, {192, 0, 2, 1});
  append(f, {192, 0, 2, 2});
  const std::uint16_t ipsum = checksum(f, ip, 20);
  f[ip + 10] = static_cast<std::uint8_t>(ipsum >> 8);
  f[ip + 11] = static_cast<std::uint8_t>(ipsum);
  const std::size_t icmp = f.size();
  f.push_back(8);
  f.push_back(0);
  put16(f, 0);
  put16(f, id);
  put16(f, seq);
  append(f, payload);
  const std::uint16_t isum = checksum(f, icmp, f.size() - icmp);
  f[icmp + 2] = static_cast<std::uint8_t>(isum >> 8);
  f[icmp + 3] = static_cast<std::uint8_t>(isum);
  return f;
}

Frame slice(const Frame& f, std::size_t from, std::size_t len) {
  return Frame(f.begin() + static_cast<std::ptrdiff_t>(from),
               f.begin() + static_cast<std::ptrdiff_t>(from + len));
}

FakeClock test_clock;

}  // namespace

TEST_GROUP(EthernetNetif) {
  FakeEthernetMac mac;
  EthernetNetif* nif = nullptr;

  void setup() override {
    static bool lwip_ready = false;
    if (!lwip_ready) {
      portcullis::stack::set_lwip_clock(test_clock);
      lwip_init();
      lwip_ready = true;
    }
    nif = new EthernetNetif(mac, test_clock);
  }
  void teardown() override {
    netif_remove(&nif->lwip_netif());
    delete nif;
  }
  void start() {
    CHECK(portcullis::ok(nif->start(kSettings)));
  }
  // Frames the device sent of one EtherType.
  std::vector<Frame> sent_of_type(std::uint16_t ethertype) {
    std::vector<Frame> out;
    for (const Frame& f : mac.sent()) {
      if (f.size() >= 14 && get16(f, 12) == ethertype) {
        out.push_back(f);
      }
    }
    return out;
  }
};

TEST(EthernetNetif, StartProgramsTheMacAndBringsTheInterfaceUp) {
  start();
  CHECK(mac.initialised());
  BYTES_EQUAL(0x02, mac.mac()[5]);
  CHECK(netif_is_up(&nif->lwip_netif()));
  CHECK(netif_is_link_up(&nif->lwip_netif()));
}

TEST(EthernetNetif, StartReportsAMacThatFailsAndAddsNoInterface) {
  mac.set_init_status(Status::kDeadlineExceeded);
  CHECK(nif->start(kSettings) == Status::kDeadlineExceeded);
  CHECK_FALSE(netif_is_up(&nif->lwip_netif()));
}

TEST(EthernetNetif, AnswersAnArpRequestForItsAddressWithItsMac) {
  start();
  mac.sent().clear();
  mac.inject(arp_request(2));
  nif->poll();
  const auto arp = sent_of_type(0x0806);
  LONGS_EQUAL(1, arp.size());
  const Frame& r = arp[0];
  CHECK(slice(r, 0, 6) == kPeerMac);         // unicast back to the asker
  LONGS_EQUAL(2, get16(r, 14 + 6));          // opcode: reply
  CHECK(slice(r, 14 + 8, 6) == kDeviceMac);  // sender hardware address
  CHECK(slice(r, 14 + 14, 4) == (Frame{192, 0, 2, 2}));
}

TEST(EthernetNetif, IgnoresAnArpRequestForAnotherAddress) {
  start();
  mac.sent().clear();
  mac.inject(arp_request(3));
  nif->poll();
  LONGS_EQUAL(0, sent_of_type(0x0806).size());
}

TEST(EthernetNetif, AnswersPingWithAnEchoReplyCarryingTheSamePayload) {
  start();
  mac.inject(arp_request(2));
  nif->poll();
  mac.sent().clear();
  const Frame payload = {'p', 'o', 'r', 't', 'c', 'u', 'l', 'l', 'i', 's', 0, 1, 2};
  mac.inject(echo_request(0x4242, 7, payload));
  nif->poll();
  const auto ip = sent_of_type(0x0800);
  LONGS_EQUAL(1, ip.size());
  const Frame& r = ip[0];
  CHECK(slice(r, 0, 6) == kPeerMac);
  LONGS_EQUAL(0, checksum(r, 14, 20));  // valid IPv4 header checksum
  CHECK(slice(r, 14 + 12, 4) == (Frame{192, 0, 2, 2}));
  CHECK(slice(r, 14 + 16, 4) == (Frame{192, 0, 2, 1}));
  const std::size_t icmp = 14 + 20;
  BYTES_EQUAL(0, r[icmp]);  // echo reply
  LONGS_EQUAL(0x4242, get16(r, icmp + 4));
  LONGS_EQUAL(7, get16(r, icmp + 6));
  CHECK(slice(r, icmp + 8, payload.size()) == payload);
  LONGS_EQUAL(0, checksum(r, icmp, r.size() - icmp));
}

TEST(EthernetNetif, OnePollTakesABoundedNumberOfFrames) {
  start();
  for (int i = 0; i < EthernetNetif::kMaxFramesPerPoll + 8; ++i) {
    mac.inject(arp_request(3));
  }
  nif->poll();
  LONGS_EQUAL(8, mac.pending());
  nif->poll();
  LONGS_EQUAL(0, mac.pending());
}

TEST(EthernetNetif, FollowsTheMacLinkStateAfterTheCheckPeriod) {
  start();
  mac.set_link(false);
  nif->poll();
  CHECK(netif_is_link_up(&nif->lwip_netif()));  // not checked yet
  test_clock.advance(EthernetNetif::kLinkCheckPeriodMs);
  nif->poll();
  CHECK_FALSE(netif_is_link_up(&nif->lwip_netif()));
  mac.set_link(true);
  test_clock.advance(EthernetNetif::kLinkCheckPeriodMs);
  nif->poll();
  CHECK(netif_is_link_up(&nif->lwip_netif()));
}

TEST(EthernetNetif, RejectsSettingsWithAMulticastMac) {
  NetworkSettings bad = kSettings;
  bad.mac[0] = 0x01;
  CHECK(nif->start(bad) == Status::kInvalidArgument);
  CHECK_FALSE(mac.initialised());
}
