// SPDX-License-Identifier: Apache-2.0
#pragma once
// sys_now() for a firmware that has none of its own: lwIP's NO_SYS port needs the function,
// and the reference boards give it their hal::Clock (portcullis_lwip_clock, lwip_clock.cpp).
// A firmware that brings its own sys_now() (every lwIP port has one) does not link this.

#include "portcullis/hal/clock.hpp"

namespace portcullis::stack {

// sys_now() reads this clock from now on. Set once before lwip_init(); sys_now() before it
// is a fatal error.
void set_lwip_clock(const hal::Clock& clock);

}  // namespace portcullis::stack
