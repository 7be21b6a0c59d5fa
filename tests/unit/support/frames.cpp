// SPDX-License-Identifier: Apache-2.0
#include "frames.hpp"

namespace portcullis::test {
namespace {

void put16(Bytes& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& f, std::uint32_t v) {
  put16(f, static_cast<std::uint16_t>(v >> 16));
  put16(f, static_cast<std::uint16_t>(v));
}
void append(Bytes& f, const Bytes& more) {
  f.insert(f.end(), more.begin(), more.end());
}
void set16(Bytes& f, std::size_t at, std::uint16_t v) {
  f[at] = static_cast<std::uint8_t>(v >> 8);
  f[at + 1] = static_cast<std::uint8_t>(v);
}

std::uint32_t sum16(const Bytes& f, std::size_t from, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) {
    sum += get16(f, from + i);
  }
  if (len % 2 != 0) {
    sum += static_cast<std::uint32_t>(f[from + len - 1] << 8);
  }
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum);
}

Bytes ethernet(std::uint16_t type) {
  Bytes f = kDeviceMac;
  append(f, kPeerMac);
  put16(f, type);
  return f;
}

// Appends an IP header and `l4` (checksum field at l4_csum_at, 0 if none), fixing checksums.
Bytes ip_frame(bool ipv6, std::uint8_t proto, const Bytes& src, const Bytes& l4,
               std::size_t l4_csum_at, std::uint8_t hop_limit = 64) {
  Bytes f = ethernet(ipv6 ? 0x86DD : 0x0800);
  const std::size_t ip = f.size();
  const Bytes& dst = ipv6 ? kDeviceIp6 : kDeviceIp4;
  if (ipv6) {
    put32(f, 0x60000000u);
    put16(f, static_cast<std::uint16_t>(l4.size()));
    f.push_back(proto);
    f.push_back(hop_limit);
    append(f, src);
    append(f, dst);
  } else {
    f.push_back(0x45);
    f.push_back(0);
    put16(f, static_cast<std::uint16_t>(20 + l4.size()));
    put16(f, 0x1234);
    put16(f, 0);
    f.push_back(64);
    f.push_back(proto);
    put16(f, 0);
    append(f, src);
    append(f, dst);
    set16(f, ip + 10, checksum(f, ip, 20));
  }
  const std::size_t l4_at = f.size();
  append(f, l4);
  if (l4_csum_at != 0) {
    Bytes pseudo = src;
    append(pseudo, dst);
    if (ipv6) {
      put32(pseudo, static_cast<std::uint32_t>(l4.size()));
      put32(pseudo, proto);
    } else {
      pseudo.push_back(0);
      pseudo.push_back(proto);
      put16(pseudo, static_cast<std::uint16_t>(l4.size()));
    }
    const std::uint32_t sum = sum16(pseudo, 0, pseudo.size()) + sum16(f, l4_at, l4.size());
    std::uint16_t c = fold(sum);
    if (c == 0 && proto == 17) {
      c = 0xFFFF;
    }
    set16(f, l4_at + l4_csum_at, c);
  }
  return f;
}

// Start of the L4 header of a frame the device sent, and its protocol.
std::optional<std::pair<std::size_t, std::uint8_t>> l4_of(const Bytes& f) {
  if (f.size() < 14) {
    return std::nullopt;
  }
  const std::uint16_t type = get16(f, 12);
  if (type == 0x0800 && f.size() >= 34) {
    return std::make_pair(std::size_t{14} + (f[14] & 0x0F) * 4u, f[14 + 9]);
  }
  if (type == 0x86DD && f.size() >= 54) {
    return std::make_pair(std::size_t{54}, f[14 + 6]);
  }
  return std::nullopt;
}

}  // namespace

std::uint16_t get16(const Bytes& f, std::size_t at) {
  return static_cast<std::uint16_t>((f[at] << 8) | f[at + 1]);
}
std::uint32_t get32(const Bytes& f, std::size_t at) {
  return (std::uint32_t{get16(f, at)} << 16) | get16(f, at + 2);
}
std::uint16_t checksum(const Bytes& f, std::size_t from, std::size_t len) {
  return fold(sum16(f, from, len));
}

Bytes arp_request(const Bytes& target_ip) {
  Bytes f = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  append(f, kPeerMac);
  put16(f, 0x0806);
  put16(f, 1);
  put16(f, 0x0800);
  f.push_back(6);
  f.push_back(4);
  put16(f, 1);
  append(f, kPeerMac);
  append(f, kPeerIp4);
  append(f, {0, 0, 0, 0, 0, 0});
  append(f, target_ip);
  return f;
}

Bytes ipv4_echo_request(std::uint16_t id, std::uint16_t seq, const Bytes& payload) {
  Bytes icmp = {8, 0, 0, 0};
  put16(icmp, id);
  put16(icmp, seq);
  append(icmp, payload);
  set16(icmp, 2, checksum(icmp, 0, icmp.size()));
  return ip_frame(false, 1, kPeerIp4, icmp, 0);
}

Bytes tcp_frame(const TcpSegment& s, bool ipv6, const Bytes& src_ip) {
  Bytes tcp;
  put16(tcp, s.src_port);
  put16(tcp, s.dst_port);
  put32(tcp, s.seq);
  put32(tcp, s.ack);
  tcp.push_back(5 << 4);
  tcp.push_back(s.flags);
  put16(tcp, 8192);  // window
  put16(tcp, 0);     // checksum
  put16(tcp, 0);     // urgent pointer
  append(tcp, s.payload);
  const Bytes& src = !src_ip.empty() ? src_ip : (ipv6 ? kPeerIp6 : kPeerIp4);
  return ip_frame(ipv6, 6, src, tcp, 16);
}

Bytes udp_frame(const UdpDatagram& d, bool ipv6, const Bytes& src_ip) {
  Bytes udp;
  put16(udp, d.src_port);
  put16(udp, d.dst_port);
  put16(udp, static_cast<std::uint16_t>(8 + d.payload.size()));
  put16(udp, 0);
  append(udp, d.payload);
  const Bytes& src = !src_ip.empty() ? src_ip : (ipv6 ? kPeerIp6 : kPeerIp4);
  return ip_frame(ipv6, 17, src, udp, 6);
}

Bytes icmp6_frame(const Bytes& icmp, std::uint8_t hop_limit, const Bytes& src_ip) {
  return ip_frame(true, 58, !src_ip.empty() ? src_ip : kPeerIp6, icmp, 2, hop_limit);
}

Bytes neighbour_solicitation() {
  Bytes ns = {135, 0, 0, 0, 0, 0, 0, 0};
  append(ns, kDeviceIp6);
  append(ns, {1, 1});  // source link-layer address option, 8 bytes
  append(ns, kPeerMac);
  return icmp6_frame(ns, 255);
}

Bytes packet_too_big(std::uint32_t mtu, const Bytes& quote, const Bytes& src_ip) {
  Bytes ptb = {2, 0, 0, 0};
  put32(ptb, mtu);
  append(ptb, quote);
  return icmp6_frame(ptb, 64, src_ip);
}

Bytes quoted_ipv6(std::uint8_t proto, std::uint16_t device_port, std::uint16_t peer_port) {
  Bytes q;
  put32(q, 0x60000000u);
  put16(q, 1400);  // what the device sent, as the quote claims it
  q.push_back(proto);
  q.push_back(64);
  append(q, kDeviceIp6);
  append(q, kPeerIp6);
  put16(q, device_port);
  put16(q, peer_port);
  put32(q, 0);
  return q;
}

std::optional<TcpSegment> sent_tcp(const Bytes& f) {
  const auto l4 = l4_of(f);
  if (!l4 || l4->second != 6 || f.size() < l4->first + 20) {
    return std::nullopt;
  }
  const std::size_t t = l4->first;
  TcpSegment s;
  s.src_port = get16(f, t);
  s.dst_port = get16(f, t + 2);
  s.seq = get32(f, t + 4);
  s.ack = get32(f, t + 8);
  s.flags = f[t + 13];
  s.payload.assign(f.begin() + static_cast<std::ptrdiff_t>(t + (f[t + 12] >> 4) * 4u), f.end());
  return s;
}

std::optional<UdpDatagram> sent_udp(const Bytes& f) {
  const auto l4 = l4_of(f);
  if (!l4 || l4->second != 17 || f.size() < l4->first + 8) {
    return std::nullopt;
  }
  const std::size_t u = l4->first;
  UdpDatagram d;
  d.src_port = get16(f, u);
  d.dst_port = get16(f, u + 2);
  d.payload.assign(f.begin() + static_cast<std::ptrdiff_t>(u + 8), f.end());
  return d;
}

std::optional<std::uint8_t> sent_icmp_type(const Bytes& f) {
  const auto l4 = l4_of(f);
  if (!l4 || (l4->second != 1 && l4->second != 58) || f.size() <= l4->first) {
    return std::nullopt;
  }
  return f[l4->first];
}

Bytes sntp_answer(const Bytes& origin, std::uint32_t unix_s, std::uint32_t fraction) {
  constexpr std::uint32_t kNtpToUnix = 2'208'988'800U;  // 1900 -> 1970
  Bytes m = {0x24, 2};                                  // LI 0, version 4, mode 4; stratum 2
  m.resize(24, 0);
  m.insert(m.end(), origin.begin(), origin.end());
  for (int i = 0; i < 2; ++i) {  // receive and transmit timestamps
    put32(m, unix_s + kNtpToUnix);
    put32(m, fraction);
  }
  return m;
}

bool syn_ack_from(const std::vector<Bytes>& sent, std::uint16_t port) {
  for (const Bytes& f : sent) {
    const std::optional<TcpSegment> seg = sent_tcp(f);
    if (seg && seg->src_port == port && (seg->flags & 0x12) == 0x12) {
      return true;
    }
  }
  return false;
}

}  // namespace portcullis::test
