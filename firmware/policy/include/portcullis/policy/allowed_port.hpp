// SPDX-License-Identifier: Apache-2.0
#pragma once
// A port the policy allows, as a type. Listener APIs take AllowedTcpPort / AllowedUdpPort
// instead of a bare number, and every way to make one checks the port against a constexpr
// policy, so no code path can listen on a port the build's policy does not allow:
// - allowed_tcp_port<N>() / allowed_udp_port<N>() (compiled.hpp): the build's policy, a
//   compile error for any other port; what firmware code writes for a fixed port.
// - AllowedPort<P>::checked<kSomePolicy, N>(): the same against another constexpr policy
//   (tests).
// - AllowedPort<P>::if_allowed<kSomePolicy>(port): a run-time lookup for code that walks
//   the table (the lab serves every allowed port); still only ports the constant allows.

#include <cstdint>
#include <optional>

#include "portcullis/policy/policy.hpp"

namespace portcullis::policy {

template <Proto kProto>
class AllowedPort {
 public:
  template <const Policy& kIn, std::uint16_t kPort>
  static consteval AllowedPort checked() {
    static_assert(kPort != 0, "port 0 is not a port to listen on");
    static_assert(kProto != Proto::kTcp || kIn.allows_port(kProto, kPort),
                  "tcp port not allowed by the policy file (PORTCULLIS_POLICY): add an "
                  "`allow tcp` rule for it or listen on an allowed port");
    static_assert(kProto != Proto::kUdp || kIn.allows_port(kProto, kPort),
                  "udp port not allowed by the policy file (PORTCULLIS_POLICY): add an "
                  "`allow udp` rule for it or listen on an allowed port");
    return AllowedPort(kPort);
  }

  // For code that walks the policy at run time (the lab serves every allowed port): the
  // policy is still a compile-time constant, so this never yields a port it does not allow.
  // kIn is a Policy or a Table (table.hpp) with static storage.
  template <const auto& kIn>
  static constexpr std::optional<AllowedPort> if_allowed(std::uint16_t port) {
    // Reading kIn here makes a non-constexpr (hence changeable) policy a compile error.
    static_assert(kIn.allows_port(kProto, 1) || true, "if_allowed needs a constexpr policy");
    if (!kIn.allows_port(kProto, port)) {
      return std::nullopt;
    }
    return AllowedPort(port);
  }

  constexpr Proto proto() const { return kProto; }
  constexpr std::uint16_t value() const { return port_; }
  friend constexpr bool operator==(const AllowedPort&, const AllowedPort&) = default;

 private:
  constexpr explicit AllowedPort(std::uint16_t port) : port_(port) {}

  std::uint16_t port_;
};

using AllowedTcpPort = AllowedPort<Proto::kTcp>;
using AllowedUdpPort = AllowedPort<Proto::kUdp>;

}  // namespace portcullis::policy
