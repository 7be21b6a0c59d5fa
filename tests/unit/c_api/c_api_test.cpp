// SPDX-License-Identifier: Apache-2.0
// The C interface (portcullis/portcullis.h) on real lwIP with the build's policy (host-linux:
// mgmt 8443 from 192.0.2.0/24, echo on) and Portcullis's own input hooks (no test hooks in this
// program): what a C firmware calls, and what it reads back.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip_device.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/portcullis.h"

using namespace portcullis::test;

namespace {

constexpr std::uint16_t kClosedPort = 8080;
constexpr std::uint16_t kRoguePort = 2323;  // a listener the policy does not allow

}  // namespace

TEST_GROUP(CApi){};

// One test: the filter is installed once per process (before lwIP runs), as a firmware does.
TEST(CApi, FiltersAuditsAndReportsThroughTheCInterface) {
  std::array<std::uint8_t, PORTCULLIS_RANDOM_KEY_BYTES> key{};
  key.fill(0x5A);
  LONGS_EQUAL(-1, portcullis_start(key.data(), key.size() - 1));  // a key of another length
  LONGS_EQUAL(0, portcullis_start(key.data(), key.size()));
  LONGS_EQUAL(-1, portcullis_start(nullptr, 0));  // once only

  LwipDevice device;  // lwip_init(), then note_lwip_started() as portcullis_lwip_started() does
  device.start();
  listen_on(8443);  // enters lwIP's context itself
  tcp_pcb* rogue = listen_on(kRoguePort);
  CHECK(rogue != nullptr);

  portcullis_status before{};
  portcullis_read_status(&before);

  // The mgmt port answers its source prefix; a closed port and the rogue listener do not.
  CHECK(syn_ack_from(
      device.exchange(tcp_frame({.src_port = 40001, .dst_port = 8443, .seq = 1000, .flags = 0x02})),
      8443));
  CHECK(device
            .exchange(
                tcp_frame({.src_port = 40002, .dst_port = kClosedPort, .seq = 2000, .flags = 0x02}))
            .empty());
  CHECK(device
            .exchange(
                tcp_frame({.src_port = 40003, .dst_port = kRoguePort, .seq = 3000, .flags = 0x02}))
            .empty());

  portcullis_audit_now(0);
  portcullis_poll(1);
  portcullis_status after{};
  portcullis_read_status(&after);
  CHECK(after.rx_total >= before.rx_total + 3);
  LONGS_EQUAL(before.dropped_total + 2, after.dropped_total);
  LONGS_EQUAL(before.passed_total + (after.rx_total - before.rx_total - 2), after.passed_total);
  LONGS_EQUAL(1, after.violations_total);
  LONGS_EQUAL(1, after.listeners);  // 8443 left; the audit closed 2323
  STRCMP_EQUAL(std::string(portcullis::policy::kPolicyDigest).c_str(), after.policy_digest);

  portcullis_violation v{};
  LONGS_EQUAL(1, portcullis_read_violation(0, &v));
  LONGS_EQUAL(6, v.proto);
  LONGS_EQUAL(kRoguePort, v.port);
  LONGS_EQUAL(1, v.action);
  LONGS_EQUAL(0, portcullis_read_violation(1, &v));

  // A driver's screening before it takes a pbuf: a SYN to a closed port is dropped and counted
  // there; a SYN to the mgmt port, a segment to it without a connection (a SYN ahead in lwIP's
  // queue could have made one) and a frame that is no IP go on to lwIP, uncounted here.
  const netif* nif = &device.netif.lwip_netif();
  const Bytes closed =
      tcp_frame({.src_port = 40004, .dst_port = kClosedPort, .seq = 4000, .flags = 0x02});
  const Bytes mgmt_syn =
      tcp_frame({.src_port = 40005, .dst_port = 8443, .seq = 5000, .flags = 0x02});
  const Bytes mgmt_ack =
      tcp_frame({.src_port = 40006, .dst_port = 8443, .seq = 6000, .ack = 1, .flags = 0x10});
  Bytes arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  LONGS_EQUAL(1, portcullis_screen_frame(closed.data(), closed.size(), nif));
  LONGS_EQUAL(0, portcullis_screen_frame(mgmt_syn.data(), mgmt_syn.size(), nif));
  LONGS_EQUAL(0, portcullis_screen_frame(mgmt_ack.data(), mgmt_ack.size(), nif));
  LONGS_EQUAL(0, portcullis_screen_frame(arp.data(), arp.size(), nif));
  portcullis_status screened{};
  portcullis_read_status(&screened);
  LONGS_EQUAL(after.rx_total + 1, screened.rx_total);
  LONGS_EQUAL(after.dropped_total + 1, screened.dropped_total);
}
