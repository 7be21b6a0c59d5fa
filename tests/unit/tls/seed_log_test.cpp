// SPDX-License-Identifier: Apache-2.0
// The seed record in flash (platform/seed_log.hpp) over a NOR flash model with power cuts:
// every boot appends the next generation, pages are erased in turn, a cut at any point leaves
// a seed no DRBG has drawn from, a flash that does not program (QEMU's) refuses TLS.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fake_page_flash.hpp"
#include "portcullis/platform/seed_log.hpp"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/platform/tls.hpp"

namespace pp = portcullis::platform;
using portcullis::Status;

namespace {

constexpr std::size_t kPage = 1024;  // the LM3S6965's erase page
constexpr std::size_t kPerPage = kPage / pp::kSeedRecordBytes;
using Flash = portcullis::test::FakePageFlash<kPage, 2>;
using Seed = std::array<std::uint8_t, 32>;
using State = pp::DeviceSeedStore::State;

Seed seed_of(std::uint8_t v) {
  Seed s{};
  s.fill(v);
  return s;
}

// What the factory writes: one record of generation 0 in slot 0, every other byte erased.
void provision(Flash& flash, const Seed& seed) {
  std::array<std::uint8_t, pp::kSeedRecordBytes> r{};
  pp::SeedRecordStore::encode(r, seed, 0);
  std::copy(r.begin(), r.end(), flash.memory().begin());
}

// One boot of a device with no other entropy: tls_init over the log, then its first draw.
Seed boot(Flash& flash, Status* status = nullptr) {
  pp::SeedLogStore log{flash, flash.memory()};
  static std::array<std::uint8_t, 8192> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = nullptr, .seed_store = &log, .personalization = {}};
  const Status st = pp::tls_init(setup);
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

TEST_GROUP(SeedLog){};

TEST(SeedLog, ReadsTheProvisionedRecord) {
  Flash flash;
  provision(flash, seed_of(3));
  pp::SeedLogStore log{flash, flash.memory()};
  CHECK(log.state() == State::kValid);
  LONGS_EQUAL(0, log.generation());
  STRCMP_EQUAL("log", log.medium());
  Seed out{};
  CHECK(portcullis::ok(log.read(out)));
  CHECK(out == seed_of(3));
}

TEST(SeedLog, AnErasedOrBlankRegionIsAbsentAndGivesNoSeed) {
  Flash erased;
  Flash zeros;  // what QEMU's flash holds past the image
  std::fill(zeros.memory().begin(), zeros.memory().end(), 0);
  for (Flash* f : {&erased, &zeros}) {
    pp::SeedLogStore log{*f, f->memory()};
    CHECK(log.state() == State::kAbsent);
    Seed out{};
    CHECK(log.read(out) == Status::kUnavailable);
  }
}

TEST(SeedLog, ARegionThatIsNotTwoWholePagesIsNeverUsed) {
  Flash flash;
  provision(flash, seed_of(3));
  pp::SeedLogStore one_page{flash, flash.memory().first(kPage)};
  pp::SeedLogStore unaligned{flash, flash.memory().subspan(64, kPage)};
  for (pp::SeedLogStore* log : {&one_page, &unaligned}) {
    CHECK(log->state() == State::kAbsent);
    Seed out{};
    CHECK(log->read(out) == Status::kUnavailable);
    CHECK(log->write(seed_of(4)) == Status::kUnavailable);
  }
  LONGS_EQUAL(0, flash.programmed_words());
}

TEST(SeedLog, OnlyACorruptRecordIsCorrupt) {
  Flash flash;
  provision(flash, seed_of(3));
  flash.memory()[20] ^= 0x01;
  pp::SeedLogStore log{flash, flash.memory()};
  CHECK(log.state() == State::kCorrupt);
  Seed out{};
  CHECK(log.read(out) == Status::kUnavailable);
}

TEST(SeedLog, EveryWriteAppendsTheNextGenerationAndKeepsTheOldOne) {
  Flash flash;
  provision(flash, seed_of(3));
  pp::SeedLogStore log{flash, flash.memory()};
  CHECK(portcullis::ok(log.write(seed_of(4))));
  LONGS_EQUAL(1, log.generation());
  LONGS_EQUAL(1, log.current_slot());
  Seed out{};
  CHECK(portcullis::ok(log.read(out)));
  CHECK(out == seed_of(4));
  BYTES_EQUAL('P', flash.memory()[0]);  // slot 0 untouched: no erase for an append
  LONGS_EQUAL(0, flash.erases(0) + flash.erases(1));
}

TEST(SeedLog, PagesAreErasedInTurnOncePerPageOfBoots) {
  Flash flash;
  provision(flash, seed_of(0));
  pp::SeedLogStore log{flash, flash.memory()};
  const int boots = 5 * static_cast<int>(kPerPage);
  for (int i = 1; i <= boots; ++i) {
    CHECK_TEXT(portcullis::ok(log.write(seed_of(static_cast<std::uint8_t>(i)))),
               std::to_string(i).c_str());
    LONGS_EQUAL(i, log.generation());
    LONGS_EQUAL(static_cast<std::size_t>(i) % (2 * kPerPage), log.current_slot());
  }
  // Page 1 first taken at boot 16, page 0 again at 32, page 1 at 48, page 0 at 64.
  LONGS_EQUAL(2, flash.erases(0));
  LONGS_EQUAL(3, flash.erases(1));
  Seed out{};
  CHECK(portcullis::ok(log.read(out)));
  CHECK(out == seed_of(static_cast<std::uint8_t>(boots)));
}

TEST(SeedLog, APowerCutWhileProgrammingLeavesTheLastWholeRecord) {
  for (int words = 0; words < 16; ++words) {
    Flash flash;
    provision(flash, seed_of(3));
    pp::SeedLogStore log{flash, flash.memory()};
    flash.cut_power_after_words(words);
    CHECK(log.write(seed_of(4)) != Status::kOk);
    flash.power_on();
    // Next boot: generation 0 again (its seed was never drawn from: the write comes first),
    // and the torn slot is skipped, not programmed over.
    CHECK_TEXT(log.state() == State::kValid, std::to_string(words).c_str());
    LONGS_EQUAL(0, log.generation());
    Seed out{};
    CHECK(portcullis::ok(log.read(out)));
    CHECK(out == seed_of(3));
    CHECK(portcullis::ok(log.write(seed_of(5))));
    LONGS_EQUAL(1, log.generation());
    LONGS_EQUAL(2, log.current_slot());
  }
}

TEST(SeedLog, APowerCutWhileErasingTheOtherPageLeavesTheLastRecord) {
  Flash flash;
  provision(flash, seed_of(0));
  pp::SeedLogStore log{flash, flash.memory()};
  for (std::size_t i = 1; i < kPerPage; ++i) {
    CHECK(portcullis::ok(log.write(seed_of(static_cast<std::uint8_t>(i)))));
  }
  std::fill(flash.memory().begin() + kPage, flash.memory().end(), 0);  // an old page 1
  flash.cut_power_in_next_erase();
  CHECK(log.write(seed_of(99)) != Status::kOk);
  flash.power_on();
  CHECK(log.state() == State::kValid);
  LONGS_EQUAL(kPerPage - 1, log.generation());
  CHECK(portcullis::ok(log.write(seed_of(100))));
  LONGS_EQUAL(kPerPage, log.current_slot());
  LONGS_EQUAL(kPerPage, log.generation());
}

TEST(SeedLog, AFlashThatDoesNotProgramRefusesTls) {
  Flash flash;
  provision(flash, seed_of(3));
  flash.drop_commands(true);  // QEMU's unimplemented flash controller
  Status st = Status::kOk;
  (void)boot(flash, &st);
  CHECK(st != Status::kOk);
}

TEST(SeedLog, BootsFromOneProvisionedLogDrawDifferentStreams) {
  Flash flash;
  provision(flash, seed_of(3));
  std::vector<Seed> draws;
  for (int i = 0; i < 20; ++i) {
    Status st = Status::kInternal;
    const Seed d = boot(flash, &st);
    CHECK(portcullis::ok(st));
    CHECK(std::find(draws.begin(), draws.end(), d) == draws.end());
    draws.push_back(d);
  }
  pp::SeedLogStore log{flash, flash.memory()};
  LONGS_EQUAL(20, log.generation());
}

TEST(SeedLog, ABootAfterACutWriteDrawsWhatThatBootWouldHave) {
  // The cut boot never drew; the next one reads the same record. Both are the same
  // generation's boot: the stream is the one a whole boot would have drawn, once.
  Flash a;
  Flash b;
  provision(a, seed_of(3));
  provision(b, seed_of(3));
  a.cut_power_after_words(3);
  Status st = Status::kOk;
  (void)boot(a, &st);
  CHECK(st != Status::kOk);
  a.power_on();
  CHECK(boot(a) == boot(b));
}

TEST_GROUP(FirstValidSeedStore){};

TEST(FirstValidSeedStore, TakesTheLogWhenProvisionedElseTheRecord) {
  Flash flash;
  std::array<std::uint8_t, pp::kSeedRecordBytes> ram{};
  pp::SeedRecordStore::encode(ram, seed_of(7), 9);
  pp::SeedRecordStore record{ram};
  {
    pp::SeedLogStore log{flash, flash.memory()};
    pp::FirstValidSeedStore store{log, record};
    STRCMP_EQUAL("record", store.medium());
    LONGS_EQUAL(9, store.generation());
    CHECK(portcullis::ok(store.write(seed_of(8))));  // to the record, not the flash
    LONGS_EQUAL(0, flash.programmed_words());
  }
  provision(flash, seed_of(3));
  pp::SeedLogStore log{flash, flash.memory()};
  pp::FirstValidSeedStore store{log, record};
  STRCMP_EQUAL("log", store.medium());
  Seed out{};
  CHECK(portcullis::ok(store.read(out)));
  CHECK(out == seed_of(3));
}

TEST(FirstValidSeedStore, NeitherValidReportsACorruptFirstElseTheSecond) {
  Flash flash;
  std::array<std::uint8_t, pp::kSeedRecordBytes> ram{};
  pp::SeedRecordStore record{ram};
  {
    pp::SeedLogStore log{flash, flash.memory()};
    pp::FirstValidSeedStore store{log, record};
    CHECK(store.state() == State::kAbsent);
    STRCMP_EQUAL("record", store.medium());
  }
  provision(flash, seed_of(3));
  flash.memory()[20] ^= 0x01;
  pp::SeedLogStore log{flash, flash.memory()};
  pp::FirstValidSeedStore store{log, record};
  CHECK(store.state() == State::kCorrupt);
  STRCMP_EQUAL("log", store.medium());
}
