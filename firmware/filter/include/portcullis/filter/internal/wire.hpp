// SPDX-License-Identifier: Apache-2.0
#pragma once
// Bounds-checked reads of packet bytes. Not API: the classifier reads the packet only
// through it, so that no offset computed from attacker-controlled fields can read outside.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace portcullis::filter::internal {

// `N` bytes that are known to be there: reads at compile-time offsets need no check, and an
// offset beyond N does not compile. Only Wire::fixed() makes one, after its one check.
template <std::size_t N>
class Fixed {
 public:
  constexpr explicit Fixed(std::span<const std::uint8_t, N> bytes) : bytes_(bytes) {}
  template <std::size_t Off>
  [[nodiscard]] constexpr std::uint8_t u8() const {
    static_assert(Off < N);
    return bytes_[Off];
  }
  template <std::size_t Off>
  [[nodiscard]] constexpr std::uint16_t u16() const {
    static_assert(Off + 2 <= N);
    return static_cast<std::uint16_t>((bytes_[Off] << 8) | bytes_[Off + 1]);
  }
  template <std::size_t Off, std::size_t Count>
  [[nodiscard]] constexpr std::span<const std::uint8_t, Count> bytes() const {
    return bytes_.template subspan<Off, Count>();
  }

 private:
  std::span<const std::uint8_t, N> bytes_;
};

class Wire {
 public:
  constexpr Wire() = default;
  constexpr explicit Wire(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  [[nodiscard]] constexpr std::size_t size() const { return bytes_.size(); }

  // Phrased so that a huge `off` or `n` cannot overflow into a false "fits".
  [[nodiscard]] constexpr bool fits(std::size_t off, std::size_t n) const {
    return off <= bytes_.size() && n <= bytes_.size() - off;
  }

  // Out-of-range reads yield 0 instead of touching memory; callers check fits() first,
  // so a 0 is never mistaken for data.
  [[nodiscard]] constexpr std::uint8_t u8(std::size_t off) const {
    return fits(off, 1) ? bytes_[off] : 0;
  }
  [[nodiscard]] constexpr std::uint16_t u16(std::size_t off) const {
    return fits(off, 2) ? static_cast<std::uint16_t>((bytes_[off] << 8) | bytes_[off + 1]) : 0;
  }
  [[nodiscard]] constexpr std::uint32_t u32(std::size_t off) const {
    return fits(off, 4) ? (std::uint32_t{u16(off)} << 16) | u16(off + 2) : 0;
  }

  // `n` bytes at `off`, or an empty span when they are not all there.
  [[nodiscard]] constexpr std::span<const std::uint8_t> bytes(std::size_t off,
                                                              std::size_t n) const {
    return fits(off, n) ? bytes_.subspan(off, n) : std::span<const std::uint8_t>{};
  }

  // The `N` bytes at `off` as a Fixed view, or nothing when they are not all there.
  template <std::size_t N>
  [[nodiscard]] constexpr std::optional<Fixed<N>> fixed(std::size_t off) const {
    if (!fits(off, N)) {
      return std::nullopt;
    }
    return Fixed<N>(bytes_.subspan(off).template first<N>());
  }
  // The first `n` bytes (all of them when there are fewer).
  [[nodiscard]] constexpr Wire first(std::size_t n) const {
    return Wire(bytes_.first(std::min(n, size())));
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

}  // namespace portcullis::filter::internal
