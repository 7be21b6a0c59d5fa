#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "portcullis/platform/internal/provisioned_seed.hpp"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

static_assert(internal::kProvisionedSeed.size() == TlsSeedStore::kSize);

RamSeedStore::RamSeedStore(std::span<const std::uint8_t, kSize> initial) {
  std::memcpy(seed_, initial.data(), kSize);
}

Status RamSeedStore::do_read(std::span<std::uint8_t, kSize> out) {
  std::memcpy(out.data(), seed_, kSize);
  return Status::kOk;
}

Status RamSeedStore::do_write(std::span<const std::uint8_t, kSize> seed) {
  std::memcpy(seed_, seed.data(), kSize);
  ++writes_;
  return Status::kOk;
}

RamSeedStore& provisioned_seed_store() {
  static RamSeedStore store{internal::kProvisionedSeed};
  return store;
}

}  // namespace portcullis::platform

namespace portcullis::platform {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'P', 'C', 'S', 'E', 'E', 'D', '0', '1'};
constexpr std::size_t kGenerationAt = 8;
constexpr std::size_t kSeedAt = 16;
constexpr std::size_t kCheckAt = 48;
constexpr std::size_t kCheckBytes = kSeedRecordBytes - kCheckAt;
static_assert(kSeedAt + TlsSeedStore::kSize == kCheckAt);

// The record as it is in memory now: read once, through volatile, so that a read-back after
// a write sees the memory (flash, or RAM behind a loader) and not what the compiler assumed.
std::array<std::uint8_t, kSeedRecordBytes> snapshot(std::span<const std::uint8_t> record) {
  std::array<std::uint8_t, kSeedRecordBytes> copy{};
  const volatile std::uint8_t* p = record.data();
  for (std::size_t i = 0; i < copy.size(); ++i) {
    copy[i] = p[i];
  }
  return copy;
}

std::array<std::uint8_t, kCheckBytes> check_of(std::span<const std::uint8_t> record) {
  std::array<std::uint8_t, 32> digest{};
  (void)mbedtls_sha256(record.data(), kCheckAt, digest.data(), 0);
  std::array<std::uint8_t, kCheckBytes> check{};
  std::memcpy(check.data(), digest.data(), check.size());
  return check;
}

SeedRecordStore::State state_of(std::span<const std::uint8_t, kSeedRecordBytes> r) {
  if (!std::equal(kMagic.begin(), kMagic.end(), r.begin())) {
    return SeedRecordStore::State::kAbsent;
  }
  const auto check = check_of(r);
  return std::equal(check.begin(), check.end(), r.begin() + kCheckAt)
             ? SeedRecordStore::State::kValid
             : SeedRecordStore::State::kCorrupt;
}

std::uint32_t generation_of(std::span<const std::uint8_t> r) {
  std::uint32_t g = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    g |= std::uint32_t{r[kGenerationAt + i]} << (8 * i);
  }
  return g;
}

}  // namespace

SeedRecordStore::State SeedRecordStore::state() const {
  return state_of(snapshot(record_));
}

std::uint32_t SeedRecordStore::generation() const {
  return generation_of(snapshot(record_));
}

void SeedRecordStore::encode(std::span<std::uint8_t, kSeedRecordBytes> record,
                             std::span<const std::uint8_t, kSize> seed, std::uint32_t generation) {
  std::array<std::uint8_t, kSeedRecordBytes> r{};
  std::copy(kMagic.begin(), kMagic.end(), r.begin());
  for (std::size_t i = 0; i < 4; ++i) {
    r[kGenerationAt + i] = static_cast<std::uint8_t>(generation >> (8 * i));
  }
  std::copy(seed.begin(), seed.end(), r.begin() + kSeedAt);
  const auto check = check_of(r);
  std::copy(check.begin(), check.end(), r.begin() + kCheckAt);
  volatile std::uint8_t* p = record.data();
  for (std::size_t i = 0; i < r.size(); ++i) {
    p[i] = r[i];
  }
  mbedtls_platform_zeroize(r.data(), r.size());
}

Status SeedRecordStore::do_read(std::span<std::uint8_t, kSize> out) {
  auto r = snapshot(record_);
  const bool valid = state_of(r) == State::kValid;
  if (valid) {
    std::memcpy(out.data(), r.data() + kSeedAt, kSize);
  }
  mbedtls_platform_zeroize(r.data(), r.size());
  return valid ? Status::kOk : Status::kUnavailable;
}

Status SeedRecordStore::do_write(std::span<const std::uint8_t, kSize> seed) {
  const auto before = snapshot(record_);
  const std::uint32_t next = state_of(before) == State::kValid ? generation_of(before) + 1 : 0;
  encode(record_, seed, next);
  auto after = snapshot(record_);
  const bool stuck = state_of(after) == State::kValid && generation_of(after) == next &&
                     std::equal(seed.begin(), seed.end(), after.begin() + kSeedAt);
  mbedtls_platform_zeroize(after.data(), after.size());
  return stuck ? Status::kOk : Status::kInternal;
}

const char* to_string(SeedRecordStore::State s) {
  switch (s) {
    case SeedRecordStore::State::kValid:
      return "valid";
    case SeedRecordStore::State::kAbsent:
      return "absent";
    case SeedRecordStore::State::kCorrupt:
      return "corrupt";
  }
  return "?";
}

}  // namespace portcullis::platform
