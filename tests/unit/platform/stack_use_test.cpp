// SPDX-License-Identifier: Apache-2.0
// The main stack's high-water mark (portcullis/platform/stack_use.hpp): the scan the
// Cortex-M build runs over its painted stack, here over arrays laid out like one, and what
// the host build reports instead.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <span>

#include "portcullis/platform/stack_use.hpp"

using portcullis::platform::kStackPaint;
using portcullis::platform::stack_high_water;

namespace {

// A stack of 64 words (lowest address first) painted at reset, of which the top `used` words
// were then written with `value`, as a descending stack fills.
std::array<std::uint32_t, 64> stack_with(std::size_t used, std::uint32_t value = 0) {
  std::array<std::uint32_t, 64> s{};
  s.fill(kStackPaint);
  for (std::size_t i = s.size() - used; i < s.size(); ++i) {
    s[i] = value;
  }
  return s;
}

}  // namespace

TEST_GROUP(StackHighWater){};

TEST(StackHighWater, AStackStillPaintedWasNeverUsed) {
  LONGS_EQUAL(0, stack_high_water(stack_with(0)));
}

TEST(StackHighWater, CountsFromTheDeepestWrittenWordToTheTop) {
  LONGS_EQUAL(4, stack_high_water(stack_with(1)));
  LONGS_EQUAL(40 * 4, stack_high_water(stack_with(40, 0xFFFFFFFF)));
}

TEST(StackHighWater, AStackUsedToItsBottomReadsAsItsWholeSize) {
  LONGS_EQUAL(64 * 4, stack_high_water(stack_with(64)));
}

TEST(StackHighWater, PaintLeftBetweenUsedWordsDoesNotLowerTheMark) {
  // Frames leave holes: locals never written, and words that hold the paint value by chance.
  auto s = stack_with(30, 0x12345678);
  s[40] = kStackPaint;
  s[63] = kStackPaint;
  LONGS_EQUAL(30 * 4, stack_high_water(s));
}

TEST(StackHighWater, ADeepestWordEqualToThePaintReadsOneWordLow) {
  auto s = stack_with(10, 0x1);
  s[54] = kStackPaint;  // the deepest word written happened to hold the paint value
  LONGS_EQUAL(9 * 4, stack_high_water(s));
}

TEST(StackHighWater, AnotherPaintAndAnEmptyRegion) {
  std::array<std::uint32_t, 8> s{};  // all zero: "painted" with 0
  s[6] = 7;
  LONGS_EQUAL(8, stack_high_water(s, 0));
  LONGS_EQUAL(0, stack_high_water(std::span<const std::uint32_t>{}));
}

TEST(StackHighWater, RunsAtCompileTime) {
  constexpr std::array<std::uint32_t, 4> s{kStackPaint, kStackPaint, 3, 4};
  static_assert(stack_high_water(s) == 8);
}

TEST_GROUP(PosixStackUse){};

TEST(PosixStackUse, TheHostReportsNotMeasured) {
  const portcullis::platform::StackUse use = portcullis::platform::stack_use();
  LONGS_EQUAL(0, use.size);
  LONGS_EQUAL(0, use.high_water);
}
