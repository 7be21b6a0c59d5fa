// SPDX-License-Identifier: Apache-2.0
#pragma once
// The build's policy and the listener ports checked against it. compiled_policy.hpp is
// generated at configure time from PORTCULLIS_POLICY (cmake/policy.cmake) and defines, in
// portcullis::policy:
//   kPolicyPath       the policy file's path, as given to the build
//   kPolicyText       the file's text
//   kPolicy           parse(kPolicyText).policy, built by this compiler (static_assert ok)
//   kPolicyCanonical  canonical(kPolicy)
//   kPolicyDigest     digest(kPolicy), also checked against the host tool's digest
// and here:
//   kCompiledPolicy   compact(kPolicy): its rules and sources in arrays of their own size
//   kPolicyTable      the view of kCompiledPolicy that the firmware reads at run time (the
//                     full-size kPolicy stays a compile-time value: no flash)

#include <cstdint>

#include "portcullis/policy/allowed_port.hpp"
#include "portcullis/policy/compiled_policy.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/policy/table.hpp"

namespace portcullis::policy {

inline constexpr CompactPolicy<kPolicy.rule_count, source_total(kPolicy)> kCompiledPolicy =
    compact<kPolicy.rule_count, source_total(kPolicy)>(kPolicy);
inline constexpr Table kPolicyTable = kCompiledPolicy.table();

// `allowed_tcp_port<8443>()` compiles only if the policy allows tcp port 8443.
template <std::uint16_t kPort>
consteval AllowedTcpPort allowed_tcp_port() {
  return AllowedTcpPort::checked<kPolicy, kPort>();
}

template <std::uint16_t kPort>
consteval AllowedUdpPort allowed_udp_port() {
  return AllowedUdpPort::checked<kPolicy, kPort>();
}

}  // namespace portcullis::policy
