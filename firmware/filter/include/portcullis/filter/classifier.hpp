// SPDX-License-Identifier: Apache-2.0
#pragma once
// The packet classifier: bytes in, verdict out. Pure (no lwIP header, no global state):
// what it needs to know about the stack comes through StackView.

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/policy/table.hpp"

namespace portcullis::filter {

enum class Verdict : std::uint8_t {
  kPass,    // lwIP continues with the packet
  kDrop,    // freed silently and counted
  kReject,  // reject mode only: the stack answers RST / ICMP port unreachable (rate-limited)
};

// Why. Every verdict has exactly one reason; drops are counted per reason.
enum class Reason : std::uint8_t {
  // pass
  kAllowed = 0,         // an allow rule (proto, port, source) admits it (TCP: a connection attempt)
  kEstablished,         // belongs to a TCP connection / connected UDP PCB of the device
  kStackClient,         // the answer to a request of the device's DHCP, DNS or SNTP client
                        // (client_answer): its transaction, from the server asked
  kNeighbourDiscovery,  // ICMPv6 RS/RA/NS/NA (hop limit 255), MLD
  kIcmpErrorOwnFlow,    // ICMP(v6) error quoting a flow of the device's own
  kEcho,                // echo request with `echo on`, or echo reply
  // drop (or reject)
  kClosedPort,         // TCP/UDP to a port no rule admits (for this source)
  kMalformed,          // truncated, bad version/IHL/length, TCP data offset < 5, port 0, ...
  kFragment,           // a fragment that cannot be judged (non-first, tiny first, any IPv6 one)
  kBadExtensionChain,  // IPv6 extension headers: unknown, too long, risky options, No Next Header
  kUnknownProtocol,    // an L4 protocol other than TCP, UDP, ICMP, ICMPv6
  kBroadcast,          // broadcast or multicast to a closed port, or ICMP to such an address
  kIcmpDenied,         // ICMP not admitted: echo with `echo off`, unrelated errors, other types
  kNoConnection,       // TCP segment to an allowed port that neither opens nor belongs to a
                       // connection (ACK, FIN, NULL, Xmas, Maimon probes): lwIP would answer RST
  kBadMtu,             // ICMPv6 Packet Too Big below the IPv6 minimum MTU (1280)
  kConnectionLimit,    // a connection attempt to an allowed port the stack glue turned away:
                       // the port's half-open limit, or the TCP PCBs kept for management and
                       // the push (firmware/stack, input_filter.hpp); never the classifier's
  kUnsolicitedReply,   // UDP to a port the device's DHCP/DNS/SNTP client asked from, from its
                       // server's port, that answers no request in flight (client_answer)
  kCount,
};

inline constexpr std::size_t kReasonCount = static_cast<std::size_t>(Reason::kCount);
constexpr bool is_pass_reason(Reason r) {
  return r < Reason::kClosedPort;
}
// Stable lower-case names, used in the status JSON and metrics labels.
const char* reason_name(Reason r);

// A transport 5-tuple as seen from the device: `remote` sent the packet to `local`.
// The spans point into the packet being classified; `local_ip` may be a broadcast or
// multicast address (a DHCP offer to 255.255.255.255, for one).
struct Flow {
  std::span<const std::uint8_t> remote_ip;  // 4 or 16 bytes
  std::span<const std::uint8_t> local_ip;
  std::uint16_t remote_port = 0;
  std::uint16_t local_port = 0;
};

// What an inbound UDP datagram is to the requests the device's own DHCP, DNS and SNTP clients
// have in flight (client_requests.hpp).
enum class ClientAnswer : std::uint8_t {
  kNone,   // to no port such a client asked from: the policy decides
  kOwn,    // the answer to a request in flight: from the server asked, to the address and port
           // that asked, repeating the request's id, in time
  kStray,  // to a client's port from its server's port, but no answer it awaits (another
           // transaction, server or destination, a reply of the wrong kind, too late)
};

// What the classifier asks the stack. The stack glue answers from lwIP's PCB lists and
// netif state; unit tests answer from a fake. Called from the input hook, in lwIP's context.
class StackView {
 public:
  StackView(const StackView&) = delete;
  StackView& operator=(const StackView&) = delete;

  // A TCP connection of the device (opened by it, or accepted on an allowed port), in any
  // state that still takes segments: SYN_SENT .. TIME_WAIT (lwIP's active and TIME-WAIT
  // lists). Non-SYN segments to allowed ports pass only through this answer.
  [[nodiscard]] bool tcp_flow(const Flow& f) const { return do_tcp_flow(f); }
  // A UDP PCB of the device connected to this remote (address and port). A port number alone
  // (a DNS or DHCP server's) never makes a flow: an unconnected socket hears anyone.
  [[nodiscard]] bool udp_flow(const Flow& f) const { return do_udp_flow(f); }
  // The datagram answers a request of the device's DHCP, DNS or SNTP client? `payload` is
  // the part of the datagram after its UDP header that is at hand.
  [[nodiscard]] ClientAnswer client_answer(const Flow& f,
                                           std::span<const std::uint8_t> payload) const {
    return do_client_answer(f, payload);
  }
  // An IPv4 destination that is a broadcast address of the receiving interface.
  [[nodiscard]] bool ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const {
    return do_ipv4_broadcast(dst);
  }
  // One of the receiving interface's own addresses (4 or 16 bytes; IPv6 in any state but
  // invalid). Asked about a packet's source: the device's packets to itself never reach the
  // netif, so one from the wire is forged.
  [[nodiscard]] bool own_address(std::span<const std::uint8_t> addr) const {
    return do_own_address(addr);
  }

 protected:
  StackView() = default;
  ~StackView() = default;

 private:
  virtual bool do_tcp_flow(const Flow& f) const = 0;
  virtual bool do_udp_flow(const Flow& f) const = 0;
  virtual ClientAnswer do_client_answer(const Flow& f,
                                        std::span<const std::uint8_t> payload) const = 0;
  virtual bool do_ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const = 0;
  virtual bool do_own_address(std::span<const std::uint8_t> addr) const = 0;
};

struct Decision {
  Verdict verdict = Verdict::kDrop;
  Reason reason = Reason::kMalformed;
  // The upper-layer protocol number once the classifier reached it (IPv4: the protocol
  // field of a well-formed header; IPv6: the first next-header value that is not a walked
  // extension header), else 0.
  std::uint8_t ip_proto = 0;
  std::uint16_t port = 0;  // destination port for TCP/UDP once read, else 0
  // Source port of a TCP segment / UDP datagram whose header passed the checks (ports read,
  // lengths sound, destination port not 0): every verdict after the malformed ones. Else 0.
  std::uint16_t src_port = 0;
};

// `packet` starts at the IP header and holds at least the headers (the stack glue copies
// up to kMaxHeaderBytes); `total_len` is the length of the whole packet as received
// (it may be larger than packet.size()). The classifier reads only
// packet.first(min(packet.size(), total_len, IP length)).
inline constexpr std::size_t kMaxHeaderBytes = 256;

// IPv6 extension header walk bounds. At most 4 headers (a legitimate chain the classifier
// walks is at most hop-by-hop, destination options, routing, destination options) ending
// within 128 bytes after the fixed header, so that the L4 header after them (60 bytes of
// TCP, or 8 + 40 + 8 bytes of an ICMPv6 error and its quote) still lies within
// kMaxHeaderBytes.
inline constexpr std::size_t kMaxExtensionHeaders = 4;
inline constexpr std::size_t kMaxExtensionBytes = 128;
static_assert(40 + kMaxExtensionBytes + 60 <= kMaxHeaderBytes);
static_assert(40 + kMaxExtensionBytes + 8 + 40 + 8 <= kMaxHeaderBytes);

[[nodiscard]] Decision classify_ipv4(std::span<const std::uint8_t> packet, std::size_t total_len,
                                     const policy::Table& policy, const StackView& stack);
[[nodiscard]] Decision classify_ipv6(std::span<const std::uint8_t> packet, std::size_t total_len,
                                     const policy::Table& policy, const StackView& stack);

}  // namespace portcullis::filter
