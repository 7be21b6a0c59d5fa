// SPDX-License-Identifier: Apache-2.0
// The packet builder puts each field where the RFCs say, so the classifier tests test the
// classifier and not the builder.

#include <CppUTest/TestHarness.h>

#include "packet_builder.hpp"

using namespace portcullis::test;  // NOLINT(google-build-using-namespace): test helpers

TEST_GROUP(PacketBuilder){};

TEST(PacketBuilder, Ipv4HeaderFields) {
  const Bytes p = ipv4({.proto = kProtoUdp,
                        .ttl = 7,
                        .fragment_offset = 3,
                        .more_fragments = true,
                        .option_bytes = 8},
                       Bytes(5, 0xEE));
  LONGS_EQUAL(33, p.size());
  BYTES_EQUAL(0x47, p[0]);  // version 4, IHL 7
  BYTES_EQUAL(0, p[2]);
  BYTES_EQUAL(33, p[3]);
  BYTES_EQUAL(0x20, p[6]);  // MF
  BYTES_EQUAL(3, p[7]);     // offset
  BYTES_EQUAL(7, p[8]);
  BYTES_EQUAL(17, p[9]);
  BYTES_EQUAL(192, p[12]);
  BYTES_EQUAL(1, p[15]);
  BYTES_EQUAL(2, p[19]);
  BYTES_EQUAL(1, p[20]);  // NOP option
  BYTES_EQUAL(0xEE, p[28]);
}

TEST(PacketBuilder, Ipv4Overrides) {
  const Bytes p = ipv4({.ihl = 3, .total_length = 999, .version = 6}, {});
  BYTES_EQUAL(0x63, p[0]);
  BYTES_EQUAL(999 >> 8, p[2]);
  BYTES_EQUAL(999 & 0xFF, p[3]);
}

TEST(PacketBuilder, TcpHeaderFields) {
  const Bytes t =
      tcp({.sport = 0x1234, .dport = 80, .flags = 0x29, .data_offset = 7, .payload = 3});
  LONGS_EQUAL(31, t.size());
  BYTES_EQUAL(0x12, t[0]);
  BYTES_EQUAL(0x34, t[1]);
  BYTES_EQUAL(80, t[3]);
  BYTES_EQUAL(0x70, t[12]);
  BYTES_EQUAL(0x29, t[13]);
  BYTES_EQUAL(1, t[20]);  // NOP options up to the data offset
  BYTES_EQUAL(1, t[27]);
  BYTES_EQUAL(0, t[28]);
  LONGS_EQUAL(12, tcp({.dport = 80, .header_bytes = 12}).size());
  LONGS_EQUAL(20, tcp({.dport = 80, .data_offset = 2}).size());
}

TEST(PacketBuilder, UdpLength) {
  const Bytes u = udp({.sport = 53, .dport = 5683, .payload = 4});
  LONGS_EQUAL(12, u.size());
  BYTES_EQUAL(53, u[1]);
  BYTES_EQUAL(0x16, u[2]);
  BYTES_EQUAL(0x33, u[3]);
  BYTES_EQUAL(12, u[5]);
  BYTES_EQUAL(3, udp({.length = 3})[5]);
}

TEST(PacketBuilder, IcmpMessage) {
  const Bytes m = icmp(3, 4, Bytes{9, 9});
  LONGS_EQUAL(10, m.size());
  BYTES_EQUAL(3, m[0]);
  BYTES_EQUAL(4, m[1]);
  BYTES_EQUAL(9, m[8]);
}

TEST(PacketBuilder, Ipv6HeaderFields) {
  const Bytes p = ipv6({.next = kProtoUdp, .hop_limit = 255}, Bytes(10, 0));
  LONGS_EQUAL(50, p.size());
  BYTES_EQUAL(0x60, p[0]);
  BYTES_EQUAL(10, p[5]);
  BYTES_EQUAL(17, p[6]);
  BYTES_EQUAL(255, p[7]);
  BYTES_EQUAL(0x20, p[8]);
  BYTES_EQUAL(1, p[23]);
  BYTES_EQUAL(2, p[39]);
  BYTES_EQUAL(77, ipv6({.payload_length = 77}, {})[5]);
}

TEST(PacketBuilder, OptionsHeaderIsPaddedToEightByteUnits) {
  const Bytes h = options_header(kProtoTcp, {5, 2, 0, 0}, Bytes{0xAA});
  LONGS_EQUAL(9, h.size());
  BYTES_EQUAL(6, h[0]);
  BYTES_EQUAL(0, h[1]);  // (8 / 8) - 1
  BYTES_EQUAL(1, h[6]);  // PadN
  BYTES_EQUAL(0, h[7]);  // of no data bytes
  BYTES_EQUAL(0xAA, h[8]);
  const Bytes pad1 = options_header(kProtoTcp, {1, 3, 0, 0, 0}, {});
  LONGS_EQUAL(8, pad1.size());
  BYTES_EQUAL(0, pad1[7]);  // Pad1
  const Bytes big = options_header(kProtoTcp, {}, {}, 32);
  LONGS_EQUAL(32, big.size());
  BYTES_EQUAL(3, big[1]);
  BYTES_EQUAL(28, big[3]);
}

TEST(PacketBuilder, RoutingAndFragmentHeaders) {
  const Bytes r = routing_header(kProtoUdp, 2, {}, 0, 16);
  LONGS_EQUAL(16, r.size());
  BYTES_EQUAL(17, r[0]);
  BYTES_EQUAL(1, r[1]);
  BYTES_EQUAL(0, r[2]);
  BYTES_EQUAL(2, r[3]);
  const Bytes f = fragment_header(kProtoTcp, 185, true, Bytes{1});
  LONGS_EQUAL(9, f.size());
  BYTES_EQUAL(6, f[0]);
  BYTES_EQUAL((185 << 3) >> 8, f[2]);
  BYTES_EQUAL(((185 << 3) & 0xFF) | 1, f[3]);
}
