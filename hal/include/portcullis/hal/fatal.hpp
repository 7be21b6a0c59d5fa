// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "portcullis/hal/console.hpp"

namespace portcullis::hal {

// The one place impossible states go. The platform implements it: it reports `reason`
// on the console registered here (if any) and stops the device; it never returns.
[[noreturn]] void fatal(std::string_view reason);

// Where fatal() reports. Boards register their console once it works.
void set_fatal_console(Console* console);

}  // namespace portcullis::hal
