// SPDX-License-Identifier: Apache-2.0
#include "portcullis/platform/tls.hpp"

#include "portcullis/platform/mbedtls_requirements.h"

#include <mbedtls/entropy.h>
#include <mbedtls/hmac_drbg.h>
#include <mbedtls/md.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>

#include "portcullis/base/civil_time.hpp"
#include "portcullis/hal/fatal.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#if PORTCULLIS_MBEDTLS_TLS13
#include <psa/crypto.h>
#endif

namespace portcullis::platform {
namespace {

static_assert(TlsSeedStore::kSize == MBEDTLS_ENTROPY_BLOCK_SIZE,
              "the NV seed is one entropy block (SHA-256 accumulator)");

// Below the paint offset lie the allocator's first header and alignment slack (at most
// 7 + 64 bytes on a 64-bit host): painting must not touch them.
constexpr std::size_t kPaintOffset = 128;
constexpr std::uint8_t kPaint = 0xA5;
constexpr std::size_t kMinArena = 1024;

struct State {
  bool initialized = false;
  std::span<std::uint8_t> arena;
  TlsSeedStore* seed_store = nullptr;
  hal::Entropy* entropy = nullptr;
  hal::Entropy* noise = nullptr;
  std::uint32_t noise_bytes = 0;
  mbedtls_entropy_context pool;
  mbedtls_hmac_drbg_context drbg;
};
State state;

// tls_use_wall_clock(): apart from State, it outlives tls_shutdown().
const hal::WallClock* wall_clock = nullptr;
mbedtls_time_t (*const platform_time)(mbedtls_time_t*) = mbedtls_time;

mbedtls_time_t wall_time(mbedtls_time_t* out) {
  const auto t = static_cast<mbedtls_time_t>(wall_clock->unix_seconds_or_floor());
  if (out != nullptr) {
    *out = t;
  }
  return t;
}

// Mbed TLS's NV seed hooks (MBEDTLS_PLATFORM_NV_SEED_ALT): the registered store.
int nv_seed_read(unsigned char* buf, std::size_t len) {
  if (state.seed_store == nullptr || len != TlsSeedStore::kSize) {
    return -1;
  }
  const std::span<std::uint8_t, TlsSeedStore::kSize> out{buf, TlsSeedStore::kSize};
  return ok(state.seed_store->read(out)) ? static_cast<int>(len) : -1;
}

int nv_seed_write(unsigned char* buf, std::size_t len) {
  if (state.seed_store == nullptr || len != TlsSeedStore::kSize) {
    return -1;
  }
  const std::span<const std::uint8_t, TlsSeedStore::kSize> seed{buf, TlsSeedStore::kSize};
  return ok(state.seed_store->write(seed)) ? static_cast<int>(len) : -1;
}

// mbedtls_exit: only the arena allocator calls it, on a corrupted heap.
void mbedtls_exit_fatal(int) {
  hal::fatal("Mbed TLS arena corrupted");
}

// An Mbed TLS entropy source over the HAL.
int hal_entropy_poll(void* data, unsigned char* output, std::size_t len, std::size_t* olen) {
  auto* entropy = static_cast<hal::Entropy*>(data);
  if (!ok(entropy->fill(std::span<std::uint8_t>{output, len}))) {
    *olen = 0;
    return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
  }
  *olen = len;
  return 0;
}

// The weak source: what it gave, or nothing; never a failure of the whole gathering.
int hal_noise_poll(void* data, unsigned char* output, std::size_t len, std::size_t* olen) {
  auto* noise = static_cast<hal::Entropy*>(data);
  *olen = 0;
  if (ok(noise->fill(std::span<std::uint8_t>{output, len}))) {
    *olen = len;
    state.noise_bytes += static_cast<std::uint32_t>(len);
  }
  return 0;
}

}  // namespace

Status tls_init(const TlsSetup& setup) {
  if (state.initialized) {
    return Status::kInternal;  // tls_shutdown() first
  }
  if (!setup.arena.empty() && setup.arena.size() < kMinArena) {
    return Status::kInvalidArgument;
  }
  mbedtls_platform_set_exit(mbedtls_exit_fatal);
  state.arena = setup.arena;
  if (!state.arena.empty()) {
    mbedtls_memory_buffer_alloc_init(state.arena.data(), state.arena.size());
    std::fill(state.arena.begin() + kPaintOffset, state.arena.end(), kPaint);
  }

  state.seed_store = setup.seed_store != nullptr ? setup.seed_store : default_seed_store();
  if (state.seed_store == nullptr) {
    return Status::kUnavailable;  // a library user's firmware without a seed store: no TLS
  }
  state.entropy = setup.entropy;
  state.noise = setup.noise;
  state.noise_bytes = 0;
  mbedtls_platform_set_nv_seed(nv_seed_read, nv_seed_write);

  // mbedtls_entropy_init registers the NV seed as a strong source; the HAL's joins it. The
  // first draw (inside mbedtls_hmac_drbg_seed) writes a new NV seed derived from all sources.
  mbedtls_entropy_init(&state.pool);
  mbedtls_hmac_drbg_init(&state.drbg);
  int ret = 0;
  if (state.entropy != nullptr) {
    ret = mbedtls_entropy_add_source(&state.pool, hal_entropy_poll, state.entropy,
                                     MBEDTLS_ENTROPY_BLOCK_SIZE, MBEDTLS_ENTROPY_SOURCE_STRONG);
  }
  if (ret == 0 && state.noise != nullptr) {
    // Threshold 0: a source that gave nothing must not hold the gathering up (Mbed TLS loops
    // until every source reached its threshold).
    ret = mbedtls_entropy_add_source(&state.pool, hal_noise_poll, state.noise, 0,
                                     MBEDTLS_ENTROPY_SOURCE_WEAK);
  }
  if (ret == 0) {
    // HMAC_DRBG on SHA-256, which TLS needs anyway: no second DRBG (CTR_DRBG and its AES-256
    // key schedule) in the image.
    ret = mbedtls_hmac_drbg_seed(&state.drbg, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                 mbedtls_entropy_func, &state.pool, setup.personalization.data(),
                                 setup.personalization.size());
  }
#if PORTCULLIS_MBEDTLS_TLS13
  if (ret == 0 && psa_crypto_init() != PSA_SUCCESS) {
    ret = MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
  }
#endif
  if (ret != 0) {
    mbedtls_hmac_drbg_free(&state.drbg);
    mbedtls_entropy_free(&state.pool);
    if (!state.arena.empty()) {
      mbedtls_memory_buffer_alloc_free();
    }
    state = State{};
    return ret == MBEDTLS_ERR_HMAC_DRBG_ENTROPY_SOURCE_FAILED ? Status::kUnavailable
                                                              : Status::kInternal;
  }
  state.initialized = true;
  return Status::kOk;
}

void tls_shutdown() {
  if (!state.initialized) {
    return;
  }
#if PORTCULLIS_MBEDTLS_TLS13
  mbedtls_psa_crypto_free();
#endif
  mbedtls_hmac_drbg_free(&state.drbg);
  mbedtls_entropy_free(&state.pool);
  if (!state.arena.empty()) {
    mbedtls_memory_buffer_alloc_free();
  }
  mbedtls_platform_set_nv_seed(nullptr, nullptr);
  state = State{};
}

bool tls_initialized() {
  return state.initialized;
}

void tls_use_wall_clock(const hal::WallClock* clock) {
  wall_clock = clock;
  mbedtls_platform_set_time(clock != nullptr ? wall_time : platform_time);
}

std::uint32_t tls_noise_bytes() {
  return state.noise_bytes;
}

int tls_rng(void*, unsigned char* out, std::size_t len) {
  if (!state.initialized) {
    return MBEDTLS_ERR_HMAC_DRBG_ENTROPY_SOURCE_FAILED;
  }
  while (len > 0) {
    const std::size_t n = std::min<std::size_t>(len, MBEDTLS_HMAC_DRBG_MAX_REQUEST);
    if (const int ret = mbedtls_hmac_drbg_random(&state.drbg, out, n); ret != 0) {
      return ret;
    }
    out += n;
    len -= n;
  }
  return 0;
}

void tls_mix(std::span<const std::uint8_t> noise) {
  if (!state.initialized) {
    return;
  }
  while (!noise.empty()) {
    const std::size_t n = std::min<std::size_t>(noise.size(), MBEDTLS_HMAC_DRBG_MAX_INPUT);
    // Both only fail on SHA-256 errors, which these inputs cannot cause.
    (void)mbedtls_hmac_drbg_update(&state.drbg, noise.data(), n);
    (void)mbedtls_entropy_update_manual(&state.pool, noise.data(), n);
    noise = noise.subspan(n);
  }
}

Status tls_refresh_seed() {
  if (!state.initialized) {
    return Status::kUnavailable;
  }
  const int ret = mbedtls_entropy_update_nv_seed(&state.pool);
  return ret == 0 ? Status::kOk : Status::kUnavailable;
}

TlsArenaUse tls_arena_use() {
  if (!state.initialized || state.arena.empty()) {
    return {};
  }
  const auto painted = state.arena.subspan(kPaintOffset);
  const auto last =
      std::find_if(painted.rbegin(), painted.rend(), [](std::uint8_t b) { return b != kPaint; });
  return {.size = state.arena.size(),
          .high_water = kPaintOffset + static_cast<std::size_t>(painted.rend() - last)};
}

// ---- credentials ------------------------------------------------------------------------

namespace {
// The certificate's public key is the private key's: a comparison of the encoded points
// (the build checked the pair with openssl too; mbedtls_pk_check_pair would cost a scalar
// multiplication, about a second on the Cortex-M3).
bool same_public_key(const mbedtls_x509_crt& cert, const mbedtls_pk_context& key) {
  if (mbedtls_pk_get_type(&cert.pk) != MBEDTLS_PK_ECKEY ||
      mbedtls_pk_get_type(&key) != MBEDTLS_PK_ECKEY) {
    return false;
  }
  constexpr std::size_t kPointBytes = 1 + 2 * 32;  // uncompressed P-256 point
  unsigned char a[kPointBytes];
  unsigned char b[kPointBytes];
  std::size_t a_len = 0;
  std::size_t b_len = 0;
  return mbedtls_ecp_write_public_key(mbedtls_pk_ec(cert.pk), MBEDTLS_ECP_PF_UNCOMPRESSED, &a_len,
                                      a, sizeof a) == 0 &&
         mbedtls_ecp_write_public_key(mbedtls_pk_ec(key), MBEDTLS_ECP_PF_UNCOMPRESSED, &b_len, b,
                                      sizeof b) == 0 &&
         a_len == b_len && std::memcmp(a, b, a_len) == 0;
}
}  // namespace

TlsCredentials::TlsCredentials() {
  mbedtls_x509_crt_init(&ca_);
  mbedtls_x509_crt_init(&cert_);
  mbedtls_pk_init(&key_);
}

TlsCredentials::~TlsCredentials() {
  release();
}

void TlsCredentials::release() {
  mbedtls_x509_crt_free(&ca_);
  mbedtls_x509_crt_free(&cert_);
  mbedtls_pk_free(&key_);
  mbedtls_x509_crt_init(&ca_);
  mbedtls_x509_crt_init(&cert_);
  mbedtls_pk_init(&key_);
  loaded_ = false;
  has_cert_ = false;
}

Status TlsCredentials::load(std::span<const std::uint8_t> ca_der,
                            std::span<const std::uint8_t> cert_der,
                            std::span<const std::uint8_t> key_der) {
  release();
  if (cert_der.empty() != key_der.empty()) {
    error_ = MBEDTLS_ERR_PK_BAD_INPUT_DATA;
    return Status::kInvalidArgument;
  }
  error_ = mbedtls_x509_crt_parse_der_nocopy(&ca_, ca_der.data(), ca_der.size());
  has_cert_ = !cert_der.empty();
  if (error_ == 0 && has_cert_) {
    error_ = mbedtls_x509_crt_parse_der_nocopy(&cert_, cert_der.data(), cert_der.size());
    if (error_ == 0) {
      error_ =
          mbedtls_pk_parse_key(&key_, key_der.data(), key_der.size(), nullptr, 0, tls_rng, nullptr);
    }
    if (error_ == 0 && !same_public_key(cert_, key_)) {
      error_ = MBEDTLS_ERR_PK_BAD_INPUT_DATA;
    }
  }
  if (error_ != 0) {
    release();
    return Status::kInvalidArgument;
  }
  loaded_ = true;
  return Status::kOk;
}

Status TlsCredentials::apply(mbedtls_ssl_config& conf) {
  if (!loaded_) {
    return Status::kUnavailable;
  }
  mbedtls_ssl_conf_ca_chain(&conf, &ca_, nullptr);
  error_ = has_cert_ ? mbedtls_ssl_conf_own_cert(&conf, &cert_, &key_) : 0;
  return error_ == 0 ? Status::kOk : Status::kResourceExhausted;
}

// ---- the fleet's TLS profile ------------------------------------------------------------

namespace {
constexpr int kSuites[] = {
#if PORTCULLIS_MBEDTLS_TLS13
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
#endif
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0};
constexpr std::uint16_t kGroups[] = {MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
                                     MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
// TLS 1.3's code point; Mbed TLS maps it to TLS 1.2's ecdsa+sha256 pair as well.
constexpr std::uint16_t kSignatures[] = {MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
                                         MBEDTLS_TLS1_3_SIG_NONE};

// What a peer's leaf certificate must show besides its chain to the fleet CA.
struct PeerRule {
  std::string_view ou;   // the subject's one OU
  std::string_view eku;  // a purpose the EKU extension must hold (DER OID; the extension
                         // must be there: Mbed TLS lets a certificate without one pass)
};

constexpr std::string_view kClientAuth{MBEDTLS_OID_CLIENT_AUTH,
                                       MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)};
constexpr std::string_view kServerAuth{MBEDTLS_OID_SERVER_AUTH,
                                       MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)};

constexpr PeerRule rule_for(TlsRole role, FleetRole peer) {
  return {fleet_role_ou(peer), role == TlsRole::kServer ? kClientAuth : kServerAuth};
}

// Indexed [TlsRole][FleetRole]; the verify callback gets a pointer to one.
static_assert(static_cast<int>(TlsRole::kServer) == 0 && static_cast<int>(TlsRole::kClient) == 1);
static_assert(static_cast<int>(FleetRole::kDevice) == 0 &&
              static_cast<int>(FleetRole::kManagement) == 1 &&
              static_cast<int>(FleetRole::kBroker) == 2);
constexpr PeerRule kPeerRules[2][3] = {
    {rule_for(TlsRole::kServer, FleetRole::kDevice),
     rule_for(TlsRole::kServer, FleetRole::kManagement),
     rule_for(TlsRole::kServer, FleetRole::kBroker)},
    {rule_for(TlsRole::kClient, FleetRole::kDevice),
     rule_for(TlsRole::kClient, FleetRole::kManagement),
     rule_for(TlsRole::kClient, FleetRole::kBroker)},
};

bool has_purpose(const mbedtls_x509_crt& crt, std::string_view eku) {
  return mbedtls_x509_crt_has_ext_type(&crt, MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE) != 0 &&
         mbedtls_x509_crt_check_extended_key_usage(&crt, eku.data(), eku.size()) == 0;
}

// Exactly one attribute `oid` in the name (multi-valued RDNs included), equal to `value`.
bool sole_attribute_is(const mbedtls_x509_name& name, const char* oid, std::size_t oid_len,
                       std::string_view value) {
  int count = 0;
  bool equal = false;
  for (const mbedtls_x509_name* n = &name; n != nullptr; n = n->next) {
    if (n->oid.len == oid_len && std::memcmp(n->oid.p, oid, oid_len) == 0) {
      ++count;
      equal = std::string_view(reinterpret_cast<const char*>(n->val.p), n->val.len) == value;
    }
  }
  return count == 1 && equal;
}

bool sole_ou_is(const mbedtls_x509_crt& crt, std::string_view ou) {
  return sole_attribute_is(crt.subject, MBEDTLS_OID_AT_ORG_UNIT,
                           MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORG_UNIT), ou);
}

// Mbed TLS's verify callback, once per certificate of the chain (depth 0: the peer's own).
// A flag set here fails verification even when the chain is good; BADCERT_OTHER makes Mbed
// TLS answer with access_denied.
int check_peer_role(void* rule, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
  const auto& want = *static_cast<const PeerRule*>(rule);
  if (wall_clock != nullptr && !wall_clock->known()) {
    // Checked against the floor: "expired" is true, "not yet valid" may not be.
    *flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_FUTURE);
  }
  if (depth == 0 && !(has_purpose(*crt, want.eku) && sole_ou_is(*crt, want.ou))) {
    *flags |= MBEDTLS_X509_BADCERT_OTHER;
  }
  return 0;
}

}  // namespace

bool TlsCredentials::certificate_is_for(std::string_view cn) const {
  return has_cert_ && sole_attribute_is(cert_.subject, MBEDTLS_OID_AT_CN,
                                        MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN), cn);
}

Status tls_configure(mbedtls_ssl_config& conf, TlsRole role, TlsCredentials& identity,
                     FleetRole peer) {
  // A management certificate is for clients only, the broker's for servers only.
  if ((role == TlsRole::kServer && peer == FleetRole::kBroker) ||
      (role == TlsRole::kClient && peer == FleetRole::kManagement)) {
    return Status::kInvalidArgument;
  }
  if (!state.initialized || !identity.loaded()) {
    return Status::kUnavailable;
  }
  const int endpoint = role == TlsRole::kServer ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT;
  if (mbedtls_ssl_config_defaults(&conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
    return Status::kInternal;
  }
  mbedtls_ssl_conf_rng(&conf, tls_rng, nullptr);
  mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  // Mbed TLS reads the rule, never writes it.
  mbedtls_ssl_conf_verify(
      &conf, check_peer_role,
      const_cast<PeerRule*>(&kPeerRules[static_cast<int>(role)][static_cast<int>(peer)]));
  mbedtls_ssl_conf_min_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
#if PORTCULLIS_MBEDTLS_TLS13
  mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3);
#else
  mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
  mbedtls_ssl_conf_ciphersuites(&conf, kSuites);
  mbedtls_ssl_conf_groups(&conf, kGroups);
  mbedtls_ssl_conf_sig_algs(&conf, kSignatures);
  if (role == TlsRole::kClient &&
      mbedtls_ssl_conf_max_frag_len(&conf, MBEDTLS_SSL_MAX_FRAG_LEN_2048) != 0) {
    return Status::kInternal;
  }
  return identity.apply(conf);
}

}  // namespace portcullis::platform

#if defined(MBEDTLS_PLATFORM_GMTIME_R_ALT)
// The calendar date Mbed TLS compares certificate dates with (MBEDTLS_PLATFORM_GMTIME_R_ALT).
extern "C" struct tm* mbedtls_platform_gmtime_r(const mbedtls_time_t* tt, struct tm* tm_buf) {
  const portcullis::CivilTime t = portcullis::civil_time(static_cast<std::int64_t>(*tt));
  *tm_buf = {};
  tm_buf->tm_year = t.year - 1900;
  tm_buf->tm_mon = t.month - 1;
  tm_buf->tm_mday = t.day;
  tm_buf->tm_hour = t.hour;
  tm_buf->tm_min = t.minute;
  tm_buf->tm_sec = t.second;
  return tm_buf;
}
#endif

#if defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
extern "C" mbedtls_ms_time_t mbedtls_ms_time(void) {
  const portcullis::hal::WallClock* clock = portcullis::platform::wall_clock;
  if (clock == nullptr) {
    return 0;
  }
  return clock->unix_ms().value_or(clock->floor_unix_s() * 1000);
}
#endif

#if PORTCULLIS_MBEDTLS_TLS13
// MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG: PSA (TLS 1.3's key schedule and ephemeral keys) draws
// from the same DRBG as everything else.
extern "C" psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t*,
                                                        uint8_t* output, size_t output_size,
                                                        size_t* output_length) {
  if (portcullis::platform::tls_rng(nullptr, output, output_size) != 0) {
    *output_length = 0;
    return PSA_ERROR_INSUFFICIENT_ENTROPY;
  }
  *output_length = output_size;
  return PSA_SUCCESS;
}
#endif
