// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hand-built IPv4/IPv6 packets for the classifier tests. Fields default to a valid packet
// from the lab's host (192.0.2.1 / 2001:db8::1) to the device (.2 / ::2); each test
// overrides the field it is about. Checksums are left 0: the classifier does not read them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace portcullis::test {

using Bytes = std::vector<std::uint8_t>;
using Ipv4Address = std::array<std::uint8_t, 4>;
using Ipv6Address = std::array<std::uint8_t, 16>;

inline constexpr Ipv4Address kHost4{192, 0, 2, 1};
inline constexpr Ipv4Address kDevice4{192, 0, 2, 2};
inline constexpr Ipv6Address kHost6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr Ipv6Address kDevice6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flags

inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoIcmp6 = 58;
inline constexpr std::uint8_t kNextHopByHop = 0;
inline constexpr std::uint8_t kNextRouting = 43;
inline constexpr std::uint8_t kNextFragment = 44;
inline constexpr std::uint8_t kNextNone = 59;
inline constexpr std::uint8_t kNextDestOpts = 60;

struct TcpSpec {
  std::uint16_t sport = 40000;
  std::uint16_t dport = 80;
  std::uint8_t flags = tcp_flags::kSyn;
  std::uint8_t data_offset = 5;  // 32-bit words; options beyond 20 bytes are NOPs
  std::size_t header_bytes = 0;  // header bytes written; 0: max(20, data_offset * 4)
  std::size_t payload = 0;
};
Bytes tcp(const TcpSpec& spec);

struct UdpSpec {
  std::uint16_t sport = 40000;
  std::uint16_t dport = 5683;
  std::size_t payload = 0;
  std::optional<std::uint16_t> length = std::nullopt;  // the length field; default 8 + payload
};
Bytes udp(const UdpSpec& spec);

// An ICMP or ICMPv6 message: type, code, zero checksum, `rest` as the rest-of-header (an
// MTU, a pointer), then `body`.
Bytes icmp(std::uint8_t type, std::uint8_t code = 0, const Bytes& body = {},
           std::uint32_t rest = 0);

struct Ipv4Spec {
  Ipv4Address src = kHost4;
  Ipv4Address dst = kDevice4;
  std::uint8_t proto = kProtoTcp;
  std::uint8_t ttl = 64;
  std::uint16_t fragment_offset = 0;  // in 8-byte units
  bool more_fragments = false;
  std::size_t option_bytes = 0;                              // NOP options, a multiple of 4
  std::optional<std::uint8_t> ihl = std::nullopt;            // default (20 + option_bytes) / 4
  std::optional<std::uint16_t> total_length = std::nullopt;  // default the real length
  std::uint8_t version = 4;
};
Bytes ipv4(const Ipv4Spec& spec, const Bytes& payload);

struct Ipv6Spec {
  Ipv6Address src = kHost6;
  Ipv6Address dst = kDevice6;
  std::uint8_t next = kProtoTcp;
  std::uint8_t hop_limit = 64;
  std::optional<std::uint16_t> payload_length = std::nullopt;  // default the real length
  std::uint8_t version = 6;
};
Bytes ipv6(const Ipv6Spec& spec, const Bytes& payload);

// IPv6 extension headers, each followed by `rest` (the next header and what follows).
// Hop-by-hop or destination options: `options` padded with PadN/Pad1 to `total_bytes`
// (default: the next multiple of 8).
Bytes options_header(std::uint8_t next, const Bytes& options, const Bytes& rest,
                     std::size_t total_bytes = 0);
Bytes routing_header(std::uint8_t next, std::uint8_t segments_left, const Bytes& rest,
                     std::uint8_t routing_type = 4, std::size_t total_bytes = 24);
Bytes fragment_header(std::uint8_t next, std::uint16_t offset_units, bool more, const Bytes& rest);

// The first `n` bytes of `b` (all of them when it is shorter).
Bytes first(const Bytes& b, std::size_t n);
Bytes concat(const Bytes& a, const Bytes& b);

}  // namespace portcullis::test
