// SPDX-License-Identifier: Apache-2.0
// Compiled by CTest (tests/policy/CMakeLists.txt) against listen.allow, with
// LISTEN_UDP=0|1 and LISTEN_PORT=N: it must compile for an allowed port and fail with the
// helper's static_assert for any other. LISTEN_MUTABLE_POLICY=1 instead tries a run-time
// lookup in a policy that is not constexpr, which must not compile either.

#include <cstdint>
#include <optional>

#include "portcullis/policy/compiled.hpp"

namespace pol = portcullis::policy;

#if LISTEN_MUTABLE_POLICY
pol::Policy g_changeable;  // a table that code could widen at run time
std::optional<pol::AllowedTcpPort> lookup(std::uint16_t port) {
  return pol::AllowedTcpPort::if_allowed<g_changeable>(port);
}
#elif LISTEN_UDP
constexpr pol::AllowedUdpPort kListener = pol::allowed_udp_port<LISTEN_PORT>();
static_assert(kListener.value() == LISTEN_PORT);
#else
constexpr pol::AllowedTcpPort kListener = pol::allowed_tcp_port<LISTEN_PORT>();
static_assert(kListener.value() == LISTEN_PORT);
#endif
