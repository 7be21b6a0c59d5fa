// SPDX-License-Identifier: Apache-2.0
// What every C interface shares (Portcullis::c, Portcullis::agent), compiled in the firmware's
// target once whichever it links: Portcullis's fatal stop (portcullis/hal/fatal.hpp) handed to
// the firmware's port function, and portcullis_lwip_started().
#include "portcullis/hal/fatal.hpp"
#include "portcullis/port.h"
#include "portcullis/stack/lwip_port.hpp"

[[noreturn]] void portcullis::hal::fatal(std::string_view reason) {
  portcullis_port_fatal(reason.data(), reason.size());
}

extern "C" void portcullis_lwip_started(void) {
  portcullis::stack::note_lwip_started();
}
