// SPDX-License-Identifier: Apache-2.0
#pragma once
// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit PRF for short inputs. lwIP's
// random numbers and TCP initial sequence numbers come from it under a per-boot secret key
// (lwip_port.cpp); without the key its outputs say nothing about each other or the key.

#include <cstddef>
#include <cstdint>
#include <span>

namespace portcullis::stack::internal {

struct SipKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

constexpr std::uint64_t load_le64(std::span<const std::uint8_t> b, std::size_t at,
                                  std::size_t n = 8) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= std::uint64_t{b[at + i]} << (8 * i);
  }
  return v;
}

constexpr SipKey sip_key(std::span<const std::uint8_t, 16> key) {
  return {load_le64(key, 0), load_le64(key, 8)};
}

constexpr std::uint64_t siphash24(const SipKey& key, std::span<const std::uint8_t> in) {
  std::uint64_t v0 = key.k0 ^ 0x736f6d6570736575ULL;
  std::uint64_t v1 = key.k1 ^ 0x646f72616e646f6dULL;
  std::uint64_t v2 = key.k0 ^ 0x6c7967656e657261ULL;
  std::uint64_t v3 = key.k1 ^ 0x7465646279746573ULL;
  const auto rotl = [](std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
  const auto rounds = [&](int n) {
    for (int i = 0; i < n; ++i) {
      v0 += v1;
      v1 = rotl(v1, 13);
      v1 ^= v0;
      v0 = rotl(v0, 32);
      v2 += v3;
      v3 = rotl(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = rotl(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = rotl(v1, 17);
      v1 ^= v2;
      v2 = rotl(v2, 32);
    }
  };
  const std::size_t whole = in.size() & ~std::size_t{7};
  for (std::size_t at = 0; at < whole; at += 8) {
    const std::uint64_t m = load_le64(in, at);
    v3 ^= m;
    rounds(2);
    v0 ^= m;
  }
  const std::uint64_t last =
      (std::uint64_t{in.size() & 0xFF} << 56) | load_le64(in, whole, in.size() - whole);
  v3 ^= last;
  rounds(2);
  v0 ^= last;
  v2 ^= 0xFF;
  rounds(4);
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace portcullis::stack::internal
