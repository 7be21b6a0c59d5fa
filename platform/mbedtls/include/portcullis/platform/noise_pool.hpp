// SPDX-License-Identifier: Apache-2.0
#pragma once
// Timing noise gathered for the DRBG: the agent folds a fine clock reading into the pool at
// every loop turn that received frames (when they arrive depends on the network, not on the
// image), and every kNoiseFolds folds hands the pool to tls_mix(), which credits it as no
// entropy: it keeps the streams of two boots apart even if they started from one seed (a
// replayed seed record), it does not make a secret. Constant time, 32 bytes, no heap.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace portcullis::platform {

inline constexpr std::size_t kNoiseFolds = 32;

class NoisePool {
 public:
  // Folds one reading in; true when the pool holds kNoiseFolds of them (take it, then reset).
  bool fold(std::uint32_t reading) {
    std::uint32_t& w = words_[folds_ % words_.size()];
    w = (w << 7 | w >> 25) ^ (reading * 0x9E3779B1u) ^ folds_;  // rotate, then spread
    return ++folds_ >= kNoiseFolds;
  }
  std::span<const std::uint8_t> bytes() const {
    return {reinterpret_cast<const std::uint8_t*>(words_.data()), sizeof words_};
  }
  void reset() { folds_ = 0; }  // the words stay: later folds add to them

 private:
  std::array<std::uint32_t, 8> words_{};
  std::uint32_t folds_ = 0;
};

}  // namespace portcullis::platform
