// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

struct udp_pcb;

namespace portcullis::stack {

// Initialises lwIP once: lwip_init() with NO_SYS=1; with NO_SYS=0 tcpip_init(), which
// starts the tcpip thread (after it, lwIP is entered with a LwipContext only).
void start_lwip();

// For a firmware that initialises lwIP itself (lwip_init() or tcpip_init()) instead of
// start_lwip(): call it right after, before the firmware opens a UDP PCB of its own. It notes
// lwIP's DNS client's PCB for the listener audit (below); without it, with LWIP_DNS on, the
// audit would take that PCB for a listener and close it under dns.c. start_lwip() calls it.
void note_lwip_started();

// lwIP's DNS client's PCB (made by lwip_init(): one, kept for lwIP's life, on a port drawn at
// random), or nullptr without LWIP_DNS. The listener audit leaves it alone: its answers pass
// the filter only as answers to its queries (filter/client_requests.hpp).
const udp_pcb* lwip_dns_pcb();

// Stops lwIP for good before the program tears down what lwIP uses (TLS sessions,
// listeners, the agent's statics). With NO_SYS=0 it takes the core lock and never gives
// it back: the tcpip thread blocks at its next message or timer, so no callback runs while
// destructors free what it would touch. With NO_SYS=1 lwIP only runs when polled: nothing
// to do. Call it once, from the thread that owns the agent, as the last lwIP step.
void stop_lwip();
// stop_lwip() has been called.
bool lwip_stopped();

// Keys lwIP's randomness with 32 secret bytes (the agent draws them from the TLS DRBG):
// LWIP_RAND() (the first ephemeral ports, ND timers, the scan detector's key) and the TCP
// initial sequence numbers (RFC 6528, LWIP_HOOK_TCP_ISN in lwip_hooks.h) are SipHash-2-4
// under halves of it. Call before start_lwip(): lwIP draws its first ports in lwip_init().
inline constexpr std::size_t kLwipRandomKeyBytes = 32;
void key_lwip_random(std::span<const std::uint8_t, kLwipRandomKeyBytes> key);
// key_lwip_random() has been called: lwIP's numbers are secret.
bool lwip_random_keyed();

}  // namespace portcullis::stack
