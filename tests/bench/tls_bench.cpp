// SPDX-License-Identifier: Apache-2.0
// Mutual-TLS handshakes on the host between the device (server: the build's device
// credentials) and a management client (the PKI's mgmt certificate), both on the fleet profile,
// over an in-memory link in TCP-sized chunks. Run by tests/bench/run (figures, not a test):
//   handshakes N  N handshakes in a real arena, as the device allocates; callgrind counts
//                 bench_server_step and bench_client_step (each one mbedtls_ssl_handshake call)
//   resumed N     one full handshake (not counted), then N handshakes of a client that
//                 offers the session it kept, to a device that keeps sessions
//                 (platform::TlsSessionCache): the abbreviated handshake, counted as above
//   arena         the server's arena use during one handshake (probe::PartyAllocator), beside
//                 the board's arena
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fake_clock.hpp"
#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/platform/tls_probe.hpp"
#include "portcullis/platform/tls_session_cache.hpp"
#include "test_credentials.hpp"

namespace {

namespace pp = portcullis::platform;
namespace probe = portcullis::platform::probe;
namespace cred = portcullis::credentials;
using probe::Party;
using probe::PartyAllocator;

constexpr std::size_t kMss = 536;  // lwIP's default TCP_MSS: how the link hands bytes over
constexpr const char* kDeviceAddress = "192.0.2.2";

probe::MemoryLink wire;
pp::PosixEntropy os;

// One identity and its configuration, made once as the device and the client tool do.
struct Side {
  pp::TlsCredentials id;
  mbedtls_ssl_config conf;

  Side() { mbedtls_ssl_config_init(&conf); }
  ~Side() {
    mbedtls_ssl_config_free(&conf);
    id.reset();
  }
  Side(const Side&) = delete;
  Side& operator=(const Side&) = delete;

  bool start(pp::TlsRole role, std::span<const std::uint8_t> cert,
             std::span<const std::uint8_t> key) {
    return portcullis::ok(id.load(cred::kCaCertificate, cert, key)) &&
           portcullis::ok(pp::tls_configure(
               conf, role, id,
               role == pp::TlsRole::kServer ? pp::FleetRole::kManagement : pp::FleetRole::kDevice));
  }
};

// One connection's context on `side`, attached to `end`.
struct Session {
  mbedtls_ssl_context ssl;

  Session() { mbedtls_ssl_init(&ssl); }
  ~Session() { mbedtls_ssl_free(&ssl); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool start(Side& side, probe::MemoryLink::End& end, const char* hostname) {
    if (mbedtls_ssl_setup(&ssl, &side.conf) != 0 ||
        (hostname != nullptr && mbedtls_ssl_set_hostname(&ssl, hostname) != 0)) {
      return false;
    }
    mbedtls_ssl_set_bio(&ssl, &end, probe::MemoryLink::send, probe::MemoryLink::recv, nullptr);
    return true;
  }
};

bool pending(int ret) {
  return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

}  // namespace

// The measured steps: one mbedtls_ssl_handshake call of either side.
extern "C" {
__attribute__((noinline, noipa)) int bench_server_step(mbedtls_ssl_context* ssl) {
  return mbedtls_ssl_handshake(ssl);
}
__attribute__((noinline, noipa)) int bench_client_step(mbedtls_ssl_context* ssl) {
  return mbedtls_ssl_handshake(ssl);
}
}

namespace {

// Steps both sides in turn, server first, as probe::run_handshake does.
bool handshake(Session& server, Session& client) {
  int s = MBEDTLS_ERR_SSL_WANT_READ;
  int c = MBEDTLS_ERR_SSL_WANT_READ;
  for (int round = 0; round < 64 && (pending(s) || pending(c)); ++round) {
    if (pending(s)) {
      s = bench_server_step(&server.ssl);
    }
    if (pending(c)) {
      c = bench_client_step(&client.ssl);
    }
  }
  if (s != 0 || c != 0) {
    std::fprintf(stderr, "handshake failed: server -0x%04x, client -0x%04x\n", -s, -c);
    return false;
  }
  return true;
}

// `count` handshakes; with `resume`, the client offers the session of a first (uncounted)
// full handshake and the device keeps sessions, so each counted one is abbreviated.
int run_handshakes(int count, bool resume) {
  // Room for the server, the client and the DRBG at once; the device's arena holds only its side.
  static std::array<std::uint8_t, 4 * pp::kTlsArenaBytes> arena;
  if (!portcullis::ok(pp::tls_init(pp::TlsSetup{
          .arena = arena, .entropy = &os, .seed_store = nullptr, .personalization = {}}))) {
    std::fprintf(stderr, "tls_init failed\n");
    return 1;
  }
  int done = 0;
  {
    Side device;
    Side mgmt;
    if (!device.start(pp::TlsRole::kServer, cred::kDeviceCertificate, cred::kDeviceKey) ||
        !mgmt.start(pp::TlsRole::kClient, portcullis::test::kMgmtCertificate,
                    portcullis::test::kMgmtKey)) {
      std::fprintf(stderr, "loading the credentials failed\n");
      return 1;
    }
    portcullis::test::FakeClock clock;  // never advanced: every resumption is within the lifetime
    pp::TlsSessionCache cache(clock);
    mbedtls_ssl_session kept;
    mbedtls_ssl_session_init(&kept);
    if (resume) {
      cache.attach(device.conf);
      wire.reset();
      Session server;
      Session client;
      if (!server.start(device, wire.server(), nullptr) ||
          !client.start(mgmt, wire.client(), kDeviceAddress) ||
          !probe::run_handshake(server.ssl, client.ssl).ok() ||
          mbedtls_ssl_get_session(&client.ssl, &kept) != 0) {
        std::fprintf(stderr, "the first, full handshake failed\n");
        count = -1;
      }
    }
    for (; done < count; ++done) {
      wire.reset();
      Session server;
      Session client;
      if (!server.start(device, wire.server(), nullptr) ||
          !client.start(mgmt, wire.client(), kDeviceAddress) ||
          (resume && mbedtls_ssl_set_session(&client.ssl, &kept) != 0) ||
          !handshake(server, client)) {
        break;
      }
    }
    mbedtls_ssl_session_free(&kept);
    if (resume && cache.stats().resumed != static_cast<std::uint32_t>(done)) {
      std::fprintf(stderr, "%u of %d handshakes resumed\n", cache.stats().resumed, done);
      done = -1;
    }
  }
  const pp::TlsArenaUse use = pp::tls_arena_use();
  pp::tls_shutdown();
  std::printf("%d %s handshakes; real arena, server + client + DRBG: high-water %zu B\n", done,
              resume ? "resumed" : "full", use.high_water);
  return done == count ? 0 : 1;
}

int measure_arena() {
  PartyAllocator::install();
  if (!portcullis::ok(pp::tls_init(pp::TlsSetup{
          .arena = {}, .entropy = &os, .seed_store = nullptr, .personalization = {}}))) {
    std::fprintf(stderr, "tls_init failed\n");
    return 1;
  }
  const std::size_t shared = PartyAllocator::use(Party::kShared).arena;
  std::size_t fixed = 0;
  std::size_t peak = 0;
  std::size_t client_peak = 0;
  bool ok = false;
  {
    Side device;
    Side mgmt;
    PartyAllocator::set_party(Party::kServer);
    const bool device_ok =
        device.start(pp::TlsRole::kServer, cred::kDeviceCertificate, cred::kDeviceKey);
    fixed = PartyAllocator::use(Party::kServer).arena;
    PartyAllocator::set_party(Party::kClient);
    const bool mgmt_ok = mgmt.start(pp::TlsRole::kClient, portcullis::test::kMgmtCertificate,
                                    portcullis::test::kMgmtKey);
    if (device_ok && mgmt_ok) {
      wire.reset();
      Session server;
      Session client;
      PartyAllocator::set_party(Party::kServer);
      const bool server_ok = server.start(device, wire.server(), nullptr);
      PartyAllocator::set_party(Party::kClient);
      const bool client_ok = client.start(mgmt, wire.client(), kDeviceAddress);
      PartyAllocator::set_party(Party::kShared);
      ok = server_ok && client_ok && probe::run_handshake(server.ssl, client.ssl).ok();
      peak = PartyAllocator::use(Party::kServer).peak_arena;
      client_peak = PartyAllocator::use(Party::kClient).peak_arena;
    }
    PartyAllocator::set_party(Party::kShared);
  }
  pp::tls_shutdown();
  PartyAllocator::uninstall();
  if (!ok) {
    std::fprintf(stderr, "handshake failed\n");
    return 1;
  }
  const std::size_t per_session = peak - fixed;
  const std::size_t bound = shared + fixed + pp::kTlsSessions * per_session;
  std::printf(
      "server's arena peak during one handshake: %zu B = entropy + DRBG %zu + credentials and "
      "profile %zu + one session %zu (the client's own peak: %zu B)\n",
      shared + peak, shared, fixed, per_session, client_peak);
  std::printf("board " PORTCULLIS_BENCH_BOARD
              ": kTlsArenaBytes %zu B for kTlsSessions %zu handshaking at once, which need "
              "%zu + %zu + %zu x %zu = %zu B (%zu B spare)\n",
              pp::kTlsArenaBytes, pp::kTlsSessions, shared, fixed, pp::kTlsSessions, per_session,
              bound, pp::kTlsArenaBytes >= bound ? pp::kTlsArenaBytes - bound : 0);
  return bound <= pp::kTlsArenaBytes ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  wire.set_chunk(kMss);
  if (argc == 3 && std::strcmp(argv[1], "handshakes") == 0 && std::atoi(argv[2]) > 0) {
    return run_handshakes(std::atoi(argv[2]), false);
  }
  if (argc == 3 && std::strcmp(argv[1], "resumed") == 0 && std::atoi(argv[2]) > 0) {
    return run_handshakes(std::atoi(argv[2]), true);
  }
  if (argc == 2 && std::strcmp(argv[1], "arena") == 0) {
    return measure_arena();
  }
  std::fprintf(stderr, "usage: %s handshakes N | resumed N | arena\n", argv[0]);
  return 2;
}
