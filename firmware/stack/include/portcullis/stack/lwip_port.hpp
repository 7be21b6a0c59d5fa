#pragma once

#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::stack {

// lwIP's port: sys_now() reads this clock. Set once before lwip_init().
void set_lwip_clock(const hal::Clock& clock);

// Initialises lwIP once: lwip_init() with NO_SYS=1; with NO_SYS=0 tcpip_init(), which
// starts the tcpip thread (after it, lwIP is entered with a LwipContext only).
void start_lwip();

// Stops lwIP for good before the program tears down what lwIP uses (TLS sessions,
// listeners, the agent's statics). With NO_SYS=0 it takes the core lock and never gives
// it back: the tcpip thread blocks at its next message or timer, so no callback runs while
// destructors free what it would touch. With NO_SYS=1 lwIP only runs when polled: nothing
// to do. Call it once, from the thread that owns the agent, as the last lwIP step.
void stop_lwip();
// stop_lwip() has been called.
bool lwip_stopped();

// Seeds the generator behind LWIP_RAND() (ephemeral ports, ND timers). Boards with an
// entropy source seed it from there; it is not a cryptographic generator.
void seed_lwip_rand(std::uint32_t seed);

}  // namespace portcullis::stack
