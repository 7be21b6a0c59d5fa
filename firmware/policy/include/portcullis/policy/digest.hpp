// SPDX-License-Identifier: Apache-2.0
#pragma once
// The policy digest: SHA-256 of the canonical text, as 64 lower-case hex characters. It
// names a policy in reports (status JSON, metrics, MQTT) so a management host can tell
// which table a device enforces; the host tool prints the same value for a file.

#include <array>
#include <cstddef>
#include <string_view>

#include "portcullis/policy/canonical.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/policy/sha256.hpp"

namespace portcullis::policy {

struct Digest {
  std::array<char, 64> hex{};

  constexpr std::string_view view() const { return std::string_view(hex.data(), hex.size()); }
  friend constexpr bool operator==(const Digest&, const Digest&) = default;
};

constexpr Digest to_hex(const Sha256::Hash& hash) {
  constexpr std::string_view kHex = "0123456789abcdef";
  Digest out{};
  for (std::size_t i = 0; i < hash.size(); ++i) {
    out.hex[2 * i] = kHex[hash[i] >> 4];
    out.hex[2 * i + 1] = kHex[hash[i] & 0xF];
  }
  return out;
}

constexpr Digest digest(const Policy& policy) {
  return to_hex(sha256(canonical(policy).view()));
}

}  // namespace portcullis::policy
