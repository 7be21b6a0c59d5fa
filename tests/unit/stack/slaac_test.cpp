// SPDX-License-Identifier: Apache-2.0
// Router advertisements through the filter into lwIP's autoconfiguration: an address by SLAAC
// only where the network settings ask for it, and only from an advertisement a router on the
// link sent (link-local source, hop limit 255).
#include <CppUTest/TestHarness.h>

#include <cstring>

#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip_device.hpp"
#include "portcullis/boards/lab_network.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;

namespace {

const Bytes kRouterLinkLocal = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Bytes kRouterGlobal = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
// 2001:db8::5eff:fe00:5302: the lab prefix and the interface id of the device's MAC (EUI-64).
const Bytes kSlaacAddress = {0x20, 0x01, 0x0d, 0xb8, 0,    0, 0,    0,
                             0,    0,    0x5e, 0xff, 0xfe, 0, 0x53, 0x02};

// A router advertisement of 2001:db8::/64 (on-link, autonomous; valid 600 s, preferred 300 s).
Bytes router_advertisement(const Bytes& src, std::uint8_t hop_limit = 255) {
  Bytes ra = {134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes prefix = {3,    4,    64,   0xC0, 0, 0, 0x02, 0x58, 0, 0, 0x01, 0x2C, 0, 0, 0, 0,
                        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,    0,    0, 0, 0,    0,    0, 0, 0, 0};
  ra.insert(ra.end(), prefix.begin(), prefix.end());
  return icmp6_frame(ra, hop_limit, src);
}

bool has_address(LwipDevice& dev, const Bytes& want) {
  return in_lwip([&] {
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
      const netif* n = &dev.netif.lwip_netif();
      if (!ip6_addr_isinvalid(netif_ip6_addr_state(n, i)) &&
          std::memcmp(netif_ip6_addr(n, i)->addr, want.data(), 16) == 0) {
        return true;
      }
    }
    return false;
  });
}

}  // namespace

TEST_GROUP(Slaac) {
  LwipDevice* dev = nullptr;
  void setup() override {
    set_hook_policy(default_hook_policy());
    dev = new LwipDevice;
  }
  void teardown() override {
    delete dev;
  }
};

TEST(Slaac, ARoutersAdvertisementGivesTheDeviceAnAddressWhenTheSettingsAskForOne) {
  dev->start_with(portcullis::boards::kLabNetworkAuto);
  let_time_pass(2000);  // ::2 ends duplicate address detection: it takes the RA
  dev->exchange(router_advertisement(kRouterLinkLocal));
  CHECK(has_address(*dev, kSlaacAddress));
}

TEST(Slaac, NoAddressWithStaticSettings) {
  dev->start_with(portcullis::boards::kLabNetwork);
  let_time_pass(2000);  // ::2 ends duplicate address detection: it takes the RA
  dev->exchange(router_advertisement(kRouterLinkLocal));
  CHECK_FALSE(has_address(*dev, kSlaacAddress));
}

TEST(Slaac, OnlyAnAdvertisementFromTheLinkCounts) {
  dev->start_with(portcullis::boards::kLabNetworkAuto);
  let_time_pass(2000);  // ::2 ends duplicate address detection: it takes the RA
  dev->exchange(router_advertisement(kRouterLinkLocal, 64));  // routed: the filter drops it
  dev->exchange(router_advertisement(kRouterGlobal));         // not link-local: lwIP refuses it
  CHECK_FALSE(has_address(*dev, kSlaacAddress));
}
