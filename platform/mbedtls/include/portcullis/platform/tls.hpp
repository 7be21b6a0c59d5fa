// SPDX-License-Identifier: Apache-2.0
#pragma once
// Mbed TLS on Portcullis: the static arena, entropy, the DRBG and the device's credentials
// (platform/mbedtls/README.md). The TLS layer calls tls_init() once at boot, then uses
// tls_rng for every Mbed TLS call that takes an f_rng and TlsCredentials for its identity.

#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/entropy.hpp"
#include "portcullis/hal/wall_clock.hpp"

namespace portcullis::platform {

// Board settings (board.cmake): the built-in arena's size, and how many TLS sessions it was
// sized to hold while all of them handshake at once (the TLS layer refuses one more).
inline constexpr std::size_t kTlsArenaBytes = PORTCULLIS_TLS_ARENA_SIZE;
inline constexpr std::size_t kTlsSessions = PORTCULLIS_TLS_SESSIONS;
static_assert(kTlsSessions >= 1);

// Where the NV seed lives between uses (MBEDTLS_ENTROPY_NV_SEED): Mbed TLS reads it into
// every seeding of the DRBG and writes a fresh one derived from all entropy gathered at the
// first use after each tls_init (each boot). A real board implements this over a writable
// flash region provisioned per device; see RamSeedStore for what the QEMU board does.
class TlsSeedStore {
 public:
  static constexpr std::size_t kSize = 32;  // MBEDTLS_ENTROPY_BLOCK_SIZE with SHA-256

  TlsSeedStore(const TlsSeedStore&) = delete;
  TlsSeedStore& operator=(const TlsSeedStore&) = delete;

  Status read(std::span<std::uint8_t, kSize> out) { return do_read(out); }
  Status write(std::span<const std::uint8_t, kSize> seed) { return do_write(seed); }

 protected:
  TlsSeedStore() = default;
  ~TlsSeedStore() = default;

 private:
  virtual Status do_read(std::span<std::uint8_t, kSize> out) = 0;
  virtual Status do_write(std::span<const std::uint8_t, kSize> seed) = 0;
};

// A seed in RAM: starts as `initial` and holds every rewrite until reset. With the build's
// provisioned seed (provisioned_seed_store()) this is the QEMU board's only entropy: every
// cold boot of one image starts from the same seed, so a device without a TRNG or a writable
// NV seed region is only as unpredictable as its image is secret (README).
class RamSeedStore final : public TlsSeedStore {
 public:
  explicit RamSeedStore(std::span<const std::uint8_t, kSize> initial);

  std::uint32_t writes() const { return writes_; }

 private:
  Status do_read(std::span<std::uint8_t, kSize> out) override;
  Status do_write(std::span<const std::uint8_t, kSize> seed) override;

  std::uint8_t seed_[kSize];
  std::uint32_t writes_ = 0;
};

// The RAM copy of the seed generated from the build host's /dev/urandom into this build's
// image (platform/mbedtls/CMakeLists.txt; never committed). Our builds only
// (provisioned_seed_store.cpp): a library user's firmware gives its device's own seed store.
RamSeedStore& provisioned_seed_store();
// What tls_init() uses when its setup names no seed store: provisioned_seed_store() in our
// builds; nullptr in a library user's (no seed: TLS refused).
TlsSeedStore* default_seed_store();

// The built-in arena (kTlsArenaBytes of .bss), linked in only when something uses it.
std::span<std::uint8_t> builtin_tls_arena();

struct TlsSetup {
  std::span<std::uint8_t> arena;                  // Mbed TLS's whole heap; must outlive TLS use.
                                                  // Empty: keep the allocator Mbed TLS has
                                                  // (host tools and tests that set their own)
  hal::Entropy* entropy = nullptr;                // a TRNG or the OS; nullptr when there is none
  TlsSeedStore* seed_store = nullptr;             // nullptr: default_seed_store()
  std::span<const std::uint8_t> personalization;  // e.g. the device id: separates devices' DRBGs
  // A weak source (ADC noise, timer jitter): polled at every seeding, credited as no entropy;
  // it keeps two boots apart even on one seed, it does not stand in for the seed. Its
  // failure (a stuck ADC) only leaves its bytes out. nullptr when the board has none.
  hal::Entropy* noise = nullptr;
};

// Hands `arena` to Mbed TLS (mbedtls_memory_buffer_alloc_init), registers the entropy
// sources (the HAL's if any, and the NV seed), seeds the HMAC_DRBG (SHA-256) and thereby rewrites
// the NV seed; an arena corruption becomes hal::fatal(). Call once at boot, before any other Mbed
// TLS use. kUnavailable when no entropy source works, kInvalidArgument for an arena below 1 KiB,
// kInternal for an Mbed TLS error or a second call without tls_shutdown().
[[nodiscard]] Status tls_init(const TlsSetup& setup);

// The device's call: the built-in arena, the provisioned seed, the board's entropy (or none).
[[nodiscard]] inline Status tls_init(hal::Entropy* entropy,
                                     std::span<const std::uint8_t> personalization = {}) {
  return tls_init(TlsSetup{.arena = builtin_tls_arena(),
                           .entropy = entropy,
                           .seed_store = nullptr,
                           .personalization = personalization});
}

// Frees the DRBG and entropy contexts and detaches the arena. For tests and host tools that
// start over; every Mbed TLS object must be freed first.
void tls_shutdown();

bool tls_initialized();

// The clock certificate validity dates are checked against (mbedtls_time). While `clock`
// does not know the time, a certificate that expired before its floor date is refused and
// "not yet valid" is not judged (the only bound there is, the floor, is earlier than now).
// nullptr: the platform's own (the host's clock; a device without one refuses every date).
// For the life of every TLS session; set before the first handshake.
void tls_use_wall_clock(const hal::WallClock* clock);

// Bytes the weak noise source (TlsSetup::noise) gave since tls_init: 0 when it has none or
// it failed every poll (a stuck ADC), for a console line.
std::uint32_t tls_noise_bytes();

// The f_rng for Mbed TLS: mbedtls_ssl_conf_rng(&conf, platform::tls_rng, nullptr), the
// f_rng of mbedtls_pk_parse_key, ... Ignores its context argument. Fails (negative) before
// tls_init.
int tls_rng(void* unused, unsigned char* out, std::size_t len);

// Mixes bytes that differ between boots or connections (timer jitter, arrival times, a peer's
// hello random) into the DRBG and the entropy pool. Credited as no entropy: it keeps two
// boots from drawing the same stream, it does not make a secret out of public data.
void tls_mix(std::span<const std::uint8_t> noise);

// Derives a new NV seed from the pool and writes it to the seed store now (tls_init already
// does this once per boot). For boards whose store persists, on a schedule of their choosing.
[[nodiscard]] Status tls_refresh_seed();

// Arena use since tls_init: the highest byte Mbed TLS has touched (the arena is painted at
// init and scanned here; O(size)), i.e. the smallest arena the work so far would have fit in.
struct TlsArenaUse {
  std::size_t size = 0;
  std::size_t high_water = 0;
};
TlsArenaUse tls_arena_use();

// One TLS identity: the CA that peers must chain to, our certificate and our private key,
// parsed from DER. Certificates are parsed in place (mbedtls_x509_crt_parse_der_nocopy): the
// DER must outlive the object (the device's is constexpr in flash), and the arena holds only
// the parsed structures.
class TlsCredentials {
 public:
  TlsCredentials();
  ~TlsCredentials();
  TlsCredentials(const TlsCredentials&) = delete;
  TlsCredentials& operator=(const TlsCredentials&) = delete;

  // kInvalidArgument when a DER does not parse or the key does not match the certificate
  // (mbedtls_error() says which Mbed TLS error); needs tls_init first. Empty cert and key: a
  // CA only, for a client that presents no certificate (tests).
  [[nodiscard]] Status load(std::span<const std::uint8_t> ca_der,
                            std::span<const std::uint8_t> cert_der,
                            std::span<const std::uint8_t> key_der);

  // Sets the CA chain (no CRL) and, if loaded, our certificate and key on `conf`.
  [[nodiscard]] Status apply(mbedtls_ssl_config& conf);

  // Frees what load() parsed (configs using it must be freed first).
  void reset() { release(); }

  bool loaded() const { return loaded_; }
  bool has_certificate() const { return has_cert_; }
  // Our certificate's subject has one CN, and it is `cn` (the device id the record names).
  bool certificate_is_for(std::string_view cn) const;
  int mbedtls_error() const { return error_; }
  mbedtls_x509_crt& ca() { return ca_; }
  mbedtls_x509_crt& certificate() { return cert_; }
  mbedtls_pk_context& key() { return key_; }

 private:
  void release();

  mbedtls_x509_crt ca_;
  mbedtls_x509_crt cert_;
  mbedtls_pk_context key_;
  bool loaded_ = false;
  bool has_cert_ = false;
  int error_ = 0;
};

enum class TlsRole : std::uint8_t { kServer, kClient };

// Who holds a certificate of the fleet CA: its subject's one OU, as tools/pki writes it
// (/O=Portcullis/OU=<role>/CN=...). Devices carry EKU serverAuth (status endpoint) and
// clientAuth (push), management clients clientAuth, the broker serverAuth. The chain alone
// says nothing about the role: every device certificate could otherwise pass for a
// management client or the broker.
enum class FleetRole : std::uint8_t { kDevice, kManagement, kBroker };

// The OU of each role: the one place these strings live on the C++ side (tools/pki's
// leaf_ou is the other; the handshake tests use its certificates, so the two agree).
constexpr std::string_view fleet_role_ou(FleetRole role) {
  switch (role) {
    case FleetRole::kDevice:
      return "device";
    case FleetRole::kManagement:
      return "management";
    case FleetRole::kBroker:
      return "broker";
  }
  return {};
}

// The fleet's TLS profile on `conf` (call mbedtls_ssl_config_init first; the config keeps
// pointers into `identity`, which must outlive it): TLS 1.2 (and 1.3 when compiled),
// ECDHE-ECDSA-AES128-GCM-SHA256, P-256, ECDSA-SHA256 signatures, tls_rng, the peer's
// certificate REQUIRED and verified against identity.ca(), a client asks for 2 KiB records
// (max_fragment_length: Mbed TLS offers at most the smaller of its two record buffers).
// Renegotiation and tickets are not compiled in; a server resumes sessions only with a
// TlsSessionCache attached (tls_session_cache.hpp).
//
// Only a peer in role `peer` is accepted: its leaf certificate must carry an EKU extension
// with clientAuth (a server's peers) or serverAuth (a client's), and exactly one subject OU,
// fleet_role_ou(peer). Anything else fails the handshake in certificate verification
// (MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, verify result MBEDTLS_X509_BADCERT_OTHER) and Mbed
// TLS sends an access_denied alert. The check is the config's verify callback: do not replace
// it (mbedtls_ssl_conf_verify / mbedtls_ssl_set_verify). kInvalidArgument for a pair no fleet
// certificate can meet (a server expecting the broker, a client expecting management).
//
// The device: kServer expecting kManagement (status endpoint), kClient expecting kBroker
// (push); management tools: kClient expecting kDevice. A client must still name the server it
// expects: mbedtls_ssl_set_hostname(&ssl, the device's address or id). Handshake and idle
// deadlines are the transport's (the altcp layer's).
[[nodiscard]] Status tls_configure(mbedtls_ssl_config& conf, TlsRole role, TlsCredentials& identity,
                                   FleetRole peer);

// The one suite and group this build negotiates, for checks and messages.
inline constexpr int kTlsCipherSuite = MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;

}  // namespace portcullis::platform
