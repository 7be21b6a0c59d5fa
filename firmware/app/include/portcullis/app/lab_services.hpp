// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lab services: something to find behind every port the policy allows, so a scan in the
// lab can tell an allowed port (open) from a dropped one (filtered). TCP ports run a
// discard service (RFC 863), UDP ports an echo service (RFC 862). Built in only when the
// board sets PORTCULLIS_LAB_SERVICES=1; a product image has its own services instead.

#include <cstddef>
#include <cstdint>

#include "portcullis/hal/log.hpp"
#include "portcullis/policy/policy.hpp"

namespace portcullis::app {

class LabServices {
 public:
  static constexpr std::size_t kMaxTcpListeners = 6;
  static constexpr std::size_t kMaxUdpSockets = 4;

  // Opens the services on the allowed ports of the build's policy (not on the mgmt port,
  // which belongs to the status endpoint), up to the limits above; reports on `log`
  // what it opened and what it had to leave out.
  void start(const hal::Log& log);

  std::size_t tcp_listeners() const { return tcp_count_; }
  std::size_t udp_sockets() const { return udp_count_; }

 private:
  std::size_t tcp_count_ = 0;
  std::size_t udp_count_ = 0;
};

}  // namespace portcullis::app
