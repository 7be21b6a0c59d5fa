// SPDX-License-Identifier: Apache-2.0
// The fake the classifier tests rely on answers exactly what it was told.

#include <CppUTest/TestHarness.h>

#include <array>

#include "fake_stack_view.hpp"
#include "packet_builder.hpp"

using portcullis::filter::Flow;
using portcullis::test::FakeStackView;
using portcullis::test::Ipv4Address;
using portcullis::test::Ipv6Address;
using portcullis::test::kDevice4;
using portcullis::test::kDevice6;
using portcullis::test::kHost4;
using portcullis::test::kHost6;

namespace {

constexpr Ipv4Address kRemote{198, 51, 100, 7};

Flow flow(std::span<const std::uint8_t> remote, std::uint16_t rport,
          std::span<const std::uint8_t> local, std::uint16_t lport) {
  return Flow{remote, local, rport, lport};
}

}  // namespace

TEST_GROUP(FakeStackView) {
  FakeStackView stack;
};

TEST(FakeStackView, KnowsNothingAtFirst) {
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 443, kDevice4, 49152)));
  CHECK_FALSE(stack.udp_flow(flow(kRemote, 53, kDevice4, 49152)));
  CHECK_FALSE(stack.ipv4_broadcast(std::span<const std::uint8_t, 4>(kDevice4)));
}

TEST(FakeStackView, TcpFlowMatchesTheExactTupleOnly) {
  CHECK(stack.add_tcp_flow(kRemote, 443, kDevice4, 49152));
  CHECK(stack.tcp_flow(flow(kRemote, 443, kDevice4, 49152)));
  CHECK_FALSE(stack.tcp_flow(flow(kHost4, 443, kDevice4, 49152)));
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 444, kDevice4, 49152)));
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 443, kHost4, 49152)));
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 443, kDevice4, 49153)));
  CHECK_FALSE(stack.tcp_flow(flow(kDevice4, 49152, kRemote, 443)));  // the other direction
  CHECK_FALSE(stack.udp_flow(flow(kRemote, 443, kDevice4, 49152)));  // not a UDP flow
}

TEST(FakeStackView, UdpFlowsAreTheirOwnTable) {
  CHECK(stack.add_udp_flow(kHost6, 53, kDevice6, 50000));
  CHECK(stack.udp_flow(flow(kHost6, 53, kDevice6, 50000)));
  CHECK_FALSE(stack.tcp_flow(flow(kHost6, 53, kDevice6, 50000)));
  CHECK_FALSE(stack.udp_flow(flow(kDevice6, 53, kHost6, 50000)));
}

TEST(FakeStackView, AddressFamiliesDoNotMix) {
  CHECK(stack.add_tcp_flow(kHost4, 443, kDevice4, 49152));
  // An IPv6 address starting with the same four bytes is another address.
  Ipv6Address host6{};
  std::copy(kHost4.begin(), kHost4.end(), host6.begin());
  Ipv6Address device6{};
  std::copy(kDevice4.begin(), kDevice4.end(), device6.begin());
  CHECK_FALSE(stack.tcp_flow(flow(host6, 443, device6, 49152)));
  CHECK_FALSE(stack.add_tcp_flow(kHost4, 443, kDevice6, 49152));
  CHECK_FALSE(stack.add_udp_flow(std::span<const std::uint8_t>(kHost4).first(3), 1,
                                 std::span<const std::uint8_t>(kDevice4).first(3), 2));
}

TEST(FakeStackView, TablesHaveAFixedCapacity) {
  for (std::uint16_t i = 0; i < FakeStackView::kCapacity; ++i) {
    CHECK(stack.add_tcp_flow(kRemote, 443, kDevice4, static_cast<std::uint16_t>(40000 + i)));
  }
  CHECK_FALSE(stack.add_tcp_flow(kRemote, 443, kDevice4, 50000));
  CHECK(stack.tcp_flow(flow(kRemote, 443, kDevice4, 40000 + FakeStackView::kCapacity - 1)));
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 443, kDevice4, 50000)));
}

TEST(FakeStackView, BroadcastAddressesAreThoseAdded) {
  const Ipv4Address subnet{192, 0, 2, 255};
  CHECK(stack.add_ipv4_broadcast(subnet));
  CHECK(stack.ipv4_broadcast(std::span<const std::uint8_t, 4>(subnet)));
  CHECK_FALSE(stack.ipv4_broadcast(std::span<const std::uint8_t, 4>(kDevice4)));
}

TEST(FakeStackView, CountsQuestionsAndKeepsTheLast) {
  CHECK_FALSE(stack.tcp_flow(flow(kRemote, 443, kDevice4, 49152)));
  CHECK_FALSE(stack.udp_flow(flow(kHost4, 53, kDevice4, 50000)));
  CHECK_FALSE(stack.udp_flow(flow(kHost4, 53, kDevice4, 50001)));
  CHECK_FALSE(stack.ipv4_broadcast(std::span<const std::uint8_t, 4>(kDevice4)));
  LONGS_EQUAL(1, stack.tcp_queries());
  LONGS_EQUAL(2, stack.udp_queries());
  LONGS_EQUAL(1, stack.broadcast_queries());
  LONGS_EQUAL(50001, stack.last_query().local_port);
  LONGS_EQUAL(53, stack.last_query().remote_port);
  LONGS_EQUAL(4, stack.last_query().ip_len);
  BYTES_EQUAL(1, stack.last_query().remote_ip[3]);
}
