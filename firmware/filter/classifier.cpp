// SPDX-License-Identifier: Apache-2.0
#include "portcullis/filter/classifier.hpp"

#include <algorithm>
#include <cstring>

#include "portcullis/filter/internal/wire.hpp"

namespace portcullis::filter {
namespace {

using internal::Wire;
using policy::Mode;
using policy::Proto;
using policy::Table;
using Bytes = std::span<const std::uint8_t>;

// IP protocol numbers, which are also IPv6 next-header values (IANA).
constexpr std::uint8_t kProtoHopByHop = 0;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoRouting = 43;
constexpr std::uint8_t kProtoFragment = 44;
constexpr std::uint8_t kProtoIcmp6 = 58;
constexpr std::uint8_t kProtoNoNext = 59;
constexpr std::uint8_t kProtoDestOpts = 60;

constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kTcpMinHeader = 20;
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kIcmpHeader = 8;  // every ICMP(v6) message has 4 bytes after the checksum
constexpr std::size_t kQuotedL4 = 8;    // an error quotes at least the first 8 bytes of L4

constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
constexpr std::uint16_t kIpv4OffsetMask = 0x1FFF;

constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kTcpRst = 0x04;
constexpr std::uint8_t kTcpAck = 0x10;

constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpDestUnreachable = 3;
constexpr std::uint8_t kIcmpEchoRequest = 8;
constexpr std::uint8_t kIcmpTimeExceeded = 11;
constexpr std::uint8_t kIcmpParameterProblem = 12;

constexpr std::uint8_t kIcmp6DestUnreachable = 1;
constexpr std::uint8_t kIcmp6PacketTooBig = 2;
constexpr std::uint8_t kIcmp6ParameterProblem = 4;  // 1..4 are the error messages
constexpr std::uint8_t kIcmp6EchoRequest = 128;
constexpr std::uint8_t kIcmp6EchoReply = 129;
constexpr std::uint8_t kIcmp6MldQuery = 130;
constexpr std::uint8_t kIcmp6MldReport = 131;
constexpr std::uint8_t kIcmp6MldDone = 132;
constexpr std::uint8_t kIcmp6RouterSolicitation = 133;
constexpr std::uint8_t kIcmp6NeighbourAdvertisement = 136;  // 133..136: what the device needs
constexpr std::uint8_t kIcmp6Redirect = 137;
constexpr std::uint8_t kIcmp6Mld2Report = 143;
constexpr std::uint8_t kNdHopLimit = 255;  // RFC 4861: proves the sender is on the link
// RFC 8200 section 5: no IPv6 link is smaller, so no path is. lwIP 2.2.1 stores any Packet Too
// Big MTU and its fragmenter loops forever for 48..55 (nothing fits a fragment).
constexpr std::uint32_t kIpv6MinimumMtu = 1280;

constexpr std::uint8_t kOptPad1 = 0;
constexpr std::uint8_t kOptActionMask = 0xC0;  // 00: skip when unrecognised (RFC 8200 4.2)

constexpr Decision pass(Reason r, std::uint8_t proto, std::uint16_t port = 0) {
  return {Verdict::kPass, r, proto, port};
}
constexpr Decision drop(Reason r, std::uint8_t proto = 0, std::uint16_t port = 0) {
  return {Verdict::kDrop, r, proto, port};
}

// What the transport handlers need of the IP layer.
struct Ip {
  Wire wire;                    // the readable bytes: packet.first(min(size, total_len, IP length))
  std::size_t extent = 0;       // the IP length: what this packet (fragment) really holds, >= l4
  std::size_t l4 = 0;           // offset of the L4 header
  bool first_fragment = false;  // L4 length fields describe more than this packet
  bool v6 = false;
  std::uint8_t hop_limit = 0;
  Bytes src;
  Bytes dst;

  [[nodiscard]] std::size_t l4_extent() const { return extent - l4; }
  // A header that is not all there: cut by fragmentation, or truncated.
  [[nodiscard]] Reason cut() const {
    return first_fragment ? Reason::kFragment : Reason::kMalformed;
  }
};

// Two addresses of one family (4 or 16 bytes each), compared a word at a time.
[[gnu::always_inline]] inline bool same_address(Bytes a, Bytes b) {
  if (a.size() != b.size()) {
    return false;
  }
  std::uint32_t diff = 0;
  for (std::size_t i = 0; i + 4 <= a.size(); i += 4) {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::memcpy(&x, &a[i], 4);
    std::memcpy(&y, &b[i], 4);
    diff |= x ^ y;
  }
  return diff == 0;
}

// LAND (CVE-1999-0016): a packet from the address it is sent to, or from another address of
// the device (to its link-local address from its global one, to a broadcast address). Nothing
// on the wire can send one to the device (its own packets to itself never reach the netif);
// lwIP would answer the device itself, hold a PCB for it and ARP / solicit its own address on
// the link.
[[gnu::always_inline]] inline bool from_the_device_itself(Bytes src, Bytes dst,
                                                          const StackView& stack) {
  return same_address(src, dst) || stack.own_address(src);
}

bool all_bytes(Bytes b, std::uint8_t value) {
  return std::all_of(b.begin(), b.end(), [value](std::uint8_t x) { return x == value; });
}

// Broadcast or multicast: nobody may learn from it that a port is closed.
[[gnu::always_inline]] inline bool non_unicast_destination(const Ip& ip, const StackView& stack) {
  if (ip.v6) {
    return ip.dst[0] == 0xFF;
  }
  std::uint32_t dst = 0;
  std::memcpy(&dst, ip.dst.data(), 4);
  return (ip.dst[0] & 0xF0) == 0xE0 || dst == 0xFFFFFFFFu ||
         stack.ipv4_broadcast(ip.dst.first<4>());
}

// A source a RST or an ICMP unreachable may be sent to. Spoofed broadcast, multicast,
// unspecified or loopback sources would turn a reject into amplification or nonsense.
[[gnu::always_inline]] inline bool answerable_source(const Ip& ip, const StackView& stack) {
  if (ip.v6) {
    const bool unspecified = all_bytes(ip.src, 0);
    const bool loopback = all_bytes(ip.src.first(15), 0) && ip.src[15] == 1;
    return ip.src[0] != 0xFF && !unspecified && !loopback;
  }
  // 0/8 (this network), 127/8 (loopback), 224/4 and above (multicast, reserved, broadcast).
  return ip.src[0] != 0 && ip.src[0] != 127 && ip.src[0] < 224 &&
         !stack.ipv4_broadcast(ip.src.first<4>());
}

bool reject_mode(const Table& policy) {
  return policy.mode == Mode::kReject;
}

// A well-formed TCP segment from `sport` to `dport` with these flags.
[[gnu::always_inline]] inline Decision judge_tcp(const Ip& ip, const Table& policy,
                                                 const StackView& stack, std::uint16_t sport,
                                                 std::uint16_t dport, std::uint8_t flags) {
  // An allow rule admits connection attempts only, so a connection attempt asks the policy
  // first (pure and bounded; the flow lookup walks the stack's PCB lists). Every other segment
  // must belong to a connection, else lwIP would answer an ACK or Maimon probe with a RST: it
  // asks for its flow first, and the policy only says why one without a flow is dropped.
  const bool opens = (flags & (kTcpSyn | kTcpAck | kTcpRst | kTcpFin)) == kTcpSyn;
  const bool admitted_attempt = opens && policy.allows(Proto::kTcp, dport, ip.src);
  if (admitted_attempt) {
    return pass(Reason::kAllowed, kProtoTcp, dport);
  }
  if (stack.tcp_flow(Flow{ip.src, ip.dst, sport, dport})) {
    return pass(Reason::kEstablished, kProtoTcp, dport);
  }
  if (non_unicast_destination(ip, stack)) {
    return drop(Reason::kBroadcast, kProtoTcp, dport);
  }
  if (!opens && policy.allows(Proto::kTcp, dport, ip.src)) {
    return drop(Reason::kNoConnection, kProtoTcp, dport);
  }
  // Only a connection attempt earns a RST: FIN, NULL, Xmas, ACK and Maimon probes of a
  // closed port get nothing in reject mode too, so they cannot tell closed from filtered.
  if (opens && reject_mode(policy) && answerable_source(ip, stack)) {
    return {Verdict::kReject, Reason::kClosedPort, kProtoTcp, dport};
  }
  return drop(Reason::kClosedPort, kProtoTcp, dport);
}

// A well-formed UDP datagram from `sport` to `dport`, `length` bytes long (UDP header
// included; for a first fragment more than this packet holds).
[[gnu::always_inline]] inline Decision judge_udp(const Ip& ip, const Table& policy,
                                                 const StackView& stack, std::uint16_t sport,
                                                 std::uint16_t dport, std::size_t length) {
  if (policy.allows(Proto::kUdp, dport, ip.src)) {
    return pass(Reason::kAllowed, kProtoUdp, dport);
  }
  // Before the broadcast test: a DHCP offer may come to 255.255.255.255.
  const Flow flow{ip.src, ip.dst, sport, dport};
  if (stack.udp_flow(flow)) {
    return pass(Reason::kEstablished, kProtoUdp, dport);
  }
  const std::size_t payload_at = ip.l4 + kUdpHeader;
  const std::size_t at_hand = ip.wire.size() > payload_at ? ip.wire.size() - payload_at : 0;
  switch (stack.client_answer(flow,
                              ip.wire.bytes(payload_at, std::min(length - kUdpHeader, at_hand)))) {
    case ClientAnswer::kOwn:
      return pass(Reason::kStackClient, kProtoUdp, dport);
    case ClientAnswer::kStray:
      return drop(Reason::kUnsolicitedReply, kProtoUdp, dport);
    case ClientAnswer::kNone:
      break;
  }
  if (non_unicast_destination(ip, stack)) {
    return drop(Reason::kBroadcast, kProtoUdp, dport);
  }
  if (reject_mode(policy) && answerable_source(ip, stack)) {
    return {Verdict::kReject, Reason::kClosedPort, kProtoUdp, dport};
  }
  return drop(Reason::kClosedPort, kProtoUdp, dport);
}

[[gnu::always_inline]] inline Decision classify_tcp(const Ip& ip, const Table& policy,
                                                    const StackView& stack) {
  // A first fragment must hold the whole header: flags or options left to a later fragment
  // could be rewritten by an overlapping one (RFC 1858).
  const auto tcp = ip.wire.fixed<kTcpMinHeader>(ip.l4);
  if (!tcp) {
    return drop(ip.cut(), kProtoTcp);
  }
  const std::uint16_t sport = tcp->u16<0>();
  const std::uint16_t dport = tcp->u16<2>();
  const std::size_t header_len = static_cast<std::size_t>(tcp->u8<12>() >> 4) * 4;
  const std::uint8_t flags = tcp->u8<13>();
  if (header_len < kTcpMinHeader) {
    return drop(Reason::kMalformed, kProtoTcp, dport);
  }
  // The options must be in this packet (fragment) and in the glue's copy, which always
  // holds them when they are (kMaxHeaderBytes).
  if (!ip.wire.fits(ip.l4, header_len)) {
    return drop(ip.cut(), kProtoTcp, dport);
  }
  if (sport == 0 || dport == 0) {
    return drop(Reason::kMalformed, kProtoTcp, dport);
  }
  Decision d = judge_tcp(ip, policy, stack, sport, dport, flags);
  d.src_port = sport;
  return d;
}

[[gnu::always_inline]] inline Decision classify_udp(const Ip& ip, const Table& policy,
                                                    const StackView& stack) {
  const auto udp = ip.wire.fixed<kUdpHeader>(ip.l4);
  if (!udp) {
    return drop(ip.cut(), kProtoUdp);
  }
  const std::uint16_t sport = udp->u16<0>();
  const std::uint16_t dport = udp->u16<2>();
  const std::size_t length = udp->u16<4>();
  // A first fragment's UDP length covers the whole datagram, beyond this fragment.
  if (length < kUdpHeader || (!ip.first_fragment && length > ip.l4_extent())) {
    return drop(Reason::kMalformed, kProtoUdp, dport);
  }
  // Source port 0 is legal in UDP (RFC 768: no reply expected); destination port 0 is not.
  if (dport == 0) {
    return drop(Reason::kMalformed, kProtoUdp, dport);
  }
  Decision d = judge_udp(ip, policy, stack, sport, dport, length);
  d.src_port = sport;
  return d;
}

// What an ICMP(v6) error quotes of the packet it is about.
struct Quote {
  std::uint8_t proto = 0;
  Bytes src;
  Bytes dst;
  std::size_t l4 = 0;  // offset of the quoted L4 header's first 8 bytes in the outer packet
};

// An ICMP(v6) error passes when it quotes a packet the device sent: the quoted source is
// the address the error came to, and the quoted ports name a live flow of the device.
Decision quoted_flow(const Ip& ip, std::uint8_t icmp_proto, const Quote& q,
                     const StackView& stack) {
  if (!same_address(q.src, ip.dst)) {
    return drop(Reason::kIcmpDenied, icmp_proto);
  }
  const Flow flow{q.dst, q.src, ip.wire.u16(q.l4 + 2), ip.wire.u16(q.l4)};
  const bool own = (q.proto == kProtoTcp && stack.tcp_flow(flow)) ||
                   (q.proto == kProtoUdp && stack.udp_flow(flow));
  return own ? pass(Reason::kIcmpErrorOwnFlow, icmp_proto) : drop(Reason::kIcmpDenied, icmp_proto);
}

Decision quoted_ipv4(const Ip& ip, const StackView& stack) {
  const Wire& w = ip.wire;
  const std::size_t q = ip.l4 + kIcmpHeader;
  if (!w.fits(q, kIpv4MinHeader)) {
    return drop(ip.cut(), kProtoIcmp);
  }
  const std::size_t ihl = static_cast<std::size_t>(w.u8(q) & 0x0F) * 4;
  if ((w.u8(q) >> 4) != 4 || ihl < kIpv4MinHeader) {
    return drop(Reason::kMalformed, kProtoIcmp);
  }
  if (!w.fits(q + ihl, kQuotedL4)) {
    return drop(ip.cut(), kProtoIcmp);
  }
  // A quoted non-first fragment holds no ports to match.
  if ((w.u16(q + 6) & kIpv4OffsetMask) != 0) {
    return drop(Reason::kIcmpDenied, kProtoIcmp);
  }
  return quoted_flow(
      ip, kProtoIcmp,
      {.proto = w.u8(q + 9), .src = w.bytes(q + 12, 4), .dst = w.bytes(q + 16, 4), .l4 = q + ihl},
      stack);
}

Decision classify_icmp(const Ip& ip, const Table& policy, const StackView& stack) {
  if (!ip.wire.fits(ip.l4, kIcmpHeader)) {
    return drop(ip.cut(), kProtoIcmp);
  }
  // No echo to broadcast (smurf amplification, host discovery) and no errors either.
  if (non_unicast_destination(ip, stack)) {
    return drop(Reason::kBroadcast, kProtoIcmp);
  }
  switch (ip.wire.u8(ip.l4)) {
    case kIcmpEchoRequest:
      return policy.echo ? pass(Reason::kEcho, kProtoIcmp) : drop(Reason::kIcmpDenied, kProtoIcmp);
    case kIcmpEchoReply:  // answers the device's own pings; lwIP answers nothing to a reply
      return pass(Reason::kEcho, kProtoIcmp);
    case kIcmpDestUnreachable:
    case kIcmpTimeExceeded:
    case kIcmpParameterProblem:
      return quoted_ipv4(ip, stack);
    default:  // source quench, redirect, timestamp, address mask, router discovery, ...
      return drop(Reason::kIcmpDenied, kProtoIcmp);
  }
}

Decision quoted_ipv6(const Ip& ip, const StackView& stack) {
  const Wire& w = ip.wire;
  const std::size_t q = ip.l4 + kIcmpHeader;
  if (!w.fits(q, kIpv6Header + kQuotedL4)) {
    return drop(Reason::kMalformed, kProtoIcmp6);
  }
  if ((w.u8(q) >> 4) != 6) {
    return drop(Reason::kMalformed, kProtoIcmp6);
  }
  // The device sends no extension headers on TCP/UDP, so the quoted L4 follows directly.
  return quoted_flow(ip, kProtoIcmp6,
                     {.proto = w.u8(q + 6),
                      .src = w.bytes(q + 8, 16),
                      .dst = w.bytes(q + 24, 16),
                      .l4 = q + kIpv6Header},
                     stack);
}

Decision classify_icmp6(const Ip& ip, const Table& policy, const StackView& stack) {
  if (!ip.wire.fits(ip.l4, kIcmpHeader)) {
    return drop(Reason::kMalformed, kProtoIcmp6);
  }
  const std::uint8_t type = ip.wire.u8(ip.l4);
  if (type >= kIcmp6RouterSolicitation && type <= kIcmp6NeighbourAdvertisement) {
    return ip.hop_limit == kNdHopLimit ? pass(Reason::kNeighbourDiscovery, kProtoIcmp6)
                                       : drop(Reason::kIcmpDenied, kProtoIcmp6);
  }
  // Redirects, like IPv4's: lwIP takes one from any on-link address for any destination it
  // has talked to (it checks neither the first-hop router nor the target), a detour through
  // the sender. The device's routes are its configuration.
  if (type == kIcmp6Redirect) {
    return drop(Reason::kIcmpDenied, kProtoIcmp6);
  }
  if (type == kIcmp6MldQuery || type == kIcmp6MldReport || type == kIcmp6MldDone ||
      type == kIcmp6Mld2Report) {
    return pass(Reason::kNeighbourDiscovery, kProtoIcmp6);
  }
  // Neighbour discovery and MLD live on multicast; nothing else may (ping ff02::1 finds hosts).
  if (non_unicast_destination(ip, stack)) {
    return drop(Reason::kBroadcast, kProtoIcmp6);
  }
  if (type == kIcmp6EchoRequest) {
    return policy.echo ? pass(Reason::kEcho, kProtoIcmp6) : drop(Reason::kIcmpDenied, kProtoIcmp6);
  }
  if (type == kIcmp6EchoReply) {
    return pass(Reason::kEcho, kProtoIcmp6);
  }
  // The MTU (the 4 bytes after the checksum) is there: fits(l4, kIcmpHeader) above.
  if (type == kIcmp6PacketTooBig && ip.wire.u32(ip.l4 + 4) < kIpv6MinimumMtu) {
    return drop(Reason::kBadMtu, kProtoIcmp6);
  }
  if (type >= kIcmp6DestUnreachable && type <= kIcmp6ParameterProblem) {
    return quoted_ipv6(ip, stack);
  }
  return drop(Reason::kIcmpDenied, kProtoIcmp6);
}

// Types of the IANA IPv6 extension header registry that are not walked: AH, ESP, Mobility,
// HIP, Shim6, experimental.
bool unwalked_extension_header(std::uint8_t next) {
  return next == 50 || next == 51 || next == 135 || next == 139 || next == 140 || next == 253 ||
         next == 254;
}

// Options lwIP skips without a word: Pad1, and any option whose action bits say "skip if
// unrecognised" (PadN and Router Alert among them). lwIP answers unknown options with
// action 10/11 with an ICMPv6 parameter problem (a leak a scanner can use), and its option
// walk runs past a header whose options do not tile it exactly.
bool harmless_options(Wire opts) {
  std::size_t i = 0;
  while (i < opts.size()) {  // advances >= 1 byte a turn: at most kMaxExtensionBytes turns
    const std::uint8_t type = opts.u8(i);
    if (type == kOptPad1) {
      ++i;
      continue;
    }
    if ((type & kOptActionMask) != 0 || !opts.fits(i, 2)) {
      return false;
    }
    const std::size_t len = 2 + static_cast<std::size_t>(opts.u8(i + 1));
    if (!opts.fits(i, len)) {
      return false;
    }
    i += len;
  }
  return true;
}

struct UpperLayer {
  Reason failure = Reason::kBadExtensionChain;  // when proto is not TCP/UDP/ICMPv6
  std::uint8_t proto = 0;
  std::size_t at = 0;
};

// Walks the extension headers lwIP would walk, within kMaxExtensionHeaders and
// kMaxExtensionBytes, to the first upper-layer header.
UpperLayer walk_extension_headers(const Wire& w) {
  std::uint8_t next = w.u8(6);
  std::size_t at = kIpv6Header;
  for (std::size_t walked = 0;; ++walked) {
    switch (next) {
      case kProtoTcp:
      case kProtoUdp:
      case kProtoIcmp6:
        return {Reason::kAllowed, next, at};
      case kProtoFragment:  // cannot be judged one by one, and lwIP would reassemble them
        return {Reason::kFragment};
      case kProtoHopByHop:
        if (walked != 0) {  // RFC 8200: only right after the fixed header
          return {Reason::kBadExtensionChain};
        }
        break;
      case kProtoDestOpts:
      case kProtoRouting:
        break;
      case kProtoNoNext:
        return {Reason::kBadExtensionChain};
      default:
        if (unwalked_extension_header(next)) {
          return {Reason::kBadExtensionChain};
        }
        return {Reason::kUnknownProtocol, next, at};
    }
    if (walked == kMaxExtensionHeaders || !w.fits(at, 2)) {
      return {Reason::kBadExtensionChain};
    }
    const std::size_t len = (static_cast<std::size_t>(w.u8(at + 1)) + 1) * 8;
    if (at + len - kIpv6Header > kMaxExtensionBytes || !w.fits(at, len)) {
      return {Reason::kBadExtensionChain};
    }
    // We are the final destination only once segments left is 0; lwIP answers a routing
    // header with segments left and an unknown type with a parameter problem.
    const bool harmless = next == kProtoRouting ? w.u8(at + 3) == 0
                                                : harmless_options(Wire(w.bytes(at + 2, len - 2)));
    if (!harmless) {
      return {Reason::kBadExtensionChain};
    }
    next = w.u8(at);
    at += len;
  }
}

}  // namespace

const char* reason_name(Reason r) {
  switch (r) {
    case Reason::kAllowed:
      return "allowed";
    case Reason::kEstablished:
      return "established";
    case Reason::kStackClient:
      return "stack_client";
    case Reason::kNeighbourDiscovery:
      return "neighbour_discovery";
    case Reason::kIcmpErrorOwnFlow:
      return "icmp_error_own_flow";
    case Reason::kEcho:
      return "echo";
    case Reason::kClosedPort:
      return "closed_port";
    case Reason::kMalformed:
      return "malformed";
    case Reason::kFragment:
      return "fragment";
    case Reason::kBadExtensionChain:
      return "bad_extension_chain";
    case Reason::kUnknownProtocol:
      return "unknown_protocol";
    case Reason::kBroadcast:
      return "broadcast";
    case Reason::kIcmpDenied:
      return "icmp_denied";
    case Reason::kNoConnection:
      return "no_connection";
    case Reason::kBadMtu:
      return "bad_mtu";
    case Reason::kConnectionLimit:
      return "connection_limit";
    case Reason::kUnsolicitedReply:
      return "unsolicited_reply";
    case Reason::kCount:
      break;
  }
  return "invalid";
}

Decision classify_ipv4(std::span<const std::uint8_t> packet, std::size_t total_len,
                       const Table& policy, const StackView& stack) {
  const Wire all = Wire(packet).first(total_len);
  const auto h = all.fixed<kIpv4MinHeader>(0);
  if (!h || (h->u8<0>() >> 4) != 4) {
    return drop(Reason::kMalformed);
  }
  const std::size_t ihl = static_cast<std::size_t>(h->u8<0>() & 0x0F) * 4;
  const std::size_t ip_len = h->u16<2>();
  // lwIP checks these only after the hook: IHL < 5 or beyond the data, total length below
  // the header or beyond what was received (Ethernet padding may make total_len larger).
  if (ihl < kIpv4MinHeader || ihl > all.size() || ip_len < ihl || ip_len > total_len) {
    return drop(Reason::kMalformed);
  }
  const std::uint8_t proto = h->u8<9>();
  const Bytes src = h->bytes<12, 4>();
  const Bytes dst = h->bytes<16, 4>();
  // 0.0.0.0 is only ever a source of a host asking a DHCP server, which the device is not.
  // lwIP built with DHCP takes any packet from it (ip4_input skips its source check for one,
  // IP_ACCEPT_LINK_LAYER_ADDRESSING) and would answer a SYN from it with a SYN-ACK.
  if (from_the_device_itself(src, dst, stack) || all_bytes(src, 0)) {
    return drop(Reason::kMalformed, proto);
  }
  const std::uint16_t frag = h->u16<6>();
  // Non-first fragments hold no L4 header to judge; lwIP would reassemble them into a
  // datagram the hook never sees.
  if ((frag & kIpv4OffsetMask) != 0) {
    return drop(Reason::kFragment, proto);
  }
  Ip ip;
  ip.wire = all.first(ip_len);
  ip.extent = ip_len;
  ip.l4 = ihl;  // options are skipped: lwIP accepts them and so do we
  ip.first_fragment = (frag & kIpv4MoreFragments) != 0;
  ip.src = src;
  ip.dst = dst;
  switch (proto) {
    case kProtoTcp:
      return classify_tcp(ip, policy, stack);
    case kProtoUdp:
      return classify_udp(ip, policy, stack);
    case kProtoIcmp:
      return classify_icmp(ip, policy, stack);
    default:  // lwIP would answer ICMP protocol unreachable
      return drop(Reason::kUnknownProtocol, proto);
  }
}

Decision classify_ipv6(std::span<const std::uint8_t> packet, std::size_t total_len,
                       const Table& policy, const StackView& stack) {
  const Wire all = Wire(packet).first(total_len);
  if (!all.fits(0, kIpv6Header) || (all.u8(0) >> 4) != 6) {
    return drop(Reason::kMalformed);
  }
  const std::size_t payload_len = all.u16(4);
  // Payload length 0 announces a jumbogram, which no lwIP device takes.
  if (payload_len == 0 || payload_len > total_len - kIpv6Header) {
    return drop(Reason::kMalformed);
  }
  Ip ip;
  ip.wire = all.first(kIpv6Header + payload_len);
  ip.extent = kIpv6Header + payload_len;
  ip.v6 = true;
  ip.hop_limit = all.u8(7);
  ip.src = all.bytes(8, 16);
  ip.dst = all.bytes(24, 16);
  // Loopback (::1) and multicast sources never come from a wire (RFC 4291 2.5.3, 2.7): lwIP
  // takes a SYN from ::1 and, once a router advertisement gave it a default router, answers
  // it there.
  const bool loopback = all_bytes(ip.src.first(15), 0) && ip.src[15] == 1;
  if (from_the_device_itself(ip.src, ip.dst, stack) || loopback || ip.src[0] == 0xFF) {
    return drop(Reason::kMalformed);
  }
  const UpperLayer upper = walk_extension_headers(ip.wire);
  ip.l4 = upper.at;
  // The unspecified source (::) is only a host's without an address yet: neighbour discovery
  // and MLD (ICMPv6) may use it, no transport can be answered there.
  const bool unspecified = all_bytes(ip.src, 0);
  switch (upper.proto) {
    case kProtoTcp:
      return unspecified ? drop(Reason::kMalformed, kProtoTcp) : classify_tcp(ip, policy, stack);
    case kProtoUdp:
      return unspecified ? drop(Reason::kMalformed, kProtoUdp) : classify_udp(ip, policy, stack);
    case kProtoIcmp6:
      return classify_icmp6(ip, policy, stack);
    default:
      return drop(upper.failure, upper.proto);
  }
}

}  // namespace portcullis::filter
