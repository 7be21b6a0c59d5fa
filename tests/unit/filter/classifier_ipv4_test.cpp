// SPDX-License-Identifier: Apache-2.0
// classify_ipv4: hand-built packets for every rule of firmware/filter/README.md.

#include <CppUTest/TestHarness.h>

#include <span>
#include <string>

#include "describe.hpp"
#include "fake_stack_view.hpp"
#include "packet_builder.hpp"
#include "portcullis/filter/classifier.hpp"
#include "test_policy.hpp"

using namespace portcullis::test;  // NOLINT(google-build-using-namespace): test helpers
using portcullis::filter::classify_ipv4;
using portcullis::filter::ClientAnswer;
using portcullis::filter::Decision;
using portcullis::filter::Verdict;
using portcullis::policy::AnyCompactPolicy;
using portcullis::policy::compact;
using portcullis::policy::Mode;
using portcullis::policy::Table;

namespace {

constexpr Ipv4Address kOther4{198, 51, 100, 7};  // outside every source prefix
constexpr Ipv4Address kSubnetBroadcast{192, 0, 2, 255};

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
    {"SYN+FIN", tcp_flags::kSyn | tcp_flags::kFin},
    {"SYN+RST", tcp_flags::kSyn | tcp_flags::kRst},
    {"PSH+ACK", tcp_flags::kPsh | tcp_flags::kAck},
};
constexpr FlagCase kConnectionAttempts[] = {
    {"SYN", tcp_flags::kSyn},
    {"SYN+ECE+CWR", tcp_flags::kSyn | tcp_flags::kEce | tcp_flags::kCwr},
    {"SYN+PSH+URG", tcp_flags::kSyn | tcp_flags::kPsh | tcp_flags::kUrg},
};

}  // namespace

TEST_GROUP(ClassifyIpv4) {
  FakeStackView stack;
  AnyCompactPolicy stealth = compact(standard_policy(Mode::kStealth));
  AnyCompactPolicy reject = compact(standard_policy(Mode::kReject));

  Decision classify(const Bytes& p, const Table& policy) {
    return classify_ipv4(p, p.size(), policy, stack);
  }
  Decision classify(const Bytes& p) {
    return classify(p, stealth);
  }

  static Bytes tcp4(const TcpSpec& t, const Ipv4Spec& ip = {}) {
    Ipv4Spec s = ip;
    s.proto = kProtoTcp;
    return ipv4(s, tcp(t));
  }
  static Bytes udp4(const UdpSpec& u, const Ipv4Spec& ip = {}) {
    Ipv4Spec s = ip;
    s.proto = kProtoUdp;
    return ipv4(s, udp(u));
  }
  static Bytes icmp4(const Bytes& message, const Ipv4Spec& ip = {}) {
    Ipv4Spec s = ip;
    s.proto = kProtoIcmp;
    return ipv4(s, message);
  }
};

// ---- IPv4 header --------------------------------------------------------------------

TEST(ClassifyIpv4, SynToAllowedPortPassesWithProtoAndPort) {
  const Decision d = classify(tcp4({.dport = 80}));
  CHECK_DECISION("pass allowed", d);
  LONGS_EQUAL(6, d.ip_proto);
  LONGS_EQUAL(80, d.port);
}

TEST(ClassifyIpv4, EveryTruncationOfTheHeadersIsMalformed) {
  const Bytes packets[] = {tcp4({.dport = 80}), udp4({.dport = 5683}), icmp4(icmp(8)),
                           tcp4({.dport = 80}, {.option_bytes = 8})};
  const AnyCompactPolicy echo = compact(standard_policy(Mode::kStealth, true));
  for (const Bytes& full : packets) {
    CHECK(classify(full, echo).verdict == Verdict::kPass);
    const std::size_t headers = full.size();  // none of them carries payload
    for (std::size_t n = 0; n < headers; ++n) {
      // Cut on the wire (total_len says so too) and cut by a short copy (total_len intact).
      const Bytes cut = first(full, n);
      const std::string where = "cut at " + std::to_string(n);
      STRCMP_EQUAL_TEXT("drop malformed", describe(classify(cut, echo)).c_str(), where.c_str());
      STRCMP_EQUAL_TEXT("drop malformed",
                        describe(classify_ipv4(cut, full.size(), echo, stack)).c_str(),
                        where.c_str());
    }
  }
}

TEST(ClassifyIpv4, VersionOtherThanFourIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp4({}, {.version = 6})));
  CHECK_DECISION("drop malformed", classify(tcp4({}, {.version = 5})));
}

TEST(ClassifyIpv4, IhlBelowFiveIsMalformed) {
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
    CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.ihl = ihl})));
  }
  // IHL 4: the destination address and what follows would read as a SYN to port 80.
  Bytes p = first(tcp4({}), 16);
  p[0] = 0x44;
  p[3] = 36;
  p = concat(p, tcp({.sport = 40000, .dport = 80}));
  CHECK_DECISION("drop malformed", classify(p));
}

TEST(ClassifyIpv4, IhlBeyondTheDataIsMalformed) {
  // IHL 15 says 60 bytes of header; the packet holds 20 + 20.
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.ihl = 15})));
  // IHL within the packet but beyond the copy the hook was given.
  const Bytes p = tcp4({.dport = 80}, {.option_bytes = 40});
  CHECK_DECISION("drop malformed", classify_ipv4(first(p, 40), p.size(), stealth, stack));
  // Malformed whatever the protocol or fragment fields say.
  const Bytes gre = ipv4({.proto = 47, .option_bytes = 40}, Bytes(8, 0));
  CHECK_DECISION("drop malformed", classify_ipv4(first(gre, 40), gre.size(), stealth, stack));
  const Bytes fragment = tcp4({.dport = 80}, {.fragment_offset = 9, .option_bytes = 40});
  CHECK_DECISION("drop malformed",
                 classify_ipv4(first(fragment, 40), fragment.size(), stealth, stack));
}

TEST(ClassifyIpv4, TotalLengthBelowTheHeaderIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.total_length = 19})));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.total_length = 0})));
  CHECK_DECISION("drop malformed",
                 classify(tcp4({.dport = 80}, {.option_bytes = 4, .total_length = 20})));
  CHECK_DECISION("drop malformed", classify(ipv4({.proto = 47, .total_length = 12}, Bytes(8, 0))));
  CHECK_DECISION("drop malformed",
                 classify(tcp4({.dport = 80}, {.fragment_offset = 9, .total_length = 12})));
}

TEST(ClassifyIpv4, TotalLengthBeyondWhatWasReceivedIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.total_length = 41})));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, {.total_length = 0xFFFF})));
}

TEST(ClassifyIpv4, EthernetPaddingBeyondTheTotalLengthIsIgnored) {
  // A 28-byte UDP packet padded to Ethernet's 46-byte minimum.
  Bytes p = udp4({.dport = 5683});
  p.resize(46, 0);
  CHECK_DECISION("pass allowed", classify(p));
  // The padding does not count as UDP data: a UDP length reaching into it is malformed.
  Bytes q = ipv4({.proto = kProtoUdp, .total_length = 28}, udp({.dport = 5683, .length = 16}));
  q.resize(46, 0);
  CHECK_DECISION("drop malformed", classify(q));
  // Nor as TCP options: data offset 6 reaches 4 bytes into the padding.
  Bytes r = ipv4({.total_length = 40}, tcp({.dport = 80, .data_offset = 6, .header_bytes = 20}));
  r.resize(46, 0);
  CHECK_DECISION("drop malformed", classify(r));
}

TEST(ClassifyIpv4, AShortCopyOfALongPacketIsJudgedByItsHeaders) {
  const Bytes p = tcp4({.dport = 80, .payload = 1400});
  CHECK_DECISION("pass allowed", classify_ipv4(first(p, 40), p.size(), stealth, stack));
}

TEST(ClassifyIpv4, OptionsAreSkippedToTheTransportHeader) {
  for (std::size_t options = 4; options <= 40; options += 4) {
    CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80}, {.option_bytes = options})));
    CHECK_DECISION("drop closed_port", classify(tcp4({.dport = 81}, {.option_bytes = options})));
  }
}

TEST(ClassifyIpv4, UnknownProtocolsAreDroppedWithTheirNumber) {
  for (const std::uint8_t proto : {0, 2, 4, 41, 47, 50, 51, 89, 132, 255}) {
    const Decision d = classify(ipv4({.proto = proto}, tcp({.dport = 80})));
    CHECK_DECISION("drop unknown_protocol", d);
    LONGS_EQUAL(proto, d.ip_proto);
  }
}

// ---- fragments ----------------------------------------------------------------------

TEST(ClassifyIpv4, NonFirstFragmentsAreDropped) {
  // Even ones whose bytes look like a SYN to an allowed port.
  const Decision last = classify(tcp4({.dport = 80}, {.fragment_offset = 185}));
  CHECK_DECISION("drop fragment", last);
  LONGS_EQUAL(6, last.ip_proto);
  CHECK_DECISION("drop fragment",
                 classify(tcp4({.dport = 80}, {.fragment_offset = 3, .more_fragments = true})));
  CHECK_DECISION("drop fragment", classify(udp4({.dport = 5683}, {.fragment_offset = 1})));
  CHECK_DECISION("drop fragment", classify(icmp4(icmp(0), {.fragment_offset = 1})));
}

TEST(ClassifyIpv4, OverlappingFragmentRewritingTheTcpHeaderIsDropped) {
  // RFC 1858: offset 1 (8 bytes) lands on the data offset and flags of the first fragment.
  const Bytes overlap = ipv4({.proto = kProtoTcp, .fragment_offset = 1},
                             Bytes{0, 0, 0, 0, 0x50, tcp_flags::kSyn, 0xFF, 0xFF});
  CHECK_DECISION("drop fragment", classify(overlap));
}

TEST(ClassifyIpv4, TinyFirstFragmentsAreDropped) {
  for (const std::size_t bytes : {1, 8, 16, 19}) {
    CHECK_DECISION("drop fragment",
                   classify(tcp4({.dport = 80, .header_bytes = bytes}, {.more_fragments = true})));
  }
  // Data offset 6: the option word is left to the next fragment.
  CHECK_DECISION("drop fragment", classify(tcp4({.dport = 80, .data_offset = 6, .header_bytes = 20},
                                                {.more_fragments = true})));
  CHECK_DECISION("drop fragment",
                 classify(ipv4({.proto = kProtoUdp, .more_fragments = true}, Bytes{0, 1, 2, 3})));
  CHECK_DECISION("drop fragment",
                 classify(ipv4({.proto = kProtoIcmp, .more_fragments = true}, Bytes{8, 0, 0, 0})));
}

TEST(ClassifyIpv4, FirstFragmentWithTheWholeHeaderIsJudgedByIt) {
  CHECK_DECISION("pass allowed",
                 classify(tcp4({.dport = 80, .payload = 8}, {.more_fragments = true})));
  CHECK_DECISION("drop closed_port",
                 classify(tcp4({.dport = 81, .payload = 8}, {.more_fragments = true})));
  CHECK_DECISION("pass allowed",
                 classify(tcp4({.dport = 80, .data_offset = 6}, {.more_fragments = true})));
  // The UDP length covers the whole datagram, more than this fragment holds.
  const Bytes udp_first =
      udp4({.dport = 5683, .payload = 8, .length = 3000}, {.more_fragments = true});
  CHECK_DECISION("pass allowed", classify(udp_first));
  CHECK_DECISION("drop closed_port", classify(udp4({.dport = 53, .payload = 8, .length = 3000},
                                                   {.more_fragments = true})));
}

// ---- TCP ----------------------------------------------------------------------------

TEST(ClassifyIpv4, TcpDataOffsetBelowFiveIsMalformed) {
  for (std::uint8_t off = 0; off < 5; ++off) {
    CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80, .data_offset = off})));
  }
}

TEST(ClassifyIpv4, TcpDataOffsetBeyondThePacketIsMalformed) {
  CHECK_DECISION("drop malformed",
                 classify(tcp4({.dport = 80, .data_offset = 15, .header_bytes = 20})));
  CHECK_DECISION("drop malformed",
                 classify(tcp4({.dport = 80, .data_offset = 6, .header_bytes = 20})));
  // Exactly to the end of the packet is fine.
  CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80, .data_offset = 15})));
}

TEST(ClassifyIpv4, TcpPortZeroIsMalformed) {
  CHECK_DECISION("drop malformed", classify(tcp4({.sport = 0, .dport = 80})));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 0})));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 0}), reject));
}

TEST(ClassifyIpv4, StealthModeDropsEveryProbeOfAClosedPort) {
  for (const auto& group :
       {std::span<const FlagCase>(kProbes), std::span<const FlagCase>(kConnectionAttempts)}) {
    for (const FlagCase& c : group) {
      const Decision d = classify(tcp4({.dport = 81, .flags = c.flags}));
      STRCMP_EQUAL_TEXT("drop closed_port", describe(d).c_str(), c.name);
      LONGS_EQUAL(81, d.port);
    }
  }
}

TEST(ClassifyIpv4, RejectModeRejectsOnlyConnectionAttempts) {
  for (const FlagCase& c : kConnectionAttempts) {
    STRCMP_EQUAL_TEXT("reject closed_port",
                      describe(classify(tcp4({.dport = 81, .flags = c.flags}), reject)).c_str(),
                      c.name);
  }
  for (const FlagCase& c : kProbes) {
    STRCMP_EQUAL_TEXT("drop closed_port",
                      describe(classify(tcp4({.dport = 81, .flags = c.flags}), reject)).c_str(),
                      c.name);
  }
}

TEST(ClassifyIpv4, AllowedPortTakesConnectionAttemptsInBothModes) {
  for (const FlagCase& c : kConnectionAttempts) {
    STRCMP_EQUAL_TEXT("pass allowed",
                      describe(classify(tcp4({.dport = 80, .flags = c.flags}))).c_str(), c.name);
    STRCMP_EQUAL_TEXT("pass allowed",
                      describe(classify(tcp4({.dport = 80, .flags = c.flags}), reject)).c_str(),
                      c.name);
  }
  LONGS_EQUAL(0, stack.tcp_queries());  // an admitted SYN needs no flow lookup
}

TEST(ClassifyIpv4, ProbesOfAnAllowedPortOutsideAConnectionAreDropped) {
  for (const FlagCase& c : kProbes) {
    STRCMP_EQUAL_TEXT("drop no_connection",
                      describe(classify(tcp4({.dport = 80, .flags = c.flags}))).c_str(), c.name);
    STRCMP_EQUAL_TEXT("drop no_connection",
                      describe(classify(tcp4({.dport = 80, .flags = c.flags}), reject)).c_str(),
                      c.name);
  }
}

TEST(ClassifyIpv4, SegmentsOfAnAcceptedConnectionPass) {
  CHECK(stack.add_tcp_flow(kHost4, 40000, kDevice4, 80));
  for (const FlagCase& c : kProbes) {
    STRCMP_EQUAL_TEXT("pass established",
                      describe(classify(tcp4({.dport = 80, .flags = c.flags}))).c_str(), c.name);
  }
}

TEST(ClassifyIpv4, SourceRestrictedRuleAdmitsOnlyItsSources) {
  for (const std::uint16_t port : {5000, 5005, 5010}) {
    CHECK_DECISION("pass allowed", classify(tcp4({.dport = port})));
    CHECK_DECISION("pass allowed", classify(tcp4({.dport = port}, {.src = {192, 0, 2, 200}})));
    CHECK_DECISION("drop closed_port", classify(tcp4({.dport = port}, {.src = kOther4})));
    CHECK_DECISION("reject closed_port", classify(tcp4({.dport = port}, {.src = kOther4}), reject));
  }
  CHECK_DECISION("drop closed_port", classify(tcp4({.dport = 4999})));
  CHECK_DECISION("drop closed_port", classify(tcp4({.dport = 5011})));
  // The port-only rule admits every source.
  CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80}, {.src = kOther4})));
}

TEST(ClassifyIpv4, EstablishedFlowPassesOnAClosedPort) {
  // The device connected from 49152 to 198.51.100.7:443.
  CHECK(stack.add_tcp_flow(kOther4, 443, kDevice4, 49152));
  const Ipv4Spec from_server{.src = kOther4};
  CHECK_DECISION(
      "pass established",
      classify(tcp4({.sport = 443, .dport = 49152, .flags = tcp_flags::kSyn | tcp_flags::kAck},
                    from_server)));
  CHECK_DECISION(
      "pass established",
      classify(tcp4({.sport = 443, .dport = 49152, .flags = tcp_flags::kAck, .payload = 100},
                    from_server)));
  // The stack was asked about remote = packet source, local = packet destination.
  const FakeStackView::Entry& q = stack.last_query();
  LONGS_EQUAL(443, q.remote_port);
  LONGS_EQUAL(49152, q.local_port);
  BYTES_EQUAL(198, q.remote_ip[0]);
  BYTES_EQUAL(2, q.local_ip[3]);
  // Another remote, another remote port, or the ports swapped: not the flow.
  CHECK_DECISION("drop closed_port",
                 classify(tcp4({.sport = 443, .dport = 49152, .flags = tcp_flags::kAck})));
  CHECK_DECISION(
      "drop closed_port",
      classify(tcp4({.sport = 444, .dport = 49152, .flags = tcp_flags::kAck}, from_server)));
  CHECK_DECISION(
      "drop closed_port",
      classify(tcp4({.sport = 49152, .dport = 443, .flags = tcp_flags::kAck}, from_server)));
}

TEST(ClassifyIpv4, TcpToBroadcastOrMulticastIsNeverRejected) {
  CHECK(stack.add_ipv4_broadcast(kSubnetBroadcast));
  for (const Ipv4Address dst : {Ipv4Address{255, 255, 255, 255}, Ipv4Address{224, 0, 0, 1},
                                Ipv4Address{239, 1, 2, 3}, kSubnetBroadcast}) {
    CHECK_DECISION("drop broadcast", classify(tcp4({.dport = 81}, {.dst = dst}), reject));
    CHECK_DECISION("drop broadcast", classify(tcp4({.dport = 81}, {.dst = dst})));
  }
}

TEST(ClassifyIpv4, RejectIsNotSentToSourcesThatCannotBeAnswered) {
  CHECK(stack.add_ipv4_broadcast(kSubnetBroadcast));
  for (const Ipv4Address src :
       {Ipv4Address{255, 255, 255, 255}, Ipv4Address{224, 0, 0, 5}, Ipv4Address{0, 0, 0, 1},
        Ipv4Address{127, 0, 0, 1}, Ipv4Address{240, 0, 0, 1}, kSubnetBroadcast}) {
    CHECK_DECISION("drop closed_port", classify(tcp4({.dport = 81}, {.src = src}), reject));
    CHECK_DECISION("drop closed_port", classify(udp4({.dport = 81}, {.src = src}), reject));
  }
}

// LAND (CVE-1999-0016): the packet claims to come from the address it is sent to, the
// device's own. Nothing on the wire can send it; lwIP would answer the device itself (a
// SYN-ACK from an allowed port, a RST or port unreachable in reject mode), hold a PCB for
// it and ARP for its own address on the link, again at every retransmission.
TEST(ClassifyIpv4, SourceEqualToDestinationIsMalformed) {
  const Ipv4Spec land{.src = kDevice4, .dst = kDevice4};
  const AnyCompactPolicy echo = compact(standard_policy(Mode::kStealth, true));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, land)));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 5000}, land)));  // 192.0.2.0/24 rule
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683}, land)));
  CHECK_DECISION("drop malformed", classify(icmp4(icmp(8), land), echo));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 81}, land), reject));
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 161}, land), reject));
  // The same packets from the host are judged as usual.
  CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80})));
  CHECK_DECISION("pass echo", classify(icmp4(icmp(8)), echo));
  CHECK_DECISION("reject closed_port", classify(tcp4({.dport = 81}), reject));
  CHECK_DECISION("reject closed_port", classify(udp4({.dport = 161}), reject));
}

// 0.0.0.0 is the source of a host asking a DHCP server, which the device is not; lwIP built
// with DHCP skips its source check for it and would answer a SYN from it with a SYN-ACK.
TEST(ClassifyIpv4, TheUnspecifiedSourceIsMalformed) {
  const Ipv4Spec unspecified{.src = {0, 0, 0, 0}};
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, unspecified)));
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683}, unspecified)));
  CHECK_DECISION("drop malformed",
                 classify(udp4({.sport = 68, .dport = 67},
                               {.src = {0, 0, 0, 0}, .dst = {255, 255, 255, 255}})));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 81}, unspecified), reject));
  // Any other address of 0/8 is judged as usual (lwIP itself drops it as a source).
  CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80}, {.src = {0, 0, 0, 1}})));
}

// The device's own address as source to another destination is forged the same way: the
// stack says the source is its own, and that alone decides. To a broadcast address, an
// allowed UDP port would otherwise take it (allowed ports take broadcasts), and the service
// would answer the device itself.
TEST(ClassifyIpv4, SourceTheStackCallsItsOwnIsMalformed) {
  CHECK(stack.add_own_address(kDevice4));
  CHECK(stack.add_ipv4_broadcast(kSubnetBroadcast));
  const Ipv4Spec own{.src = kDevice4, .dst = kSubnetBroadcast};
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683}, own)));
  CHECK_DECISION("drop malformed", classify(tcp4({.dport = 80}, own)));
  CHECK_DECISION("drop malformed",
                 classify(tcp4({.dport = 80}, {.src = kDevice4, .dst = kOther4})));
  LONGS_EQUAL(3, stack.own_address_queries());  // one question per packet, about its source
  LONGS_EQUAL(0, stack.broadcast_queries());    // decided before the destination is looked at
  // From the host, to the same broadcast address, as before: the allowed port takes it.
  CHECK_DECISION("pass allowed", classify(udp4({.dport = 5683}, {.dst = kSubnetBroadcast})));
  CHECK_DECISION("pass allowed", classify(tcp4({.dport = 80})));
}

// ---- UDP ----------------------------------------------------------------------------

TEST(ClassifyIpv4, UdpToAllowedPortPasses) {
  const Decision d = classify(udp4({.dport = 5683, .payload = 20}));
  CHECK_DECISION("pass allowed", d);
  LONGS_EQUAL(17, d.ip_proto);
  LONGS_EQUAL(5683, d.port);
  CHECK_DECISION("pass allowed", classify(udp4({.dport = 5683}, {.src = kOther4})));
}

TEST(ClassifyIpv4, UdpToClosedPortDropsOrRejects) {
  CHECK_DECISION("drop closed_port", classify(udp4({.dport = 161})));
  CHECK_DECISION("reject closed_port", classify(udp4({.dport = 161}), reject));
  // TCP rules do not open UDP ports.
  CHECK_DECISION("drop closed_port", classify(udp4({.dport = 80})));
}

TEST(ClassifyIpv4, UdpLengthMustFitThePacket) {
  for (const std::uint16_t len : {0, 1, 7}) {
    CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683, .payload = 4, .length = len})));
  }
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683, .payload = 4, .length = 13})));
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 5683, .length = 0xFFFF})));
  CHECK_DECISION("pass allowed", classify(udp4({.dport = 5683, .payload = 4, .length = 12})));
  CHECK_DECISION("pass allowed", classify(udp4({.dport = 5683, .payload = 4, .length = 8})));
}

TEST(ClassifyIpv4, UdpPorts) {
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 0})));
  CHECK_DECISION("drop malformed", classify(udp4({.dport = 0}), reject));
  // Source port 0 is legal in UDP.
  CHECK_DECISION("pass allowed", classify(udp4({.sport = 0, .dport = 5683})));
}

// The stack glue matches a connection attempt against lwIP's PCBs by its 4-tuple, so a sound
// TCP or UDP header's source port comes with every verdict; a malformed header's does not.
TEST(ClassifyIpv4, TheSourcePortComesWithEveryVerdictOnASoundHeader) {
  LONGS_EQUAL(40001, classify(tcp4({.sport = 40001, .dport = 80})).src_port);
  LONGS_EQUAL(40002, classify(tcp4({.sport = 40002, .dport = 81})).src_port);  // closed
  LONGS_EQUAL(40003, classify(udp4({.sport = 40003, .dport = 5683})).src_port);
  LONGS_EQUAL(40004, classify(udp4({.sport = 40004, .dport = 161}), reject).src_port);
  LONGS_EQUAL(0, classify(tcp4({.sport = 40005, .dport = 80, .data_offset = 4})).src_port);
  LONGS_EQUAL(0, classify(udp4({.sport = 40006, .dport = 0})).src_port);
}

TEST(ClassifyIpv4, UdpFlowsOfTheDevicePass) {
  CHECK(stack.add_udp_flow(kOther4, 5684, kDevice4, 50000));
  CHECK_DECISION("pass established",
                 classify(udp4({.sport = 5684, .dport = 50000}, {.src = kOther4})));
  CHECK_DECISION("drop closed_port", classify(udp4({.sport = 5684, .dport = 50000})));
  CHECK_DECISION("reject closed_port",
                 classify(udp4({.sport = 5685, .dport = 50000}, {.src = kOther4}), reject));
}

TEST(ClassifyIpv4, AnswersToTheStacksClientsPassByTransactionNotByPort) {
  const Ipv4Address server{192, 0, 2, 67};
  const Ipv4Address everyone{255, 255, 255, 255};
  // A DHCP offer broadcast to 255.255.255.255: the answer is asked for before the broadcast
  // rule, and shown the datagram's bytes after the UDP header.
  Bytes offer = udp4({.sport = 67, .dport = 68, .payload = 300}, {.src = server, .dst = everyone});
  offer[28 + 4] = 0xA5;  // a byte of the xid
  stack.set_client_answer(ClientAnswer::kOwn);
  CHECK_DECISION("pass stack_client", classify(offer));
  LONGS_EQUAL(300, stack.last_payload_size());
  LONGS_EQUAL(0xA5, stack.last_payload()[4]);
  LONGS_EQUAL(67, stack.last_query().remote_port);
  LONGS_EQUAL(68, stack.last_query().local_port);
  // Not the answer awaited: dropped as such, never rejected, whatever the destination.
  stack.set_client_answer(ClientAnswer::kStray);
  CHECK_DECISION("drop unsolicited_reply", classify(offer));
  CHECK_DECISION("drop unsolicited_reply",
                 classify(udp4({.sport = 53, .dport = 49999}, {.src = server}), reject));
  // No client asked from that port: the policy and the usual rules decide; a server port
  // proves nothing (security review finding 5).
  stack.set_client_answer(ClientAnswer::kNone);
  CHECK_DECISION("drop broadcast", classify(offer));
  CHECK_DECISION("drop closed_port",
                 classify(udp4({.sport = 53, .dport = 0xC001}, {.src = server})));
  CHECK_DECISION("drop closed_port", classify(udp4({.sport = 67, .dport = 68}, {.src = server})));
  // An allow rule is asked first, a connected PCB next: neither needs the answer.
  stack.set_client_answer(ClientAnswer::kStray);
  const std::size_t asked = stack.client_answer_queries();
  CHECK_DECISION("pass allowed", classify(udp4({.sport = 53, .dport = 5683}, {.src = server})));
  CHECK(stack.add_udp_flow(server, 53, kDevice4, 49999));
  CHECK_DECISION("pass established",
                 classify(udp4({.sport = 53, .dport = 49999}, {.src = server})));
  LONGS_EQUAL(asked, stack.client_answer_queries());
}

TEST(ClassifyIpv4, AClientAnswerIsShownOnlyTheBytesThePacketHolds) {
  stack.set_client_answer(ClientAnswer::kOwn);
  // The UDP length claims more than the IP packet holds: malformed, never asked.
  CHECK_DECISION("drop malformed",
                 classify(udp4({.sport = 53, .dport = 49999, .payload = 4, .length = 40})));
  LONGS_EQUAL(0, stack.client_answer_queries());
  // A UDP length shorter than the packet (trailing bytes): only the datagram's own bytes.
  CHECK_DECISION("pass stack_client",
                 classify(udp4({.sport = 53, .dport = 49999, .payload = 20, .length = 8 + 12})));
  LONGS_EQUAL(12, stack.last_payload_size());
}

TEST(ClassifyIpv4, UdpBroadcastAndMulticastToClosedPortsAreDroppedNotRejected) {
  CHECK(stack.add_ipv4_broadcast(kSubnetBroadcast));
  for (const Ipv4Address dst : {Ipv4Address{255, 255, 255, 255}, Ipv4Address{224, 0, 0, 251},
                                Ipv4Address{239, 255, 255, 250}, kSubnetBroadcast}) {
    CHECK_DECISION("drop broadcast", classify(udp4({.dport = 5353}, {.dst = dst})));
    CHECK_DECISION("drop broadcast", classify(udp4({.dport = 5353}, {.dst = dst}), reject));
    // A rule admits them like unicast.
    CHECK_DECISION("pass allowed", classify(udp4({.dport = 5683}, {.dst = dst})));
  }
  // 192.0.2.255 is a broadcast only because the interface says so.
  CHECK_DECISION("reject closed_port",
                 classify(udp4({.dport = 5353}, {.dst = {192, 0, 2, 254}}), reject));
}

// ---- ICMP ---------------------------------------------------------------------------

TEST(ClassifyIpv4, EchoRequestFollowsTheEchoSetting) {
  const Decision off = classify(icmp4(icmp(8)));
  CHECK_DECISION("drop icmp_denied", off);
  LONGS_EQUAL(1, off.ip_proto);
  CHECK_DECISION("pass echo", classify(icmp4(icmp(8, 0, Bytes(56, 0xAB))),
                                       compact(standard_policy(Mode::kStealth, true))));
  CHECK_DECISION("pass echo",
                 classify(icmp4(icmp(8)), compact(standard_policy(Mode::kReject, true))));
}

TEST(ClassifyIpv4, EchoRepliesToTheDevicesOwnPingsPass) {
  CHECK_DECISION("pass echo", classify(icmp4(icmp(0, 0, Bytes(56, 0)))));
}

TEST(ClassifyIpv4, IcmpToBroadcastIsDropped) {
  const AnyCompactPolicy echo = compact(standard_policy(Mode::kStealth, true));
  CHECK(stack.add_ipv4_broadcast(kSubnetBroadcast));
  for (const Ipv4Address dst :
       {Ipv4Address{255, 255, 255, 255}, Ipv4Address{224, 0, 0, 1}, kSubnetBroadcast}) {
    CHECK_DECISION("drop broadcast", classify(icmp4(icmp(8), {.dst = dst}), echo));
    CHECK_DECISION("drop broadcast", classify(icmp4(icmp(0), {.dst = dst}), echo));
  }
}

TEST(ClassifyIpv4, TruncatedIcmpIsMalformed) {
  CHECK_DECISION("drop malformed", classify(icmp4(Bytes{8, 0, 0, 0})));
  CHECK_DECISION("drop malformed", classify(icmp4(Bytes{8})));
}

TEST(ClassifyIpv4, OtherIcmpTypesAreDenied) {
  const AnyCompactPolicy echo = compact(standard_policy(Mode::kStealth, true));
  for (const std::uint8_t type : {4, 5, 9, 10, 13, 14, 15, 17, 18, 30, 42, 200}) {
    STRCMP_EQUAL_TEXT("drop icmp_denied", describe(classify(icmp4(icmp(type)), echo)).c_str(),
                      std::to_string(type).c_str());
  }
}

namespace {

// An ICMP error as the device's peer (or a router) would send it about a packet the device
// sent from `from`:`sport` to `to`:`dport`.
Bytes quote4(std::uint8_t proto, const Ipv4Address& from, std::uint16_t sport,
             const Ipv4Address& to, std::uint16_t dport, std::size_t inner_options = 0) {
  const Bytes l4 = proto == kProtoUdp ? udp({.sport = sport, .dport = dport})
                                      : tcp({.sport = sport, .dport = dport});
  return first(ipv4({.src = from, .dst = to, .proto = proto, .option_bytes = inner_options}, l4),
               20 + inner_options + 8);
}

}  // namespace

TEST(ClassifyIpv4, IcmpErrorsAboutTheDevicesOwnFlowsPass) {
  const Ipv4Address router{203, 0, 113, 1};
  CHECK(stack.add_tcp_flow(kOther4, 443, kDevice4, 49152));
  CHECK(stack.add_udp_flow(kOther4, 5684, kDevice4, 50000));
  const Bytes tcp_quote = quote4(kProtoTcp, kDevice4, 49152, kOther4, 443);
  const Bytes udp_quote = quote4(kProtoUdp, kDevice4, 50000, kOther4, 5684);
  for (const std::uint8_t type : {3, 11, 12}) {
    const std::string t = std::to_string(type);
    STRCMP_EQUAL_TEXT("pass icmp_error_own_flow",
                      describe(classify(icmp4(icmp(type, 4, tcp_quote), {.src = router}))).c_str(),
                      t.c_str());
    STRCMP_EQUAL_TEXT("pass icmp_error_own_flow",
                      describe(classify(icmp4(icmp(type, 3, udp_quote), {.src = kOther4}))).c_str(),
                      t.c_str());
  }
  // The quoted header may carry options; the whole original packet may be quoted too.
  CHECK_DECISION("pass icmp_error_own_flow",
                 classify(icmp4(icmp(3, 4, quote4(kProtoTcp, kDevice4, 49152, kOther4, 443, 8)))));
  const Bytes whole =
      ipv4({.src = kDevice4, .dst = kOther4}, tcp({.sport = 49152, .dport = 443, .payload = 64}));
  CHECK_DECISION("pass icmp_error_own_flow", classify(icmp4(icmp(3, 4, whole))));
}

TEST(ClassifyIpv4, IcmpErrorsAboutOtherFlowsAreDenied) {
  CHECK(stack.add_tcp_flow(kOther4, 443, kDevice4, 49152));
  CHECK(stack.add_udp_flow(kOther4, 5684, kDevice4, 50000));
  // Ports of no flow (a scanner guessing), TCP ports asked as UDP, the wrong remote.
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(3, 3, quote4(kProtoTcp, kDevice4, 49153, kOther4, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(3, 3, quote4(kProtoUdp, kDevice4, 49152, kOther4, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(3, 3, quote4(kProtoTcp, kDevice4, 49152, kHost4, 443)))));
  // Quoting a packet the device did not send: the quoted source is not where the error came.
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(3, 3, quote4(kProtoTcp, kHost4, 49152, kOther4, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(3, 3, quote4(kProtoTcp, kDevice4, 49152, kOther4, 443)),
                                {.dst = {192, 0, 2, 3}})));
  // Quoting ICMP (an echo of the device's): no flow to check.
  CHECK_DECISION(
      "drop icmp_denied",
      classify(icmp4(
          icmp(3, 1,
               first(ipv4({.src = kDevice4, .dst = kOther4, .proto = kProtoIcmp}, icmp(8)), 28)))));
  // Source quench and redirect about an own flow are still denied.
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(4, 0, quote4(kProtoTcp, kDevice4, 49152, kOther4, 443)))));
  CHECK_DECISION("drop icmp_denied",
                 classify(icmp4(icmp(5, 1, quote4(kProtoTcp, kDevice4, 49152, kOther4, 443)))));
}

TEST(ClassifyIpv4, IcmpErrorQuotingANonFirstFragmentIsDenied) {
  CHECK(stack.add_udp_flow(kOther4, 5684, kDevice4, 50000));
  const Bytes quote =
      first(ipv4({.src = kDevice4, .dst = kOther4, .proto = kProtoUdp, .fragment_offset = 2},
                 udp({.sport = 50000, .dport = 5684})),
            28);
  CHECK_DECISION("drop icmp_denied", classify(icmp4(icmp(3, 3, quote))));
}

TEST(ClassifyIpv4, TruncatedOrBrokenQuotesAreMalformed) {
  CHECK(stack.add_tcp_flow(kOther4, 443, kDevice4, 49152));
  const Bytes quote = quote4(kProtoTcp, kDevice4, 49152, kOther4, 443);
  for (std::size_t n = 0; n < quote.size(); ++n) {
    STRCMP_EQUAL_TEXT("drop malformed",
                      describe(classify(icmp4(icmp(3, 3, first(quote, n))))).c_str(),
                      std::to_string(n).c_str());
  }
  Bytes bad_version = quote;
  bad_version[0] = 0x65;
  CHECK_DECISION("drop malformed", classify(icmp4(icmp(3, 3, bad_version))));
  Bytes bad_ihl = quote;
  bad_ihl[0] = 0x44;
  CHECK_DECISION("drop malformed", classify(icmp4(icmp(3, 3, bad_ihl))));
  // Inner IHL 6 says the ports lie 4 bytes further than the quote reaches.
  Bytes long_ihl = quote;
  long_ihl[0] = 0x46;
  CHECK_DECISION("drop malformed", classify(icmp4(icmp(3, 3, long_ihl))));
}
