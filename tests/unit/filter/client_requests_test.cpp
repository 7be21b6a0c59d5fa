// SPDX-License-Identifier: Apache-2.0
// The requests of the device's own DHCP, DNS and SNTP clients, and what an inbound datagram
// is to them: its answer, a stray one, or nothing of theirs.

#include "portcullis/filter/client_requests.hpp"

#include <CppUTest/TestHarness.h>

#include <span>

#include "packet_builder.hpp"

using namespace portcullis::test;  // NOLINT(google-build-using-namespace): test helpers
using portcullis::filter::ClientAnswer;
using portcullis::filter::ClientProtocol;
using portcullis::filter::ClientRequests;
using portcullis::filter::Flow;

namespace {

constexpr Ipv4Address kUnspecified{0, 0, 0, 0};
constexpr Ipv4Address kEveryone{255, 255, 255, 255};
constexpr Ipv4Address kResolver{192, 0, 2, 53};
constexpr Ipv4Address kOther{192, 0, 2, 99};
constexpr std::uint32_t kXid = 0x5EED1234;

// A UDP datagram of `payload` from src:sport to dst:dport (IPv4 or IPv6 by the address size).
Bytes datagram(std::span<const std::uint8_t> src, std::uint16_t sport,
               std::span<const std::uint8_t> dst, std::uint16_t dport, const Bytes& payload) {
  Bytes l4 = udp({.sport = sport, .dport = dport, .payload = payload.size()});
  std::copy(payload.begin(), payload.end(), l4.begin() + 8);
  if (src.size() == 4) {
    Ipv4Spec ip{.proto = kProtoUdp};
    std::copy(src.begin(), src.end(), ip.src.begin());
    std::copy(dst.begin(), dst.end(), ip.dst.begin());
    return ipv4(ip, l4);
  }
  Ipv6Spec ip{.next = kProtoUdp};
  std::copy(src.begin(), src.end(), ip.src.begin());
  std::copy(dst.begin(), dst.end(), ip.dst.begin());
  return ipv6(ip, l4);
}

void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  }
}

// BOOTP: op (1 request, 2 reply) and xid; the rest of the 240 bytes zero.
Bytes dhcp(std::uint8_t op, std::uint32_t xid) {
  Bytes b(240, 0);
  b[0] = op;
  put32(b, 4, xid);
  return b;
}

// DNS header and nothing else: ID, QR.
Bytes dns(std::uint16_t id, bool response) {
  Bytes b(12, 0);
  b[0] = static_cast<std::uint8_t>(id >> 8);
  b[1] = static_cast<std::uint8_t>(id);
  b[2] = response ? 0x80 : 0x00;
  return b;
}

// SNTP: mode 3 (client) with `stamp` as the transmit timestamp; mode 4 (server) with it as
// the originate timestamp.
Bytes sntp(std::uint8_t mode, std::uint32_t stamp) {
  Bytes b(48, 0);
  b[0] = static_cast<std::uint8_t>((4 << 3) | mode);
  put32(b, mode == 3 ? 40 : 24, stamp);
  put32(b, mode == 3 ? 44 : 28, ~stamp);
  return b;
}

std::span<const std::uint8_t> payload_of(const Bytes& packet) {
  const std::size_t udp = (packet[0] >> 4) == 4 ? 20 : 40;
  return std::span(packet).subspan(udp + 8);
}

}  // namespace

TEST_GROUP(ClientRequests) {
  ClientRequests requests;

  // What `packet` (an inbound datagram) is to the requests at `now`.
  ClientAnswer answer(const Bytes& packet, std::uint32_t now = 100) {
    const std::size_t at = (packet[0] >> 4) == 4 ? 12 : 8;
    const std::size_t len = (packet[0] >> 4) == 4 ? 4 : 16;
    const std::size_t udp = (packet[0] >> 4) == 4 ? 20 : 40;
    const Flow flow{std::span(packet).subspan(at, len), std::span(packet).subspan(at + len, len),
                    static_cast<std::uint16_t>(packet[udp] << 8 | packet[udp + 1]),
                    static_cast<std::uint16_t>(packet[udp + 2] << 8 | packet[udp + 3])};
    return requests.answer(flow, payload_of(packet), now);
  }
};

TEST(ClientRequests, ADhcpOfferToTheTransactionPassesFromAnyServer) {
  CHECK(ClientProtocol::kDhcp ==
        requests.sent(datagram(kUnspecified, 68, kEveryone, 67, dhcp(1, kXid)), 0));
  CHECK(ClientAnswer::kOwn == answer(datagram(kHost4, 67, kEveryone, 68, dhcp(2, kXid))));
  CHECK(ClientAnswer::kOwn == answer(datagram(kOther, 67, kDevice4, 68, dhcp(2, kXid))));
  // Another transaction, a request instead of a reply, a cut message: stray.
  CHECK(ClientAnswer::kStray == answer(datagram(kHost4, 67, kEveryone, 68, dhcp(2, kXid + 1))));
  CHECK(ClientAnswer::kStray == answer(datagram(kHost4, 67, kEveryone, 68, dhcp(1, kXid))));
  const Bytes reply = dhcp(2, kXid);
  CHECK(ClientAnswer::kStray ==
        answer(datagram(kHost4, 67, kEveryone, 68, Bytes(reply.begin(), reply.begin() + 7))));
  // Not from the server port, or to another port: nothing of the client's.
  CHECK(ClientAnswer::kNone == answer(datagram(kHost4, 6767, kEveryone, 68, dhcp(2, kXid))));
  CHECK(ClientAnswer::kNone == answer(datagram(kHost4, 67, kEveryone, 69, dhcp(2, kXid))));
}

TEST(ClientRequests, ARenewalSentToOneServerIsAnsweredByThatServerOnly) {
  CHECK(ClientProtocol::kDhcp ==
        requests.sent(datagram(kDevice4, 68, kHost4, 67, dhcp(1, kXid)), 0));
  CHECK(ClientAnswer::kOwn == answer(datagram(kHost4, 67, kDevice4, 68, dhcp(2, kXid))));
  CHECK(ClientAnswer::kStray == answer(datagram(kOther, 67, kDevice4, 68, dhcp(2, kXid))));
}

TEST(ClientRequests, ADnsAnswerMustComeFromTheServerAskedToTheAddressThatAsked) {
  CHECK(ClientProtocol::kDns ==
        requests.sent(datagram(kDevice4, 50000, kResolver, 53, dns(0xBEEF, false)), 0));
  CHECK(ClientAnswer::kOwn == answer(datagram(kResolver, 53, kDevice4, 50000, dns(0xBEEF, true))));
  CHECK(ClientAnswer::kStray == answer(datagram(kOther, 53, kDevice4, 50000, dns(0xBEEF, true))));
  CHECK(ClientAnswer::kStray ==
        answer(datagram(kResolver, 53, kDevice4, 50000, dns(0xBEF0, true))));
  CHECK(ClientAnswer::kStray ==
        answer(datagram(kResolver, 53, kDevice4, 50000, dns(0xBEEF, false))));
  CHECK(ClientAnswer::kStray ==
        answer(datagram(kResolver, 53, kEveryone, 50000, dns(0xBEEF, true))));
  CHECK(ClientAnswer::kNone == answer(datagram(kResolver, 53, kDevice4, 50001, dns(0xBEEF, true))));
}

TEST(ClientRequests, AnIpv6DnsAnswerIsMatchedLikeAnIpv4One) {
  CHECK(ClientProtocol::kDns ==
        requests.sent(datagram(kDevice6, 50000, kHost6, 53, dns(7, false)), 0));
  CHECK(ClientAnswer::kOwn == answer(datagram(kHost6, 53, kDevice6, 50000, dns(7, true))));
  CHECK(ClientAnswer::kStray == answer(datagram(kHost6, 53, kDevice6, 50000, dns(8, true))));
  // An IPv4 server with the same port and id is another server.
  CHECK(ClientAnswer::kStray == answer(datagram(kHost4, 53, kDevice4, 50000, dns(7, true))));
}

TEST(ClientRequests, AnSntpReplyMustRepeatTheTransmitTimestamp) {
  CHECK(ClientProtocol::kSntp ==
        requests.sent(datagram(kDevice4, 50123, kHost4, 123, sntp(3, 0x12345678)), 0));
  CHECK(ClientAnswer::kOwn == answer(datagram(kHost4, 123, kDevice4, 50123, sntp(4, 0x12345678))));
  CHECK(ClientAnswer::kStray ==
        answer(datagram(kHost4, 123, kDevice4, 50123, sntp(4, 0x12345679))));
  Bytes broadcast_mode = sntp(4, 0x12345678);
  broadcast_mode[0] = (4 << 3) | 5;
  CHECK(ClientAnswer::kStray == answer(datagram(kHost4, 123, kDevice4, 50123, broadcast_mode)));
}

TEST(ClientRequests, ADnsOrSntpRequestTakesOneAnswerADhcpTransactionMore) {
  requests.sent(datagram(kDevice4, 50123, kHost4, 123, sntp(3, 0x12345678)), 0);
  requests.sent(datagram(kDevice4, 50000, kResolver, 53, dns(0xBEEF, false)), 0);
  requests.sent(datagram(kUnspecified, 68, kEveryone, 67, dhcp(1, kXid)), 0);
  const Bytes time = datagram(kHost4, 123, kDevice4, 50123, sntp(4, 0x12345678));
  const Bytes name = datagram(kResolver, 53, kDevice4, 50000, dns(0xBEEF, true));
  const Bytes offer = datagram(kHost4, 67, kEveryone, 68, dhcp(2, kXid));
  // Another server's answer with the right id passed nothing: the request stays.
  requests.answered(datagram(kOther, 123, kDevice4, 50123, sntp(4, 0x12345678)));
  CHECK(ClientAnswer::kOwn == answer(time));
  for (const Bytes* a : {&time, &name, &offer}) {
    CHECK(ClientAnswer::kOwn == answer(*a));
    requests.answered(*a);
  }
  // A replay of the SNTP or DNS answer is stray; the DHCP server's ACK still passes.
  CHECK(ClientAnswer::kStray == answer(time));
  CHECK(ClientAnswer::kStray == answer(name));
  CHECK(ClientAnswer::kOwn == answer(offer));
}

TEST(ClientRequests, ARequestSentTwiceTakesTwoAnswers) {
  // lwIP's DNS client asks again with the same ID when the answer is slow; the server answers
  // both copies, and the second answer is no forgery.
  const Bytes query = datagram(kDevice4, 50000, kResolver, 53, dns(0xBEEF, false));
  const Bytes name = datagram(kResolver, 53, kDevice4, 50000, dns(0xBEEF, true));
  requests.sent(query, 0);
  requests.sent(query, 900);
  for (int i = 0; i < 2; ++i) {
    CHECK(ClientAnswer::kOwn == answer(name, 950));
    requests.answered(name);
  }
  CHECK(ClientAnswer::kStray == answer(name, 960));
}

TEST(ClientRequests, AnAnswerIsAwaitedForItsLifetimeAndThenStray) {
  const std::uint32_t sent = 0xFFFFFF00;  // lwIP's clock wraps in between
  requests.sent(datagram(kDevice4, 50000, kResolver, 53, dns(1, false)), sent);
  const Bytes reply = datagram(kResolver, 53, kDevice4, 50000, dns(1, true));
  CHECK(ClientAnswer::kOwn == answer(reply, sent + ClientRequests::kLifetimeMs - 1));
  CHECK(ClientAnswer::kStray == answer(reply, sent + ClientRequests::kLifetimeMs));
  // expire() forgets the request but not that its port was a client's.
  requests.expire(sent + ClientRequests::kLifetimeMs - 1);
  CHECK(ClientAnswer::kOwn == answer(reply, sent + 1));
  requests.expire(sent + ClientRequests::kLifetimeMs);
  CHECK(ClientAnswer::kStray == answer(reply, sent + 1));  // 49 days later, the clock wrapped
  // The same query again is awaited again.
  requests.sent(datagram(kDevice4, 50000, kResolver, 53, dns(1, false)), 5);
  CHECK(ClientAnswer::kOwn == answer(reply, 6));
}

TEST(ClientRequests, ARetransmissionRenewsItsRequestAndAFullTableForgetsTheOldest) {
  requests.sent(datagram(kDevice4, 40000, kResolver, 53, dns(1, false)), 0);
  for (std::uint16_t i = 1; i < ClientRequests::kCapacity; ++i) {
    requests.sent(
        datagram(kDevice4, static_cast<std::uint16_t>(40000 + i), kResolver, 53, dns(1, false)), i);
  }
  // Sent again: the youngest now, so the next new request evicts 40001 instead.
  requests.sent(datagram(kDevice4, 40000, kResolver, 53, dns(1, false)), 10);
  requests.sent(datagram(kDevice4, 41000, kResolver, 53, dns(1, false)), 11);
  CHECK(ClientAnswer::kOwn == answer(datagram(kResolver, 53, kDevice4, 40000, dns(1, true)), 12));
  CHECK(ClientAnswer::kOwn == answer(datagram(kResolver, 53, kDevice4, 41000, dns(1, true)), 12));
  CHECK(ClientAnswer::kNone == answer(datagram(kResolver, 53, kDevice4, 40001, dns(1, true)), 12));
  for (std::uint16_t i = 2; i < ClientRequests::kCapacity; ++i) {
    CHECK(ClientAnswer::kOwn ==
          answer(datagram(kResolver, 53, kDevice4, static_cast<std::uint16_t>(40000 + i),
                          dns(1, true)),
                 12));
  }
}

TEST(ClientRequests, OnlyTheClientsRequestsAreRemembered) {
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 53, kHost4, 50000, dns(1, true)), 0));  // a server
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 50000, kResolver, 53, dns(1, true)), 0));  // an answer
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 67, kEveryone, 68, dhcp(2, kXid)), 0));  // a server
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 5000, kEveryone, 67, dhcp(1, kXid)), 0));  // not 68
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 50000, kResolver, 53, Bytes(11, 0)), 0));  // cut
  CHECK(ClientProtocol::kNone ==
        requests.sent(datagram(kDevice4, 50000, kHost4, 123, sntp(4, 1)), 0));  // server mode
  CHECK(ClientProtocol::kNone == requests.sent(ipv4({}, tcp({.dport = 53})), 0));
  CHECK(ClientProtocol::kNone == requests.sent(Bytes(19, 0x45), 0));
  CHECK(ClientProtocol::kNone == requests.sent(Bytes{}, 0));
  // A later fragment of a datagram has no UDP header.
  Ipv4Spec fragment{.proto = kProtoUdp, .fragment_offset = 1};
  Bytes l4 = udp({.sport = 50000, .dport = 53, .payload = 12});
  CHECK(ClientProtocol::kNone == requests.sent(ipv4(fragment, l4), 0));
  CHECK(ClientAnswer::kNone == answer(datagram(kResolver, 53, kDevice4, 50000, dns(1, true))));
  CHECK(ClientAnswer::kNone == answer(datagram(kHost4, 67, kEveryone, 68, dhcp(2, kXid))));
}
