// SPDX-License-Identifier: Apache-2.0
// The altcp TLS layer (firmware/mgmt/altcp_tls.cpp) inside real lwIP with real Mbed TLS. The
// test is the management host: it speaks TCP to the device's management port in Ethernet
// frames and TLS through an Mbed TLS client whose bio rides on those frames. The device's
// Mbed TLS allocations are accounted apart from the client's (probe::PartyAllocator,
// Party::kServer), so a refused or ended session can be shown to leave nothing behind.
#include <CppUTest/TestHarness.h>

#include <mbedtls/ssl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "lwip/altcp.h"
#include "lwip/mem.h"
#include "lwip/timeouts.h"
#include "lwip_device.hpp"
#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/mgmt/altcp_tls.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/platform/tls_probe.hpp"
#include "test_credentials.hpp"
#include "test_hooks.hpp"

using namespace portcullis::test;
namespace cred = portcullis::credentials;
namespace mgmt = portcullis::mgmt;
namespace pp = portcullis::platform;
namespace probe = portcullis::platform::probe;
using probe::Party;
using probe::PartyAllocator;

namespace {

constexpr std::uint16_t kMgmtPort = 8443;
constexpr std::uint32_t kTimerTickMs = 250;  // TCP_TMR_INTERVAL: lwIP's timers at their pace
// The deadline is checked in the inner connection's poll callback: every 1 s.
constexpr std::uint32_t kPollGrainMs = 1000;
constexpr std::size_t kSegmentBytes = 1024;  // what the host puts in one TCP segment

constexpr portcullis::policy::Policy make_policy() {
  portcullis::policy::Policy p;
  p.rule_count = 1;
  p.rules[0].proto = portcullis::policy::Proto::kTcp;
  p.rules[0].first_port = kMgmtPort;
  p.rules[0].last_port = kMgmtPort;
  p.rules[0].mgmt = true;
  return p;
}
constexpr portcullis::policy::Policy kPolicy = make_policy();

// The start of a ClientHello record announcing 128 bytes of which only 2 come.
const Bytes kPartialClientHello = {0x16, 0x03, 0x01, 0x00, 0x80, 0x01, 0x00};

// Charges the Mbed TLS work of a scope to one party.
class PartyScope {
 public:
  explicit PartyScope(Party p) : before_(PartyAllocator::party()) { PartyAllocator::set_party(p); }
  ~PartyScope() { PartyAllocator::set_party(before_); }
  PartyScope(const PartyScope&) = delete;
  PartyScope& operator=(const PartyScope&) = delete;

 private:
  Party before_;
};

// The host's end of one TCP connection to the management port.
struct TcpPeer {
  std::uint16_t port = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t rcv_nxt = 0;
  bool established = false;  // the device answered the SYN
  bool reset = false;        // the device sent RST
  bool fin = false;          // the device sent FIN
  bool ack_due = false;
  Bytes inbox;   // received in order, not yet read by the TLS client
  Bytes stream;  // everything received in order
  Bytes outbox;  // written by the TLS client, not yet sent
};

// The management host: TCP peers in frames, and lwIP's timers under a fake clock.
class Host {
 public:
  static constexpr std::size_t kPeers = mgmt::kTlsServerSessions + 2;

  explicit Host(LwipDevice& dev) : dev_(dev) {
    for (std::size_t i = 0; i < kPeers; ++i) {
      peers_[i].port = static_cast<std::uint16_t>(40001 + i);
      peers_[i].snd_nxt = static_cast<std::uint32_t>(1000 * (i + 1));
    }
  }

  TcpPeer& peer(std::size_t i) { return peers_.at(i); }

  // SYN, SYN-ACK, ACK: the device's TCP accepts it; then the TLS layer takes it or refuses.
  void connect(TcpPeer& p) {
    segment(p, kSyn, {});
    CHECK_TEXT(p.established, "no SYN-ACK");
    segment(p, kAck, {});
    ack_what_is_due();
  }

  // `payload` in segments, acknowledging what the device answers.
  void send(TcpPeer& p, const Bytes& payload) {
    for (std::size_t at = 0; at < payload.size(); at += kSegmentBytes) {
      const auto end = payload.begin() +
                       static_cast<std::ptrdiff_t>(std::min(payload.size(), at + kSegmentBytes));
      segment(p, kAck | kPsh, Bytes(payload.begin() + static_cast<std::ptrdiff_t>(at), end));
      ack_what_is_due();
    }
  }

  // What the TLS client wrote, if anything.
  void flush(TcpPeer& p) {
    Bytes out;
    out.swap(p.outbox);
    send(p, out);
  }

  // What the device sent outside an exchange (the application wrote on its own).
  void collect() {
    const std::vector<Bytes> out = dev_.mac.sent();
    dev_.mac.sent().clear();
    deliver(out);
    ack_what_is_due();
  }

  void send_reset(TcpPeer& p) {
    segment(p, kRst | kAck, {});
    ack_what_is_due();
  }

  // Moves the clock in lwIP's timer steps, running its timers at each; stops early once
  // `until` holds. Returns the time moved.
  template <typename Pred>
  std::uint32_t advance_until(std::uint32_t ms, Pred until) {
    std::uint32_t moved = 0;
    while (moved < ms && !until()) {
      const std::uint32_t step = std::min(kTimerTickMs, ms - moved);
      lwip_test_clock().advance(step);
      moved += step;
      dev_.mac.sent().clear();
      sys_check_timeouts();
      collect();
    }
    return moved;
  }
  void advance(std::uint32_t ms) {
    advance_until(ms, [] { return false; });
  }

 private:
  void segment(TcpPeer& p, std::uint8_t flags, const Bytes& payload) {
    const bool syn = (flags & kSyn) != 0;
    const Bytes frame = tcp_frame({.src_port = p.port,
                                   .dst_port = kMgmtPort,
                                   .seq = p.snd_nxt,
                                   .ack = syn ? 0 : p.rcv_nxt,
                                   .flags = flags,
                                   .payload = payload});
    p.snd_nxt += static_cast<std::uint32_t>(payload.size()) + (syn ? 1 : 0);
    deliver(dev_.exchange(frame));
  }

  void deliver(const std::vector<Bytes>& frames) {
    for (const Bytes& f : frames) {
      const auto s = sent_tcp(f);
      if (!s || s->src_port != kMgmtPort) {
        continue;
      }
      for (TcpPeer& p : peers_) {
        if (p.port != s->dst_port) {
          continue;
        }
        if ((s->flags & kRst) != 0) {
          p.reset = true;
        } else if ((s->flags & kSyn) != 0) {
          p.rcv_nxt = s->seq + 1;
          p.established = true;
        } else {
          if (s->seq == p.rcv_nxt) {  // in order (the device never reorders here)
            p.inbox.insert(p.inbox.end(), s->payload.begin(), s->payload.end());
            p.stream.insert(p.stream.end(), s->payload.begin(), s->payload.end());
            p.rcv_nxt += static_cast<std::uint32_t>(s->payload.size());
            if ((s->flags & kFin) != 0) {
              p.fin = true;
              ++p.rcv_nxt;
            }
          }
          p.ack_due = p.ack_due || !s->payload.empty() || (s->flags & kFin) != 0;
        }
      }
    }
  }

  void ack_what_is_due() {
    for (int round = 0; round < 100; ++round) {
      auto due = std::find_if(peers_.begin(), peers_.end(),
                              [](const TcpPeer& p) { return p.ack_due && !p.reset; });
      if (due == peers_.end()) {
        return;
      }
      due->ack_due = false;
      segment(*due, kAck, {});
    }
    FAIL("the device keeps sending");
  }

  LwipDevice& dev_;
  std::array<TcpPeer, kPeers> peers_{};
};

// ---- the host's TLS client: Mbed TLS over a TcpPeer -------------------------------------

int peer_send(void* ctx, const unsigned char* buf, std::size_t len) {
  auto* p = static_cast<TcpPeer*>(ctx);
  p->outbox.insert(p->outbox.end(), buf, buf + len);
  return static_cast<int>(len);
}

int peer_recv(void* ctx, unsigned char* buf, std::size_t len) {
  auto* p = static_cast<TcpPeer*>(ctx);
  if (p->inbox.empty()) {
    return p->fin || p->reset ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
  }
  const std::size_t n = std::min(len, p->inbox.size());
  std::copy_n(p->inbox.begin(), n, buf);
  p->inbox.erase(p->inbox.begin(), p->inbox.begin() + static_cast<std::ptrdiff_t>(n));
  return static_cast<int>(n);
}

// The fleet's client profile with the management certificate (or none), expecting the device
// at 192.0.2.2.
class TlsClient {
 public:
  TlsClient(TcpPeer& peer, bool with_certificate) {
    const PartyScope scope(Party::kClient);
    mbedtls_ssl_config_init(&conf_);
    mbedtls_ssl_init(&ssl_);
    const auto loaded = with_certificate
                            ? id_.load(cred::kCaCertificate, kMgmtCertificate, kMgmtKey)
                            : id_.load(cred::kCaCertificate, {}, {});
    CHECK(portcullis::ok(loaded));
    CHECK(portcullis::ok(
        pp::tls_configure(conf_, pp::TlsRole::kClient, id_, pp::FleetRole::kDevice)));
    LONGS_EQUAL(0, mbedtls_ssl_setup(&ssl_, &conf_));
    LONGS_EQUAL(0, mbedtls_ssl_set_hostname(&ssl_, "192.0.2.2"));
    mbedtls_ssl_set_bio(&ssl_, &peer, peer_send, peer_recv, nullptr);
  }
  ~TlsClient() {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&conf_);
    id_.reset();
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  mbedtls_ssl_context& ssl() { return ssl_; }

 private:
  pp::TlsCredentials id_;
  mbedtls_ssl_config conf_;
  mbedtls_ssl_context ssl_;
};

// Steps the client's handshake, sending what it writes, until it is done, fails, or the
// device has nothing more to say. The last mbedtls_ssl_handshake return.
int client_handshake(Host& host, TcpPeer& peer, TlsClient& client) {
  int ret = MBEDTLS_ERR_SSL_WANT_READ;
  for (int round = 0; round < 32; ++round) {
    {
      const PartyScope scope(Party::kClient);
      ret = mbedtls_ssl_handshake(&client.ssl());
    }
    const bool wrote = !peer.outbox.empty();
    host.flush(peer);
    if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
      return ret;
    }
    if (!wrote && peer.inbox.empty()) {
      return ret;
    }
  }
  return ret;
}

void client_write(Host& host, TcpPeer& peer, TlsClient& client, const Bytes& data) {
  {
    const PartyScope scope(Party::kClient);
    LONGS_EQUAL(data.size(), mbedtls_ssl_write(&client.ssl(), data.data(), data.size()));
  }
  host.flush(peer);
}

// Reads what has arrived; the last return (WANT_READ once all is read, or an error).
int client_read(TlsClient& client, Bytes& out) {
  const PartyScope scope(Party::kClient);
  for (;;) {
    std::array<unsigned char, 1024> buf{};
    const int n = mbedtls_ssl_read(&client.ssl(), buf.data(), buf.size());
    if (n <= 0) {
      return n;
    }
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
}

Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = static_cast<std::uint8_t>(i * 7 + 3);
  }
  return b;
}

// ---- the device's application on the TLS layer -----------------------------------------

struct AppConnection {
  altcp_pcb* pcb = nullptr;
  Bytes received;
  bool eof = false;
  std::optional<err_t> error;  // what its err callback reported
};

// Accepts every connection the TLS layer hands over, keeps what decrypts and how it ended.
struct App {
  std::array<AppConnection, 8> conns;
  std::size_t accepted = 0;

  static err_t on_accept(void* arg, altcp_pcb* pcb, err_t err) {
    auto* app = static_cast<App*>(arg);
    if (err != ERR_OK || pcb == nullptr || app->accepted == app->conns.size()) {
      return ERR_VAL;
    }
    AppConnection& c = app->conns[app->accepted++];
    c.pcb = pcb;
    altcp_arg(pcb, &c);
    altcp_recv(pcb, on_recv);
    altcp_err(pcb, on_err);
    return ERR_OK;
  }
  static err_t on_recv(void* arg, altcp_pcb* pcb, pbuf* p, err_t) {
    auto* c = static_cast<AppConnection*>(arg);
    if (p == nullptr) {
      c->eof = true;
      return ERR_OK;
    }
    const std::size_t at = c->received.size();
    c->received.resize(at + p->tot_len);
    pbuf_copy_partial(p, c->received.data() + at, p->tot_len, 0);
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
  }
  static void on_err(void* arg, err_t err) {
    auto* c = static_cast<AppConnection*>(arg);
    c->error = err;
    c->pcb = nullptr;
  }
};

}  // namespace

TEST_GROUP(AltcpTls) {
  pp::PosixEntropy os;
  pp::TlsCredentials device_id;
  mbedtls_ssl_config device_conf;
  mgmt::TlsPool pool;
  LwipDevice* dev = nullptr;
  Host* host = nullptr;
  App app;
  altcp_pcb* listener = nullptr;
  std::array<TlsClient*, Host::kPeers> clients{};
  probe::PartyUse baseline;  // the device's Mbed TLS use with the listener up, no session
  mgmt::TlsStats before;

  void setup() override {
    set_hook_policy(kPolicy);
    PartyAllocator::install();
    CHECK(portcullis::ok(pp::tls_init(pp::TlsSetup{.arena = {}, .entropy = &os})));
    PartyAllocator::set_party(Party::kServer);  // the device's unless a scope says otherwise
    CHECK(portcullis::ok(
        device_id.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
    mbedtls_ssl_config_init(&device_conf);
    CHECK(portcullis::ok(pp::tls_configure(device_conf, pp::TlsRole::kServer, device_id,
                                           pp::FleetRole::kManagement)));

    dev = new LwipDevice;
    dev->start();
    host = new Host(*dev);
    listener = pool.new_server(&device_conf, IPADDR_TYPE_ANY);
    CHECK(listener != nullptr);
    LONGS_EQUAL(ERR_OK, altcp_bind(listener, IP_ANY_TYPE, kMgmtPort));
    listener = altcp_listen(listener);
    CHECK(listener != nullptr);
    altcp_arg(listener, &app);
    altcp_accept(listener, App::on_accept);

    LONGS_EQUAL(0, pool.sessions_in_use());
    baseline = PartyAllocator::use(Party::kServer);
    before = pool.stats();
  }

  void teardown() override {
    for (TlsClient*& c : clients) {
      delete c;
      c = nullptr;
    }
    if (listener != nullptr) {
      LONGS_EQUAL(ERR_OK, altcp_close(listener));
    }
    delete host;
    delete dev;  // aborts what a test left open: the TLS layer frees those sessions
    LONGS_EQUAL(0, pool.sessions_in_use());
    mbedtls_ssl_config_free(&device_conf);
    device_id.reset();
    pp::tls_shutdown();
    for (Party p : {Party::kShared, Party::kServer, Party::kClient}) {
      LONGS_EQUAL(0, PartyAllocator::use(p).blocks);
    }
    PartyAllocator::uninstall();
    set_hook_policy(default_hook_policy());
  }

  TlsClient& client(std::size_t i, bool with_certificate = true) {
    CHECK(clients.at(i) == nullptr);
    clients[i] = new TlsClient(host->peer(i), with_certificate);
    return *clients[i];
  }

  // kTlsServerSessions connections, none past its ClientHello: peer 0 sends nothing, the others
  // half a ClientHello.
  void fill_pool() {
    for (std::size_t i = 0; i < mgmt::kTlsServerSessions; ++i) {
      TcpPeer& p = host->peer(i);
      host->connect(p);
      CHECK(!p.reset);
      if (i != 0) {
        host->send(p, kPartialClientHello);
      }
    }
    LONGS_EQUAL(mgmt::kTlsServerSessions, pool.sessions_in_use());
    LONGS_EQUAL(mgmt::kTlsServerSessions, app.accepted);
  }

  // The device's Mbed TLS use is back where it was before any session.
  void check_device_use_is_baseline() {
    const probe::PartyUse& now = PartyAllocator::use(Party::kServer);
    LONGS_EQUAL(baseline.blocks, now.blocks);
    LONGS_EQUAL(baseline.bytes, now.bytes);
    LONGS_EQUAL(baseline.arena, now.arena);
  }
};

// ---- the session pool --------------------------------------------------------------------

TEST(AltcpTls, OneConnectionBeyondThePoolIsResetBeforeAnythingIsAllocatedForIt) {
  fill_pool();
  const probe::PartyUse full = PartyAllocator::use(Party::kServer);
  CHECK(full.arena > baseline.arena);  // the open sessions hold their contexts

  TcpPeer& extra = host->peer(mgmt::kTlsServerSessions);
  host->connect(extra);
  CHECK(extra.reset);  // TCP answered the SYN; the TLS layer reset it on its ACK
  CHECK(extra.inbox.empty());
  LONGS_EQUAL(before.sessions_refused + 1, pool.stats().sessions_refused);
  LONGS_EQUAL(mgmt::kTlsServerSessions, app.accepted);  // the application never saw it
  LONGS_EQUAL(mgmt::kTlsServerSessions, pool.sessions_in_use());

  // Not one Mbed TLS allocation was made for it, not even a transient one.
  const probe::PartyUse& after = PartyAllocator::use(Party::kServer);
  LONGS_EQUAL(full.allocations, after.allocations);
  LONGS_EQUAL(full.blocks, after.blocks);
  LONGS_EQUAL(full.arena, after.arena);
  LONGS_EQUAL(full.peak_arena, after.peak_arena);
}

TEST(AltcpTls, TheSessionsAlreadyOpenAreUnaffectedByARefusal) {
  fill_pool();
  TcpPeer& extra = host->peer(mgmt::kTlsServerSessions);
  host->connect(extra);
  CHECK(extra.reset);

  for (std::size_t i = 0; i < mgmt::kTlsServerSessions; ++i) {
    CHECK(!host->peer(i).reset);
    CHECK(!host->peer(i).fin);
    CHECK(app.conns[i].pcb != nullptr);
    CHECK(!app.conns[i].error.has_value());
  }
  // Peer 0 has sent nothing yet: its handshake completes on the session it holds.
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, host->peer(0), c));
  LONGS_EQUAL(before.handshakes_ok + 1, pool.stats().handshakes_ok);
  LONGS_EQUAL(before.sessions_refused + 1, pool.stats().sessions_refused);
}

// The pool is an object: a second one beside it holds nothing of the first's connections and
// counts none of its handshakes or refusals.
TEST(AltcpTls, TwoPoolsKeepTheirSessionsAndFiguresApart) {
  const mgmt::TlsPool other;
  fill_pool();
  TcpPeer& extra = host->peer(mgmt::kTlsServerSessions);
  host->connect(extra);
  CHECK(extra.reset);
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, host->peer(0), c));

  LONGS_EQUAL(mgmt::kTlsServerSessions, pool.sessions_in_use());
  LONGS_EQUAL(1, pool.stats().handshakes_ok);
  LONGS_EQUAL(1, pool.stats().sessions_refused);
  LONGS_EQUAL(0, other.sessions_in_use());
  LONGS_EQUAL(0, other.stats().handshakes_ok);
  LONGS_EQUAL(0, other.stats().sessions_refused);
}

TEST(AltcpTls, ANewConnectionIsAcceptedOnceASessionEnds) {
  fill_pool();
  TcpPeer& refused = host->peer(mgmt::kTlsServerSessions);
  host->connect(refused);
  CHECK(refused.reset);

  // The last of the pool goes away (the peer resets it mid-ClientHello).
  const std::size_t last = mgmt::kTlsServerSessions - 1;
  host->send_reset(host->peer(last));
  CHECK(app.conns[last].error.has_value());
  LONGS_EQUAL(ERR_RST, *app.conns[last].error);
  LONGS_EQUAL(mgmt::kTlsServerSessions - 1, pool.sessions_in_use());

  TcpPeer& next = host->peer(mgmt::kTlsServerSessions + 1);
  host->connect(next);
  CHECK(!next.reset);
  LONGS_EQUAL(mgmt::kTlsServerSessions + 1, app.accepted);
  LONGS_EQUAL(mgmt::kTlsServerSessions, pool.sessions_in_use());
  LONGS_EQUAL(before.sessions_refused + 1, pool.stats().sessions_refused);
  // And it is a working session: a full handshake on it.
  TlsClient& c = client(mgmt::kTlsServerSessions + 1);
  LONGS_EQUAL(0, client_handshake(*host, next, c));
}

// ---- the handshake deadline --------------------------------------------------------------

TEST(AltcpTls, AStalledHandshakeIsAbortedAtItsDeadlineAndLeavesNothingBehind) {
  fill_pool();  // stalled: one silent peer, the others mid-ClientHello
  auto all_reset = [&] {
    for (std::size_t i = 0; i < mgmt::kTlsServerSessions; ++i) {
      if (!host->peer(i).reset) {
        return false;
      }
    }
    return true;
  };
  auto any_reset = [&] {
    for (std::size_t i = 0; i < mgmt::kTlsServerSessions; ++i) {
      if (host->peer(i).reset) {
        return true;
      }
    }
    return false;
  };

  // Not before the deadline: up to its last timer tick, everything stays open.
  const std::uint32_t early = host->advance_until(mgmt::kTlsHandshakeTimeoutMs - 1, any_reset);
  LONGS_EQUAL(mgmt::kTlsHandshakeTimeoutMs - 1, early);
  CHECK(!any_reset());
  LONGS_EQUAL(mgmt::kTlsServerSessions, pool.sessions_in_use());
  LONGS_EQUAL(before.handshakes_timed_out, pool.stats().handshakes_timed_out);

  // Within one poll period after it, every stalled session is aborted.
  const std::uint32_t late = host->advance_until(kPollGrainMs + 1, all_reset);
  CHECK(all_reset());
  CHECK(early + late >= mgmt::kTlsHandshakeTimeoutMs);
  CHECK(early + late <= mgmt::kTlsHandshakeTimeoutMs + kPollGrainMs);
  LONGS_EQUAL(before.handshakes_timed_out + mgmt::kTlsServerSessions,
              pool.stats().handshakes_timed_out);
  LONGS_EQUAL(before.handshakes_failed, pool.stats().handshakes_failed);
  for (std::size_t i = 0; i < mgmt::kTlsServerSessions; ++i) {
    CHECK(app.conns[i].error.has_value());
    LONGS_EQUAL(ERR_ABRT, *app.conns[i].error);  // the application heard of it
  }
  LONGS_EQUAL(0, pool.sessions_in_use());
  check_device_use_is_baseline();

  // The sessions went back to the pool: a new connection is served.
  TcpPeer& next = host->peer(mgmt::kTlsServerSessions);
  host->connect(next);
  CHECK(!next.reset);
  TlsClient& c = client(mgmt::kTlsServerSessions);
  LONGS_EQUAL(0, client_handshake(*host, next, c));
}

TEST(AltcpTls, TheDeadlineDoesNotEndAConnectionWhoseHandshakeIsDone) {
  TcpPeer& p = host->peer(0);
  host->connect(p);
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, p, c));

  host->advance(mgmt::kTlsHandshakeTimeoutMs + 3 * kPollGrainMs);
  CHECK(!p.reset);
  CHECK(!p.fin);
  LONGS_EQUAL(1, pool.sessions_in_use());
  LONGS_EQUAL(before.handshakes_timed_out, pool.stats().handshakes_timed_out);
  const Bytes hello = bytes_of("still there");
  client_write(*host, p, c, hello);
  CHECK(app.conns[0].received == hello);
}

// ---- mutual TLS through lwIP -------------------------------------------------------------

TEST(AltcpTls, AMutualTlsHandshakeThroughLwipCarriesDataBothWaysAndTheCloseFreesTheSession) {
  TcpPeer& p = host->peer(0);
  host->connect(p);
  LONGS_EQUAL(1, app.accepted);
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, p, c));
  LONGS_EQUAL(0, mbedtls_ssl_get_verify_result(&c.ssl()));  // the device's certificate
  LONGS_EQUAL(before.handshakes_ok + 1, pool.stats().handshakes_ok);
  LONGS_EQUAL(before.handshakes_failed, pool.stats().handshakes_failed);

  const Bytes request = bytes_of("GET /v1/status HTTP/1.1\r\nHost: 192.0.2.2\r\n\r\n");
  client_write(*host, p, c, request);
  CHECK(app.conns[0].received == request);

  altcp_pcb* pcb = app.conns[0].pcb;
  const Bytes reply = pattern(700);
  CHECK(altcp_sndbuf(pcb) >= reply.size());
  LONGS_EQUAL(ERR_OK, altcp_write(pcb, reply.data(), static_cast<u16_t>(reply.size()),
                                  TCP_WRITE_FLAG_COPY));
  LONGS_EQUAL(ERR_OK, altcp_output(pcb));
  host->collect();
  Bytes got;
  LONGS_EQUAL(MBEDTLS_ERR_SSL_WANT_READ, client_read(c, got));
  CHECK(got == reply);

  // The application closes: the client reads close_notify, TCP ends with a FIN, the session
  // and everything Mbed TLS held for it go back.
  LONGS_EQUAL(ERR_OK, altcp_close(pcb));
  LONGS_EQUAL(0, pool.sessions_in_use());
  check_device_use_is_baseline();
  host->collect();
  LONGS_EQUAL(MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, client_read(c, got));
  CHECK(p.fin);
  CHECK(!p.reset);
}

TEST(AltcpTls, ACloseWhileARecordWaitsForTcpIsRefusedUntilTheRecordIsOut) {
  TcpPeer& p = host->peer(0);
  host->connect(p);
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, p, c));
  altcp_pcb* pcb = app.conns[0].pcb;
  CHECK(pcb != nullptr);

  // lwIP's heap full: TCP cannot take the record, which waits in Mbed TLS's buffer.
  std::vector<void*> hog;
  for (void* m = mem_malloc(64); m != nullptr; m = mem_malloc(64)) {
    hog.push_back(m);
  }
  const Bytes reply = pattern(300);
  LONGS_EQUAL(ERR_OK, altcp_write(pcb, reply.data(), static_cast<u16_t>(reply.size()),
                                  TCP_WRITE_FLAG_COPY));
  LONGS_EQUAL(0, altcp_sndbuf(pcb));  // the pending record holds the connection's room
  // Closing now would free the session and the record with it: refused, as tcp_close
  // refuses without memory for its FIN.
  LONGS_EQUAL(ERR_MEM, altcp_close(pcb));
  LONGS_EQUAL(1, pool.sessions_in_use());

  for (void* m : hog) {
    mem_free(m);
  }
  // The next poll of the connection retries the record (nothing is in flight to be acked).
  host->advance_until(3 * kPollGrainMs, [&] { return altcp_sndbuf(pcb) != 0; });
  CHECK(altcp_sndbuf(pcb) != 0);
  LONGS_EQUAL(ERR_OK, altcp_close(pcb));
  LONGS_EQUAL(0, pool.sessions_in_use());
  host->collect();
  Bytes got;
  LONGS_EQUAL(MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, client_read(c, got));
  CHECK(got == reply);  // every byte, then close_notify
  CHECK(p.fin);
  CHECK(!p.reset);
}

TEST(AltcpTls, ARecordLargerThanOneReadChunkReachesTheApplicationWhole) {
  TcpPeer& p = host->peer(0);
  host->connect(p);
  TlsClient& c = client(0);
  LONGS_EQUAL(0, client_handshake(*host, p, c));
  // One 1500-byte record (client_write checks it went in one), more than the 512 bytes the
  // layer hands over per pbuf: a client that sends its request whole, then waits for the
  // answer, must not leave the rest of it in Mbed TLS.
  const Bytes request = pattern(1500);
  client_write(*host, p, c, request);
  LONGS_EQUAL(request.size(), app.conns[0].received.size());
  CHECK(app.conns[0].received == request);
}

TEST(AltcpTls, AClientWithoutACertificateGetsHandshakeFailureAndItsSessionIsFreed) {
  TcpPeer& p = host->peer(0);
  host->connect(p);
  TlsClient& c = client(0, false);
  const int ret = client_handshake(*host, p, c);
  LONGS_EQUAL(before.handshakes_failed + 1, pool.stats().handshakes_failed);
  LONGS_EQUAL(before.handshakes_ok, pool.stats().handshakes_ok);
  LONGS_EQUAL(0, pool.sessions_in_use());
  CHECK(app.conns[0].error.has_value());
  LONGS_EQUAL(ERR_CLSD, *app.conns[0].error);
  check_device_use_is_baseline();
#if PORTCULLIS_MBEDTLS_TLS13
  // A TLS 1.3 client is done before the server judges its certificate; its first read fails.
  LONGS_EQUAL(0, ret);
  Bytes got;
  const int read = client_read(c, got);
  CHECK(read < 0 && read != MBEDTLS_ERR_SSL_WANT_READ);
#else
  LONGS_EQUAL(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, ret);
  // On the wire, last before the FIN: a plaintext fatal handshake_failure alert (the server
  // has not switched to its keys yet).
  const Bytes alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
  CHECK(p.stream.size() >= alert.size());
  CHECK(std::equal(alert.begin(), alert.end(),
                   p.stream.end() - static_cast<std::ptrdiff_t>(alert.size())));
#endif
  // Closed gracefully, so the alert is not lost to a RST.
  CHECK(p.fin);
  CHECK(!p.reset);
}
