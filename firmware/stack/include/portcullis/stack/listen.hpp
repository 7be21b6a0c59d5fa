// SPDX-License-Identifier: Apache-2.0
#pragma once
// The only way agent and application code opens a listener: the port is an
// AllowedTcpPort / AllowedUdpPort, which exists only for ports the policy allows
// (policy::allowed_tcp_port<N>() fails to compile otherwise).

#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "portcullis/policy/allowed_port.hpp"

namespace portcullis::stack {

// A TCP listener on `port` (IPv4 and IPv6). nullptr when lwIP's pools are exhausted.
tcp_pcb* listen_tcp(policy::AllowedTcpPort port, tcp_accept_fn accept, void* arg);

// A UDP socket bound to `port` (IPv4 and IPv6). nullptr when lwIP's pools are exhausted.
udp_pcb* bind_udp(policy::AllowedUdpPort port, udp_recv_fn recv, void* arg);

}  // namespace portcullis::stack
