// SPDX-License-Identifier: Apache-2.0
#pragma once
// The requests the device's own UDP clients (lwIP's DHCP, DNS and SNTP clients) have in
// flight. Their answers come to sockets that a port number cannot vouch for (DHCP's is bound
// to 68 and hears anyone; DNS and SNTP send from unconnected sockets), so an answer passes
// the filter by its transaction: from the server asked (any, for a broadcast DHCP request),
// to the address and port that asked, repeating the request's id, within kLifetimeMs.
// Pure: the stack glue shows it every IP packet the device transmits and asks it about
// inbound datagrams; no lwIP header, no heap, no clock of its own.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/filter/classifier.hpp"

namespace portcullis::filter {

enum class ClientProtocol : std::uint8_t { kNone, kDhcp, kDns, kSntp };

class ClientRequests {
 public:
  // Requests remembered at once. lwIP has at most one DHCP transaction per netif, one SNTP
  // request and (LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING) one DNS query per name in flight;
  // a full table forgets the oldest request (its late answer is then dropped as stray).
  static constexpr std::size_t kCapacity = 4;
  // How long an answer is awaited: lwIP's SNTP waits 15 s (SNTP_RECV_TIMEOUT), its DNS
  // client retries within seconds, a DHCP server answers within seconds.
  static constexpr std::uint32_t kLifetimeMs = 20'000;

  ClientRequests() = default;
  ClientRequests(const ClientRequests&) = delete;
  ClientRequests& operator=(const ClientRequests&) = delete;

  // One IP packet the device transmits (`packet` starts at the IP header). Remembers it when
  // it is a request of a client above: IPv4 or IPv6 straight to UDP; DHCP (68 -> 67,
  // BOOTREQUEST, id: the xid), DNS (-> 53, a query, id: its ID), SNTP (-> 123, client mode,
  // id: the transmit timestamp). Says which, or kNone for anything else.
  ClientProtocol sent(std::span<const std::uint8_t> packet, std::uint32_t now_ms);
  // False for a packet sent() ignores at once, whatever the time: one that is not a UDP
  // datagram (IPv4, or IPv6 without extension headers). Lets a caller read its clock for the
  // few packets that may be requests, not for every segment the device sends.
  static bool may_be_request(std::span<const std::uint8_t> packet);

  // What an inbound UDP datagram (`payload`: the bytes after its UDP header that are at hand)
  // is to the requests remembered (ClientAnswer, classifier.hpp).
  [[nodiscard]] ClientAnswer answer(const Flow& flow, std::span<const std::uint8_t> payload,
                                    std::uint32_t now_ms) const;

  // An inbound IP packet (`packet` starts at the IP header) that passed as answer() said
  // kOwn: a DNS or SNTP request takes one answer for each time it was sent (a retransmission
  // repeats the id, and the server answers each copy), then its entry is retired like an
  // expired one (a copy of the answer replayed within the lifetime is then stray, not the
  // client's to judge). A DHCP transaction stays: several servers may offer, and the ACK
  // follows.
  void answered(std::span<const std::uint8_t> packet);

  // Forgets (zeroes) the ids and servers of requests older than kLifetimeMs, keeping their
  // ports so a late answer still counts as stray. Call at least once a day: the clock is
  // lwIP's 32-bit milliseconds, which wrap after 49 days.
  void expire(std::uint32_t now_ms);

 private:
  struct Request {
    std::array<std::uint8_t, 16> server{};  // the address asked (IPv4: the first 4 bytes)
    std::array<std::uint8_t, 16> local{};   // the address it was sent from
    std::array<std::uint8_t, 8> id{};
    std::uint32_t sent_ms = 0;
    std::uint16_t local_port = 0;
    ClientProtocol protocol = ClientProtocol::kNone;
    std::uint8_t ip_len = 0;       // 4 or 16
    std::uint8_t answers_due = 0;  // times sent less answers taken (DNS, SNTP); saturates
    bool any_server = false;       // sent to the broadcast address: any server may answer
    bool live = false;             // within its lifetime (expire() clears it)
  };

  static void retire(Request& r);

  std::array<Request, kCapacity> requests_{};
};

}  // namespace portcullis::filter
