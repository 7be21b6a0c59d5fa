// SPDX-License-Identifier: Apache-2.0
// classify_ipv6: hand-built packets for every rule of firmware/filter/README.md.

#include <CppUTest/TestHarness.h>

#include <span>
#include <string>

#include "describe.hpp"
#include "fake_stack_view.hpp"
#include "packet_builder.hpp"
#include "portcullis/filter/classifier.hpp"
#include "test_policy.hpp"

using namespace portcullis::test;  // NOLINT(google-build-using-namespace): test helpers
using portcullis::filter::classify_ipv6;
using portcullis::filter::Decision;
using portcullis::filter::kMaxExtensionBytes;
using portcullis::filter::kMaxExtensionHeaders;
using portcullis::filter::Verdict;
using portcullis::policy::AnyCompactPolicy;
using portcullis::policy::compact;
using portcullis::policy::Mode;
using portcullis::policy::Table;

namespace {

constexpr Ipv6Address kOther6{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
constexpr Ipv6Address kAllNodes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ipv6Address kSolicitedNode{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2};
constexpr Ipv6Address kMldv2Routers{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
constexpr Ipv6Address kLinkLocalRouter{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ipv6Address kLinkLocalDevice{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
constexpr Ipv6Address kUnspecified{};
constexpr Ipv6Address kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

constexpr std::uint8_t kOptRouterAlert[] = {5, 2, 0, 0};

struct FlagCase {
  const char* name;
  std::uint8_t flags;
};
constexpr FlagCase kProbes[] = {
    {"FIN", tcp_flags::kFin},
    {"NULL", 0},
    {"Xmas", tcp_flags::kFin | tcp_flags::kPsh | tcp_flags::kUrg},
    {"ACK", tcp_flags::kAck},
    {"Maimon", tcp_flags::kFin | tcp_flags::kAck},
    {"RST", tcp_flags::kRst},
    {"SYN+ACK", tcp_flags::kSyn | tcp_flags::kAck},
};

Bytes opts(std::initializer_list<std::uint8_t> b) {
  return Bytes(b);
}

}  // namespace

TEST_GROUP(ClassifyIpv6) {
  FakeStackView stack;
  AnyCompactPolicy stealth = compact(standard_policy(Mode::kStealth));
  AnyCompactPolicy reject = compact(standard_policy(Mode::kReject));
  AnyCompactPolicy echo = compact(standard_policy(Mode::kStealth, true));

  Decision classify(const Bytes& p, const Table& policy) {
    return classify_ipv6(p, p.size(), policy, stack);
  }
  Decision classify(const Bytes& p) {
    return classify(p, stealth);
  }

  static Bytes tcp6(const TcpSpec& t, const Ipv6Spec& ip = {}) {
    Ipv6Spec s = ip;
    s.next = kProtoTcp;
    return ipv6(s, tcp(t));
  }
  static Bytes udp6(const UdpSpec& u, const Ipv6Spec& ip = {}) {
    Ipv6Spec s = ip;
    s.next = kProtoUdp;
    return ipv6(s, udp(u));
  }
  static Bytes icmp6(const Bytes& message, const Ipv6Spec& ip = {}) {
    Ipv6Spec s = ip;
    s.next = kProtoIcmp6;
    return ipv6(s, message);
  }
  // A packet whose fixed header names `first` and whose payload is `chain`.
  static Bytes chain6(std::uint8_t first_next, const Bytes& chain) {
    return ipv6({.next = first_next}, chain);
  }
};

// ---- IPv6 header --------------------------------------------------------------------

TEST(ClassifyIpv6, SynToAllowedPortPassesWithProtoAndPort) {
  const Decision d = classify(tcp6({.dport = 80}));
  CHECK_DECISION("pass allowed", d);
  LONGS_EQUAL(6, d.ip_proto);
  LONGS_EQUAL(80, d.port);
}

TEST(ClassifyIpv6, TheSourcePortComesWithEveryVerdictOnASoundHeader) {
  LONGS_EQUAL(40001, classify(tcp6({.sport = 40001, .dport = 80})).src_port);
  LONGS_EQUAL(40002, classify(udp6({.sport = 40002, .dport = 161})).src_port);
  LONGS_EQUAL(0, classify(tcp6({.sport = 40003, .dport = 0})).src_port);
}

TEST(ClassifyIpv6, EveryTruncationOfTheHeadersIsMalformed) {
  const Bytes packets[] = {tcp6({.dport = 80}), tcp6({.dport = 80, .data_offset = 8}),
                           udp6({.dport = 5683}), icmp6(icmp(128))};
  for (const Bytes& full : packets) {
    CHECK(classify(full, echo).verdict == Verdict::kPass);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut = first(full, n);
      const std::string where = "cut at " + std::to_string(n);
      STRCMP_EQUAL_TEXT("drop malformed", describe(classify(cut, echo)).c_str(), where.c_str());
      STRCMP_EQUAL_TEXT("drop malformed",
                        describe(classify_ipv6(cut, full.size(), echo, stack)).c_str(),
                        where.c_str());
    }
  }
}

TEST(ClassifyIpv6, VersionOtherThanSixIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.version = 4})));
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.version = 7})));
}

TEST(ClassifyIpv6, PayloadLengthZeroAnnouncesAJumbogramAndIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.payload_length = 0})));
  // A jumbogram as RFC 2675 builds it: payload length 0, a Jumbo Payload option.
  const Bytes jumbo =
      ipv6({.next = kNextHopByHop, .payload_length = 0},
           options_header(kProtoTcp, opts({0xC2, 4, 0, 1, 0, 0}), tcp({.dport = 80})));
  CHECK_DECISION("drop malformed", classify(jumbo));
  CHECK_DECISION("drop malformed", classify(ipv6({.next = kNextNone, .payload_length = 0}, {})));
}

TEST(ClassifyIpv6, PayloadLengthBeyondWhatWasReceivedIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.payload_length = 21})));
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.payload_length = 0xFFFF})));
}

TEST(ClassifyIpv6, PayloadLengthShorterThanTheHeadersIsMalformed) {
  // The bytes are there (padding), but the packet says they are not its own.
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.payload_length = 19})));
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 5683}, {.payload_length = 7})));
  CHECK_DECISION("drop malformed", classify(icmp6(icmp(129), {.payload_length = 4})));
  CHECK_DECISION("drop malformed",
                 classify(tcp6({.dport = 80, .data_offset = 6}, {.payload_length = 20})));
}

TEST(ClassifyIpv6, PaddingBeyondThePayloadLengthIsIgnored) {
  Bytes p = udp6({.dport = 5683});
  p.resize(p.size() + 10, 0);
  CHECK_DECISION("pass allowed", classify(p));
  Bytes q = ipv6({.next = kProtoUdp, .payload_length = 8}, udp({.dport = 5683, .length = 16}));
  q.resize(q.size() + 10, 0);
  CHECK_DECISION("drop malformed", classify(q));
}

TEST(ClassifyIpv6, AShortCopyOfALongPacketIsJudgedByItsHeaders) {
  const Bytes p = tcp6({.dport = 80, .payload = 1400});
  CHECK_DECISION("pass allowed", classify_ipv6(first(p, 60), p.size(), stealth, stack));
}

// ---- extension headers --------------------------------------------------------------

TEST(ClassifyIpv6, SkippableExtensionHeadersLeadToTheTransportHeader) {
  CHECK_DECISION(
      "pass allowed",
      classify(chain6(kNextHopByHop, options_header(kProtoTcp, {}, tcp({.dport = 80})))));
  CHECK_DECISION(
      "drop closed_port",
      classify(chain6(kNextHopByHop, options_header(kProtoTcp, {}, tcp({.dport = 81})))));
  CHECK_DECISION(
      "pass allowed",
      classify(chain6(kNextDestOpts, options_header(kProtoUdp, {}, udp({.dport = 5683})))));
  CHECK_DECISION("pass allowed",
                 classify(chain6(kNextRouting, routing_header(kProtoTcp, 0, tcp({.dport = 80})))));
  // The longest chain walked: hop-by-hop, destination options, routing, destination options.
  const Bytes four = options_header(
      kNextDestOpts, {},
      options_header(
          kNextRouting, {},
          routing_header(kNextDestOpts, 0, options_header(kProtoTcp, {}, tcp({.dport = 80})))));
  CHECK_DECISION("pass allowed", classify(chain6(kNextHopByHop, four)));
  const Decision d = classify(chain6(kNextHopByHop, four), reject);
  LONGS_EQUAL(6, d.ip_proto);
}

TEST(ClassifyIpv6, MoreExtensionHeadersThanTheBoundAreABadChain) {
  Bytes chain = tcp({.dport = 80});
  std::uint8_t next = kProtoTcp;
  for (std::size_t i = 0; i < kMaxExtensionHeaders; ++i) {
    chain = options_header(next, {}, chain);
    next = kNextDestOpts;
  }
  CHECK_DECISION("pass allowed", classify(chain6(next, chain)));
  chain = options_header(next, {}, chain);
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(next, chain)));
}

TEST(ClassifyIpv6, ExtensionHeadersBeyondTheByteBoundAreABadChain) {
  const Bytes at_bound = options_header(kProtoTcp, {}, tcp({.dport = 80}), kMaxExtensionBytes);
  CHECK_DECISION("pass allowed", classify(chain6(kNextDestOpts, at_bound)));
  const Bytes beyond = options_header(kProtoTcp, {}, tcp({.dport = 80}), kMaxExtensionBytes + 8);
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextDestOpts, beyond)));
  // Two headers adding up beyond it.
  const Bytes two =
      options_header(kNextDestOpts, {}, options_header(kProtoTcp, {}, tcp({.dport = 80}), 64), 72);
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextHopByHop, two)));
}

TEST(ClassifyIpv6, ExtensionHeaderBeyondTheAvailableBytesIsABadChain) {
  // Length field says 16 bytes; 8 are there.
  Bytes short_header = options_header(kProtoTcp, {}, {});
  short_header[1] = 1;
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextDestOpts, short_header)));
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextDestOpts, Bytes{kProtoTcp})));
  // Cut by the payload length, or by a short copy.
  const Bytes p = chain6(kNextDestOpts, options_header(kProtoTcp, {}, tcp({.dport = 80}), 16));
  Bytes short_payload = p;
  short_payload[5] = 12;
  short_payload.resize(52);
  CHECK_DECISION("drop bad_extension_chain", classify(short_payload));
  CHECK_DECISION("drop bad_extension_chain", classify_ipv6(first(p, 50), p.size(), stealth, stack));
}

TEST(ClassifyIpv6, HopByHopAnywhereButFirstIsABadChain) {
  const Bytes chain =
      options_header(kNextHopByHop, {}, options_header(kProtoTcp, {}, tcp({.dport = 80})));
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextDestOpts, chain)));
}

TEST(ClassifyIpv6, RoutingHeaderWithSegmentsLeftIsABadChain) {
  CHECK_DECISION("drop bad_extension_chain",
                 classify(chain6(kNextRouting, routing_header(kProtoTcp, 1, tcp({.dport = 80})))));
  CHECK_DECISION(
      "drop bad_extension_chain",
      classify(chain6(kNextRouting, routing_header(kProtoTcp, 2, tcp({.dport = 80}), 0))));
}

TEST(ClassifyIpv6, AnyFragmentHeaderIsAFragment) {
  const Bytes whole_tcp = tcp({.dport = 80});
  // First (with the whole TCP header), atomic, middle and last fragments.
  struct Case {
    std::uint16_t offset;
    bool more;
  };
  for (const Case c : {Case{0, true}, Case{0, false}, Case{100, true}, Case{185, false}}) {
    const Decision d =
        classify(chain6(kNextFragment, fragment_header(kProtoTcp, c.offset, c.more, whole_tcp)));
    CHECK_DECISION("drop fragment", d);
    LONGS_EQUAL(0, d.ip_proto);
  }
  // Behind a destination options header too.
  CHECK_DECISION("drop fragment",
                 classify(chain6(kNextDestOpts,
                                 options_header(kNextFragment, {},
                                                fragment_header(kProtoTcp, 0, true, whole_tcp)))));
}

TEST(ClassifyIpv6, NoNextHeaderIsABadChain) {
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextNone, Bytes(8, 0))));
  CHECK_DECISION("drop bad_extension_chain",
                 classify(chain6(kNextDestOpts, options_header(kNextNone, {}, {}))));
}

TEST(ClassifyIpv6, ExtensionHeadersThatAreNotWalkedAreABadChain) {
  for (const std::uint8_t next : {50, 51, 135, 139, 140, 253, 254}) {
    const std::string name = std::to_string(next);
    STRCMP_EQUAL_TEXT("drop bad_extension_chain",
                      describe(classify(chain6(next, Bytes(16, 0)))).c_str(), name.c_str());
    STRCMP_EQUAL_TEXT(
        "drop bad_extension_chain",
        describe(classify(chain6(kNextDestOpts, options_header(next, {}, Bytes(16, 0))))).c_str(),
        name.c_str());
  }
}

TEST(ClassifyIpv6, UnknownUpperLayerProtocolsAreDroppedWithTheirNumber) {
  for (const std::uint8_t next : {1, 2, 4, 41, 47, 103, 132, 255}) {
    const Decision direct = classify(chain6(next, Bytes(16, 0)));
    CHECK_DECISION("drop unknown_protocol", direct);
    LONGS_EQUAL(next, direct.ip_proto);
    CHECK_DECISION("drop unknown_protocol",
                   classify(chain6(kNextHopByHop, options_header(next, {}, Bytes(16, 0)))));
  }
}

TEST(ClassifyIpv6, HarmlessOptionsAreSkipped) {
  const Bytes harmless[] = {
      opts({0}),           // Pad1 before PadN
      opts({0, 0, 0}),     // Pad1s
      opts({1, 2, 0, 0}),  // PadN
      Bytes(std::begin(kOptRouterAlert), std::end(kOptRouterAlert)),
      opts({0x1E, 2, 0xAA, 0xBB}),  // unknown, action 00: skip
  };
  for (const Bytes& o : harmless) {
    CHECK_DECISION(
        "pass allowed",
        classify(chain6(kNextHopByHop, options_header(kProtoTcp, o, tcp({.dport = 80})))));
    CHECK_DECISION(
        "pass allowed",
        classify(chain6(kNextDestOpts, options_header(kProtoTcp, o, tcp({.dport = 80})))));
  }
}

TEST(ClassifyIpv6, OptionsLwipWouldDropOrAnswerAreABadChain) {
  const Bytes risky[] = {
      opts({0x5E, 2, 0, 0}),        // action 01: discard
      opts({0x9E, 2, 0, 0}),        // action 10: discard + parameter problem
      opts({0xDE, 2, 0, 0}),        // action 11: the same unless multicast
      opts({0xC2, 4, 0, 1, 0, 0}),  // jumbo payload
      opts({0xC9, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}),  // home
  };
  for (const Bytes& o : risky) {
    CHECK_DECISION(
        "drop bad_extension_chain",
        classify(chain6(kNextHopByHop, options_header(kProtoTcp, o, tcp({.dport = 80})))));
    CHECK_DECISION(
        "drop bad_extension_chain",
        classify(chain6(kNextDestOpts, options_header(kProtoTcp, o, tcp({.dport = 80})))));
  }
}

TEST(ClassifyIpv6, OptionsThatDoNotTileTheirHeaderAreABadChain) {
  // PadN claiming 7 bytes in a header with 6 left.
  Bytes overrun = options_header(kProtoTcp, opts({1, 7, 0, 0, 0, 0}), tcp({.dport = 80}));
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextDestOpts, overrun)));
  // The header's last byte is an option type with no length byte.
  Bytes dangling = options_header(kProtoTcp, opts({1, 3, 0, 0, 0, 5}), tcp({.dport = 80}));
  CHECK_DECISION("drop bad_extension_chain", classify(chain6(kNextHopByHop, dangling)));
}

// ---- TCP / UDP ----------------------------------------------------------------------

TEST(ClassifyIpv6, TcpDataOffsetAndPorts) {
  for (std::uint8_t off = 0; off < 5; ++off) {
    CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80, .data_offset = off})));
  }
  CHECK_DECISION("drop malformed",
                 classify(tcp6({.dport = 80, .data_offset = 15, .header_bytes = 20})));
  CHECK_DECISION("pass allowed", classify(tcp6({.dport = 80, .data_offset = 15})));
  CHECK_DECISION("drop malformed", classify(tcp6({.sport = 0, .dport = 80})));
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 0}), reject));
}

TEST(ClassifyIpv6, ProbesOfAClosedPortLearnNothingInEitherMode) {
  for (const FlagCase& c : kProbes) {
    STRCMP_EQUAL_TEXT("drop closed_port",
                      describe(classify(tcp6({.dport = 81, .flags = c.flags}))).c_str(), c.name);
    STRCMP_EQUAL_TEXT("drop closed_port",
                      describe(classify(tcp6({.dport = 81, .flags = c.flags}), reject)).c_str(),
                      c.name);
    STRCMP_EQUAL_TEXT("drop no_connection",
                      describe(classify(tcp6({.dport = 80, .flags = c.flags}), reject)).c_str(),
                      c.name);
  }
  CHECK_DECISION("drop closed_port", classify(tcp6({.dport = 81})));
  CHECK_DECISION("reject closed_port", classify(tcp6({.dport = 81}), reject));
  CHECK_DECISION(
      "reject closed_port",
      classify(tcp6({.dport = 81, .flags = tcp_flags::kSyn | tcp_flags::kEce | tcp_flags::kCwr}),
               reject));
}

TEST(ClassifyIpv6, SourceRestrictedRuleAdmitsOnlyItsSources) {
  CHECK_DECISION("pass allowed", classify(tcp6({.dport = 5005})));
  CHECK_DECISION("drop closed_port", classify(tcp6({.dport = 5005}, {.src = kOther6})));
  CHECK_DECISION("reject closed_port", classify(tcp6({.dport = 5005}, {.src = kOther6}), reject));
}

TEST(ClassifyIpv6, EstablishedFlowPassesOnAClosedPort) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  CHECK_DECISION(
      "pass established",
      classify(tcp6({.sport = 443, .dport = 49152, .flags = tcp_flags::kAck}, {.src = kOther6})));
  CHECK_DECISION("drop closed_port",
                 classify(tcp6({.sport = 443, .dport = 49152, .flags = tcp_flags::kAck})));
  LONGS_EQUAL(16, stack.last_query().ip_len);
}

TEST(ClassifyIpv6, MulticastToClosedPortsIsDroppedNotRejected) {
  CHECK_DECISION("drop broadcast", classify(tcp6({.dport = 81}, {.dst = kAllNodes}), reject));
  CHECK_DECISION("drop broadcast", classify(udp6({.dport = 5353}, {.dst = kAllNodes}), reject));
  CHECK_DECISION("drop broadcast", classify(udp6({.dport = 5353}, {.dst = kAllNodes})));
  CHECK_DECISION("pass allowed", classify(udp6({.dport = 5683}, {.dst = kAllNodes})));
}

TEST(ClassifyIpv6, UdpRules) {
  CHECK_DECISION("pass allowed", classify(udp6({.dport = 5683})));
  CHECK_DECISION("drop closed_port", classify(udp6({.dport = 161})));
  CHECK_DECISION("reject closed_port", classify(udp6({.dport = 161}), reject));
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 5683, .length = 7})));
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 5683, .length = 9})));
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 0})));
  CHECK(stack.add_udp_flow(kOther6, 5684, kDevice6, 50000));
  CHECK_DECISION("pass established",
                 classify(udp6({.sport = 5684, .dport = 50000}, {.src = kOther6})));
}

TEST(ClassifyIpv6, AnswersToTheStacksClientsPassByTransaction) {
  const Bytes answer =
      udp6({.sport = 53, .dport = 50000, .payload = 40}, {.src = kOther6, .dst = kDevice6});
  stack.set_client_answer(portcullis::filter::ClientAnswer::kOwn);
  CHECK_DECISION("pass stack_client", classify(answer));
  LONGS_EQUAL(40, stack.last_payload_size());
  stack.set_client_answer(portcullis::filter::ClientAnswer::kStray);
  CHECK_DECISION("drop unsolicited_reply", classify(answer));
  CHECK_DECISION("drop unsolicited_reply", classify(answer, reject));
  stack.set_client_answer(portcullis::filter::ClientAnswer::kNone);
  CHECK_DECISION("drop closed_port", classify(answer));
}

// Sources no wire carries (loopback, multicast: RFC 4291), and the unspecified one for a
// transport: malformed, to an allowed port too (lwIP would take a SYN from ::1 and answer it
// through a default router) and in reject mode (never answered).
TEST(ClassifyIpv6, SourcesThatCannotBeAnsweredAreMalformed) {
  for (const Ipv6Address src : {kAllNodes, kUnspecified, kLoopback}) {
    CHECK_DECISION("drop malformed", classify(tcp6({.dport = 81}, {.src = src}), reject));
    CHECK_DECISION("drop malformed", classify(udp6({.dport = 81}, {.src = src}), reject));
    CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, {.src = src})));
    CHECK_DECISION("drop malformed", classify(udp6({.dport = 5683}, {.src = src})));
  }
  // Echo from ::1 or a multicast source too; neighbour discovery may come from :: (DAD).
  CHECK_DECISION("drop malformed", classify(icmp6(icmp(128), {.src = kLoopback})));
  CHECK_DECISION("pass neighbour_discovery",
                 classify(icmp6(icmp(135, 0, Bytes(20, 0)),
                                {.src = kUnspecified, .dst = kSolicitedNode, .hop_limit = 255})));
}

// LAND: source and destination are the device's own address (see the IPv4 test).
TEST(ClassifyIpv6, SourceEqualToDestinationIsMalformed) {
  const Ipv6Spec land{.src = kDevice6, .dst = kDevice6};
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 80}, land)));
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 5000}, land)));  // 2001:db8::/64 rule
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 5683}, land)));
  CHECK_DECISION("drop malformed", classify(icmp6(icmp(128), land), echo));
  CHECK_DECISION("drop malformed", classify(tcp6({.dport = 81}, land), reject));
  CHECK_DECISION("drop malformed", classify(udp6({.dport = 161}, land), reject));
  CHECK_DECISION("pass allowed", classify(tcp6({.dport = 80})));
  CHECK_DECISION("pass echo", classify(icmp6(icmp(128)), echo));
  CHECK_DECISION("reject closed_port", classify(tcp6({.dport = 81}), reject));
  CHECK_DECISION("reject closed_port", classify(udp6({.dport = 161}), reject));
}

// Another of the device's own addresses as source: its global address to its link-local one
// (each passes as a destination), or its link-local one to all nodes. lwIP would answer
// itself on the link, as for LAND.
TEST(ClassifyIpv6, SourceTheStackCallsItsOwnIsMalformed) {
  CHECK(stack.add_own_address(kDevice6));
  CHECK(stack.add_own_address(kLinkLocalDevice));
  CHECK_DECISION("drop malformed",
                 classify(tcp6({.dport = 80}, {.src = kDevice6, .dst = kLinkLocalDevice})));
  CHECK_DECISION("drop malformed",
                 classify(tcp6({.dport = 80}, {.src = kLinkLocalDevice, .dst = kDevice6})));
  CHECK_DECISION("drop malformed",
                 classify(udp6({.dport = 5683}, {.src = kLinkLocalDevice, .dst = kAllNodes})));
  CHECK_DECISION("drop malformed", classify(icmp6(icmp(128), {.src = kLinkLocalDevice}), echo));
  LONGS_EQUAL(4, stack.own_address_queries());
  // The host's packets to either address are judged as usual.
  CHECK_DECISION("pass allowed", classify(tcp6({.dport = 80}, {.dst = kLinkLocalDevice})));
  CHECK_DECISION("pass allowed", classify(tcp6({.dport = 80})));
}

// ---- ICMPv6 -------------------------------------------------------------------------

TEST(ClassifyIpv6, NeighbourDiscoveryPassesOnlyWithHopLimit255) {
  for (std::uint8_t type = 133; type <= 136; ++type) {
    const std::string t = std::to_string(type);
    for (const Ipv6Address dst : {kDevice6, kSolicitedNode, kAllNodes}) {
      STRCMP_EQUAL_TEXT(
          "pass neighbour_discovery",
          describe(classify(icmp6(icmp(type, 0, Bytes(16, 0)),
                                  {.src = kLinkLocalRouter, .dst = dst, .hop_limit = 255})))
              .c_str(),
          t.c_str());
    }
    for (const std::uint8_t hops : {254, 64, 1, 0}) {
      STRCMP_EQUAL_TEXT("drop icmp_denied",
                        describe(classify(icmp6(icmp(type, 0, Bytes(16, 0)),
                                                {.src = kOther6, .hop_limit = hops})))
                            .c_str(),
                        t.c_str());
    }
  }
}

// A redirect would send the device's traffic for a destination through whoever on the link
// sent it (lwIP checks neither the first-hop router nor the target): denied, like IPv4's.
TEST(ClassifyIpv6, RedirectIsDeniedEvenFromTheLink) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  for (const Ipv6Address dst : {kDevice6, kLinkLocalDevice, kAllNodes}) {
    CHECK_DECISION("drop icmp_denied",
                   classify(icmp6(icmp(137, 0, Bytes(32, 0)),
                                  {.src = kLinkLocalRouter, .dst = dst, .hop_limit = 255})));
  }
}

TEST(ClassifyIpv6, MldPasses) {
  for (const std::uint8_t type : {130, 131, 132, 143}) {
    // MLD travels behind a hop-by-hop header with Router Alert, hop limit 1.
    const Bytes mld = chain6(
        kNextHopByHop,
        options_header(kProtoIcmp6, Bytes(std::begin(kOptRouterAlert), std::end(kOptRouterAlert)),
                       icmp(type, 0, Bytes(16, 0))));
    Bytes p = mld;
    p[7] = 1;
    std::copy(kMldv2Routers.begin(), kMldv2Routers.end(), p.begin() + 24);
    STRCMP_EQUAL_TEXT("pass neighbour_discovery", describe(classify(p)).c_str(),
                      std::to_string(type).c_str());
  }
}

TEST(ClassifyIpv6, EchoRequestFollowsTheEchoSetting) {
  const Decision off = classify(icmp6(icmp(128)));
  CHECK_DECISION("drop icmp_denied", off);
  LONGS_EQUAL(58, off.ip_proto);
  CHECK_DECISION("pass echo", classify(icmp6(icmp(128)), echo));
  CHECK_DECISION("pass echo", classify(icmp6(icmp(129))));
}

TEST(ClassifyIpv6, EchoToMulticastIsDropped) {
  CHECK_DECISION("drop broadcast", classify(icmp6(icmp(128), {.dst = kAllNodes}), echo));
  CHECK_DECISION("drop broadcast", classify(icmp6(icmp(129), {.dst = kAllNodes}), echo));
}

TEST(ClassifyIpv6, TruncatedIcmp6IsMalformed) {
  CHECK_DECISION("drop malformed", classify(icmp6(Bytes{135, 0, 0, 0}, {.hop_limit = 255})));
}

TEST(ClassifyIpv6, OtherIcmp6TypesAreDenied) {
  for (const std::uint8_t type : {0, 5, 100, 127, 137, 138, 139, 140, 141, 142, 144, 200, 255}) {
    STRCMP_EQUAL_TEXT(
        "drop icmp_denied",
        describe(classify(icmp6(icmp(type, 0, Bytes(16, 0)), {.hop_limit = 255}), echo)).c_str(),
        std::to_string(type).c_str());
  }
}

namespace {

constexpr std::uint32_t kMinMtu = 1280;  // the IPv6 minimum: a Packet Too Big may say no less

Bytes quote6(std::uint8_t next, const Ipv6Address& from, std::uint16_t sport, const Ipv6Address& to,
             std::uint16_t dport) {
  const Bytes l4 = next == kProtoUdp ? udp({.sport = sport, .dport = dport})
                                     : tcp({.sport = sport, .dport = dport});
  return first(ipv6({.src = from, .dst = to, .next = next}, l4), 48);
}

}  // namespace

TEST(ClassifyIpv6, IcmpErrorsAboutTheDevicesOwnFlowsPass) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  CHECK(stack.add_udp_flow(kOther6, 5684, kDevice6, 50000));
  for (const std::uint8_t type : {1, 2, 3, 4}) {
    const std::string t = std::to_string(type);
    STRCMP_EQUAL_TEXT(
        "pass icmp_error_own_flow",
        describe(classify(icmp6(
                     icmp(type, 0, quote6(kProtoTcp, kDevice6, 49152, kOther6, 443), kMinMtu))))
            .c_str(),
        t.c_str());
    STRCMP_EQUAL_TEXT(
        "pass icmp_error_own_flow",
        describe(classify(icmp6(
                     icmp(type, 4, quote6(kProtoUdp, kDevice6, 50000, kOther6, 5684), kMinMtu))))
            .c_str(),
        t.c_str());
  }
}

// One Packet Too Big with an MTU of 48..55 about a live flow wedged lwIP 2.2.1 (its fragmenter
// loops forever when no payload fits a fragment); no path is below the IPv6 minimum link MTU
// (RFC 8200 section 5), so any smaller MTU is a lie, whoever sends it and whatever it quotes.
TEST(ClassifyIpv6, PacketTooBigBelowTheIpv6MinimumMtuIsDropped) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  const Bytes quote = quote6(kProtoTcp, kDevice6, 49152, kOther6, 443);
  for (const std::uint32_t mtu : {0u, 1u, 47u, 48u, 55u, 56u, 576u, 1279u}) {
    const Decision d = classify(icmp6(icmp(2, 0, quote, mtu)));
    STRCMP_EQUAL_TEXT("drop bad_mtu", describe(d).c_str(), std::to_string(mtu).c_str());
    LONGS_EQUAL(58, d.ip_proto);
  }
  CHECK_DECISION("drop bad_mtu", classify(icmp6(icmp(2, 0, quote, 48), {.src = kLinkLocalRouter})));
  for (const std::uint32_t mtu : {1280u, 1500u, 9000u, 65535u, 65536u, 0xFFFFFFFFu}) {
    STRCMP_EQUAL_TEXT("pass icmp_error_own_flow",
                      describe(classify(icmp6(icmp(2, 0, quote, mtu)))).c_str(),
                      std::to_string(mtu).c_str());
  }
  // The MTU field is only the Packet Too Big's: the others' rest-of-header is not an MTU.
  CHECK_DECISION("pass icmp_error_own_flow", classify(icmp6(icmp(1, 4, quote, 48))));
  CHECK_DECISION("pass icmp_error_own_flow", classify(icmp6(icmp(4, 0, quote, 48))));
}

TEST(ClassifyIpv6, IcmpErrorsAboutOtherFlowsAreDenied) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp6(icmp(1, 4, quote6(kProtoTcp, kDevice6, 49153, kOther6, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp6(icmp(1, 4, quote6(kProtoTcp, kHost6, 49152, kOther6, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp6(icmp(1, 4, quote6(kProtoIcmp6, kDevice6, 49152, kOther6, 443)))));
  // The device sends no extension headers on its flows: a quote with one is not its own.
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp6(icmp(1, 4, quote6(kNextDestOpts, kDevice6, 49152, kOther6, 443)))));
  // Errors to multicast are nobody's.
  CHECK_DECISION("drop broadcast",
                 classify(icmp6(icmp(1, 4, quote6(kProtoTcp, kDevice6, 49152, kOther6, 443)),
                                {.dst = kAllNodes})));
}

TEST(ClassifyIpv6, TruncatedOrBrokenQuotesAreMalformed) {
  CHECK(stack.add_tcp_flow(kOther6, 443, kDevice6, 49152));
  const Bytes quote = quote6(kProtoTcp, kDevice6, 49152, kOther6, 443);
  for (std::size_t n = 0; n < quote.size(); ++n) {
    STRCMP_EQUAL_TEXT("drop malformed",
                      describe(classify(icmp6(icmp(1, 4, first(quote, n))))).c_str(),
                      std::to_string(n).c_str());
  }
  Bytes v4 = quote;
  v4[0] = 0x45;
  CHECK_DECISION("drop malformed", classify(icmp6(icmp(1, 4, v4))));
}
