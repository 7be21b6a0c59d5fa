// SPDX-License-Identifier: Apache-2.0
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "portcullis/platform/internal/seed_record_format.hpp"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

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

}  // namespace portcullis::platform

namespace portcullis::platform::internal {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'P', 'C', 'S', 'E', 'E', 'D', '0', '1'};
constexpr std::size_t kGenerationAt = 8;
constexpr std::size_t kCheckAt = 48;
constexpr std::size_t kCheckBytes = kSeedRecordBytes - kCheckAt;
static_assert(kSeedAt + TlsSeedStore::kSize == kCheckAt);

std::array<std::uint8_t, kCheckBytes> check_of(std::span<const std::uint8_t> record) {
  std::array<std::uint8_t, 32> digest{};
  (void)mbedtls_sha256(record.data(), kCheckAt, digest.data(), 0);
  std::array<std::uint8_t, kCheckBytes> check{};
  std::memcpy(check.data(), digest.data(), check.size());
  return check;
}

}  // namespace

RecordBytes snapshot(std::span<const std::uint8_t, kSeedRecordBytes> record) {
  RecordBytes copy{};
  const volatile std::uint8_t* p = record.data();
  for (std::size_t i = 0; i < copy.size(); ++i) {
    copy[i] = p[i];
  }
  return copy;
}

DeviceSeedStore::State state_of(std::span<const std::uint8_t, kSeedRecordBytes> r) {
  if (!std::equal(kMagic.begin(), kMagic.end(), r.begin())) {
    return DeviceSeedStore::State::kAbsent;
  }
  const auto check = check_of(r);
  return std::equal(check.begin(), check.end(), r.begin() + kCheckAt)
             ? DeviceSeedStore::State::kValid
             : DeviceSeedStore::State::kCorrupt;
}

std::uint32_t generation_of(std::span<const std::uint8_t, kSeedRecordBytes> r) {
  std::uint32_t g = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    g |= std::uint32_t{r[kGenerationAt + i]} << (8 * i);
  }
  return g;
}

RecordBytes make_record(std::span<const std::uint8_t, TlsSeedStore::kSize> seed,
                        std::uint32_t generation) {
  RecordBytes r{};
  std::copy(kMagic.begin(), kMagic.end(), r.begin());
  for (std::size_t i = 0; i < 4; ++i) {
    r[kGenerationAt + i] = static_cast<std::uint8_t>(generation >> (8 * i));
  }
  std::copy(seed.begin(), seed.end(), r.begin() + kSeedAt);
  const auto check = check_of(r);
  std::copy(check.begin(), check.end(), r.begin() + kCheckAt);
  return r;
}

bool holds(std::span<const std::uint8_t, kSeedRecordBytes> after,
           std::span<const std::uint8_t, TlsSeedStore::kSize> seed, std::uint32_t generation) {
  return state_of(after) == DeviceSeedStore::State::kValid && generation_of(after) == generation &&
         std::equal(seed.begin(), seed.end(), after.begin() + kSeedAt);
}

}  // namespace portcullis::platform::internal

namespace portcullis::platform {

using internal::generation_of;
using internal::snapshot;
using internal::state_of;

DeviceSeedStore::State SeedRecordStore::do_state() const {
  return state_of(snapshot(record_));
}

std::uint32_t SeedRecordStore::do_generation() const {
  return generation_of(snapshot(record_));
}

void SeedRecordStore::encode(std::span<std::uint8_t, kSeedRecordBytes> record,
                             std::span<const std::uint8_t, kSize> seed, std::uint32_t generation) {
  auto r = internal::make_record(seed, generation);
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
    std::memcpy(out.data(), r.data() + internal::kSeedAt, kSize);
  }
  mbedtls_platform_zeroize(r.data(), r.size());
  return valid ? Status::kOk : Status::kUnavailable;
}

Status SeedRecordStore::do_write(std::span<const std::uint8_t, kSize> seed) {
  const auto before = snapshot(record_);
  const std::uint32_t next = state_of(before) == State::kValid ? generation_of(before) + 1 : 0;
  encode(record_, seed, next);
  auto after = snapshot(record_);
  const bool stuck = internal::holds(after, seed, next);
  mbedtls_platform_zeroize(after.data(), after.size());
  return stuck ? Status::kOk : Status::kInternal;
}

DeviceSeedStore& FirstValidSeedStore::chosen() const {
  if (chosen_ == nullptr) {
    if (first_.state() == State::kValid) {
      chosen_ = &first_;
    } else if (second_.state() == State::kValid) {
      chosen_ = &second_;
    } else {
      chosen_ = first_.state() == State::kCorrupt ? &first_ : &second_;
    }
  }
  return *chosen_;
}

const char* to_string(DeviceSeedStore::State s) {
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
