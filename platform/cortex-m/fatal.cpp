// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/fatal.hpp"

namespace {
portcullis::hal::Console* fatal_console = nullptr;
}

namespace portcullis::hal {

void set_fatal_console(Console* console) {
  fatal_console = console;
}

[[noreturn]] void fatal(std::string_view reason) {
  __asm volatile("cpsid i" ::: "memory");
  if (fatal_console != nullptr) {
    fatal_console->write("\nportcullis: FATAL: ");
    fatal_console->write(reason);
    fatal_console->write("\n");
  }
  // Stop here: a product board's watchdog resets the device; under a debugger or QEMU the
  // state stays inspectable.
  for (;;) {
    __asm volatile("wfi");
  }
}

}  // namespace portcullis::hal
