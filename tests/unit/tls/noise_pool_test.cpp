// SPDX-License-Identifier: Apache-2.0
// The noise pool: readings folded in, full after kNoiseFolds, different timings different bytes.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "portcullis/platform/noise_pool.hpp"

using portcullis::platform::kNoiseFolds;
using portcullis::platform::NoisePool;

namespace {

std::vector<std::uint8_t> pool_of(std::uint32_t first, std::uint32_t step) {
  NoisePool pool;
  for (std::uint32_t i = 0; i < kNoiseFolds; ++i) {
    const bool full = pool.fold(first + i * step);
    CHECK_EQUAL(i + 1 == kNoiseFolds, full);
  }
  const auto b = pool.bytes();
  return {b.begin(), b.end()};
}

}  // namespace

TEST_GROUP(NoisePool){};

TEST(NoisePool, IsFullAfterKNoiseFoldsReadings) {
  (void)pool_of(1, 1);
}

TEST(NoisePool, TheSameTimingsGiveTheSameBytesAndOthersOthers) {
  CHECK(pool_of(1000, 25) == pool_of(1000, 25));
  CHECK(pool_of(1000, 25) != pool_of(1000, 26));
  CHECK(pool_of(1000, 25) != pool_of(1001, 25));
  // Each of the 8 words took readings: no word is left at zero.
  const auto b = pool_of(5, 3);
  for (std::size_t w = 0; w < b.size(); w += 4) {
    CHECK(std::any_of(b.begin() + static_cast<std::ptrdiff_t>(w),
                      b.begin() + static_cast<std::ptrdiff_t>(w + 4),
                      [](std::uint8_t x) { return x != 0; }));
  }
}

TEST(NoisePool, AfterResetItFillsAgainOnTopOfWhatItHad) {
  NoisePool pool;
  for (std::uint32_t i = 0; i < kNoiseFolds; ++i) {
    (void)pool.fold(i);
  }
  const auto first = std::vector<std::uint8_t>(pool.bytes().begin(), pool.bytes().end());
  pool.reset();
  for (std::uint32_t i = 0; i + 1 < kNoiseFolds; ++i) {
    CHECK_FALSE(pool.fold(i));
  }
  CHECK_TRUE(pool.fold(0));
  CHECK(std::vector<std::uint8_t>(pool.bytes().begin(), pool.bytes().end()) != first);
}
