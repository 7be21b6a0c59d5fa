// SPDX-License-Identifier: Apache-2.0
// The netif glue with real lwIP: frames in through a fake MAC, lwIP's answers out of it.
#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <vector>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip_device.hpp"
#include "portcullis/boards/lab_network.hpp"

using portcullis::NetworkSettings;
using portcullis::Status;
using portcullis::stack::EthernetNetif;
using namespace portcullis::test;

namespace {

constexpr NetworkSettings kSettings = portcullis::boards::kLabNetwork;

Bytes slice(const Bytes& f, std::size_t from, std::size_t len) {
  return Bytes(f.begin() + static_cast<std::ptrdiff_t>(from),
               f.begin() + static_cast<std::ptrdiff_t>(from + len));
}

std::vector<Bytes> of_type(const std::vector<Bytes>& frames, std::uint16_t ethertype) {
  std::vector<Bytes> out;
  for (const Bytes& f : frames) {
    if (f.size() >= 14 && get16(f, 12) == ethertype) {
      out.push_back(f);
    }
  }
  return out;
}

}  // namespace

TEST_GROUP(EthernetNetif) {
  LwipDevice* dev = nullptr;
  void setup() override {
    dev = new LwipDevice;
  }
  void teardown() override {
    delete dev;
  }
};

TEST(EthernetNetif, StartProgramsTheMacAndBringsTheInterfaceUp) {
  dev->start(false);
  CHECK(dev->mac.initialised());
  BYTES_EQUAL(0x02, dev->mac.mac()[5]);
  CHECK(in_lwip([&] { return netif_is_up(&dev->netif.lwip_netif()) != 0; }));
  CHECK(in_lwip([&] { return netif_is_link_up(&dev->netif.lwip_netif()) != 0; }));
}

TEST(EthernetNetif, StartReportsAMacThatFailsAndAddsNoInterface) {
  dev->mac.set_init_status(Status::kDeadlineExceeded);
  CHECK(in_lwip([&] { return dev->netif.start(kSettings); }) == Status::kDeadlineExceeded);
  CHECK_FALSE(in_lwip([&] { return netif_is_up(&dev->netif.lwip_netif()) != 0; }));
}

TEST(EthernetNetif, RejectsSettingsWithAMulticastMac) {
  NetworkSettings bad = kSettings;
  bad.mac[0] = 0x01;
  CHECK(in_lwip([&] { return dev->netif.start(bad); }) == Status::kInvalidArgument);
  CHECK_FALSE(dev->mac.initialised());
}

TEST(EthernetNetif, RejectsSettingsThatNameNoMac) {
  NetworkSettings bad = kSettings;
  bad.mac = {};
  CHECK(in_lwip([&] { return dev->netif.start(bad); }) == Status::kInvalidArgument);
  CHECK_FALSE(dev->mac.initialised());
}

TEST(EthernetNetif, AnswersAnArpRequestForItsAddressWithItsMac) {
  dev->start(false);
  const auto arp = of_type(dev->exchange(arp_request(kDeviceIp4)), 0x0806);
  LONGS_EQUAL(1, arp.size());
  const Bytes& r = arp[0];
  CHECK(slice(r, 0, 6) == kPeerMac);         // unicast back to the asker
  LONGS_EQUAL(2, get16(r, 14 + 6));          // opcode: reply
  CHECK(slice(r, 14 + 8, 6) == kDeviceMac);  // sender hardware address
  CHECK(slice(r, 14 + 14, 4) == kDeviceIp4);
}

TEST(EthernetNetif, IgnoresAnArpRequestForAnotherAddress) {
  dev->start(false);
  LONGS_EQUAL(0, of_type(dev->exchange(arp_request({192, 0, 2, 3})), 0x0806).size());
}

TEST(EthernetNetif, AnswersPingWithAnEchoReplyCarryingTheSamePayload) {
  dev->start();
  const Bytes payload = {'p', 'o', 'r', 't', 'c', 'u', 'l', 'l', 'i', 's', 0, 1, 2};
  const auto ip = of_type(dev->exchange(ipv4_echo_request(0x4242, 7, payload)), 0x0800);
  LONGS_EQUAL(1, ip.size());
  const Bytes& r = ip[0];
  CHECK(slice(r, 0, 6) == kPeerMac);
  LONGS_EQUAL(0, checksum(r, 14, 20));  // valid IPv4 header checksum
  CHECK(slice(r, 14 + 12, 4) == kDeviceIp4);
  CHECK(slice(r, 14 + 16, 4) == kPeerIp4);
  const std::size_t icmp = 14 + 20;
  BYTES_EQUAL(0, r[icmp]);  // echo reply
  LONGS_EQUAL(0x4242, get16(r, icmp + 4));
  LONGS_EQUAL(7, get16(r, icmp + 6));
  CHECK(slice(r, icmp + 8, payload.size()) == payload);
  LONGS_EQUAL(0, checksum(r, icmp, r.size() - icmp));
}

TEST(EthernetNetif, OnePollTakesABoundedNumberOfFrames) {
  dev->start(false);
  for (int i = 0; i < EthernetNetif::kMaxFramesPerPoll + 8; ++i) {
    dev->mac.inject(arp_request({192, 0, 2, 3}));
  }
  in_lwip([&] { dev->netif.poll(); });
  LONGS_EQUAL(8, dev->mac.pending());
  in_lwip([&] { dev->netif.poll(); });
  LONGS_EQUAL(0, dev->mac.pending());
}

// A frame that finds no receive pbuf is dropped before lwIP sees it, and counted (the
// status reports it as rx_frames_dropped): under a flood nothing vanishes uncounted.
TEST(EthernetNetif, AFrameWithNoReceiveBufferIsCountedAndTheNextOneServed) {
  dev->start();
  std::vector<pbuf*> held;
  in_lwip([&] {
    while (pbuf* p = pbuf_alloc(PBUF_RAW, 64, PBUF_POOL)) {
      held.push_back(p);
    }
  });
  LONGS_EQUAL(PBUF_POOL_SIZE, held.size());
  const Bytes ping = ipv4_echo_request(0x4242, 1, {1, 2, 3});
  LONGS_EQUAL(0, of_type(dev->exchange(ping), 0x0800).size());  // no buffer: no reply
  portcullis::report::NetifInfo info;
  dev->netif.report(info);
  LONGS_EQUAL(1, info.rx_no_buffer);
  LONGS_EQUAL(0, info.rx_refused);
  in_lwip([&] {
    for (pbuf* p : held) {
      pbuf_free(p);
    }
  });
  LONGS_EQUAL(1, of_type(dev->exchange(ping), 0x0800).size());  // served again
  dev->netif.report(info);
  LONGS_EQUAL(1, info.rx_no_buffer);
}

// The netif writes the MAC's losses into the status beside its own.
TEST(EthernetNetif, ReportsTheMacsLossesBesideItsOwn) {
  dev->start();
  dev->mac.inject(portcullis::test::FakeEthernetMac::Frame(2000, 0xAA));  // over a MAC frame
  in_lwip([&] { dev->netif.poll(); });
  portcullis::report::NetifInfo info;
  dev->netif.report(info);
  LONGS_EQUAL(1, info.rx_mac_too_large);
  LONGS_EQUAL(0, info.rx_no_buffer);
}

TEST(EthernetNetif, FollowsTheMacLinkStateAfterTheCheckPeriod) {
  dev->start(false);
  dev->mac.set_link(false);
  in_lwip([&] { dev->netif.poll(); });
  CHECK(
      in_lwip([&] { return netif_is_link_up(&dev->netif.lwip_netif()) != 0; }));  // not checked yet
  lwip_test_clock().advance(EthernetNetif::kLinkCheckPeriodMs);
  in_lwip([&] { dev->netif.poll(); });
  CHECK_FALSE(in_lwip([&] { return netif_is_link_up(&dev->netif.lwip_netif()) != 0; }));
  dev->mac.set_link(true);
  lwip_test_clock().advance(EthernetNetif::kLinkCheckPeriodMs);
  in_lwip([&] { dev->netif.poll(); });
  CHECK(in_lwip([&] { return netif_is_link_up(&dev->netif.lwip_netif()) != 0; }));
}
