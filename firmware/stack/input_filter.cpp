// SPDX-License-Identifier: Apache-2.0
// lwIP's input hooks: every inbound IPv4/IPv6 packet is classified before lwIP parses,
// validates or allocates anything for it. A dropped packet's pbuf is freed here.
#include "portcullis/stack/input_filter.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <span>

#include "lwip/arch.h"
#include "lwip/def.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ethernet.h"
#include "lwip/sys.h"
#include "lwip/udp.h"
#include "portcullis/base/hot_path.hpp"
#include "portcullis/filter/classifier.hpp"
#include "portcullis/stack/lwip_port.hpp"
#include "portcullis/stack/lwip_requirements.h"
#include "portcullis/stack/time_sync.hpp"

// lwIP's DNS client asks from an unconnected PCB; its answers pass by ClientRequests (the
// query went out through the netif). With LWIP_DNS_SECURE_RAND_SRC_PORT it would make a new
// PCB per query, kept static in dns.c, which the listener audit could not tell from an
// application's unconnected socket (and would close under lwIP's feet); with one PCB made at
// lwip_init() the audit knows it (lwip_port.hpp, lwip_dns_pcb()).
#if LWIP_DNS && (LWIP_DNS_SECURE & LWIP_DNS_SECURE_RAND_SRC_PORT)
#error \
    "input filter: LWIP_DNS_SECURE_RAND_SRC_PORT makes DNS PCBs the listener audit cannot know: see firmware/stack/README.md, \"DNS and DHCP\""
#endif

static_assert(portcullis::stack::kTcpPcbReserve < MEMP_NUM_TCP_PCB,
              "PORTCULLIS_TCP_PCB_RESERVE must leave the allowed ports a TCP PCB");

namespace portcullis::stack {
namespace {

bool same_ip(const ip_addr_t& a, std::span<const std::uint8_t> bytes) {
  if (bytes.size() == 4 && IP_IS_V4_VAL(a)) {
    return std::memcmp(&ip_2_ip4(&a)->addr, bytes.data(), 4) == 0;
  }
  if (bytes.size() == 16 && IP_IS_V6_VAL(a)) {
    return std::memcmp(ip_2_ip6(&a)->addr, bytes.data(), 16) == 0;
  }
  return false;
}

bool tcp_list_has(const tcp_pcb* list, const filter::Flow& f) {
  for (const tcp_pcb* pcb = list; pcb != nullptr; pcb = pcb->next) {
    if (pcb->local_port == f.local_port && pcb->remote_port == f.remote_port &&
        same_ip(pcb->remote_ip, f.remote_ip) &&
        (ip_addr_isany(&pcb->local_ip) || same_ip(pcb->local_ip, f.local_ip))) {
      return true;
    }
  }
  return false;
}

// Answers the classifier from lwIP's own state, read-only.
class LwipStackView final : public filter::StackView {
 public:
  LwipStackView(const netif* inp, const filter::ClientRequests& requests)
      : inp_(inp), requests_(requests) {}

 private:
  bool do_tcp_flow(const filter::Flow& f) const override {
    return tcp_list_has(tcp_active_pcbs, f) || tcp_list_has(tcp_tw_pcbs, f);
  }
  // Only a PCB connected to exactly this remote address and port. An unconnected PCB hears
  // anyone, so nothing but an allow rule or an answer to its own request (below) may reach
  // it; a source port (53, 67) proves nothing (security review finding 5). lwIP's DHCP PCB is
  // connected to 0.0.0.0:67, which this never matches: its answers pass as answers.
  bool do_udp_flow(const filter::Flow& f) const override {
    for (const udp_pcb* pcb = udp_pcbs; pcb != nullptr; pcb = pcb->next) {
      if (pcb->local_port == f.local_port && (pcb->flags & UDP_FLAGS_CONNECTED) != 0 &&
          pcb->remote_port == f.remote_port && same_ip(pcb->remote_ip, f.remote_ip)) {
        return true;
      }
    }
    return false;
  }
  // An answer to a request in flight; else, to the port of lwIP's DNS or SNTP client from
  // its server's port, a stray one (their PCBs are known for lwIP's life, whatever the table
  // of requests still remembers).
  filter::ClientAnswer do_client_answer(const filter::Flow& f,
                                        std::span<const std::uint8_t> payload) const override {
    const filter::ClientAnswer a = requests_.answer(f, payload, sys_now());
    if (a != filter::ClientAnswer::kNone) {
      return a;
    }
    const auto client_port = [&f](const udp_pcb* pcb, std::uint16_t server_port) {
      return pcb != nullptr && pcb->local_port == f.local_port && f.remote_port == server_port;
    };
    return client_port(lwip_dns_pcb(), 53) || client_port(lwip_sntp_pcb(), 123)
               ? filter::ClientAnswer::kStray
               : filter::ClientAnswer::kNone;
  }
  bool do_ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const override {
    std::uint32_t addr = 0;
    std::memcpy(&addr, dst.data(), 4);
    return inp_ != nullptr && ip4_addr_isbroadcast_u32(addr, inp_) != 0;
  }
  bool do_own_address(std::span<const std::uint8_t> addr) const override {
    if (inp_ == nullptr) {
      return false;
    }
    if (addr.size() == 4) {
      std::uint32_t a = 0;
      std::memcpy(&a, addr.data(), 4);
      return !ip4_addr_isany_val(*netif_ip4_addr(inp_)) &&
             ip4_addr_get_u32(netif_ip4_addr(inp_)) == a;
    }
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
      if (!ip6_addr_isinvalid(netif_ip6_addr_state(inp_, i)) &&
          std::memcmp(netif_ip6_addr(inp_, i)->addr, addr.data(), 16) == 0) {
        return true;
      }
    }
    return false;
  }

  const netif* inp_;
  const filter::ClientRequests& requests_;
};

// Is a PCB of the device bound to this local port? A reject must then not be handed to
// lwIP, which would answer as that (unauthorised) listener instead of refusing; in stealth
// mode an allowed port without one is dropped like a closed port.
bool local_port_bound(std::uint8_t ip_proto, std::uint16_t port) {
  if (ip_proto == IP_PROTO_TCP) {
    for (const tcp_pcb_listen* l = tcp_listen_pcbs.listen_pcbs; l != nullptr; l = l->next) {
      if (l->local_port == port) {
        return true;
      }
    }
    return false;
  }
  for (const udp_pcb* pcb = udp_pcbs; pcb != nullptr; pcb = pcb->next) {
    if (pcb->local_port == port) {
      return true;
    }
  }
  return false;
}

// TCP_SLOW_INTERVAL ticks (lwIP's tcp_ticks) after which a half-open connection is stale.
constexpr std::uint32_t kStaleTicks =
    (kHalfOpenStaleMs + TCP_SLOW_INTERVAL - 1) / TCP_SLOW_INTERVAL;

// Makes room for a connection attempt that passed the policy (a SYN from
// `remote_ip`:`remote_port` to an allowed `local_port` with a listener), or says there is
// none: the rules of kHalfOpenPerPort, kTcpPcbReserve and kHalfOpenStaleMs (input_filter.hpp).
// Walks lwIP's active and bound lists (at most MEMP_NUM_TCP_PCB PCBs between them) and frees
// at most one stale half-open connection, without a RST: its peer never answered.
bool make_room_for_connection(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                              std::uint16_t local_port, bool mgmt) {
  std::size_t busy = 0;
  std::size_t half_open = 0;
  tcp_pcb* stale_here = nullptr;  // the oldest stale half-open connection to local_port
  tcp_pcb* stale_any = nullptr;   // ... to any port
  const auto older = [](const tcp_pcb* a, const tcp_pcb* b) {
    return b == nullptr || tcp_ticks - a->tmr > tcp_ticks - b->tmr;
  };
  for (tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
    if (pcb->local_port == local_port && pcb->remote_port == remote_port &&
        same_ip(pcb->remote_ip, remote_ip)) {
      return true;  // its own connection: lwIP answers the retransmission from that PCB
    }
    ++busy;
    if (pcb->state != SYN_RCVD) {
      continue;
    }
    const bool here = pcb->local_port == local_port;
    half_open += here ? 1 : 0;
    if (tcp_ticks - pcb->tmr >= kStaleTicks) {
      if (here && older(pcb, stale_here)) {
        stale_here = pcb;
      }
      if (older(pcb, stale_any)) {
        stale_any = pcb;
      }
    }
  }
  for (const tcp_pcb* pcb = tcp_bound_pcbs; pcb != nullptr; pcb = pcb->next) {
    ++busy;
  }
  const bool port_full = half_open >= kHalfOpenPerPort;
  // The management port may use every PCB; any other must leave the reserve.
  const std::size_t keep = mgmt ? 0 : kTcpPcbReserve;
  if (!port_full && busy + keep < MEMP_NUM_TCP_PCB) {
    return true;
  }
  tcp_pcb* victim = port_full ? stale_here : stale_any;
  if (victim == nullptr) {
    return false;
  }
  tcp_abandon(victim, 0);  // a SYN_RCVD PCB: no application holds it, no callback to run
  return true;
}

// The source address bytes of a packet the classifier passed (its fixed header is there).
std::span<const std::uint8_t> source_ip(std::span<const std::uint8_t> bytes, bool ipv6) {
  return ipv6 ? bytes.subspan(8, 16) : bytes.subspan(12, 4);
}

// The source address of a packet the classifier has judged, if its fixed IP header is there
// (a malformed packet's is what the header claims, like any other).
bool source_of(std::span<const std::uint8_t> bytes, bool ipv6, report::IpAddress& out) {
  if (ipv6 && bytes.size() >= 40 && (bytes[0] >> 4) == 6) {
    out = report::IpAddress::v6(bytes.subspan<8, 16>());
    return true;
  }
  if (!ipv6 && bytes.size() >= 20 && (bytes[0] >> 4) == 4) {
    out = report::IpAddress::v4(bytes.subspan<12, 4>());
    return true;
  }
  return false;
}

// The IP packet an Ethernet frame carries, IPv4 or IPv6 right after its header; empty for a
// runt, ARP, and types lwIP discards itself (a VLAN tag: this lwIP has no VLANs).
struct FramedIp {
  std::span<const std::uint8_t> packet;
  bool ipv6 = false;
};
FramedIp ip_in_frame(std::span<const std::uint8_t> frame) {
  constexpr std::size_t kEthernetHeader = 14;
  if (frame.size() <= kEthernetHeader) {
    return {};
  }
  const unsigned type = (unsigned{frame[12]} << 8) | frame[13];
  if (type != ETHTYPE_IP && type != ETHTYPE_IPV6) {
    return {};
  }
  return {frame.subspan(kEthernetHeader), type == ETHTYPE_IPV6};
}

}  // namespace

std::atomic<InputFilter*> internal::installed_filter{nullptr};

std::uint64_t Uptime::now_ms() {
  const std::uint32_t now = sys_now();
  if (now < last_) {
    high_ += std::uint64_t{1} << 32;
  }
  last_ = now;
  return high_ | now;
}

// Inlined into decide() and screen_frame() as the file-scope function it was: the drop path
// is the hot one (tests/bench/run).
[[gnu::always_inline]] inline void InputFilter::record_drop(const filter::Decision& d,
                                                            std::span<const std::uint8_t> bytes,
                                                            bool ipv6) {
  report::IpAddress src;
  if (!report::is_blocked_attempt(d) || !source_of(bytes, ipv6, src)) {
    return;
  }
  const std::uint64_t now = uptime_.now_ms();
  blocked_log_.record({src, d.ip_proto, d.port, d.reason, now});
  if (!report::is_scan_evidence(d)) {
    return;
  }
  if (!scan_detector_keyed_) {
    // Late enough for the board to have seeded lwIP's generator from its entropy (a port
    // without LWIP_RAND gets the time of the first scan packet).
#if defined(LWIP_RAND)
    scan_detector_.set_key(static_cast<std::uint32_t>(LWIP_RAND()));
#else
    scan_detector_.set_key(static_cast<std::uint32_t>(now));
#endif
    scan_detector_keyed_ = true;
  }
  (void)scan_detector_.record(src, d.ip_proto, d.port, now);
}

filter::Decision InputFilter::classify(std::span<const std::uint8_t> head, std::size_t total_len,
                                       const netif* inp, bool ipv6) const {
  const LwipStackView view(inp, client_requests_);
  return ipv6 ? filter::classify_ipv6(head, total_len, policy_, view)
              : filter::classify_ipv4(head, total_len, policy_, view);
}

// Everything it calls inlined where the build is for speed: a third fewer instructions per
// packet on the host; 248 B of flash on the AN385, so not in -Os images (base/hot_path.hpp).
PORTCULLIS_HOT_FLATTEN std::optional<filter::Decision> InputFilter::fast_tcp4(
    std::span<const std::uint8_t> head, std::size_t total_len, const netif* inp) const {
  constexpr std::size_t kHeaders = 40;  // IPv4 without options, TCP without options
  if (head.size() < kHeaders || inp == nullptr) {
    return std::nullopt;  // (a total_len below kHeaders fails tcp_end <= ip_len <= total_len)
  }
  // Written out for this one shape (tests/bench/run counts it): the header checks, then the
  // policy table's search and the two flow walks, inlined where the build is for speed.
  const std::uint8_t* const p = head.data();  // kHeaders bytes are there
  const auto u16 = [p](std::size_t at) {
    return static_cast<std::uint16_t>((p[at] << 8) | p[at + 1]);
  };
  // Version 4 and IHL 5, TCP, neither a fragment nor a first fragment (offset and MF 0), the
  // TCP header (with its options) within the IP length and the bytes at hand, ports not 0.
  // Words as they lie in the packet, compared with masks in network order: bytes 6-9 are the
  // fragment bits and offset, TTL and protocol; 20-23 the two ports.
  std::uint32_t frag_proto = 0;
  std::uint32_t ports = 0;
  std::memcpy(&frag_proto, p + 6, 4);
  std::memcpy(&ports, p + 20, 4);
  const std::size_t ip_len = u16(2);
  const std::size_t tcp_end = 20 + static_cast<std::size_t>(p[32] >> 4) * 4;
  // One branch per check (each one [[unlikely]]): merged into flags, they cost more.
  if (p[0] != 0x45 || (frag_proto & PP_HTONL(0x3FFF00FFUL)) != PP_HTONL(IP_PROTO_TCP))
      [[unlikely]] {
    return std::nullopt;
  }
  if ((ports & PP_HTONL(0xFFFF0000UL)) == 0) [[unlikely]] {
    return std::nullopt;
  }
  if ((ports & PP_HTONL(0x0000FFFFUL)) == 0) [[unlikely]] {
    return std::nullopt;
  }
  if (ip_len > total_len) [[unlikely]] {
    return std::nullopt;
  }
  if (p[32] < 0x50) [[unlikely]] {
    return std::nullopt;
  }
  if (tcp_end > ip_len) [[unlikely]] {
    return std::nullopt;
  }
  if (tcp_end > head.size()) [[unlikely]] {
    return std::nullopt;
  }
  const std::uint16_t sport = u16(20);
  const std::uint16_t dport = u16(22);
  // To the interface's own address (so neither broadcast nor multicast: lwIP's broadcast test
  // says no for it) from another one (so not from the device itself, LAND).
  std::uint32_t src = 0;
  std::uint32_t dst = 0;
  std::memcpy(&src, p + 12, 4);
  std::memcpy(&dst, p + 16, 4);
  const std::uint32_t own = ip4_addr_get_u32(netif_ip4_addr(inp));
  if (dst != own) [[unlikely]] {
    return std::nullopt;
  }
  if (own == IPADDR_ANY) [[unlikely]] {
    return std::nullopt;
  }
  if (src == own) [[unlikely]] {
    return std::nullopt;
  }
  if (src == IPADDR_ANY) [[unlikely]] {
    return std::nullopt;
  }
  if (p[16] >= 224) [[unlikely]] {
    return std::nullopt;
  }
  // The classifier's judge_tcp() for a unicast destination: a connection attempt asks the
  // policy first, any other segment its flow first.
  const bool opens = (p[33] & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;
  const auto allowed = [&] {
    return policy_.allows(policy::Proto::kTcp, dport, head.subspan(12, 4));
  };
  // A connection of lwIP's with this peer (tcp_list_has() for an IPv4 flow, one word compared).
  const auto flow_in = [&](const tcp_pcb* pcb) {
    for (; pcb != nullptr; pcb = pcb->next) {
      if (pcb->local_port == dport && pcb->remote_port == sport && IP_IS_V4_VAL(pcb->remote_ip) &&
          ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)) == src &&
          (ip_addr_isany(&pcb->local_ip) ||
           (IP_IS_V4_VAL(pcb->local_ip) && ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip)) == dst))) {
        return true;
      }
    }
    return false;
  };
  filter::Verdict verdict = filter::Verdict::kDrop;
  filter::Reason reason = filter::Reason::kClosedPort;
  if (opens && allowed()) {
    verdict = filter::Verdict::kPass;
    reason = filter::Reason::kAllowed;
  } else if (flow_in(tcp_active_pcbs) || flow_in(tcp_tw_pcbs)) {
    verdict = filter::Verdict::kPass;
    reason = filter::Reason::kEstablished;
  } else if (!opens) {
    if (allowed()) {
      reason = filter::Reason::kNoConnection;
    }
  } else if (policy_.mode == policy::Mode::kReject) {
    return std::nullopt;
  }
  return filter::Decision{verdict, reason, IP_PROTO_TCP, dport, sport};
}

// The fast path and the records written into one function where the build is for speed: no
// call, no result in memory between them (base/hot_path.hpp).
PORTCULLIS_HOT_FLATTEN bool InputFilter::decide(std::span<const std::uint8_t> bytes,
                                                std::size_t total_len, const netif* inp,
                                                bool ipv6) {
  const policy::Table& policy = policy_;
  filter::Decision d = decision(bytes, total_len, inp, ipv6);
  if (d.verdict == filter::Verdict::kPass) {
    if (d.reason == filter::Reason::kAllowed &&
        (d.ip_proto == IP_PROTO_TCP || d.ip_proto == IP_PROTO_UDP)) {
      const bool bound = local_port_bound(d.ip_proto, d.port);
      if (!bound && policy.mode == policy::Mode::kStealth) {
        // Stealth: an allowed port that nothing listens on stays as silent as any closed port
        // (lwIP would answer it with a RST / port unreachable).
        d = {filter::Verdict::kDrop, filter::Reason::kClosedPort, d.ip_proto, d.port, d.src_port};
      } else if (bound && d.ip_proto == IP_PROTO_TCP &&
                 !make_room_for_connection(source_ip(bytes, ipv6), d.src_port, d.port,
                                           policy.mgmt_port() == d.port)) {
        // An allowed TCP pass is a connection attempt (classifier): a listener would take a
        // PCB.
        d = {filter::Verdict::kDrop, filter::Reason::kConnectionLimit, d.ip_proto, d.port,
             d.src_port};
      }
    }
    if (d.verdict == filter::Verdict::kPass) {
      counters_.record_pass(d.reason);
      if (d.reason == filter::Reason::kStackClient) {
        client_requests_.answered(bytes);
      }
      return false;
    }
  }
  if (d.verdict == filter::Verdict::kReject &&
      (local_port_bound(d.ip_proto, d.port) || !reject_limiter_.try_take(sys_now()))) {
    d.verdict = filter::Verdict::kDrop;
    counters_.record_reject_suppressed();
  }
  counters_.record_refused(d);
  record_drop(d, bytes, ipv6);
  // Reject: lwIP itself answers a segment/datagram for a port nothing is bound to with
  // exactly one RST or ICMP port unreachable, and allocates no state for it.
  return d.verdict == filter::Verdict::kDrop;
}

int InputFilter::judge(pbuf* p, const netif* inp, bool ipv6) {
  std::array<std::uint8_t, filter::kMaxHeaderBytes> head;
  const auto want = static_cast<u16_t>(std::min<std::size_t>(p->tot_len, head.size()));
  const u16_t got = pbuf_copy_partial(p, head.data(), want, 0);
  if (decide(std::span<const std::uint8_t>(head.data(), got), p->tot_len, inp, ipv6)) {
    pbuf_free(p);
    return 1;
  }
  return 0;
}

bool InputFilter::drop_frame(std::span<const std::uint8_t> frame, const netif* inp) {
  const FramedIp ip = ip_in_frame(frame);
  if (ip.packet.empty()) {
    return false;  // lwIP discards it itself, or it is ARP
  }
  return decide(ip.packet.first(std::min(ip.packet.size(), filter::kMaxHeaderBytes)),
                ip.packet.size(), inp, ip.ipv6);
}

bool InputFilter::screen_frame(std::span<const std::uint8_t> frame, const netif* inp) {
  const FramedIp ip = ip_in_frame(frame);
  if (ip.packet.empty()) {
    return false;
  }
  const std::span<const std::uint8_t> head =
      ip.packet.first(std::min(ip.packet.size(), filter::kMaxHeaderBytes));
  const filter::Decision d = decision(head, ip.packet.size(), inp, ip.ipv6);
  // The frames ahead of this one make connections only on the ports and for the sources an
  // allow rule admits: what they may change is a segment's `no_connection` into a pass. Every
  // other drop stands whatever they do.
  if (d.verdict != filter::Verdict::kDrop || d.reason == filter::Reason::kNoConnection) {
    return false;
  }
  counters_.record_refused(d);
  record_drop(d, head, ip.ipv6);
  return true;
}

void InputFilter::sent(std::span<const std::uint8_t> packet) {
  if (filter::ClientRequests::may_be_request(packet)) {  // the clock only for those
    (void)client_requests_.sent(packet, sys_now());
  }
}

void InputFilter::sent_frame(std::span<const std::uint8_t> frame) {
  if (const FramedIp ip = ip_in_frame(frame); !ip.packet.empty()) {
    sent(ip.packet);
  }
}

void InputFilter::expire_requests() {
  client_requests_.expire(sys_now());
}

bool RateLimiter::try_take(std::uint32_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  const std::uint32_t elapsed = now_ms - last_ms_;  // wraps correctly
  last_ms_ = now_ms;
  const std::uint64_t refill = std::uint64_t{elapsed} * per_second_;  // thousandths
  tokens_milli_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{burst_} * 1000u, tokens_milli_ + refill));
  if (tokens_milli_ < 1000u) {
    return false;
  }
  tokens_milli_ -= 1000u;
  return true;
}

void use_input_filter(InputFilter* filter) {
  internal::installed_filter.store(filter, std::memory_order_release);
}

InputFilter* input_filter() {
  return internal::installed_filter.load(std::memory_order_acquire);
}

int internal::drop_unjudged(pbuf* p) {
  pbuf_free(p);  // no filter yet (or any more): nothing gets through
  return 1;
}

}  // namespace portcullis::stack
