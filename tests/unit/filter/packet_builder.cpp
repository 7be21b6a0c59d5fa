// SPDX-License-Identifier: Apache-2.0
#include "packet_builder.hpp"

#include <algorithm>

namespace portcullis::test {
namespace {

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
}

constexpr std::uint8_t kTcpOptNop = 1;
constexpr std::uint8_t kIpv4OptNop = 1;
constexpr std::uint8_t kOptPad1 = 0;
constexpr std::uint8_t kOptPadN = 1;

}  // namespace

Bytes tcp(const TcpSpec& spec) {
  const std::size_t header =
      spec.header_bytes != 0 ? spec.header_bytes : std::max<std::size_t>(spec.data_offset * 4u, 20);
  Bytes b(std::max<std::size_t>(header, 20), kTcpOptNop);
  put16(b, 0, spec.sport);
  put16(b, 2, spec.dport);
  put16(b, 4, 0x1234);  // sequence number
  put16(b, 6, 0x5678);
  put16(b, 8, 0);  // acknowledgment number
  put16(b, 10, 0);
  b[12] = static_cast<std::uint8_t>(spec.data_offset << 4);
  b[13] = spec.flags;
  put16(b, 14, 64240);  // window
  put16(b, 16, 0);      // checksum
  put16(b, 18, 0);      // urgent pointer
  b.resize(header);     // shorter than 20 only when a test cuts it on purpose
  b.insert(b.end(), spec.payload, 0);
  return b;
}

Bytes udp(const UdpSpec& spec) {
  Bytes b(8 + spec.payload, 0);
  put16(b, 0, spec.sport);
  put16(b, 2, spec.dport);
  put16(b, 4, spec.length.value_or(static_cast<std::uint16_t>(8 + spec.payload)));
  return b;
}

Bytes icmp(std::uint8_t type, std::uint8_t code, const Bytes& body, std::uint32_t rest) {
  Bytes b{type, code, 0, 0, 0, 0, 0, 0};
  put16(b, 4, static_cast<std::uint16_t>(rest >> 16));
  put16(b, 6, static_cast<std::uint16_t>(rest));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes ipv4(const Ipv4Spec& spec, const Bytes& payload) {
  const std::size_t header = 20 + spec.option_bytes;
  Bytes b(header, 0);
  b[0] = static_cast<std::uint8_t>((spec.version << 4) |
                                   spec.ihl.value_or(static_cast<std::uint8_t>(header / 4)));
  put16(b, 2, spec.total_length.value_or(static_cast<std::uint16_t>(header + payload.size())));
  put16(b, 4, 0xBEEF);  // identification
  put16(b, 6,
        static_cast<std::uint16_t>((spec.more_fragments ? 0x2000 : 0) |
                                   (spec.fragment_offset & 0x1FFF)));
  b[8] = spec.ttl;
  b[9] = spec.proto;
  std::copy(spec.src.begin(), spec.src.end(), b.begin() + 12);
  std::copy(spec.dst.begin(), spec.dst.end(), b.begin() + 16);
  std::fill(b.begin() + 20, b.end(), kIpv4OptNop);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes ipv6(const Ipv6Spec& spec, const Bytes& payload) {
  Bytes b(40, 0);
  b[0] = static_cast<std::uint8_t>(spec.version << 4);
  put16(b, 4, spec.payload_length.value_or(static_cast<std::uint16_t>(payload.size())));
  b[6] = spec.next;
  b[7] = spec.hop_limit;
  std::copy(spec.src.begin(), spec.src.end(), b.begin() + 8);
  std::copy(spec.dst.begin(), spec.dst.end(), b.begin() + 24);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes options_header(std::uint8_t next, const Bytes& options, const Bytes& rest,
                     std::size_t total_bytes) {
  const std::size_t used = 2 + options.size();
  const std::size_t total = total_bytes != 0 ? total_bytes : (used + 7) / 8 * 8;
  Bytes b{next, static_cast<std::uint8_t>(total / 8 - 1)};
  b.insert(b.end(), options.begin(), options.end());
  const std::size_t pad = total > used ? total - used : 0;
  if (pad == 1) {
    b.push_back(kOptPad1);
  } else if (pad >= 2) {
    b.push_back(kOptPadN);
    b.push_back(static_cast<std::uint8_t>(pad - 2));
    b.insert(b.end(), pad - 2, 0);
  }
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

Bytes routing_header(std::uint8_t next, std::uint8_t segments_left, const Bytes& rest,
                     std::uint8_t routing_type, std::size_t total_bytes) {
  Bytes b(total_bytes, 0);
  b[0] = next;
  b[1] = static_cast<std::uint8_t>(total_bytes / 8 - 1);
  b[2] = routing_type;
  b[3] = segments_left;
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

Bytes fragment_header(std::uint8_t next, std::uint16_t offset_units, bool more, const Bytes& rest) {
  Bytes b(8, 0);
  b[0] = next;
  put16(b, 2, static_cast<std::uint16_t>((offset_units << 3) | (more ? 1 : 0)));
  put16(b, 4, 0xCAFE);  // identification
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

Bytes first(const Bytes& b, std::size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size())));
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace portcullis::test
