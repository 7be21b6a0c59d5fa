// SPDX-License-Identifier: Apache-2.0
// lwIP's resolver behind the filter: the answer to its query passes (one for each time it sent
// the query), a forged one (another ID, another server) is dropped as unsolicited_reply before
// lwIP sees it, and the listener audit leaves the resolver's PCB alone.
#include <CppUTest/TestHarness.h>

#include <optional>
#include <string>
#include <vector>

#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/lwip_port.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
using portcullis::filter::Reason;

namespace {

// A name of its own per test: lwIP keeps what it resolved for the answer's TTL.
std::string next_name() {
  static int n = 0;
  return "b" + std::to_string(++n) + ".portcullis.lab";
}
const Bytes kBrokerIp4 = {192, 0, 2, 77};
const Bytes kOtherServer = {192, 0, 2, 99};

struct Lookup {
  bool done = false;
  bool found = false;
  ip_addr_t addr{};
};

void on_found(const char*, const ip_addr_t* addr, void* arg) {
  auto* l = static_cast<Lookup*>(arg);
  l->done = true;
  l->found = addr != nullptr;
  if (addr != nullptr) {
    l->addr = *addr;
  }
}

// The device's query: its source port and UDP payload (ID, flags, counts, question).
struct Query {
  std::uint16_t port = 0;
  Bytes payload;
};

std::optional<Query> sent_query(const std::vector<Bytes>& frames) {
  for (const Bytes& f : frames) {
    if (const auto d = sent_udp(f); d && d->dst_port == 53 && d->payload.size() > 12) {
      return Query{d->src_port, d->payload};
    }
  }
  return std::nullopt;
}

// An answer to `query` with `id` (one A record, kBrokerIp4), from `server` port 53.
Bytes answer(const Query& query, std::uint16_t id, const Bytes& server = kPeerIp4) {
  Bytes m = query.payload;  // header and question
  m[0] = static_cast<std::uint8_t>(id >> 8);
  m[1] = static_cast<std::uint8_t>(id);
  m[2] = 0x81;  // QR, RD
  m[3] = 0x80;  // RA, no error
  m[7] = 1;     // one answer
  const Bytes record = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};
  m.insert(m.end(), record.begin(), record.end());
  m.insert(m.end(), kBrokerIp4.begin(), kBrokerIp4.end());
  return udp_frame({.src_port = 53, .dst_port = query.port, .payload = m}, false, server);
}

std::uint16_t id_of(const Query& q) {
  return static_cast<std::uint16_t>(q.payload[0] << 8 | q.payload[1]);
}

}  // namespace

TEST_GROUP(Dns) {
  LwipDevice* dev = nullptr;
  Lookup lookup;
  Query query;
  std::string name = next_name();

  void setup() override {
    set_hook_policy(default_hook_policy());
    dev = new LwipDevice;
    dev->start();
    const std::optional<Query> q = in_lwip([this] {
      ip_addr_t server;
      IP_ADDR4(&server, 192, 0, 2, 1);
      dns_setserver(0, &server);
      ip_addr_t cached;
      const err_t err = dns_gethostbyname(name.c_str(), &cached, on_found, &lookup);
      std::optional<Query> out;
      if (err == ERR_INPROGRESS) {
        out = sent_query(dev->mac.sent());
      }
      return out;
    });
    CHECK(q.has_value());
    query = *q;
  }
  void teardown() override {
    // lwIP's table entry must not outlive `lookup` unanswered (its callback would run later).
    if (!lookup.done) {
      dev->exchange(answer(query, id_of(query)));
    }
    CHECK(lookup.done);
    delete dev;
  }

  std::uint64_t count(Reason r) {
    return in_lwip([r] { return hook_filter().counters().by_reason(r); });
  }
};

TEST(Dns, TheAnswerToTheQueryResolvesTheName) {
  const std::uint64_t answers = count(Reason::kStackClient);
  dev->exchange(answer(query, id_of(query)));
  LONGS_EQUAL(answers + 1, count(Reason::kStackClient));
  CHECK(lookup.done && lookup.found);
  Bytes got(4);
  std::memcpy(got.data(), &ip_2_ip4(&lookup.addr)->addr, 4);
  CHECK(got == kBrokerIp4);
}

TEST(Dns, AForgedAnswerNeverReachesTheResolver) {
  const std::uint64_t unsolicited = count(Reason::kUnsolicitedReply);
  dev->exchange(answer(query, static_cast<std::uint16_t>(id_of(query) + 1)));  // another ID
  dev->exchange(answer(query, id_of(query), kOtherServer));                    // another server
  LONGS_EQUAL(unsolicited + 2, count(Reason::kUnsolicitedReply));
  CHECK_FALSE(lookup.done);
  // The real answer still resolves it.
  dev->exchange(answer(query, id_of(query)));
  CHECK(lookup.found);
}

TEST(Dns, BothAnswersToARetransmittedQueryPass) {
  // A slow answer: lwIP's next DNS timer sends the query again, with the same ID, and the
  // server answers each copy. The second answer is the device's own, not a forgery.
  dev->mac.sent().clear();
  in_lwip([] { dns_tmr(); });
  const std::optional<Query> again = sent_query(dev->mac.sent());
  CHECK(again.has_value());
  LONGS_EQUAL(id_of(query), id_of(*again));
  const std::uint64_t answers = count(Reason::kStackClient);
  const std::uint64_t unsolicited = count(Reason::kUnsolicitedReply);
  dev->exchange(answer(query, id_of(query)));
  CHECK(lookup.found);
  dev->exchange(answer(query, id_of(query)));
  LONGS_EQUAL(answers + 2, count(Reason::kStackClient));
  LONGS_EQUAL(unsolicited, count(Reason::kUnsolicitedReply));
  // A third copy answers nothing the device sent.
  dev->exchange(answer(query, id_of(query)));
  LONGS_EQUAL(unsolicited + 1, count(Reason::kUnsolicitedReply));
}

TEST(Dns, TheAuditLeavesTheResolversPcbAlone) {
  const udp_pcb* resolver = portcullis::stack::lwip_dns_pcb();
  CHECK(resolver != nullptr);
  LONGS_EQUAL(query.port, resolver->local_port);
  portcullis::stack::ListenerAudit audit(hook_filter().policy(),
                                         portcullis::stack::Enforcement::kClose);
  audit.audit_now(0);
  LONGS_EQUAL(0, audit.violations().total());
  POINTERS_EQUAL(resolver, in_lwip([] { return udp_pcbs; }));
}
