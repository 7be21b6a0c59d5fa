// SPDX-License-Identifier: Apache-2.0
#pragma once
// Builds and reads Ethernet frames for stack tests: the lab network's host (192.0.2.1,
// 2001:db8::1) talking to the device (192.0.2.2, 2001:db8::2).

#include <cstdint>
#include <optional>
#include <vector>

namespace portcullis::test {

using Bytes = std::vector<std::uint8_t>;

inline const Bytes kPeerMac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
inline const Bytes kDeviceMac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02};
inline const Bytes kPeerIp4 = {192, 0, 2, 1};
inline const Bytes kDeviceIp4 = {192, 0, 2, 2};
inline const Bytes kPeerIp6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline const Bytes kDeviceIp6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

enum TcpFlags : std::uint8_t {
  kFin = 0x01,
  kSyn = 0x02,
  kRst = 0x04,
  kPsh = 0x08,
  kAck = 0x10,
  kUrg = 0x20
};

std::uint16_t get16(const Bytes& f, std::size_t at);
std::uint32_t get32(const Bytes& f, std::size_t at);
// Internet checksum of f[from, from+len) (0 when a received checksum field is valid).
std::uint16_t checksum(const Bytes& f, std::size_t from, std::size_t len);

Bytes arp_request(const Bytes& target_ip);
Bytes ipv4_echo_request(std::uint16_t id, std::uint16_t seq, const Bytes& payload);

struct TcpSegment {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  Bytes payload;
};
// A TCP segment in IPv4 (or IPv6 when `ipv6`) from the peer to the device, checksums valid.
Bytes tcp_frame(const TcpSegment& s, bool ipv6 = false, const Bytes& src_ip = {});

struct UdpDatagram {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  Bytes payload;
};
Bytes udp_frame(const UdpDatagram& d, bool ipv6 = false, const Bytes& src_ip = {});

// An ICMPv6 message (checksum filled in) from the peer, or from `src_ip`, to the device.
Bytes icmp6_frame(const Bytes& icmp, std::uint8_t hop_limit, const Bytes& src_ip = {});
// The peer asks for the device's MAC and tells its own (so lwIP can send to it at once).
Bytes neighbour_solicitation();
// An ICMPv6 Packet Too Big naming `mtu`, quoting `quote`; from the peer or `src_ip`.
Bytes packet_too_big(std::uint32_t mtu, const Bytes& quote, const Bytes& src_ip = {});
// The first 48 bytes of an IPv6 packet the device sent the peer: its header, then the ports.
Bytes quoted_ipv6(std::uint8_t proto, std::uint16_t device_port, std::uint16_t peer_port);

// An SNTP server's answer (mode 4, stratum 2; the UDP payload): `origin` (the request's 8-byte
// transmit timestamp) echoed, receive and transmit timestamps `unix_s` and `fraction`/2^32.
Bytes sntp_answer(const Bytes& origin, std::uint32_t unix_s, std::uint32_t fraction = 0);

// What the device sent: decoded TCP / UDP / ICMP of a frame, if it is one.
std::optional<TcpSegment> sent_tcp(const Bytes& frame);
// Whether one of `sent` is a SYN-ACK from the device's `port`: a listener answered.
bool syn_ack_from(const std::vector<Bytes>& sent, std::uint16_t port);
std::optional<UdpDatagram> sent_udp(const Bytes& frame);
// ICMP (IPv4) or ICMPv6 type of a frame the device sent, if it is one.
std::optional<std::uint8_t> sent_icmp_type(const Bytes& frame);

}  // namespace portcullis::test
