// SPDX-License-Identifier: Apache-2.0
#pragma once
// SHA-256 (FIPS 180-4) in constexpr, so the policy digest is a compile-time constant on
// the firmware and the same code computes it in the host tool. Not for secrets: it makes
// no attempt at constant time, and the input (a policy) is public.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace portcullis::policy {

class Sha256 {
 public:
  using Hash = std::array<std::uint8_t, 32>;

  constexpr void update(std::span<const std::uint8_t> data) {
    const std::uint8_t* p = data.data();
    for (std::size_t i = 0; i < data.size(); ++i) {
      put(p[i]);
    }
    total_bytes_ += data.size();
  }
  // Bytes of the text as they are; char may be signed, hence the cast per byte.
  constexpr void update(std::string_view text) {
    const char* p = text.data();
    for (std::size_t i = 0; i < text.size(); ++i) {
      put(static_cast<std::uint8_t>(p[i]));
    }
    total_bytes_ += text.size();
  }

  // Pads (FIPS 180-4 5.1.1) and returns the hash; the object is spent afterwards.
  constexpr Hash finish() {
    const std::uint64_t bit_length = total_bytes_ * 8;
    put(0x80);
    while (block_used_ != 56) {
      put(0x00);
    }
    for (int shift = 56; shift >= 0; shift -= 8) {
      put(static_cast<std::uint8_t>(bit_length >> shift));
    }
    Hash out{};
    for (std::size_t i = 0; i < 8; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
      }
    }
    return out;
  }

 private:
  static constexpr std::uint32_t kRoundConstants[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};

  constexpr void put(std::uint8_t b) {
    block_[block_used_++] = b;
    if (block_used_ == 64) {
      compress();
      block_used_ = 0;
    }
  }

  // Written for GCC's constant evaluator as much as for the CPU: plain local arrays and
  // rotations spelled out, because every small constexpr call is memoised and a helper
  // like rotr() made hashing a full 12 KB policy take seconds and 400 MB per translation
  // unit.
  constexpr void compress() {
    std::uint32_t w[64] = {};
    for (std::size_t t = 0; t < 16; ++t) {
      w[t] = std::uint32_t{block_[4 * t]} << 24 | std::uint32_t{block_[4 * t + 1]} << 16 |
             std::uint32_t{block_[4 * t + 2]} << 8 | std::uint32_t{block_[4 * t + 3]};
    }
    for (std::size_t t = 16; t < 64; ++t) {
      const std::uint32_t x = w[t - 15];
      const std::uint32_t y = w[t - 2];
      const std::uint32_t s0 = (x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3);
      const std::uint32_t s1 = (y >> 17 | y << 15) ^ (y >> 19 | y << 13) ^ (y >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (std::size_t t = 0; t < 64; ++t) {
      const std::uint32_t s1 = (e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = h + s1 + ch + kRoundConstants[t] + w[t];
      const std::uint32_t s0 = (a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10);
      const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + s0 + maj;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  // FIPS 180-4 5.3.3: the initial hash value.
  std::uint32_t state_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t block_[64] = {};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

constexpr Sha256::Hash sha256(std::string_view text) {
  Sha256 h;
  h.update(text);
  return h.finish();
}

}  // namespace portcullis::policy
