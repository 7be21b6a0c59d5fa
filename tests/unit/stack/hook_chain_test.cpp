// SPDX-License-Identifier: Apache-2.0
// A firmware's own lwIP input hooks beside Portcullis's (portcullis/stack/lwip_hooks.h):
// named in PORTCULLIS_NEXT_IP4_INPUT_HOOK / PORTCULLIS_NEXT_IP6_INPUT_HOOK, they run after
// Portcullis's judgement, only for what it passes, and lwIP gets their answer. The hooks are
// called here as lwIP's ip4_input / ip6_input call them (LWIP_HOOK_IP4_INPUT(p, inp)).
#define PORTCULLIS_NEXT_IP4_INPUT_HOOK customer_ip4_input_hook
#define PORTCULLIS_NEXT_IP6_INPUT_HOOK customer_ip6_input_hook
#include "portcullis/stack/lwip_hooks.h"

#include <CppUTest/TestHarness.h>

#include "lwip/pbuf.h"
#include "lwip_device.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;

namespace {

int customer_seen4 = 0;
int customer_seen6 = 0;
bool customer_consumes = false;

// The IP packet of an Ethernet frame, in a pbuf as ip4_input / ip6_input hold it.
pbuf* packet_of(const Bytes& frame) {
  const auto len = static_cast<u16_t>(frame.size() - 14);
  pbuf* p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
  if (p != nullptr) {
    pbuf_take(p, frame.data() + 14, len);
  }
  return p;
}

// LWIP_HOOK_IP4_INPUT / IP6 on one packet; frees it when nobody consumed it (as lwIP would go
// on and free it later). Returns the hook's answer.
int hook(const Bytes& frame, bool ipv6, LwipDevice& dev) {
  return in_lwip([&] {
    pbuf* p = packet_of(frame);
    netif* inp = &dev.netif.lwip_netif();
    const int eaten = ipv6 ? LWIP_HOOK_IP6_INPUT(p, inp) : LWIP_HOOK_IP4_INPUT(p, inp);
    if (eaten == 0) {
      pbuf_free(p);
    }
    return eaten;
  });
}

TcpSegment syn(std::uint16_t port) {
  return TcpSegment{.src_port = 40000, .dst_port = port, .seq = 1, .ack = 0, .flags = kSyn};
}

}  // namespace

namespace {
// The firmware's hook: counts what reaches it and, when told to, consumes it.
int customer_hook(int& seen, pbuf* p) {
  ++seen;
  if (customer_consumes) {
    pbuf_free(p);
    return 1;
  }
  return 0;
}
}  // namespace

extern "C" int customer_ip4_input_hook(pbuf* p, netif*) {
  return customer_hook(customer_seen4, p);
}
extern "C" int customer_ip6_input_hook(pbuf* p, netif*) {
  return customer_hook(customer_seen6, p);
}

TEST_GROUP(HookChain) {
  LwipDevice* dev = nullptr;
  void setup() override {
    set_hook_policy(default_hook_policy());  // tcp 80 allowed, every other port dropped
    dev = new LwipDevice;
    dev->start();
    listen_on(80);  // an allowed port with its service (the filter drops SYNs to none)
    customer_seen4 = customer_seen6 = 0;
    customer_consumes = false;
  }
  void teardown() override {
    delete dev;
  }
};

TEST(HookChain, WhatPortcullisPassesGoesOnToTheFirmwaresHookAndWhatItDropsDoesNot) {
  LONGS_EQUAL(0, hook(tcp_frame(syn(80)), false, *dev));  // passed; the firmware's hook: go on
  LONGS_EQUAL(1, customer_seen4);
  LONGS_EQUAL(1, hook(tcp_frame(syn(81)), false, *dev));  // dropped by Portcullis (freed)
  LONGS_EQUAL(1, customer_seen4);                         // never reached the firmware's hook
  LONGS_EQUAL(0, hook(tcp_frame(syn(80), true), true, *dev));
  LONGS_EQUAL(1, customer_seen6);
  LONGS_EQUAL(1, hook(tcp_frame(syn(81), true), true, *dev));
  LONGS_EQUAL(1, customer_seen6);
}

TEST(HookChain, TheFirmwaresHookMayConsumeWhatPortcullisPassed) {
  customer_consumes = true;
  LONGS_EQUAL(1, hook(tcp_frame(syn(80)), false, *dev));  // lwIP gets the firmware's answer
  LONGS_EQUAL(1, customer_seen4);
  LONGS_EQUAL(1, hook(tcp_frame(syn(80), true), true, *dev));
  LONGS_EQUAL(1, customer_seen6);
}
