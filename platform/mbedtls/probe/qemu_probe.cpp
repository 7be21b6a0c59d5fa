// SPDX-License-Identifier: Apache-2.0
// The TLS probe images for QEMU's mps2 boards (platform/mbedtls/README.md, "Measuring"):
//   PORTCULLIS_PROBE_MODE 0  baseline: startup, console, nothing of TLS
//   PORTCULLIS_PROBE_MODE 1  the device's server path linked (init, credentials, profile,
//                            handshake, read, write, close): its size minus the baseline's is
//                            what the status endpoint's TLS costs in flash and RAM
//   PORTCULLIS_PROBE_MODE 2  kTlsSessions mutual-TLS sessions handshaking at once between
//                            servers with the build's device credentials (one config, as the
//                            TLS layer runs them) and clients with the management ones, in
//                            memory: each party's arena use and time, the server side held to
//                            the built-in arena's size; then the same in one real arena
//                            (high-water mark)
// Output and exit status go through Arm semihosting:
//   qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -semihosting -icount shift=0
//     -kernel portcullis-tls-probe.elf
// With -icount shift=0 QEMU runs one instruction per virtual nanosecond, so the milliseconds
// printed are millions of instructions.
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/hal/mmio.hpp"
#include "portcullis/hal/systick_clock.hpp"
#include "portcullis/platform/tls.hpp"

#if PORTCULLIS_PROBE_MODE == 2
#include "portcullis/platform/tls_probe.hpp"
#include "probe_client_credentials.hpp"
#endif

namespace {

// ---- semihosting ------------------------------------------------------------------------
constexpr int kSysWrite0 = 0x04;
constexpr int kSysExit = 0x18;
constexpr std::uintptr_t kApplicationExit = 0x20026;      // QEMU exits with status 0
constexpr std::uintptr_t kRunTimeErrorUnknown = 0x20023;  // QEMU exits with status 1

int semihost(int op, std::uintptr_t arg) {
  register int r0 asm("r0") = op;
  register std::uintptr_t r1 asm("r1") = arg;
  asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

class SemihostConsole final : public portcullis::hal::Console {
 private:
  void do_write(std::string_view text) override {
    char chunk[65];
    while (!text.empty()) {
      const std::size_t n = text.size() < sizeof chunk - 1 ? text.size() : sizeof chunk - 1;
      std::memcpy(chunk, text.data(), n);
      chunk[n] = '\0';
      semihost(kSysWrite0, reinterpret_cast<std::uintptr_t>(chunk));
      text.remove_prefix(n);
    }
  }
};

SemihostConsole console;
portcullis::hal::SysTickClock<portcullis::hal::Mmio> clock{portcullis::hal::Mmio{0xE000'E010}};
constexpr std::uint32_t kCoreHz = 25'000'000;  // every mps2 FPGA image

[[noreturn]] void finish(bool ok) {
  semihost(kSysExit, ok ? kApplicationExit : kRunTimeErrorUnknown);
  for (;;) {
  }
}

void say(std::string_view text) {
  console.write(text);
}
void say(std::uint64_t value) {
  char digits[21];
  std::size_t n = 0;
  do {
    digits[sizeof digits - 1 - n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  console.write({digits + sizeof digits - n, n});
}
void say(int value) {
  if (value < 0) {
    say("-");
    say(static_cast<std::uint64_t>(-static_cast<std::int64_t>(value)));
  } else {
    say(static_cast<std::uint64_t>(value));
  }
}

[[maybe_unused]] void check(bool ok, std::string_view what, int code = 0) {
  if (!ok) {
    say("tls-probe: FAILED: ");
    say(what);
    say(" (");
    say(code);
    say(")\n");
    finish(false);
  }
}

[[maybe_unused]] std::span<const std::uint8_t> device_id_bytes() {
  const auto id = portcullis::credentials::kDeviceId;
  return {reinterpret_cast<const std::uint8_t*>(id.data()), id.size()};
}

}  // namespace

extern "C" void SysTick_Handler() {
  clock.on_tick();
}

namespace pp = portcullis::platform;
namespace cred = portcullis::credentials;

#if PORTCULLIS_PROBE_MODE == 0

int main() {
  say("tls-probe: baseline\n");
  finish(true);
}

#elif PORTCULLIS_PROBE_MODE == 1

namespace {
int no_recv(void*, unsigned char*, std::size_t) {
  return MBEDTLS_ERR_SSL_WANT_READ;
}
int discard_send(void*, const unsigned char*, std::size_t len) {
  return static_cast<int>(len);
}
pp::TlsCredentials identity;
mbedtls_ssl_config conf;
mbedtls_ssl_context ssl;
}  // namespace

int main() {
  portcullis::hal::set_fatal_console(&console);
  check(portcullis::ok(pp::tls_init(nullptr, device_id_bytes())), "tls_init");
  check(portcullis::ok(
            identity.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)),
        "device credentials", identity.mbedtls_error());
  mbedtls_ssl_config_init(&conf);
  check(portcullis::ok(
            pp::tls_configure(conf, pp::TlsRole::kServer, identity, pp::FleetRole::kManagement)),
        "profile");
  const std::size_t fixed = pp::tls_arena_use().high_water;
  mbedtls_ssl_init(&ssl);
  check(mbedtls_ssl_setup(&ssl, &conf) == 0, "mbedtls_ssl_setup");
  mbedtls_ssl_set_bio(&ssl, nullptr, discard_send, no_recv, nullptr);
  const int ret = mbedtls_ssl_handshake(&ssl);
  unsigned char buf[16];
  (void)mbedtls_ssl_read(&ssl, buf, sizeof buf);
  (void)mbedtls_ssl_write(&ssl, buf, sizeof buf);
  (void)mbedtls_ssl_close_notify(&ssl);
  say("tls-probe: server path: arena ");
  say(static_cast<std::uint64_t>(pp::kTlsArenaBytes));
  say(" B, after credentials and profile ");
  say(static_cast<std::uint64_t>(fixed));
  say(" B, with one session set up ");
  say(static_cast<std::uint64_t>(pp::tls_arena_use().high_water));
  say(" B; first handshake step returned ");
  say(ret);
  say("\n");
  mbedtls_ssl_free(&ssl);
  mbedtls_ssl_config_free(&conf);
  finish(ret == MBEDTLS_ERR_SSL_WANT_READ);
}

#else

namespace {
using pp::probe::Party;
using pp::probe::PartyAllocator;

constexpr std::size_t kSessions = pp::kTlsSessions;
std::array<pp::probe::MemoryLink, kSessions> links;
alignas(8) std::uint8_t big_arena[2 * kSessions * 32 * 1024];

pp::TlsCredentials device;
pp::TlsCredentials mgmt;
mbedtls_ssl_config server_conf;
mbedtls_ssl_config client_conf;
std::array<mbedtls_ssl_context, kSessions> servers;
std::array<mbedtls_ssl_context, kSessions> clients;

struct Figures {
  std::size_t shared = 0;        // entropy + DRBG
  std::size_t server_fixed = 0;  // device credentials + server profile
  std::size_t server_setup = 0;  // + kSessions contexts before their handshakes
  std::size_t server_peak = 0;   // kSessions handshaking at once, then a request/response
  std::size_t server_after = 0;  // kSessions established sessions
  std::size_t client_peak = 0;
  std::uint64_t server_ms = 0;
  std::uint64_t client_ms = 0;
  std::uint64_t server_longest_step_ms = 0;  // the longest the super-loop waits on one call
  const char* version = "";
  const char* suite = "";
};

bool pending(int r) {
  return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE;
}

// `count` mutual-TLS sessions handshaking at once on one server configuration (as the TLS
// layer runs them), then a request and a 3000-byte response on the first, then closed.
void run_sessions(std::size_t count, Figures& f) {
  PartyAllocator::reset_peaks(Party::kServer);
  PartyAllocator::reset_peaks(Party::kClient);
  PartyAllocator::set_party(Party::kServer);
  check(
      portcullis::ok(device.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)),
      "device credentials", device.mbedtls_error());
  mbedtls_ssl_config_init(&server_conf);
  check(portcullis::ok(pp::tls_configure(server_conf, pp::TlsRole::kServer, device,
                                         pp::FleetRole::kManagement)),
        "server profile");
  f.server_fixed = PartyAllocator::use(Party::kServer).arena;
  PartyAllocator::set_party(Party::kClient);
  check(portcullis::ok(mgmt.load(cred::kCaCertificate, probe_credentials::kMgmtCertificate,
                                 probe_credentials::kMgmtKey)),
        "mgmt credentials", mgmt.mbedtls_error());
  mbedtls_ssl_config_init(&client_conf);
  check(portcullis::ok(
            pp::tls_configure(client_conf, pp::TlsRole::kClient, mgmt, pp::FleetRole::kDevice)),
        "client profile");
  for (std::size_t i = 0; i < count; ++i) {
    links[i].reset();
    links[i].set_chunk(536);  // lwIP's default TCP_MSS
    PartyAllocator::set_party(Party::kServer);
    mbedtls_ssl_init(&servers[i]);
    check(mbedtls_ssl_setup(&servers[i], &server_conf) == 0, "server setup");
    mbedtls_ssl_set_bio(&servers[i], &links[i].server(), pp::probe::MemoryLink::send,
                        pp::probe::MemoryLink::recv, nullptr);
    PartyAllocator::set_party(Party::kClient);
    mbedtls_ssl_init(&clients[i]);
    check(mbedtls_ssl_setup(&clients[i], &client_conf) == 0, "client setup");
    check(mbedtls_ssl_set_hostname(&clients[i], "192.0.2.2") == 0, "hostname");
    mbedtls_ssl_set_bio(&clients[i], &links[i].client(), pp::probe::MemoryLink::send,
                        pp::probe::MemoryLink::recv, nullptr);
  }
  f.server_setup = PartyAllocator::use(Party::kServer).arena;

  std::array<int, kSessions> sr;
  std::array<int, kSessions> cr;
  sr.fill(MBEDTLS_ERR_SSL_WANT_READ);
  cr.fill(MBEDTLS_ERR_SSL_WANT_READ);
  for (int round = 0; round < 64; ++round) {
    bool any = false;
    for (std::size_t i = 0; i < count; ++i) {
      if (pending(sr[i])) {
        PartyAllocator::set_party(Party::kServer);
        const std::uint64_t t0 = clock.now_ms();
        sr[i] = mbedtls_ssl_handshake(&servers[i]);
        const std::uint64_t step = clock.now_ms() - t0;
        f.server_ms += step;
        f.server_longest_step_ms =
            step > f.server_longest_step_ms ? step : f.server_longest_step_ms;
        any = true;
      }
      if (pending(cr[i])) {
        PartyAllocator::set_party(Party::kClient);
        const std::uint64_t t0 = clock.now_ms();
        cr[i] = mbedtls_ssl_handshake(&clients[i]);
        f.client_ms += clock.now_ms() - t0;
        any = true;
      }
    }
    if (!any) {
      break;
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (sr[i] != 0) {
      say("tls-probe: server verify flags ");
      say(static_cast<std::uint64_t>(mbedtls_ssl_get_verify_result(&servers[i])));
      say("\n");
    }
    check(sr[i] == 0, "server handshake", sr[i]);
    check(cr[i] == 0, "client handshake", cr[i]);
  }
  f.version = mbedtls_ssl_get_version(&servers[0]);
  f.suite = mbedtls_ssl_get_ciphersuite(&servers[0]);

  static constexpr char kRequest[] = "GET /v1/status HTTP/1.1\r\nHost: 192.0.2.2\r\n\r\n";
  PartyAllocator::set_party(Party::kClient);
  check(mbedtls_ssl_write(&clients[0], reinterpret_cast<const unsigned char*>(kRequest),
                          sizeof kRequest - 1) == static_cast<int>(sizeof kRequest - 1),
        "client write");
  PartyAllocator::set_party(Party::kServer);
  static unsigned char buf[3000];
  check(mbedtls_ssl_read(&servers[0], buf, sizeof buf) == static_cast<int>(sizeof kRequest - 1),
        "server read");
  std::memset(buf, 'x', sizeof buf);
  std::size_t sent = 0;
  while (sent < sizeof buf) {
    const int n = mbedtls_ssl_write(&servers[0], buf + sent, sizeof buf - sent);
    check(n > 0, "server write", n);
    sent += static_cast<std::size_t>(n);
  }
  PartyAllocator::set_party(Party::kClient);
  std::size_t got = 0;
  while (got < sizeof buf) {
    const int n = mbedtls_ssl_read(&clients[0], buf, sizeof buf);
    check(n > 0, "client read", n);
    got += static_cast<std::size_t>(n);
  }
  f.server_after = PartyAllocator::use(Party::kServer).arena;
  f.server_peak = PartyAllocator::use(Party::kServer).peak_arena;
  f.client_peak = PartyAllocator::use(Party::kClient).peak_arena;
  f.shared = PartyAllocator::use(Party::kShared).peak_arena;

  for (std::size_t i = 0; i < count; ++i) {
    PartyAllocator::set_party(Party::kServer);
    (void)mbedtls_ssl_close_notify(&servers[i]);
    mbedtls_ssl_free(&servers[i]);
    PartyAllocator::set_party(Party::kClient);
    mbedtls_ssl_free(&clients[i]);
  }
  mbedtls_ssl_config_free(&server_conf);
  mbedtls_ssl_config_free(&client_conf);
  device.reset();
  mgmt.reset();
  PartyAllocator::set_party(Party::kShared);
}

void say_size(std::string_view label, std::size_t bytes) {
  say(label);
  say(static_cast<std::uint64_t>(bytes));
  say(" B");
}

}  // namespace

int main() {
  portcullis::hal::set_fatal_console(&console);
  check(portcullis::ok(clock.start(kCoreHz)), "SysTick");

  // 1. Accounting on the C heap: each party's use; the server side may not exceed the
  //    built-in arena (what the board promises: kTlsSessions sessions handshaking at once).
  PartyAllocator::install();
  const pp::TlsSetup accounting{
      .arena = {}, .entropy = nullptr, .seed_store = nullptr, .personalization = device_id_bytes()};
  check(portcullis::ok(pp::tls_init(accounting)), "tls_init (accounting)");
  PartyAllocator::set_limit(Party::kServer,
                            pp::kTlsArenaBytes - PartyAllocator::use(Party::kShared).arena);
  Figures one;
  run_sessions(1, one);
  Figures f;
  run_sessions(kSessions, f);
  const std::size_t per_session = one.server_peak - one.server_fixed;
  const std::size_t bound = f.shared + one.server_fixed + kSessions * per_session;
  say("tls-probe: mutual TLS: ");
  say(f.version);
  say(" ");
  say(f.suite);
  say_size("\ntls-probe: arena-equivalent: entropy+DRBG ", f.shared);
  say_size(", device credentials+profile ", one.server_fixed);
  say_size("\ntls-probe: one session: set up ", one.server_setup);
  say_size(", handshake peak ", one.server_peak);
  say_size(", established ", one.server_after);
  say_size(", its client's peak ", one.client_peak);
  say("\ntls-probe: ");
  say(static_cast<std::uint64_t>(kSessions));
  say_size(" sessions at once: set up ", f.server_setup);
  say_size(", peak ", f.server_peak);
  say_size(", established ", f.server_after);
  say("\ntls-probe: bound for ");
  say(static_cast<std::uint64_t>(kSessions));
  say_size(" sessions in any interleaving: ", bound);
  say_size("; built-in arena ", pp::kTlsArenaBytes);
  say("\ntls-probe: time per handshake: server ");
  say(one.server_ms);
  say(" ms (longest single step ");
  say(one.server_longest_step_ms);
  say(" ms), client ");
  say(one.client_ms);
  say(" ms (under -icount shift=0: millions of instructions)\n");
  check(bound <= pp::kTlsArenaBytes, "the built-in arena is too small for kTlsSessions");
  const std::size_t accounted = f.shared + f.server_peak + f.client_peak;
  pp::tls_shutdown();
  PartyAllocator::uninstall();

  // 2. The same in one real arena, both parties: fragmentation against the accounting.
  const pp::TlsSetup real{.arena = big_arena,
                          .entropy = nullptr,
                          .seed_store = nullptr,
                          .personalization = device_id_bytes()};
  check(portcullis::ok(pp::tls_init(real)), "tls_init (arena)");
  Figures g;
  run_sessions(kSessions, g);
  say_size("tls-probe: real arena, servers and clients together: high-water ",
           pp::tls_arena_use().high_water);
  say_size(" (accounted peaks ", accounted);
  say(")\n");
  pp::tls_shutdown();
  finish(true);
}

#endif
