#pragma once

#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::stack {

// lwIP's NO_SYS port: sys_now() reads this clock. Set once before lwip_init().
void set_lwip_clock(const hal::Clock& clock);

// Seeds the generator behind LWIP_RAND() (ephemeral ports, ND timers). Boards with an
// entropy source seed it from there; it is not a cryptographic generator.
void seed_lwip_rand(std::uint32_t seed);

}  // namespace portcullis::stack
