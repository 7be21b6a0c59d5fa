// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <string>

#include "portcullis/platform/internal/provisioned_seed.hpp"
#include "portcullis/platform/seed_record.hpp"
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

// ---- the device's seed record (platform/seed_record.hpp) ------------------------------------

namespace {

using Record = std::array<std::uint8_t, pp::kSeedRecordBytes>;
using Seed = std::array<std::uint8_t, 32>;

Seed seed_of(std::uint8_t v) {
  Seed s{};
  s.fill(v);
  return s;
}

Record record_of(const Seed& seed, std::uint32_t generation = 0) {
  Record r{};
  pp::SeedRecordStore::encode(r, seed, generation);
  return r;
}

// The first 32 bytes a device draws after booting on `record` (no other entropy: a QEMU board).
Seed boot(Record& record, portcullis::Status* status = nullptr) {
  pp::SeedRecordStore store{record};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = nullptr, .seed_store = &store, .personalization = {}};
  const portcullis::Status st = pp::tls_init(setup);
  if (status != nullptr) {
    *status = st;
  }
  Seed out{};
  if (portcullis::ok(st)) {
    LONGS_EQUAL(0, pp::tls_rng(nullptr, out.data(), out.size()));
    pp::tls_shutdown();
  }
  return out;
}

}  // namespace

TEST_GROUP(SeedRecord){};

TEST(SeedRecord, ReadsTheSeedOfAValidRecord) {
  Record r = record_of(seed_of(5), 41);
  pp::SeedRecordStore store{r};
  CHECK(store.state() == pp::SeedRecordStore::State::kValid);
  LONGS_EQUAL(41, store.generation());
  Seed out{};
  CHECK(portcullis::ok(store.read(out)));
  CHECK(out == seed_of(5));
}

TEST(SeedRecord, AnUnprovisionedRecordIsAbsentAndGivesNoSeed) {
  for (const std::uint8_t fill : {0x00, 0xFF, 0xA5}) {
    Record r{};
    r.fill(fill);
    pp::SeedRecordStore store{r};
    CHECK(store.state() == pp::SeedRecordStore::State::kAbsent);
    Seed out{};
    CHECK(store.read(out) == portcullis::Status::kUnavailable);
  }
}

TEST(SeedRecord, AnyChangedByteMakesItCorrupt) {
  for (std::size_t i = 8; i < pp::kSeedRecordBytes; ++i) {
    Record r = record_of(seed_of(5));
    r[i] ^= 0x01;
    pp::SeedRecordStore store{r};
    CHECK_TEXT(store.state() == pp::SeedRecordStore::State::kCorrupt, std::to_string(i).c_str());
    Seed out{};
    CHECK(store.read(out) == portcullis::Status::kUnavailable);
  }
}

TEST(SeedRecord, AWriteIsTheNextGeneration) {
  Record r = record_of(seed_of(5), 7);
  pp::SeedRecordStore store{r};
  CHECK(portcullis::ok(store.write(seed_of(6))));
  LONGS_EQUAL(8, store.generation());
  Seed out{};
  CHECK(portcullis::ok(store.read(out)));
  CHECK(out == seed_of(6));
}

// A boot rewrites the record before drawing anything: the next boot (or the next device
// provisioned from another record) starts from a seed nobody has used.
TEST(SeedRecord, EveryBootStartsFromASeedNotUsedBefore) {
  Record r = record_of(seed_of(5));
  const Seed first = boot(r);
  pp::SeedRecordStore store{r};
  LONGS_EQUAL(1, store.generation());
  Seed rewritten{};
  CHECK(portcullis::ok(store.read(rewritten)));
  CHECK(rewritten != seed_of(5));
  const Seed second = boot(r);
  LONGS_EQUAL(2, store.generation());
  CHECK(first != second);
  Record other = record_of(seed_of(9));
  CHECK(boot(other) != first);
}

// No seed, or a seed the device could not replace before use: no TLS at all.
TEST(SeedRecord, NoValidRecordNoTls) {
  Record absent{};
  portcullis::Status st = portcullis::Status::kOk;
  (void)boot(absent, &st);
  CHECK(st == portcullis::Status::kUnavailable);
  CHECK(!pp::tls_initialized());
  Record corrupt = record_of(seed_of(5));
  corrupt[20] ^= 0x80;
  (void)boot(corrupt, &st);
  CHECK(st == portcullis::Status::kUnavailable);
  CHECK(!pp::tls_initialized());
}

namespace {
// A store whose seed reads but never takes a rewrite (a write-protected flash sector).
class StuckSeedStore final : public pp::TlsSeedStore {
  portcullis::Status do_read(std::span<std::uint8_t, kSize> out) override {
    out[0] = 1;
    return portcullis::Status::kOk;
  }
  portcullis::Status do_write(std::span<const std::uint8_t, kSize>) override {
    return portcullis::Status::kInternal;
  }
};
}  // namespace

TEST(SeedRecord, ASeedThatCannotBeReplacedIsNeverUsed) {
  StuckSeedStore store;
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = nullptr, .seed_store = &store, .personalization = {}};
  CHECK(!portcullis::ok(pp::tls_init(setup)));
  CHECK(!pp::tls_initialized());
}
