// SPDX-License-Identifier: Apache-2.0
// lwIP's randomness: SipHash-2-4 under a per-boot key for LWIP_RAND() and RFC 6528 TCP
// initial sequence numbers, wired into real lwIP through LWIP_HOOK_TCP_ISN.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip_device.hpp"
#include "portcullis/stack/internal/siphash.hpp"
#include "portcullis/stack/lwip_hooks.h"
#include "portcullis/stack/lwip_port.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::stack::key_lwip_random;
using portcullis::stack::kLwipRandomKeyBytes;
using portcullis::stack::internal::sip_key;
using portcullis::stack::internal::siphash24;

namespace {

using Key = std::array<std::uint8_t, kLwipRandomKeyBytes>;

Key key_of(std::uint8_t first) {
  Key k{};
  std::iota(k.begin(), k.end(), first);
  return k;
}

std::vector<std::uint32_t> draws(int n) {
  std::vector<std::uint32_t> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(portcullis_lwip_rand());
  }
  return out;
}

const ip_addr_t kDevice = IPADDR4_INIT_BYTES(192, 0, 2, 2);
const ip_addr_t kPeer = IPADDR4_INIT_BYTES(192, 0, 2, 1);
const ip_addr_t kDevice6 = IPADDR6_INIT_HOST(0x20010db8, 0, 0, 2);
const ip_addr_t kPeer6 = IPADDR6_INIT_HOST(0x20010db8, 0, 0, 1);

}  // namespace

TEST_GROUP(SipHash){};

// The reference vectors of the SipHash paper (appendix A): key 00..0f.
TEST(SipHash, MatchesTheReferenceVectors) {
  std::array<std::uint8_t, 16> key{};
  std::iota(key.begin(), key.end(), 0);
  std::array<std::uint8_t, 15> message{};
  std::iota(message.begin(), message.end(), 0);
  UNSIGNED_LONGLONGS_EQUAL(0xa129ca6149be45e5ULL, siphash24(sip_key(key), message));
  UNSIGNED_LONGLONGS_EQUAL(0x726fdb47dd0e0e31ULL,
                           siphash24(sip_key(key), std::span<const std::uint8_t>{}));
  static_assert(siphash24(sip_key(std::array<std::uint8_t, 16>{}), std::array<std::uint8_t, 1>{}) !=
                0);
}

TEST_GROUP(LwipRandom){void teardown() override{key_lwip_random(key_of(0));
}
}
;

// Two boots draw two keys from their DRBGs: their lwIP numbers (the first ephemeral ports,
// the scan detector's key) have nothing in common; one key always gives the same ones.
TEST(LwipRandom, TheKeyDecidesEveryNumber) {
  key_lwip_random(key_of(1));
  const auto a = draws(8);
  key_lwip_random(key_of(2));
  const auto b = draws(8);
  key_lwip_random(key_of(1));
  CHECK(a == draws(8));
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i] != b[i]);
  }
  CHECK(portcullis::stack::lwip_random_keyed());
}

// RFC 6528: the same 4-tuple under another key starts elsewhere; under one key a 4-tuple's
// ISN moves with the 4-microsecond clock only, and another tuple's says nothing of it.
TEST(LwipRandom, InitialSequenceNumbersFollowRfc6528) {
  const auto isn = [](const ip_addr_t& local, std::uint16_t lport, const ip_addr_t& remote,
                      std::uint16_t rport) {
    return in_lwip([&] { return portcullis_tcp_isn(&local, lport, &remote, rport); });
  };
  key_lwip_random(key_of(1));
  const std::uint32_t first = isn(kDevice, 49152, kPeer, 8883);
  const std::uint32_t v6 = isn(kDevice6, 49152, kPeer6, 8883);
  lwip_test_clock().advance(10);
  LONGS_EQUAL(2500, isn(kDevice, 49152, kPeer, 8883) - first);
  const std::uint32_t next_port = isn(kDevice, 49153, kPeer, 8883);
  CHECK(next_port - first > 100000 && first - next_port > 100000);
  CHECK(v6 != first);
  key_lwip_random(key_of(2));
  CHECK(isn(kDevice, 49152, kPeer, 8883) - first > 100000);
}

// The hook is wired: the SYN lwIP sends for a connection the device opens carries the keyed
// ISN, not lwIP's counter (6510 plus ticks before).
TEST(LwipRandom, LwipsSynCarriesTheKeyedIsn) {
  key_lwip_random(key_of(7));
  set_hook_policy(default_hook_policy());
  LwipDevice dev;
  dev.start();
  settle_lwip();
  std::uint16_t local_port = 0;
  std::uint32_t expected = 0;
  const auto sent = in_lwip([&] {
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    dev.mac.sent().clear();
    ip_addr_t peer = kPeer;
    if (pcb != nullptr && tcp_connect(pcb, &peer, 8883, nullptr) == ERR_OK) {
      local_port = pcb->local_port;
      expected = portcullis_tcp_isn(&pcb->local_ip, pcb->local_port, &peer, 8883);
    }
    return dev.mac.sent();
  });
  LONGS_EQUAL(1, sent.size());
  const auto syn = sent_tcp(sent[0]);
  CHECK(syn.has_value());
  LONGS_EQUAL(local_port, syn->src_port);
  UNSIGNED_LONGS_EQUAL(expected - 1, syn->seq);  // lwIP's SYN: snd_lbb = iss - 1 (tcp.c)
}
