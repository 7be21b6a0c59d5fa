// SPDX-License-Identifier: Apache-2.0
#pragma once
// The canonical text of a policy: what the digest is computed over, so that two files
// meaning the same table (different comments, blanks, hex case, `::` placement, leading
// zeros, a host written with or without /32) have the same digest. It is itself a valid
// policy file that parses back to the same table.
//
//   mode stealth|reject          always present, first
//   echo on|off                  always present, second
//   allow tcp|udp P[-Q] [from X,Y]   rules in file order; P-Q only when Q != P
//   mgmt P [from X,Y]            at its place among the rules
//
// Single spaces, no comments, a '\n' after every line, prefixes in file order and always
// with /len, IPv4 dotted decimal, IPv6 as RFC 5952 section 4 (lower case, no leading
// zeros, the longest run of two or more zero groups as `::`, the first such run on a tie;
// never the mixed dotted form).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/fixed_text.hpp"
#include "portcullis/policy/policy.hpp"

namespace portcullis::policy {

// Longest prefix text: eight 4-digit groups, seven colons, "/128".
inline constexpr std::size_t kMaxPrefixText = 8 * 4 + 7 + 4;
// Longest rule line: "allow " + "tcp " + "65535-65535" + " from " + the list + '\n'.
inline constexpr std::size_t kMaxRuleText =
    6 + 4 + 11 + 6 + kMaxSources * kMaxPrefixText + (kMaxSources - 1) + 1;
inline constexpr std::size_t kMaxCanonicalText =
    sizeof("mode stealth\n") - 1 + sizeof("echo off\n") - 1 + kMaxRules * kMaxRuleText;

using PrefixText = FixedText<kMaxPrefixText>;
using CanonicalText = FixedText<kMaxCanonicalText>;

constexpr PrefixText format_prefix(const Prefix& p) {
  PrefixText out{};
  if (!p.is_v6) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != 0) {
        out.append('.');
      }
      out.append_decimal(p.addr[i]);
    }
  } else {
    std::array<std::uint16_t, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) {
      groups[i] = static_cast<std::uint16_t>(p.addr[2 * i] << 8 | p.addr[2 * i + 1]);
    }
    // RFC 5952 4.2: compress the longest run of zero groups, if it is at least two long.
    std::size_t best_start = 8;
    std::size_t best_len = 1;
    for (std::size_t i = 0; i < 8;) {
      std::size_t j = i;
      while (j < 8 && groups[j] == 0) {
        ++j;
      }
      if (j - i > best_len) {
        best_start = i;
        best_len = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    for (std::size_t i = 0; i < 8; ++i) {
      if (i == best_start) {
        out.append("::");
        i += best_len - 1;
        continue;
      }
      if (i != 0 && i != best_start + best_len) {
        out.append(':');
      }
      constexpr std::string_view kHex = "0123456789abcdef";
      bool started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        const auto nibble = static_cast<std::size_t>((groups[i] >> shift) & 0xF);
        started = started || nibble != 0 || shift == 0;
        if (started) {
          out.append(kHex[nibble]);
        }
      }
    }
  }
  out.append('/');
  out.append_decimal(p.len);
  return out;
}

constexpr CanonicalText canonical(const Policy& policy) {
  CanonicalText out{};
  out.append(policy.mode == Mode::kReject ? "mode reject\n" : "mode stealth\n");
  out.append(policy.echo ? "echo on\n" : "echo off\n");
  for (const Rule& r : policy.active_rules()) {
    if (r.mgmt) {
      out.append("mgmt ");
    } else {
      out.append(r.proto == Proto::kUdp ? "allow udp " : "allow tcp ");
    }
    out.append_decimal(r.first_port);
    if (r.last_port != r.first_port) {
      out.append('-');
      out.append_decimal(r.last_port);
    }
    for (std::size_t i = 0; i < r.source_count; ++i) {
      out.append(i == 0 ? " from " : ",");
      out.append(format_prefix(r.sources[i]).view());
    }
    out.append('\n');
  }
  return out;
}

}  // namespace portcullis::policy
