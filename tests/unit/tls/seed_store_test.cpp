#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>

#include "portcullis/platform/internal/provisioned_seed.hpp"
#include "portcullis/platform/tls.hpp"

namespace pp = portcullis::platform;

TEST_GROUP(RamSeedStore){};

TEST(RamSeedStore, ReadsWhatItStartedWithUntilWritten) {
  std::array<std::uint8_t, 32> initial{};
  initial.fill(7);
  pp::RamSeedStore store{initial};
  std::array<std::uint8_t, 32> out{};
  CHECK(portcullis::ok(store.read(out)));
  CHECK(out == initial);
  LONGS_EQUAL(0, store.writes());

  std::array<std::uint8_t, 32> next{};
  next.fill(9);
  CHECK(portcullis::ok(store.write(next)));
  CHECK(portcullis::ok(store.read(out)));
  CHECK(out == next);
  LONGS_EQUAL(1, store.writes());
}

TEST(RamSeedStore, KeepsItsOwnCopy) {
  std::array<std::uint8_t, 32> initial{};
  initial.fill(1);
  pp::RamSeedStore store{initial};
  initial.fill(2);
  std::array<std::uint8_t, 32> out{};
  CHECK(portcullis::ok(store.read(out)));
  LONGS_EQUAL(1, out[0]);
  LONGS_EQUAL(1, out[31]);
}

TEST_GROUP(ProvisionedSeed){};

TEST(ProvisionedSeed, StartsAsTheSeedGeneratedForThisBuild) {
  auto& seed = pp::internal::kProvisionedSeed;
  int zeros = 0;
  for (auto b : seed) {
    zeros += b == 0 ? 1 : 0;
  }
  CHECK(zeros < 8);  // 32 bytes of /dev/urandom, not a placeholder
  std::array<std::uint8_t, 32> out{};
  // Read before any tls_init of this test program could have rewritten it.
  pp::RamSeedStore fresh{seed};
  CHECK(portcullis::ok(fresh.read(out)));
  CHECK(out == seed);
  CHECK(&pp::provisioned_seed_store() == &pp::provisioned_seed_store());
}
