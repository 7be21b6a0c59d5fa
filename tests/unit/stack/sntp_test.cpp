// SPDX-License-Identifier: Apache-2.0
// lwIP's SNTP client behind the filter, setting the wall clock: the answer to its request
// passes (stack_client) and sets the clock; a forged answer (another transmit timestamp,
// another server) is dropped as unsolicited_reply before lwIP sees it; a time before the
// image's floor is refused; the listener audit leaves the client's PCB alone.
#include <CppUTest/TestHarness.h>

#include <optional>

#include "lwip/apps/sntp.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/hal/wall_clock.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/time_sync.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::filter::Reason;
using portcullis::stack::time_sync_counts;

namespace {

constexpr std::int64_t kFloor = 1'796'083'200;        // 2026-12-01
constexpr std::uint32_t kAnswerUnix = 1'796'602'240;  // 2026-12-07T00:10:40Z
const Bytes kOtherServer = {192, 0, 2, 99};

// The device's request: its source port and its 48 bytes.
struct Request {
  std::uint16_t port = 0;
  Bytes payload;
};

std::optional<Request> sent_request(const std::vector<Bytes>& frames) {
  for (const Bytes& f : frames) {
    if (const auto d = sent_udp(f); d && d->dst_port == 123 && d->payload.size() == 48) {
      return Request{d->src_port, d->payload};
    }
  }
  return std::nullopt;
}

// A server's answer (mode 4, stratum 2) to `request`, echoing `origin` (the request's transmit
// timestamp unless forged), telling `unix_s` + 0.5 s, from `server` port 123.
Bytes answer(const Request& request, std::uint32_t unix_s, const Bytes& origin,
             const Bytes& server = kPeerIp4) {
  return udp_frame({.src_port = 123,
                    .dst_port = request.port,
                    .payload = sntp_answer(origin, unix_s, 0x80000000U)},
                   false, server);
}

Bytes transmit_timestamp(const Request& r) {
  return Bytes(r.payload.begin() + 40, r.payload.end());
}

}  // namespace

TEST_GROUP(Sntp) {
  LwipDevice* dev = nullptr;
  portcullis::hal::WallClock* wall = nullptr;
  Request request;

  void setup() override {
    set_hook_policy(default_hook_policy());
    wall = new portcullis::hal::WallClock(lwip_test_clock(), kFloor);
    portcullis::stack::use_wall_clock(wall);
    dev = new LwipDevice;
    dev->start();
    const std::optional<Request> r = in_lwip([this] {
      std::optional<Request> out;
      if (ok(portcullis::stack::configure_time_sync("192.0.2.1")) &&
          ok(portcullis::stack::start_time_sync())) {
        out = sent_request(dev->mac.sent());  // the first request goes out at once
      }
      return out;
    });
    CHECK(r.has_value());
    request = *r;
  }
  void teardown() override {
    delete dev;  // stops SNTP
    portcullis::stack::use_wall_clock(nullptr);
    delete wall;
  }

  std::uint64_t count(Reason r) {
    return in_lwip([r] { return hook_filter().counters().by_reason(r); });
  }
};

TEST(Sntp, TheRequestCarriesARandomTransmitTimestampNotTheTime) {
  LONGS_EQUAL(0x23, request.payload[0]);  // LI 0, version 4, mode 3 (client)
  const Bytes first = transmit_timestamp(request);
  // The next request (after lwIP's retry) carries another nonce.
  in_lwip([this] {
    dev->mac.sent().clear();
    portcullis::stack::stop_time_sync();
    return ok(portcullis::stack::configure_time_sync("192.0.2.1")) &&
           ok(portcullis::stack::start_time_sync());
  });
  const std::optional<Request> again = in_lwip([this] { return sent_request(dev->mac.sent()); });
  CHECK(again.has_value());
  CHECK(transmit_timestamp(*again) != first);
  CHECK(first != Bytes(8, 0));
  request = *again;
}

TEST(Sntp, TheAnswerToTheRequestSetsTheWallClock) {
  const std::uint64_t answers = count(Reason::kStackClient);
  dev->exchange(answer(request, kAnswerUnix, transmit_timestamp(request)));
  LONGS_EQUAL(answers + 1, count(Reason::kStackClient));
  CHECK(wall->known());
  LONGS_EQUAL(std::int64_t{kAnswerUnix} * 1000 + 500, *wall->unix_ms());
  LONGS_EQUAL(1, in_lwip([] { return time_sync_counts().taken; }));
  // The same answer again, claiming another time (its originate timestamp still lwIP's last
  // nonce): the request took its one answer, so it is stray and the clock stays.
  const std::uint64_t unsolicited = count(Reason::kUnsolicitedReply);
  dev->exchange(answer(request, kAnswerUnix + 86'400, transmit_timestamp(request)));
  LONGS_EQUAL(unsolicited + 1, count(Reason::kUnsolicitedReply));
  LONGS_EQUAL(std::int64_t{kAnswerUnix} * 1000 + 500, *wall->unix_ms());
}

TEST(Sntp, AForgedAnswerNeverReachesTheClient) {
  const std::uint64_t unsolicited = count(Reason::kUnsolicitedReply);
  Bytes other = transmit_timestamp(request);
  other[7] ^= 1;
  dev->exchange(answer(request, kAnswerUnix + 999, other));  // another nonce
  dev->exchange(answer(request, kAnswerUnix + 999, transmit_timestamp(request),
                       kOtherServer));  // another server
  LONGS_EQUAL(unsolicited + 2, count(Reason::kUnsolicitedReply));
  CHECK_FALSE(wall->known());
  // The real answer still sets it.
  dev->exchange(answer(request, kAnswerUnix, transmit_timestamp(request)));
  LONGS_EQUAL(std::int64_t{kAnswerUnix} * 1000 + 500, *wall->unix_ms());
}

TEST(Sntp, ATimeBeforeTheFloorIsRefused) {
  constexpr std::uint32_t k2020 = 1'577'836'800;
  dev->exchange(answer(request, k2020, transmit_timestamp(request)));
  CHECK_FALSE(wall->known());
  const portcullis::stack::TimeSyncCounts c = in_lwip([] { return time_sync_counts(); });
  LONGS_EQUAL(0, c.taken);
  LONGS_EQUAL(1, c.refused);
  LONGS_EQUAL(k2020, c.last_refused_unix_s);
}

TEST(Sntp, TheAuditLeavesTheClientsPcbAlone) {
  const udp_pcb* client = in_lwip([] { return portcullis::stack::lwip_sntp_pcb(); });
  CHECK(client != nullptr);
  LONGS_EQUAL(request.port, client->local_port);
  portcullis::stack::ListenerAudit audit(hook_filter().policy(),
                                         portcullis::stack::Enforcement::kClose);
  audit.audit_now(0);
  LONGS_EQUAL(0, audit.violations().total());
  CHECK(in_lwip([client] {
    for (const udp_pcb* p = udp_pcbs; p != nullptr; p = p->next) {
      if (p == client) {
        return true;
      }
    }
    return false;
  }));
}

TEST(Sntp, AnAnswerToTheClientsPortIsStrayWhateverTheTableStillHolds) {
  // Four newer queries fill the filter's table of requests in flight and push this one, the
  // oldest, out.
  in_lwip([] {
    for (std::uint16_t i = 0; i < portcullis::filter::ClientRequests::kCapacity; ++i) {
      lwip_test_clock().advance(1);
      const Bytes query = {0x12, static_cast<std::uint8_t>(i), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
      hook_filter().sent_frame(udp_frame(
          {.src_port = static_cast<std::uint16_t>(40000 + i), .dst_port = 53, .payload = query}));
    }
  });
  // The client's port is still known (its PCB's): not the stack's answer, nor anyone's.
  const std::uint64_t unsolicited = count(Reason::kUnsolicitedReply);
  dev->exchange(answer(request, kAnswerUnix, transmit_timestamp(request)));
  LONGS_EQUAL(unsolicited + 1, count(Reason::kUnsolicitedReply));
  CHECK_FALSE(wall->known());
}

TEST(Sntp, WithoutAServerItWaitsForTheOneALeaseNames) {
  const std::optional<Request> r = in_lwip([this] {
    std::optional<Request> out;
    portcullis::stack::stop_time_sync();
    dev->mac.sent().clear();
    // The DHCP lease's server: none yet, so nothing to start.
    if (!ok(portcullis::stack::configure_time_sync(nullptr)) ||
        portcullis::stack::start_time_sync() != portcullis::Status::kUnavailable) {
      return out;
    }
    // A renewal names one (what dhcp.c does with option 42): now it starts and asks it.
    ip4_addr_t server;
    IP4_ADDR(&server, 192, 0, 2, 1);
    dhcp_set_ntp_servers(1, &server);
    if (ok(portcullis::stack::start_time_sync())) {
      out = sent_request(dev->mac.sent());
    }
    return out;
  });
  CHECK(r.has_value());
  dev->exchange(answer(*r, kAnswerUnix, transmit_timestamp(*r)));
  CHECK(wall->known());
}
