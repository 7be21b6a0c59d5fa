// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/sha256.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/digest.hpp"

namespace portcullis::policy {
namespace {

constexpr Digest hex_of(std::string_view message) {
  return to_hex(sha256(message));
}

// FIPS 180-4 examples (NIST "SHA256.pdf", "SHA2_Additional.pdf"), in the compiler.
static_assert(hex_of("abc").view() ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
static_assert(hex_of("").view() ==
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
static_assert(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").view() ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

std::string hex(std::string_view message) {
  return std::string(hex_of(message).view());
}

std::string hex_of_bytes(std::span<const std::uint8_t> bytes) {
  Sha256 h;
  h.update(bytes);
  return std::string(to_hex(h.finish()).view());
}

}  // namespace

TEST_GROUP(Sha256){};

TEST(Sha256, ShortMessage) {
  STRCMP_EQUAL("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
               hex("abc").c_str());
}

TEST(Sha256, EmptyMessage) {
  STRCMP_EQUAL("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex("").c_str());
}

TEST(Sha256, TwoBlockMessageOf448Bits) {
  STRCMP_EQUAL("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
               hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").c_str());
}

TEST(Sha256, MessageOf896Bits) {
  STRCMP_EQUAL("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
               hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                   .c_str());
}

TEST(Sha256, OneMillionA) {
  STRCMP_EQUAL("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
               hex(std::string(1'000'000, 'a')).c_str());
}

TEST(Sha256, LengthsAroundTheBlockAndPaddingBoundaries) {
  // Bytes 0, 1, 2, ... n-1; reference values from Python's hashlib.
  struct Case {
    std::size_t length;
    const char* hex;
  };
  constexpr Case kCases[] = {
      {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
      {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
      {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
      {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
      {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
      {119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"},
      {120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"},
  };
  std::array<std::uint8_t, 120> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(i);
  }
  for (const Case& c : kCases) {
    STRCMP_EQUAL(c.hex, hex_of_bytes(std::span(bytes).first(c.length)).c_str());
  }
}

TEST(Sha256, BytesAbove127AreHashedAsUnsigned) {
  const std::array<std::uint8_t, 3> bytes = {0x80, 0xff, 0x00};
  const std::string expected = "3ccf137976f54d932cfe955bac36a4ad588692683571a185f909267767f98c5d";
  STRCMP_EQUAL(expected.c_str(), hex_of_bytes(bytes).c_str());
  STRCMP_EQUAL(expected.c_str(), hex(std::string_view("\x80\xff\x00", 3)).c_str());
}

TEST(Sha256, UpdatesInPiecesEqualOneUpdate) {
  const std::string message(300, 'q');
  for (std::size_t split : {0u, 1u, 63u, 64u, 65u, 200u, 300u}) {
    Sha256 h;
    h.update(std::string_view(message).substr(0, split));
    h.update(std::string_view(message).substr(split));
    STRCMP_EQUAL(hex(message).c_str(), std::string(to_hex(h.finish()).view()).c_str());
  }
}

}  // namespace portcullis::policy
