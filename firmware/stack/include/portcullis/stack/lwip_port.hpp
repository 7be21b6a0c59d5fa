#pragma once

#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::stack {

// lwIP's port: sys_now() reads this clock. Set once before lwip_init().
void set_lwip_clock(const hal::Clock& clock);

// Initialises lwIP once: lwip_init() with NO_SYS=1; with NO_SYS=0 tcpip_init(), which
// starts the tcpip thread (after it, lwIP is entered with a LwipContext only).
void start_lwip();

// Seeds the generator behind LWIP_RAND() (ephemeral ports, ND timers). Boards with an
// entropy source seed it from there; it is not a cryptographic generator.
void seed_lwip_rand(std::uint32_t seed);

}  // namespace portcullis::stack
