// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the MAC driver tests share: their test frames, and a CppUTest base (for
// TEST_GROUP_BASE) holding a register-level fake, the driver on the fake's bus and a receive
// buffer, with the round trip every receive test makes.

#include <array>
#include <cstdint>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "portcullis/hal/ethernet_mac.hpp"
#include "status_string.hpp"

namespace portcullis::hal::testing {

inline constexpr MacAddress kMac{0x02, 0x12, 0x34, 0x56, 0x78, 0x9A};
inline constexpr MacAddress kOtherMac{0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE};
inline constexpr std::uint8_t kSentinel = 0xEE;  // fills the buffer: a write past a frame shows

// A frame of `length` bytes to `dst` whose payload depends on `seed`, so frames differ.
inline std::vector<std::uint8_t> make_frame(std::size_t length, const MacAddress& dst = kMac,
                                            std::uint8_t seed = 1) {
  std::vector<std::uint8_t> frame(length);
  for (std::size_t i = 0; i < length; ++i) frame[i] = static_cast<std::uint8_t>(i * 7 + seed);
  for (std::size_t i = 0; i < dst.size() && i < length; ++i) frame[i] = dst[i];
  return frame;
}

// `Fake` has bus(), inject_frame(), rx_words_pending() and protocol_errors(); `Driver` is
// the driver template instantiated on Fake::Bus. Every test ends with no protocol error.
template <typename Fake, typename Driver>
class MacDriverTest : public Utest {
 public:
  Fake fake;
  Driver mac{fake.bus()};
  std::array<std::uint8_t, kMaxFrameBytes> buffer{};

  void setup() override { buffer.fill(kSentinel); }
  void teardown() override { STRCMP_EQUAL("", fake.protocol_errors().text().c_str()); }

  void init() { CHECK_EQUAL(Status::kOk, mac.init(kMac)); }

  // Injects `frame`, receives it, and checks it came back byte-exact with nothing written past
  // its end and nothing left in the device.
  void check_round_trip(const std::vector<std::uint8_t>& frame) {
    CHECK_TRUE(fake.inject_frame(frame));
    buffer.fill(kSentinel);
    const std::size_t got = mac.receive(buffer);
    LONGS_EQUAL(frame.size(), got);
    MEMCMP_EQUAL(frame.data(), buffer.data(), frame.size());
    if (frame.size() < buffer.size()) BYTES_EQUAL(kSentinel, buffer[frame.size()]);
    LONGS_EQUAL(0, fake.rx_words_pending());
  }
};

}  // namespace portcullis::hal::testing
