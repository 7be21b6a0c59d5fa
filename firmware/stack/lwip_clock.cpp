// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/lwip_clock.hpp"

#include "lwip/sys.h"
#include "portcullis/hal/fatal.hpp"

namespace {
const portcullis::hal::Clock* lwip_clock = nullptr;
}  // namespace

namespace portcullis::stack {

void set_lwip_clock(const hal::Clock& clock) {
  lwip_clock = &clock;
}

}  // namespace portcullis::stack

extern "C" u32_t sys_now(void) {
  if (lwip_clock == nullptr) {
    portcullis::hal::fatal("sys_now() before set_lwip_clock()");
  }
  return static_cast<u32_t>(lwip_clock->now_ms());
}
