// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the packet classifier (firmware/filter) on arbitrary bytes, with the
// stack's answers drawn from the input too.
//
// Input: byte 0 the settings (bits 0-1 the policy of kPolicies, bit 2 reject mode, bit 3
// echo on, bit 4 total_len given, bits 5-7 all set: the source is the device's own address),
// bytes 1-2 the stack's answers (bit k, from the least significant, answers the k-th flow or
// broadcast question: tcp_flow, udp_flow or ipv4_broadcast; client_answer takes two: kOwn
// when the first is set, else kStray when the second is), then
// total_len (2 bytes, when bit 4) and the packet from its IP header on. Without bit 4,
// total_len is the packet's size. Both hooks (IPv4 and IPv6) judge every input.
//
// Invariants, beyond "no read outside the input" (ASan) and no undefined behaviour (UBSan):
// - malformed packets (bad lengths, LAND, a source the stack calls its own, 0.0.0.0, ::1,
//   a multicast source) and later fragments are dropped as such; :: never reaches a transport;
// - a decision is well formed: one reason, pass exactly with a pass reason, a reject only
//   for a connection attempt / datagram to a closed port, in reject mode, to a unicast
//   destination from an answerable source;
// - a pass is justified, checked with a parse of its own: the IP header is sound, no
//   fragment but a first one with its whole L4 header, the L4 header is within the bytes,
//   and a TCP/UDP packet passes only to a port the policy allows it, or as part of a flow
//   the stack said yes to (that very 4-tuple, read from the packet itself), or as the answer
//   to a request of the device's clients (client_answer said kOwn about that 4-tuple and
//   the bytes after that UDP header);
// - the classifier is deterministic: a second run asks the same questions and decides alike;
// - the glue's 256-byte copy suffices: a longer packet decides as its first kMaxHeaderBytes;
// - the stack is asked at most one own-address question (about the source), two flow
//   questions (a UDP flow, then a client's answer) and two broadcast questions, only about
//   addresses and bytes inside the packet.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_input.hpp"
#include "portcullis/filter/classifier.hpp"
#include "portcullis/policy/parser.hpp"

namespace {

using portcullis::filter::ClientAnswer;
using portcullis::filter::Decision;
using portcullis::filter::Flow;
using portcullis::filter::kMaxHeaderBytes;
using portcullis::filter::kReasonCount;
using portcullis::filter::Reason;
using portcullis::filter::StackView;
using portcullis::filter::Verdict;
using portcullis::fuzz::FuzzInput;
using portcullis::policy::Mode;
using portcullis::policy::Policy;
using portcullis::policy::Proto;
using Bytes = std::span<const std::uint8_t>;

constexpr Policy policy_of(std::string_view text) {
  const auto result = portcullis::policy::parse(text);
  return result.ok() ? result.policy : Policy{};
}

// Ports the fuzzer can find by comparison tracing, a source-restricted range, nothing at all
// and everything.
constexpr std::array<Policy, 4> kPolicies = {
    policy_of("allow tcp 80\n"
              "allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64\n"
              "allow udp 5683\n"
              "mgmt 8443 from 192.0.2.0/24\n"),
    policy_of(""),
    policy_of("allow tcp 1-65535\nallow udp 1-65535\n"),
    policy_of("allow tcp 1-65535 from 192.0.2.0/24,2001:db8::/32\n"
              "allow udp 1-65535 from 192.0.2.0/24,2001:db8::/32\n"),
};
static_assert(kPolicies[0].rule_count == 4 && kPolicies[2].rule_count == 2 &&
              kPolicies[3].rule_count == 2);

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kIcmp6 = 58;

enum class Question : std::uint8_t { kTcpFlow, kUdpFlow, kClientAnswer, kBroadcast, kOwnAddress };

struct Asked {
  Question question = Question::kTcpFlow;
  Flow flow;  // for kBroadcast and kOwnAddress: local_ip is the address asked about
  bool answer = false;
  Bytes payload;  // kClientAnswer: the bytes after the UDP header it was shown

  bool same(const Asked& o) const {
    const auto eq = [](Bytes a, Bytes b) {
      return std::equal(a.begin(), a.end(), b.begin(), b.end());
    };
    return question == o.question && answer == o.answer && eq(flow.remote_ip, o.flow.remote_ip) &&
           eq(flow.local_ip, o.flow.local_ip) && flow.remote_port == o.flow.remote_port &&
           flow.local_port == o.flow.local_port && eq(payload, o.payload);
  }
};

// Answers the questions in the order asked, from the input's answer bits, and keeps them.
class ScriptedStackView final : public StackView {
 public:
  static constexpr std::size_t kMaxQuestions = 16;

  ScriptedStackView(std::uint16_t answers, bool own_source)
      : answers_(answers), own_source_(own_source) {}

  std::span<const Asked> asked() const { return {asked_.data(), count_}; }
  // Did the stack say yes to `q` about exactly this flow?
  bool said_yes(Question q, const Flow& f) const {
    return std::any_of(asked().begin(), asked().end(), [&](const Asked& a) {
      return a.question == q && a.answer && a.flow.remote_ip.data() == f.remote_ip.data() &&
             a.flow.remote_ip.size() == f.remote_ip.size() &&
             a.flow.local_ip.data() == f.local_ip.data() &&
             a.flow.local_ip.size() == f.local_ip.size() && a.flow.remote_port == f.remote_port &&
             a.flow.local_port == f.local_port;
    });
  }
  bool any_yes(Question q) const {
    return std::any_of(asked().begin(), asked().end(),
                       [q](const Asked& a) { return a.question == q && a.answer; });
  }

 private:
  bool ask(Question q, const Flow& f, Bytes payload = {}) const {
    // Constant work per packet (filter/README.md): a few questions, never a loop of them.
    FUZZ_CHECK(count_ < kMaxQuestions);
    // The own-address answer is the settings' (it would otherwise take the answer bits the
    // corpus gives the flow questions, and end half the inputs at the first check).
    const bool answer =
        q == Question::kOwnAddress ? own_source_ : ((answers_ >> flow_count_++) & 1u) != 0;
    asked_[count_++] = {q, f, answer, payload};
    return answer;
  }
  bool do_tcp_flow(const Flow& f) const override { return ask(Question::kTcpFlow, f); }
  bool do_udp_flow(const Flow& f) const override { return ask(Question::kUdpFlow, f); }
  ClientAnswer do_client_answer(const Flow& f, Bytes payload) const override {
    if (ask(Question::kClientAnswer, f, payload)) {
      return ClientAnswer::kOwn;
    }
    return ((answers_ >> flow_count_++) & 1u) != 0 ? ClientAnswer::kStray : ClientAnswer::kNone;
  }
  bool do_ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const override {
    return ask(Question::kBroadcast, Flow{{}, dst, 0, 0});
  }
  bool do_own_address(std::span<const std::uint8_t> addr) const override {
    return ask(Question::kOwnAddress, Flow{{}, addr, 0, 0});
  }

  std::uint16_t answers_;
  bool own_source_;
  mutable std::size_t flow_count_ = 0;  // flow and broadcast questions asked
  mutable std::array<Asked, kMaxQuestions> asked_{};
  mutable std::size_t count_ = 0;
};

bool same(const Decision& a, const Decision& b) {
  return a.verdict == b.verdict && a.reason == b.reason && a.ip_proto == b.ip_proto &&
         a.port == b.port;
}

bool within(Bytes inner, Bytes outer) {
  return inner.data() >= outer.data() && inner.size() <= outer.size() &&
         inner.data() - outer.data() <= static_cast<std::ptrdiff_t>(outer.size() - inner.size());
}

std::uint16_t be16(Bytes p, std::size_t at) {
  return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

// Source = destination (LAND): forged, never passed (filter/README.md).
bool land(Bytes src, Bytes dst) {
  return std::equal(src.begin(), src.end(), dst.begin(), dst.end());
}

// Neither multicast (224/4) nor the limited broadcast address.
bool unicast4(Bytes a) {
  return (a[0] & 0xF0) != 0xE0 &&
         !std::all_of(a.begin(), a.end(), [](std::uint8_t b) { return b == 0xFF; });
}

struct Settings {
  const Policy* policy = nullptr;  // the checks ask it: the classifier asks its table
  portcullis::policy::Table table;
  std::uint16_t answers = 0;
  bool own_source = false;
  std::size_t total_len = 0;
};

// What every decision must satisfy, whichever hook made it.
void check_well_formed(const Decision& d, const Policy& policy) {
  FUZZ_CHECK(static_cast<std::size_t>(d.reason) < kReasonCount);
  FUZZ_CHECK(d.verdict == Verdict::kPass || d.verdict == Verdict::kDrop ||
             d.verdict == Verdict::kReject);
  FUZZ_CHECK(portcullis::filter::is_pass_reason(d.reason) == (d.verdict == Verdict::kPass));
  if (d.verdict == Verdict::kReject) {
    FUZZ_CHECK(policy.mode == Mode::kReject);
    FUZZ_CHECK(d.reason == Reason::kClosedPort);
    FUZZ_CHECK(d.ip_proto == kTcp || d.ip_proto == kUdp);
  }
  if (d.port != 0) {
    FUZZ_CHECK(d.ip_proto == kTcp || d.ip_proto == kUdp);
  }
}

// The stack is asked only about addresses in the packet: 4 or 16 bytes, inside its bytes.
// At most one own-address question (the source's), one flow question and two broadcast
// questions per packet (filter/README.md, "Bounds and cost").
void check_questions(const ScriptedStackView& stack, Bytes readable, bool v6) {
  std::size_t flows = 0;
  std::size_t broadcasts = 0;
  std::size_t own = 0;
  for (const Asked& a : stack.asked()) {
    FUZZ_CHECK(within(a.flow.local_ip, readable));
    FUZZ_CHECK(a.flow.local_ip.size() == (v6 ? 16u : 4u));
    if (a.question == Question::kBroadcast) {
      FUZZ_CHECK(!v6);
      ++broadcasts;
    } else if (a.question == Question::kOwnAddress) {
      FUZZ_CHECK(a.flow.local_ip.data() == readable.data() + (v6 ? 8 : 12));  // the source
      ++own;
    } else {
      FUZZ_CHECK(within(a.flow.remote_ip, readable));
      FUZZ_CHECK(a.flow.remote_ip.size() == a.flow.local_ip.size());
      FUZZ_CHECK(a.question != Question::kClientAnswer || within(a.payload, readable));
      ++flows;
    }
  }
  FUZZ_CHECK(flows <= 2 && broadcasts <= 2 && own <= 1);
}

// A TCP segment or UDP datagram that passed reached an allowed port or a flow of the device.
void check_transport_pass(const Decision& d, const ScriptedStackView& stack, const Policy& policy,
                          Bytes p, std::size_t l4, Bytes src, Bytes dst) {
  const std::uint16_t sport = be16(p, l4);
  const std::uint16_t dport = be16(p, l4 + 2);
  FUZZ_CHECK(d.port == dport && dport != 0);
  // The glue matches a retransmitted SYN to its half-open connection by this port.
  FUZZ_CHECK(d.src_port == sport);
  const Proto proto = d.ip_proto == kTcp ? Proto::kTcp : Proto::kUdp;
  const Flow flow{src, dst, sport, dport};
  switch (d.reason) {
    case Reason::kAllowed:
      FUZZ_CHECK(policy.allows(proto, dport, src));
      if (proto == Proto::kTcp) {  // only a connection attempt: SYN without ACK/RST/FIN
        FUZZ_CHECK((p[l4 + 13] & 0x17) == 0x02);
      }
      break;
    case Reason::kEstablished:
      FUZZ_CHECK(
          stack.said_yes(proto == Proto::kTcp ? Question::kTcpFlow : Question::kUdpFlow, flow));
      break;
    case Reason::kStackClient:
      // Shown exactly the datagram's bytes after its header that are at hand.
      FUZZ_CHECK(proto == Proto::kUdp && stack.said_yes(Question::kClientAnswer, flow));
      FUZZ_CHECK(std::any_of(stack.asked().begin(), stack.asked().end(), [&](const Asked& a) {
        return a.question == Question::kClientAnswer &&
               (a.payload.empty() || a.payload.data() == p.data() + l4 + 8) &&
               a.payload.size() <= p.size() - std::min(p.size(), l4 + 8);
      }));
      break;
    default:
      FUZZ_FAIL("a TCP/UDP pass with a reason that is not about TCP/UDP");
  }
}

void check_ipv4(const Decision& d, const ScriptedStackView& stack, const Settings& s,
                Bytes packet) {
  check_well_formed(d, *s.policy);
  const Bytes avail = packet.first(std::min(packet.size(), s.total_len));
  check_questions(stack, avail, false);
  const bool header = avail.size() >= 20 && (avail[0] >> 4) == 4 && (avail[0] & 0x0F) >= 5 &&
                      std::size_t{(avail[0] & 0x0Fu) * 4u} <= avail.size();
  const std::size_t ihl = header ? (avail[0] & 0x0Fu) * 4u : 0;
  const std::size_t ip_len = header ? be16(avail, 2) : 0;
  const bool sound = header && ip_len >= ihl && ip_len <= s.total_len;
  const bool later_fragment = sound && (be16(avail, 6) & 0x1FFF) != 0;
  // 0.0.0.0 as the source: no wire carries it to a device that is no DHCP server.
  if (!sound || land(avail.subspan(12, 4), avail.subspan(16, 4)) ||
      stack.any_yes(Question::kOwnAddress) || (be16(avail, 12) == 0 && be16(avail, 14) == 0)) {
    FUZZ_CHECK(d.verdict == Verdict::kDrop && d.reason == Reason::kMalformed);
    return;
  }
  if (later_fragment) {
    FUZZ_CHECK(d.verdict == Verdict::kDrop && d.reason == Reason::kFragment);
    return;
  }
  const Bytes p = avail.first(std::min(avail.size(), ip_len));
  const Bytes src = p.subspan(12, 4);
  const Bytes dst = p.subspan(16, 4);
  if (d.verdict == Verdict::kReject) {
    // Never towards multicast/broadcast, nor to a source a reply would be reflected from.
    FUZZ_CHECK(unicast4(dst) && !stack.any_yes(Question::kBroadcast));
    FUZZ_CHECK(src[0] != 0 && src[0] != 127 && src[0] < 224);
    FUZZ_CHECK(p.size() >= ihl + 4 && d.port == be16(p, ihl + 2));
    FUZZ_CHECK(!s.policy->allows(d.ip_proto == kTcp ? Proto::kTcp : Proto::kUdp, d.port, src));
  }
  if (d.verdict != Verdict::kPass) {
    return;
  }
  FUZZ_CHECK(d.ip_proto == p[9]);
  const bool more_fragments = (be16(p, 6) & 0x2000) != 0;
  switch (d.ip_proto) {
    case kTcp: {
      FUZZ_CHECK(p.size() >= ihl + 20);
      const std::size_t data_offset = (p[ihl + 12] >> 4) * 4u;
      FUZZ_CHECK(data_offset >= 20 && p.size() >= ihl + data_offset);
      FUZZ_CHECK(be16(p, ihl) != 0);
      check_transport_pass(d, stack, *s.policy, p, ihl, src, dst);
      break;
    }
    case kUdp: {
      FUZZ_CHECK(p.size() >= ihl + 8);
      const std::size_t length = be16(p, ihl + 4);
      FUZZ_CHECK(length >= 8 && (more_fragments || length <= ip_len - ihl));
      check_transport_pass(d, stack, *s.policy, p, ihl, src, dst);
      break;
    }
    case kIcmp: {
      FUZZ_CHECK(p.size() >= ihl + 8);
      FUZZ_CHECK(unicast4(dst) && !stack.any_yes(Question::kBroadcast));
      const std::uint8_t type = p[ihl];
      if (type == 8) {
        FUZZ_CHECK(s.policy->echo && d.reason == Reason::kEcho);
      } else if (type == 0) {
        FUZZ_CHECK(d.reason == Reason::kEcho);
      } else {
        // An error about a flow of the device, quoted in full, sent from the device's address.
        FUZZ_CHECK(type == 3 || type == 11 || type == 12);
        FUZZ_CHECK(d.reason == Reason::kIcmpErrorOwnFlow);
        FUZZ_CHECK(p.size() >= ihl + 8 + 20);
        const std::size_t quoted_ihl = (p[ihl + 8] & 0x0Fu) * 4u;
        FUZZ_CHECK((p[ihl + 8] >> 4) == 4 && quoted_ihl >= 20);
        FUZZ_CHECK(p.size() >= ihl + 8 + quoted_ihl + 8);
        FUZZ_CHECK(std::equal(dst.begin(), dst.end(),
                              p.begin() + static_cast<std::ptrdiff_t>(ihl + 8 + 12)));
        FUZZ_CHECK(stack.any_yes(Question::kTcpFlow) || stack.any_yes(Question::kUdpFlow));
      }
      break;
    }
    default:
      FUZZ_FAIL("an IPv4 pass of a protocol other than TCP, UDP, ICMP");
  }
}

void check_ipv6(const Decision& d, const ScriptedStackView& stack, const Settings& s,
                Bytes packet) {
  check_well_formed(d, *s.policy);
  const Bytes avail = packet.first(std::min(packet.size(), s.total_len));
  check_questions(stack, avail, true);
  FUZZ_CHECK(!stack.any_yes(Question::kBroadcast));
  const std::size_t payload = avail.size() >= 40 ? be16(avail, 4) : 0;
  const bool sound =
      avail.size() >= 40 && (avail[0] >> 4) == 6 && payload != 0 && 40 + payload <= s.total_len;
  // Loopback (::1) and multicast sources: no wire carries them.
  const bool bogus_source =
      sound && (avail[8] == 0xFF || (std::all_of(avail.begin() + 8, avail.begin() + 23,
                                                 [](std::uint8_t b) { return b == 0; }) &&
                                     avail[23] == 1));
  if (!sound || land(avail.subspan(8, 16), avail.subspan(24, 16)) ||
      stack.any_yes(Question::kOwnAddress) || bogus_source) {
    FUZZ_CHECK(d.verdict == Verdict::kDrop && d.reason == Reason::kMalformed);
    return;
  }
  const Bytes p = avail.first(std::min(avail.size(), 40 + payload));
  const Bytes src = p.subspan(8, 16);
  const Bytes dst = p.subspan(24, 16);
  // The unspecified source (::) may reach neighbour discovery, never a transport.
  if (d.ip_proto == kTcp || d.ip_proto == kUdp) {
    FUZZ_CHECK(d.verdict != Verdict::kPass ||
               !std::all_of(src.begin(), src.end(), [](std::uint8_t b) { return b == 0; }));
  }
  if (p[6] == 44) {  // a fragment header first
    FUZZ_CHECK(d.verdict == Verdict::kDrop && d.reason == Reason::kFragment);
  }
  if (d.verdict == Verdict::kReject) {
    const bool zeros =
        std::all_of(src.begin(), src.end() - 1, [](std::uint8_t b) { return b == 0; });
    FUZZ_CHECK(dst[0] != 0xFF && src[0] != 0xFF && !(zeros && src[15] <= 1));  // not :: or ::1
    FUZZ_CHECK(!s.policy->allows(d.ip_proto == kTcp ? Proto::kTcp : Proto::kUdp, d.port, src));
  }
  if (d.verdict != Verdict::kPass) {
    return;
  }
  // A walk of its own through the extension headers the classifier may pass over.
  std::uint8_t next = p[6];
  std::size_t at = 40;
  std::size_t headers = 0;
  while (next == 0 || next == 43 || next == 60) {
    FUZZ_CHECK(p.size() >= at + 2);
    FUZZ_CHECK(next != 0 || headers == 0);  // hop-by-hop only first
    const std::size_t len = (p[at + 1] + 1u) * 8u;
    FUZZ_CHECK(p.size() >= at + len);
    if (next == 43) {
      FUZZ_CHECK(p[at + 3] == 0);  // segments left
    }
    next = p[at];
    at += len;
    ++headers;
  }
  FUZZ_CHECK(headers <= portcullis::filter::kMaxExtensionHeaders);
  FUZZ_CHECK(at - 40 <= portcullis::filter::kMaxExtensionBytes);
  FUZZ_CHECK(next == d.ip_proto);
  switch (next) {
    case kTcp: {
      FUZZ_CHECK(p.size() >= at + 20);
      const std::size_t data_offset = (p[at + 12] >> 4) * 4u;
      FUZZ_CHECK(data_offset >= 20 && p.size() >= at + data_offset);
      FUZZ_CHECK(be16(p, at) != 0);
      check_transport_pass(d, stack, *s.policy, p, at, src, dst);
      break;
    }
    case kUdp: {
      FUZZ_CHECK(p.size() >= at + 8);
      const std::size_t length = be16(p, at + 4);
      FUZZ_CHECK(length >= 8 && length <= 40 + payload - at);
      check_transport_pass(d, stack, *s.policy, p, at, src, dst);
      break;
    }
    case kIcmp6: {
      FUZZ_CHECK(p.size() >= at + 8);
      const std::uint8_t type = p[at];
      if (type >= 133 && type <= 136) {
        FUZZ_CHECK(p[7] == 255 && d.reason == Reason::kNeighbourDiscovery);
      } else if (type == 130 || type == 131 || type == 132 || type == 143) {
        FUZZ_CHECK(d.reason == Reason::kNeighbourDiscovery);
      } else {
        FUZZ_CHECK(dst[0] != 0xFF);
        if (type == 128) {
          FUZZ_CHECK(s.policy->echo && d.reason == Reason::kEcho);
        } else if (type == 129) {
          FUZZ_CHECK(d.reason == Reason::kEcho);
        } else {
          FUZZ_CHECK(type >= 1 && type <= 4 && d.reason == Reason::kIcmpErrorOwnFlow);
          FUZZ_CHECK(p.size() >= at + 8 + 40 + 8 && (p[at + 8] >> 4) == 6);
          // A Packet Too Big that passes names an MTU every IPv6 link has (lwIP fragments for it).
          FUZZ_CHECK(type != 2 || be16(p, at + 4) != 0 || be16(p, at + 6) >= 1280);
          FUZZ_CHECK(std::equal(dst.begin(), dst.end(),
                                p.begin() + static_cast<std::ptrdiff_t>(at + 8 + 8)));
          FUZZ_CHECK(stack.any_yes(Question::kTcpFlow) || stack.any_yes(Question::kUdpFlow));
        }
      }
      break;
    }
    default:
      FUZZ_FAIL("an IPv6 pass of a protocol other than TCP, UDP, ICMPv6");
  }
}

template <typename Classify>
Decision run_checked(Classify classify, const Settings& s, Bytes packet, ScriptedStackView& stack) {
  const Decision d = classify(packet, s.total_len, s.table, stack);
  // Deterministic: the same bytes and the same answers give the same questions and decision.
  ScriptedStackView again(s.answers, s.own_source);
  FUZZ_CHECK(same(d, classify(packet, s.total_len, s.table, again)));
  FUZZ_CHECK(again.asked().size() == stack.asked().size());
  for (std::size_t i = 0; i < stack.asked().size(); ++i) {
    FUZZ_CHECK(again.asked()[i].same(stack.asked()[i]));
  }
  // The stack glue copies only the first kMaxHeaderBytes of a packet: they must suffice.
  if (packet.size() > kMaxHeaderBytes) {
    ScriptedStackView copy(s.answers, s.own_source);
    FUZZ_CHECK(same(d, classify(packet.first(kMaxHeaderBytes), s.total_len, s.table, copy)));
    FUZZ_CHECK(copy.asked().size() == stack.asked().size());
  }
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in({data, size});
  const std::uint8_t settings = in.u8();
  Policy policy = kPolicies[settings & 3u];
  policy.mode = (settings & 4u) != 0 ? Mode::kReject : Mode::kStealth;
  policy.echo = (settings & 8u) != 0;
  Settings s;
  s.policy = &policy;
  const auto compacted = portcullis::policy::compact(policy);
  s.table = compacted;
  s.own_source = (settings & 0xE0u) == 0xE0u;
  s.answers = in.u16();
  const bool explicit_total_len = (settings & 16u) != 0;
  const std::size_t given_total_len = explicit_total_len ? in.u16() : 0;
  const Bytes packet = in.rest();
  s.total_len = explicit_total_len ? given_total_len : packet.size();

  ScriptedStackView v4(s.answers, s.own_source);
  check_ipv4(run_checked(portcullis::filter::classify_ipv4, s, packet, v4), v4, s, packet);
  ScriptedStackView v6(s.answers, s.own_source);
  check_ipv6(run_checked(portcullis::filter::classify_ipv6, s, packet, v6), v6, s, packet);
  return 0;
}
