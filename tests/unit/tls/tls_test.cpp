// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/oid.h>
#include <mbedtls/platform.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "test_credentials.hpp"

// What the configuration must (not) contain: a change here is a build error of this test.
#if defined(MBEDTLS_SSL_RENEGOTIATION)
#error "renegotiation must stay off"
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS) || defined(MBEDTLS_SSL_TICKET_C) || \
    defined(MBEDTLS_SSL_CACHE_C)
#error "no session resumption: tickets and cache stay off"
#endif
#if !defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
#error "the max_fragment_length extension is part of the profile"
#endif
#if (MBEDTLS_SSL_IN_CONTENT_LEN != 4096 && MBEDTLS_SSL_IN_CONTENT_LEN != 2048) || \
    MBEDTLS_SSL_OUT_CONTENT_LEN != 2048
#error "record buffers are 4096 (or 2048 on a small board) in / 2048 out (README)"
#endif
#if !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) || defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED) || \
    defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED) || defined(MBEDTLS_RSA_C)
#error "P-256 is the only curve and there is no RSA"
#endif
#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || !defined(MBEDTLS_ENTROPY_NV_SEED) || \
    !defined(MBEDTLS_NO_PLATFORM_ENTROPY)
#error "static arena, NV seed and HAL entropy are the platform's design"
#endif

namespace {

using portcullis::Status;
namespace pp = portcullis::platform;
namespace cred = portcullis::credentials;
namespace t = portcullis::test;

// An entropy source that always fails, and one that counts its calls.
class BrokenEntropy final : public portcullis::hal::Entropy {
 private:
  Status do_fill(std::span<std::uint8_t>) override { return Status::kUnavailable; }
};

class CountingEntropy final : public portcullis::hal::Entropy {
 public:
  int calls = 0;

 private:
  Status do_fill(std::span<std::uint8_t> out) override {
    ++calls;
    return os_.fill(out);
  }
  pp::PosixEntropy os_;
};

// A weak noise source giving a fixed byte pattern (an ADC's low bits), counting its bytes.
class PatternNoise final : public portcullis::hal::Entropy {
 public:
  explicit PatternNoise(std::uint8_t v) : v_(v) {}
  std::size_t given = 0;

 private:
  Status do_fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = v_;
    given += out.size();
    return Status::kOk;
  }
  std::uint8_t v_;
};

// A seed store that refuses to be read.
class BrokenSeedStore final : public pp::TlsSeedStore {
 private:
  Status do_read(std::span<std::uint8_t, kSize>) override { return Status::kUnavailable; }
  Status do_write(std::span<const std::uint8_t, kSize>) override { return Status::kUnavailable; }
};

constexpr std::array<std::uint8_t, 32> kSeed = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::array<std::uint8_t, 32> draw() {
  std::array<std::uint8_t, 32> out{};
  LONGS_EQUAL(0, pp::tls_rng(nullptr, out.data(), out.size()));
  return out;
}

// The first 32 bytes a fresh tls_init draws from a RAM seed store starting at kSeed.
std::array<std::uint8_t, 32> first_draw(portcullis::hal::Entropy* entropy,
                                        std::string_view personalization,
                                        std::span<const std::uint8_t> noise = {}) {
  pp::RamSeedStore store{kSeed};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{.arena = arena,
                           .entropy = entropy,
                           .seed_store = &store,
                           .personalization = bytes(personalization)};
  CHECK(portcullis::ok(pp::tls_init(setup)));
  pp::tls_mix(noise);
  const auto out = draw();
  pp::tls_shutdown();
  return out;
}

// The first draw from kSeed with a weak noise source beside the NV seed.
std::array<std::uint8_t, 32> first_draw_with_noise(portcullis::hal::Entropy* noise,
                                                   Status* status = nullptr) {
  pp::RamSeedStore store{kSeed};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{.arena = arena,
                           .entropy = nullptr,
                           .seed_store = &store,
                           .personalization = {},
                           .noise = noise};
  const Status st = pp::tls_init(setup);
  if (status != nullptr) *status = st;
  std::array<std::uint8_t, 32> out{};
  if (portcullis::ok(st)) {
    out = draw();
    pp::tls_shutdown();
  }
  return out;
}

std::string_view common_name(const mbedtls_x509_name* name) {
  for (; name != nullptr; name = name->next) {
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &name->oid) == 0) {
      return {reinterpret_cast<const char*>(name->val.p), name->val.len};
    }
  }
  return {};
}

}  // namespace

TEST_GROUP(TlsInit) {
  void teardown() override {
    pp::tls_shutdown();
  }
  pp::PosixEntropy os;
};

TEST(TlsInit, DrawsRandomBytesFromTheBuiltInArenaSetup) {
  CHECK(portcullis::ok(pp::tls_init(&os, bytes(cred::kDeviceId))));
  CHECK(pp::tls_initialized());
  const auto a = draw();
  const auto b = draw();
  CHECK(a != b);
  const auto use = pp::tls_arena_use();
  LONGS_EQUAL(pp::kTlsArenaBytes, use.size);
  CHECK(use.high_water > 0);
  CHECK(use.high_water < use.size);
}

TEST(TlsInit, RngFailsBeforeInit) {
  unsigned char out[16];
  CHECK(pp::tls_rng(nullptr, out, sizeof out) != 0);
  CHECK(!pp::tls_initialized());
}

TEST(TlsInit, RngServesRequestsLargerThanOneDrbgCall) {
  CHECK(portcullis::ok(pp::tls_init(&os)));
  std::vector<std::uint8_t> big(3000, 0);
  LONGS_EQUAL(0, pp::tls_rng(nullptr, big.data(), big.size()));
  std::size_t zeros = 0;
  for (auto v : big) {
    zeros += v == 0 ? 1 : 0;
  }
  CHECK(zeros < 100);  // the tail past 1024 bytes was filled too
}

TEST(TlsInit, SecondInitWithoutShutdownIsRefused) {
  CHECK(portcullis::ok(pp::tls_init(&os)));
  CHECK(pp::tls_init(&os) == Status::kInternal);
  CHECK(pp::tls_initialized());
}

TEST(TlsInit, RefusesAnArenaTooSmallToHoldAnything) {
  static std::array<std::uint8_t, 512> tiny;
  const pp::TlsSetup setup{
      .arena = tiny, .entropy = &os, .seed_store = nullptr, .personalization = {}};
  CHECK(pp::tls_init(setup) == Status::kInvalidArgument);
  CHECK(!pp::tls_initialized());
}

TEST(TlsInit, FailsWhenTheOnlyEntropySourcesFail) {
  BrokenEntropy broken;
  CHECK(pp::tls_init(&broken) == Status::kUnavailable);
  CHECK(!pp::tls_initialized());
  unsigned char out[4];
  CHECK(pp::tls_rng(nullptr, out, sizeof out) != 0);
}

TEST(TlsInit, FailsWhenTheSeedStoreCannotBeRead) {
  BrokenSeedStore store;
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = &os, .seed_store = &store, .personalization = {}};
  CHECK(pp::tls_init(setup) == Status::kUnavailable);
}

TEST(TlsInit, UsesTheHalEntropySourceWhenGiven) {
  CountingEntropy counting;
  CHECK(portcullis::ok(pp::tls_init(&counting)));
  CHECK(counting.calls > 0);
}

TEST(TlsInit, WorksOnTheNvSeedAloneLikeTheQemuBoard) {
  CHECK(portcullis::ok(pp::tls_init(nullptr)));
  const auto a = draw();
  CHECK(a != draw());
}

// Why a real board needs a TRNG or a writable NV seed: with neither, one seed gives one stream.
TEST(TlsInit, WithoutEntropyTheSameSeedGivesTheSameStream) {
  CHECK(first_draw(nullptr, "dev-1") == first_draw(nullptr, "dev-1"));
}

TEST(TlsInit, PersonalizationSeparatesDevicesSharingASeed) {
  CHECK(first_draw(nullptr, "dev-1") != first_draw(nullptr, "dev-2"));
}

TEST(TlsInit, MixedNoiseChangesTheStream) {
  const std::array<std::uint8_t, 4> noise = {0xde, 0xad, 0xbe, 0xef};
  CHECK(first_draw(nullptr, "dev-1") != first_draw(nullptr, "dev-1", noise));
}

TEST(TlsInit, AWeakNoiseSourceGoesIntoTheSeeding) {
  PatternNoise a{1};
  PatternNoise a_again{1};
  PatternNoise b{2};
  const auto with_a = first_draw_with_noise(&a);
  CHECK(a.given > 0);
  CHECK(with_a == first_draw_with_noise(&a_again));
  CHECK(with_a != first_draw_with_noise(&b));
  CHECK(with_a != first_draw_with_noise(nullptr));
}

TEST(TlsInit, AFailingNoiseSourceOnlyLeavesItsBytesOut) {
  BrokenEntropy stuck;  // a stuck ADC failing its health test
  Status st = Status::kInternal;
  const auto out = first_draw_with_noise(&stuck, &st);
  CHECK(portcullis::ok(st));
  CHECK(out == first_draw_with_noise(nullptr));
}

TEST(TlsInit, CountsTheNoiseBytesGiven) {
  PatternNoise a{1};
  pp::RamSeedStore store{kSeed};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = nullptr, .seed_store = &store, .personalization = {}, .noise = &a};
  CHECK(portcullis::ok(pp::tls_init(setup)));
  CHECK(pp::tls_noise_bytes() > 0);
  LONGS_EQUAL(a.given, pp::tls_noise_bytes());
  pp::tls_shutdown();
  BrokenEntropy stuck;
  const pp::TlsSetup broken{.arena = arena,
                            .entropy = nullptr,
                            .seed_store = &store,
                            .personalization = {},
                            .noise = &stuck};
  CHECK(portcullis::ok(pp::tls_init(broken)));
  LONGS_EQUAL(0, pp::tls_noise_bytes());
}

TEST(TlsInit, HalEntropyMakesEveryBootDifferent) {
  CHECK(first_draw(&os, "dev-1") != first_draw(&os, "dev-1"));
}

TEST(TlsInit, RewritesTheNvSeedAtInitAndOnRefresh) {
  pp::RamSeedStore store{kSeed};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = nullptr, .seed_store = &store, .personalization = {}};
  CHECK(portcullis::ok(pp::tls_init(setup)));
  LONGS_EQUAL(1, store.writes());
  std::array<std::uint8_t, 32> after_init{};
  CHECK(portcullis::ok(store.read(after_init)));
  CHECK(after_init != kSeed);
  CHECK(portcullis::ok(pp::tls_refresh_seed()));
  LONGS_EQUAL(2, store.writes());
  std::array<std::uint8_t, 32> after_refresh{};
  CHECK(portcullis::ok(store.read(after_refresh)));
  CHECK(after_refresh != after_init);
}

TEST(TlsInit, RefreshNeedsInit) {
  CHECK(pp::tls_refresh_seed() == Status::kUnavailable);
}

TEST(TlsInit, ArenaHighWaterFollowsAllocations) {
  CHECK(portcullis::ok(pp::tls_init(&os)));
  const std::size_t before = pp::tls_arena_use().high_water;
  void* p = mbedtls_calloc(1, 5000);
  CHECK(p != nullptr);
  std::memset(p, 0xA5, 5000);  // a payload like the paint: the next block's header marks the end
  const std::size_t after = pp::tls_arena_use().high_water;
  mbedtls_free(p);
  CHECK(after >= before + 5000);
  CHECK(after < before + 5000 + 256);
  LONGS_EQUAL(after, pp::tls_arena_use().high_water);  // a mark, not current use
}

TEST(TlsInit, ArenaLimitsWhatMbedTlsCanAllocate) {
  CHECK(portcullis::ok(pp::tls_init(&os)));
  POINTERS_EQUAL(nullptr, mbedtls_calloc(1, pp::kTlsArenaBytes));
}

TEST_GROUP(TlsCredentials) {
  void setup() override {
    CHECK(portcullis::ok(pp::tls_init(&os)));
  }
  void teardown() override {
    id.reset();
    pp::tls_shutdown();
  }
  pp::PosixEntropy os;
  pp::TlsCredentials id;
};

TEST(TlsCredentials, LoadsTheBuildsDeviceIdentity) {
  CHECK(portcullis::ok(id.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
  CHECK(id.loaded());
  CHECK(id.has_certificate());
  CHECK(cred::kDeviceId == common_name(&id.certificate().subject));
  LONGS_EQUAL(MBEDTLS_PK_ECKEY, mbedtls_pk_get_type(&id.key()));
  uint32_t flags = 0;
  LONGS_EQUAL(0, mbedtls_x509_crt_verify(&id.certificate(), &id.ca(), nullptr, nullptr, &flags,
                                         nullptr, nullptr));
}

TEST(TlsCredentials, ParsesCertificatesInPlace) {
  CHECK(portcullis::ok(id.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
  POINTERS_EQUAL(cred::kDeviceCertificate.data(), id.certificate().raw.p);
}

TEST(TlsCredentials, RefusesAKeyThatIsNotTheCertificates) {
  CHECK(id.load(cred::kCaCertificate, cred::kDeviceCertificate, t::kMgmtKey) ==
        Status::kInvalidArgument);
  CHECK(!id.loaded());
  LONGS_EQUAL(MBEDTLS_ERR_PK_BAD_INPUT_DATA, id.mbedtls_error());
}

TEST(TlsCredentials, RefusesDerThatDoesNotParse) {
  std::array<std::uint8_t, 64> junk{};
  junk.fill(0x30);
  CHECK(id.load(junk, cred::kDeviceCertificate, cred::kDeviceKey) == Status::kInvalidArgument);
  CHECK(id.mbedtls_error() != 0);
  CHECK(id.load(cred::kCaCertificate, cred::kDeviceCertificate, junk) == Status::kInvalidArgument);
}

TEST(TlsCredentials, RefusesACertificateWithoutKey) {
  CHECK(id.load(cred::kCaCertificate, cred::kDeviceCertificate, {}) == Status::kInvalidArgument);
}

TEST(TlsCredentials, MayHoldACaOnly) {
  CHECK(portcullis::ok(id.load(cred::kCaCertificate, {}, {})));
  CHECK(id.loaded());
  CHECK(!id.has_certificate());
}

TEST(TlsCredentials, ApplyNeedsALoadedIdentity) {
  mbedtls_ssl_config conf;
  mbedtls_ssl_config_init(&conf);
  CHECK(id.apply(conf) == Status::kUnavailable);
  CHECK(pp::tls_configure(conf, pp::TlsRole::kServer, id, pp::FleetRole::kManagement) ==
        Status::kUnavailable);
  mbedtls_ssl_config_free(&conf);
}

TEST(TlsCredentials, ProfileRefusesAPeerRoleNoFleetCertificateCanPlay) {
  CHECK(portcullis::ok(id.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
  mbedtls_ssl_config conf;
  mbedtls_ssl_config_init(&conf);
  // The broker's certificate is for servers only, a management certificate for clients only.
  CHECK(pp::tls_configure(conf, pp::TlsRole::kServer, id, pp::FleetRole::kBroker) ==
        Status::kInvalidArgument);
  CHECK(pp::tls_configure(conf, pp::TlsRole::kClient, id, pp::FleetRole::kManagement) ==
        Status::kInvalidArgument);
  mbedtls_ssl_config_free(&conf);
}
