// SPDX-License-Identifier: Apache-2.0
#pragma once
// The allow-list as data: what the policy file says, in a form the classifier reads on
// the hot path and the compiler can build at compile time. No lwIP header here.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

namespace portcullis::policy {

enum class Proto : std::uint8_t { kTcp = 6, kUdp = 17 };  // IP protocol numbers
enum class Mode : std::uint8_t { kStealth, kReject };

// Capacities: a policy beyond them fails the build with FILE:LINE.
inline constexpr std::size_t kMaxRules = 32;
inline constexpr std::size_t kMaxSources = 8;  // prefixes in one rule's `from` list

// An IPv4 or IPv6 prefix. IPv4 addresses use the first 4 bytes; host bits are zero.
struct Prefix {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> addr{};
  std::uint8_t len = 0;  // bits: 0..32 (IPv4), 0..128 (IPv6)

  // `ip` is 4 bytes (IPv4) or 16 bytes (IPv6); a prefix never matches the other family.
  constexpr bool contains(std::span<const std::uint8_t> ip) const {
    if (ip.size() != (is_v6 ? 16u : 4u) || len > ip.size() * 8) {
      return false;
    }
    // Whole bytes first, four at a time at run time (a mismatch ends the walk), then the
    // prefix's last partial byte under its mask.
    const std::size_t whole = len / 8;
    std::size_t i = 0;
    if (!std::is_constant_evaluated()) {
      for (; i + 4 <= whole; i += 4) {
        std::uint32_t x = 0;
        std::uint32_t y = 0;
        std::memcpy(&x, &ip[i], 4);
        std::memcpy(&y, &addr[i], 4);
        if (x != y) {
          return false;
        }
      }
    }
    for (; i < whole; ++i) {
      if (ip[i] != addr[i]) {
        return false;
      }
    }
    const std::size_t rest = len % 8;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return rest == 0 || ((ip[whole] ^ addr[whole]) & mask) == 0;
  }
  friend constexpr bool operator==(const Prefix&, const Prefix&) = default;
};

struct Rule {
  Proto proto = Proto::kTcp;
  std::uint16_t first_port = 0;   // inclusive, >= 1
  std::uint16_t last_port = 0;    // inclusive, >= first_port
  std::uint8_t source_count = 0;  // 0: from anywhere
  std::array<Prefix, kMaxSources> sources{};
  bool mgmt = false;       // the implicit tcp allow of the `mgmt` line
  std::uint32_t line = 0;  // where it stands in the policy file

  constexpr bool covers(Proto p, std::uint16_t port) const {
    return p == proto && port >= first_port && port <= last_port;
  }
  constexpr bool admits(std::span<const std::uint8_t> src_ip) const;
  friend constexpr bool operator==(const Rule&, const Rule&) = default;
};

// Does a rule with these source prefixes admit `src_ip`? No prefixes: from anywhere.
constexpr bool sources_admit(std::span<const Prefix> sources,
                             std::span<const std::uint8_t> src_ip) {
  if (sources.empty()) {
    return true;
  }
  for (const Prefix& p : sources) {
    if (p.contains(src_ip)) {
      return true;
    }
  }
  return false;
}

// A count beyond the array (a Rule made by hand, not by the parser) reads only the array.
constexpr bool Rule::admits(std::span<const std::uint8_t> src_ip) const {
  return sources_admit(
      std::span<const Prefix>(sources.data(), std::min<std::size_t>(source_count, kMaxSources)),
      src_ip);
}

struct Policy {
  Mode mode = Mode::kStealth;
  bool echo = false;  // answer ICMP/ICMPv6 echo requests
  std::uint8_t rule_count = 0;
  std::array<Rule, kMaxRules> rules{};

  constexpr std::span<const Rule> active_rules() const {
    return std::span<const Rule>(rules.data(), rule_count);
  }

  // Does an allow rule admit a packet of `proto` from `src_ip` (4 or 16 bytes) to `port`?
  constexpr bool allows(Proto proto, std::uint16_t port,
                        std::span<const std::uint8_t> src_ip) const {
    for (const Rule& r : active_rules()) {
      if (r.covers(proto, port) && r.admits(src_ip)) {
        return true;
      }
    }
    return false;
  }

  // May the device listen on `port` at all (from some source)? Used for listeners.
  constexpr bool allows_port(Proto proto, std::uint16_t port) const {
    for (const Rule& r : active_rules()) {
      if (r.covers(proto, port)) {
        return true;
      }
    }
    return false;
  }

  constexpr std::optional<std::uint16_t> mgmt_port() const {
    for (const Rule& r : active_rules()) {
      if (r.mgmt) {
        return r.first_port;
      }
    }
    return std::nullopt;
  }
  friend constexpr bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace portcullis::policy
