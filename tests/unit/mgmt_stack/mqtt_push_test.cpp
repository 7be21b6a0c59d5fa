// SPDX-License-Identifier: Apache-2.0
// The MQTT push (firmware/mgmt/mqtt_push.cpp) inside real lwIP with real Mbed TLS, against a
// broker the test plays: it answers the device's SYN on 192.0.2.1:8883 in Ethernet frames,
// is the TLS server with the broker's certificate, and reads and writes MQTT packets, so a
// test can send what no real broker would and hold back what one would send. The clock is
// the test's: deadlines (PUBACK, keep-alive) are reached without waiting.
#include <CppUTest/TestHarness.h>

#include <mbedtls/ssl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwip/dns.h"
#include "lwip/timeouts.h"
#include "lwip_device.hpp"
#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/mgmt/mqtt_push.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/policy/table.hpp"
#include "portcullis/report/json.hpp"
#include "test_credentials.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
namespace cred = portcullis::credentials;
namespace mgmt = portcullis::mgmt;
namespace pp = portcullis::platform;
namespace report = portcullis::report;

namespace {

constexpr std::uint16_t kBrokerPort = 8883;
constexpr std::uint32_t kTimerTickMs = 250;
constexpr std::string_view kDeviceId = "dev-1";

constexpr portcullis::policy::Policy make_policy() {
  portcullis::policy::Policy p;
  p.rule_count = 1;
  p.rules[0].proto = portcullis::policy::Proto::kTcp;
  p.rules[0].first_port = 8443;
  p.rules[0].last_port = 8443;
  p.rules[0].mgmt = true;
  return p;
}
constexpr portcullis::policy::Policy kPolicy = make_policy();
constexpr portcullis::policy::AnyCompactPolicy kCompact = portcullis::policy::compact(kPolicy);
constexpr portcullis::policy::Table kTable = kCompact.table();

// The status the push renders: a fixed document but for the uptime, so the test can render
// the same one.
void snapshot_of(void*, report::StatusSnapshot& s, report::Counters&) {
  s.device.id = kDeviceId;
  s.device.board = "test";
  s.device.firmware = "0";
  s.device.uptime_ms = 1234;
  s.policy = &kTable;
}

// One MQTT packet as the broker reads it.
struct Packet {
  std::uint8_t header = 0;
  Bytes body;
};

// The broker: one TCP connection from the device at a time, TLS over it, MQTT inside.
class Broker {
 public:
  explicit Broker(LwipDevice& dev) : dev_(dev) {
    mbedtls_ssl_config_init(&conf_);
    CHECK(portcullis::ok(id_.load(cred::kCaCertificate, kBrokerCertificate, kBrokerKey)));
    CHECK(portcullis::ok(
        pp::tls_configure(conf_, pp::TlsRole::kServer, id_, pp::FleetRole::kDevice)));
    // The server name the device asks for (SNI), kept for the test.
    mbedtls_ssl_conf_sni(
        &conf_,
        [](void* self, mbedtls_ssl_context*, const unsigned char* name, size_t len) {
          static_cast<Broker*>(self)->server_name_.assign(reinterpret_cast<const char*>(name), len);
          return 0;
        },
        this);
  }
  ~Broker() {
    end_tls();
    mbedtls_ssl_config_free(&conf_);
    id_.reset();
  }
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // What the device sent since the last call: SYN answered, data kept, ACKs given.
  void collect() {
    const std::vector<Bytes> out = dev_.mac.sent();
    dev_.mac.sent().clear();
    deliver(out);
    flush();
  }
  // Moves the test clock in lwIP's timer steps, polling the push and collecting at each.
  void run(mgmt::MqttPush& push, std::uint32_t ms) {
    for (std::uint32_t moved = 0; moved < ms; moved += kTimerTickMs) {
      lwip_test_clock().advance(kTimerTickMs);
      sys_check_timeouts();
      push.poll(static_cast<std::uint32_t>(lwip_test_clock().now_ms()), 0);
      collect();
      step_tls();
    }
  }
  bool handshake_done() const { return tls_up_ && handshake_done_; }
  // The lab's resolver too: a query for the broker's name (to 192.0.2.1:53) is answered with
  // the broker's address, or with "no such name" once answer_names(false).
  void answer_names(bool found) { names_found_ = found; }
  // The device may refuse the handshake (a test of its certificate check): the broker's side
  // then notes the failure instead of failing the test.
  void allow_handshake_failure() { handshake_may_fail_ = true; }
  bool handshake_failed() const { return handshake_failed_; }
  std::uint32_t dns_queries() const { return dns_queries_; }
  // The server name (SNI) of the last ClientHello, empty when it had none.
  const std::string& server_name() const { return server_name_; }
  bool reset() const { return reset_; }
  std::uint32_t connections() const { return connections_; }

  // The next whole MQTT packet the device wrote, if one has arrived.
  std::optional<Packet> next_packet() {
    step_tls();
    if (plain_.size() < 2) {
      return std::nullopt;
    }
    std::size_t length = 0;
    std::size_t at = 1;
    for (int shift = 0; at < plain_.size(); shift += 7) {
      const std::uint8_t b = plain_[at++];
      length |= static_cast<std::size_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (plain_.size() < at + length) {
      return std::nullopt;
    }
    Packet p{plain_[0], Bytes(plain_.begin() + static_cast<std::ptrdiff_t>(at),
                              plain_.begin() + static_cast<std::ptrdiff_t>(at + length))};
    plain_.erase(plain_.begin(), plain_.begin() + static_cast<std::ptrdiff_t>(at + length));
    return p;
  }
  // Writes `bytes` to the device inside TLS.
  void send(const Bytes& bytes) {
    LONGS_EQUAL(bytes.size(), mbedtls_ssl_write(&ssl_, bytes.data(), bytes.size()));
    flush();
  }

 private:
  void deliver(const std::vector<Bytes>& frames) {
    for (const Bytes& f : frames) {
      if (const auto q = sent_udp(f); q && q->dst_port == 53 && q->payload.size() > 12) {
        answer_query(*q);
        continue;
      }
      const auto s = sent_tcp(f);
      if (!s || s->dst_port != kBrokerPort) {
        continue;
      }
      if ((s->flags & kRst) != 0) {
        reset_ = true;
        continue;
      }
      if ((s->flags & kSyn) != 0) {  // a new connection: the old one is gone
        end_tls();
        start_tls();
        ++connections_;
        reset_ = false;
        dev_port_ = s->src_port;
        rcv_nxt_ = s->seq + 1;
        segment(kSyn | kAck, {});
        continue;
      }
      if (s->src_port != dev_port_ || s->seq != rcv_nxt_) {
        continue;  // an old connection's, or out of order (the device does not reorder)
      }
      inbox_.insert(inbox_.end(), s->payload.begin(), s->payload.end());
      rcv_nxt_ += static_cast<std::uint32_t>(s->payload.size()) + ((s->flags & kFin) ? 1 : 0);
      if (!s->payload.empty() || (s->flags & kFin) != 0) {
        ack_due_ = true;
      }
    }
  }
  void answer_query(const UdpDatagram& q) {
    ++dns_queries_;
    Bytes m = q.payload;                // its header and question
    m[2] = 0x81;                        // an answer (QR), recursion desired
    m[3] = names_found_ ? 0x80 : 0x83;  // recursion available; no error, or no such name
    if (names_found_) {
      m[7] = 1;  // one A record: 192.0.2.1, TTL 0 (lwIP keeps it for no later test)
      const Bytes record = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1};
      m.insert(m.end(), record.begin(), record.end());
    }
    deliver(dev_.exchange(udp_frame({.src_port = 53, .dst_port = q.src_port, .payload = m})));
  }
  void segment(std::uint8_t flags, const Bytes& payload) {
    const Bytes frame = tcp_frame({.src_port = kBrokerPort,
                                   .dst_port = dev_port_,
                                   .seq = snd_nxt_,
                                   .ack = rcv_nxt_,
                                   .flags = flags,
                                   .payload = payload});
    snd_nxt_ += static_cast<std::uint32_t>(payload.size()) + ((flags & kSyn) ? 1 : 0);
    deliver(dev_.exchange(frame));
  }
  // Sends what TLS wrote and the ACKs due, until the device has nothing more to say.
  void flush() {
    for (int round = 0; round < 200; ++round) {
      if (!outbox_.empty()) {
        Bytes out;
        out.swap(outbox_);
        for (std::size_t at = 0; at < out.size(); at += 1024) {
          const auto end =
              out.begin() + static_cast<std::ptrdiff_t>(std::min(out.size(), at + 1024));
          ack_due_ = false;  // each segment acknowledges what came before it
          segment(kAck | kPsh, Bytes(out.begin() + static_cast<std::ptrdiff_t>(at), end));
        }
        step_tls();
        continue;
      }
      if (!ack_due_) {
        return;
      }
      ack_due_ = false;
      segment(kAck, {});
      step_tls();
    }
    FAIL("the device keeps sending");
  }
  void start_tls() {
    mbedtls_ssl_init(&ssl_);
    LONGS_EQUAL(0, mbedtls_ssl_setup(&ssl_, &conf_));
    mbedtls_ssl_set_bio(&ssl_, this, on_send, on_recv, nullptr);
    tls_up_ = true;
    handshake_done_ = false;
    inbox_.clear();
    plain_.clear();
  }
  void end_tls() {
    if (tls_up_) {
      mbedtls_ssl_free(&ssl_);
      tls_up_ = false;
    }
  }
  // Handshake as far as the bytes go, then whatever plaintext arrived.
  void step_tls() {
    if (!tls_up_) {
      return;
    }
    if (!handshake_done_) {
      const int ret = mbedtls_ssl_handshake(&ssl_);
      if (ret == 0) {
        handshake_done_ = true;
      } else if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
        if (!handshake_may_fail_) {
          FAIL("the broker's side of the handshake failed");
        }
        handshake_failed_ = true;
        end_tls();
        return;
      }
      if (!outbox_.empty()) {
        flush();
      }
      if (!handshake_done_) {
        return;
      }
    }
    for (;;) {
      std::array<unsigned char, 1024> buf{};
      const int n = mbedtls_ssl_read(&ssl_, buf.data(), buf.size());
      if (n <= 0) {
        return;
      }
      plain_.insert(plain_.end(), buf.begin(), buf.begin() + n);
    }
  }
  static int on_send(void* ctx, const unsigned char* buf, std::size_t len) {
    auto* self = static_cast<Broker*>(ctx);
    self->outbox_.insert(self->outbox_.end(), buf, buf + len);
    return static_cast<int>(len);
  }
  static int on_recv(void* ctx, unsigned char* buf, std::size_t len) {
    auto* self = static_cast<Broker*>(ctx);
    if (self->inbox_.empty()) {
      return MBEDTLS_ERR_SSL_WANT_READ;
    }
    const std::size_t n = std::min(len, self->inbox_.size());
    std::copy_n(self->inbox_.begin(), n, buf);
    self->inbox_.erase(self->inbox_.begin(), self->inbox_.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<int>(n);
  }

  LwipDevice& dev_;
  pp::TlsCredentials id_;
  mbedtls_ssl_config conf_;
  mbedtls_ssl_context ssl_;
  bool tls_up_ = false;
  bool handshake_done_ = false;
  bool reset_ = false;
  bool names_found_ = true;
  std::string server_name_;
  bool handshake_may_fail_ = false;
  bool handshake_failed_ = false;
  std::uint32_t dns_queries_ = 0;
  bool ack_due_ = false;
  std::uint32_t connections_ = 0;
  std::uint16_t dev_port_ = 0;
  std::uint32_t snd_nxt_ = 7000;
  std::uint32_t rcv_nxt_ = 0;
  Bytes inbox_;   // ciphertext from the device, not yet read by TLS
  Bytes outbox_;  // ciphertext TLS wrote, not yet sent
  Bytes plain_;   // MQTT bytes from the device, not yet taken as packets
};

Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

}  // namespace

TEST_GROUP(MqttPush) {
  pp::PosixEntropy os;
  pp::TlsCredentials device_id;
  mbedtls_ssl_config client_conf;
  mgmt::TlsPool pool;
  mgmt::MqttPush* push = nullptr;
  LwipDevice* dev = nullptr;
  Broker* broker = nullptr;

  void setup() override {
    set_hook_policy(kPolicy);
    CHECK(portcullis::ok(pp::tls_init(pp::TlsSetup{.arena = {}, .entropy = &os})));
    CHECK(portcullis::ok(
        device_id.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
    mbedtls_ssl_config_init(&client_conf);
    CHECK(portcullis::ok(
        pp::tls_configure(client_conf, pp::TlsRole::kClient, device_id, pp::FleetRole::kBroker)));
    dev = new LwipDevice;
    dev->start();
    broker = new Broker(*dev);
    push = new mgmt::MqttPush;
    mgmt::PushSettings s;
    IP_ADDR4(&s.broker, 192, 0, 2, 1);
    s.broker_name = "192.0.2.1";
    s.topic_prefix = "portcullis";
    s.device_id = kDeviceId;
    s.broker_text = "192.0.2.1:8883";
    s.status_period_ms = 120'000;  // longer than the keep-alive: idle periods have pings
    CHECK(portcullis::ok(push->start(s, pool, &client_conf, snapshot_of, nullptr)));
  }

  void teardown() override {
    delete dev;  // aborts the push's PCB, if any: its err callback still finds the push
    delete push;
    delete broker;
    LONGS_EQUAL(0, pool.sessions_in_use());
    mbedtls_ssl_config_free(&client_conf);
    device_id.reset();
    pp::tls_shutdown();
    set_hook_policy(default_hook_policy());
  }

  report::PushInfo info() const {
    report::PushInfo i;
    push->report(i);
    return i;
  }

  // Polls until the broker has a packet, for at most `ms` of the test clock.
  Packet expect_packet(std::uint32_t ms = 5000) {
    for (std::uint32_t t = 0; t <= ms; t += kTimerTickMs) {
      if (auto p = broker->next_packet()) {
        return *p;
      }
      broker->run(*push, kTimerTickMs);
    }
    const std::string why =
        "no MQTT packet from the device (connections " + std::to_string(broker->connections()) +
        ", handshake " + (broker->handshake_done() ? "done" : "not done") +
        ", TLS handshakes failed " + std::to_string(pool.stats().handshakes_failed) + ")";
    FAIL(why.c_str());
    return {};
  }

  // Connects and accepts: CONNECT read, CONNACK 0 sent, the birth message read.
  void connect() {
    const Packet c = expect_packet();
    LONGS_EQUAL(0x10, c.header);
    broker->send({0x20, 0x02, 0x00, 0x00});
    expect_birth();
  }

  // Reads a retained QoS 1 PUBLISH on `topic`: its packet id and payload.
  struct Publish {
    Bytes id;
    std::string payload;
  };
  Publish expect_retained(const std::string& topic) {
    const Packet p = expect_packet();
    LONGS_EQUAL(0x33, p.header);  // PUBLISH, QoS 1, retained
    LONGS_EQUAL(topic.size(), p.body[0] << 8 | p.body[1]);
    STRCMP_EQUAL(topic.c_str(),
                 std::string(p.body.begin() + 2, p.body.begin() + 2 + topic.size()).c_str());
    const auto at = static_cast<long>(topic.size());
    return {Bytes(p.body.begin() + 2 + at, p.body.begin() + 4 + at),
            std::string(p.body.begin() + 4 + at, p.body.end())};
  }

  // The online state, retained under the status topic, first after the CONNACK.
  void expect_birth() {
    STRCMP_EQUAL(R"({"state":"online"})",
                 expect_retained("portcullis/dev-1/status/state").payload.c_str());
  }

  // Reads the status publish: its packet id, and checks it is the whole document.
  Bytes expect_status() {
    const auto [id, payload] = expect_retained("portcullis/dev-1/status");
    // The same document rendered whole here (the device streamed it in slices).
    report::StatusSnapshot s;
    report::Counters counters;
    snapshot_of(nullptr, s, counters);
    s.counters = &counters;
    std::vector<char> whole(8192);
    const auto w = report::write_status_json(s, whole);
    CHECK(portcullis::ok(w.status));
    CHECK(w.size > 384);  // more than one slice
    // The push's own part of the document differs (its counters): compare up to "push".
    const std::string expected(whole.data(), w.size);
    const std::size_t cut = expected.find("\"push\"");
    CHECK(cut != std::string::npos);
    STRCMP_EQUAL(expected.substr(0, cut).c_str(), payload.substr(0, cut).c_str());
    LONGS_EQUAL('}', payload.back());
    return id;
  }
};

TEST(MqttPush, ConnectsPublishesTheWholeStatusAndCountsItsPuback) {
  const Packet c = expect_packet();
  LONGS_EQUAL(0x10, c.header);
  // Protocol "MQTT" level 4, clean session and a will (retained, QoS 1), keep-alive 30 s,
  // client id "dev-1", the will's topic (the state under the status topic) and message.
  Bytes want = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x2E, 0, 30, 0, 5, 'd', 'e', 'v', '-', '1'};
  for (const std::string_view field :
       {std::string_view("portcullis/dev-1/status/state"), mgmt::kMqttStateOffline}) {
    want.push_back(0);
    want.push_back(static_cast<std::uint8_t>(field.size()));
    want.insert(want.end(), field.begin(), field.end());
  }
  CHECK(want == c.body);
  CHECK(!push->connected());
  broker->send({0x20, 0x02, 0x00, 0x00});
  expect_birth();  // before the status
  const Bytes id = expect_status();
  CHECK(push->connected());
  LONGS_EQUAL(0, info().status_published);
  broker->send({0x40, 0x02, id[0], id[1]});
  LONGS_EQUAL(1, info().status_published);
  LONGS_EQUAL(1, info().connects);
  LONGS_EQUAL(0, info().protocol_errors);
}

TEST(MqttPush, ABrokerPublishEndsTheConnectionAndIsCounted) {
  connect();
  const Bytes id = expect_status();
  broker->send({0x40, 0x02, id[0], id[1]});
  broker->send(bytes_of(std::string("\x30\x05\x00\x01xhi", 7)));
  CHECK(broker->reset());  // aborted at once
  CHECK(!push->connected());
  LONGS_EQUAL(1, info().protocol_errors);
  LONGS_EQUAL(1, info().disconnects);
  CHECK(push->last_input_fault() == mgmt::mqtt::InputFault::kUnexpectedType);
  // Back after the backoff (1 s and up to a quarter more): a new connection.
  broker->run(*push, 2000);
  LONGS_EQUAL(2, broker->connections());
}

TEST(MqttPush, AMissingPubackEndsTheConnectionAfter30SecondsAndTheEventIsSentAgain) {
  connect();
  const Bytes status_id = expect_status();
  broker->send({0x40, 0x02, status_id[0], status_id[1]});
  mgmt::PushEvent e;
  e.kind = mgmt::EventKind::kViolation;
  e.violation.port = 4444;
  CHECK(push->enqueue(e));
  const Packet ev = expect_packet();
  LONGS_EQUAL(0x32, ev.header);  // QoS 1, not retained
  LONGS_EQUAL(1, push->events().in_flight());
  broker->run(*push, 29000);
  CHECK(push->connected());  // not yet
  broker->run(*push, 2000);
  CHECK(!push->connected());
  CHECK(broker->reset());
  LONGS_EQUAL(1, info().disconnects);
  LONGS_EQUAL(1, push->events().size());       // kept
  LONGS_EQUAL(0, push->events().in_flight());  // due again
  // On the next connection it goes out again, after the status.
  broker->run(*push, 2000);
  connect();
  const Bytes again = expect_status();
  broker->send({0x40, 0x02, again[0], again[1]});
  const Packet resent = expect_packet();
  LONGS_EQUAL(0x32, resent.header);
  const std::size_t topic = static_cast<std::size_t>(resent.body[0] << 8 | resent.body[1]);
  broker->send({0x40, 0x02, resent.body[2 + topic], resent.body[3 + topic]});
  LONGS_EQUAL(0, push->events().size());
  LONGS_EQUAL(1, info().events_published);
}

TEST(MqttPush, PingsWhenIdleAndDropsABrokerThatStopsAnswering) {
  connect();
  const Bytes id = expect_status();
  broker->send({0x40, 0x02, id[0], id[1]});
  // Idle for the keep-alive period: a PINGREQ; answered, the connection stays.
  const Packet ping = expect_packet(31000);
  LONGS_EQUAL(0xC0, ping.header);
  broker->send({0xD0, 0x00});
  broker->run(*push, 10000);
  CHECK(push->connected());
  // The next PINGREQ goes unanswered: a keep-alive period later the connection is lost.
  const Packet unanswered = expect_packet(31000);
  LONGS_EQUAL(0xC0, unanswered.header);
  broker->run(*push, 29000);
  CHECK(push->connected());
  broker->run(*push, 2000);
  CHECK(!push->connected());
  CHECK(broker->reset());
  LONGS_EQUAL(1, info().disconnects);
  LONGS_EQUAL(0, info().protocol_errors);
}

TEST(MqttPush, ARefusedConnectIsAConnectFailureAndBacksOff) {
  const Packet c = expect_packet();
  LONGS_EQUAL(0x10, c.header);
  broker->send({0x20, 0x02, 0x00, 0x05});  // not authorised
  CHECK(broker->reset());
  CHECK(!push->connected());
  LONGS_EQUAL(1, info().connect_failures);
  LONGS_EQUAL(0, info().connects);
  broker->run(*push, kTimerTickMs);
  CHECK(push->backoff_ms() >= mgmt::Backoff::kMinMs);
}

// The broker by name: lwIP's resolver asks first (the answer passes the filter as the answer to
// its query), then TCP and TLS to the address, checked against the name.
TEST_GROUP_BASE(MqttPushByName,
                TEST_GROUP_CppUTestGroupMqttPush){void start_by_name(const char* name){delete push;
push = new mgmt::MqttPush;
ip_addr_t resolver;
IP_ADDR4(&resolver, 192, 0, 2, 1);
dns_setserver(0, &resolver);
mgmt::PushSettings s;
s.resolve = true;
s.broker_name = name;
s.topic_prefix = "portcullis";
s.device_id = kDeviceId;
s.broker_text = "broker.portcullis.test:8883";
CHECK(portcullis::ok(push->start(s, pool, &client_conf, snapshot_of, nullptr)));
}
}
;

TEST(MqttPushByName, ResolvesTheBrokersNameThenConnectsToItsAddress) {
  start_by_name("broker.portcullis.test");  // the name the broker's certificate carries
  const Packet c = expect_packet();
  LONGS_EQUAL(0x10, c.header);  // CONNECT: TCP to 192.0.2.1 and TLS for the name went through
  LONGS_EQUAL(1, broker->dns_queries());
  CHECK(broker->handshake_done());
  STRCMP_EQUAL("broker.portcullis.test", broker->server_name().c_str());  // SNI
}

TEST(MqttPushByName, AnUnknownNameIsAConnectFailureAskedAgainAfterTheBackoff) {
  broker->answer_names(false);
  start_by_name("broker.portcullis.test");
  broker->run(*push, kTimerTickMs);
  LONGS_EQUAL(1, broker->dns_queries());
  LONGS_EQUAL(1, info().connect_failures);
  LONGS_EQUAL(0, broker->connections());
  broker->run(*push, kTimerTickMs);
  CHECK(push->backoff_ms() >= mgmt::Backoff::kMinMs);
  broker->answer_names(true);
  const Packet c = expect_packet(2 * mgmt::Backoff::kMinMs + 1000);
  LONGS_EQUAL(0x10, c.header);
  LONGS_EQUAL(2, broker->dns_queries());
}

TEST(MqttPushByName, ABrokerWhoseCertificateLacksTheNameIsRefused) {
  broker->allow_handshake_failure();
  start_by_name("other.portcullis.test");  // resolves to the broker, whose certificate says not
  broker->run(*push, 2000);
  CHECK(broker->connections() >= 1);
  CHECK(broker->handshake_failed());
  CHECK_FALSE(broker->handshake_done());
  CHECK(info().connect_failures >= 1);
  LONGS_EQUAL(0, info().connects);
}
