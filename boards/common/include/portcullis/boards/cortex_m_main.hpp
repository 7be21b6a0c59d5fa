// SPDX-License-Identifier: Apache-2.0
#pragma once
// The bring-up every Cortex-M board's main() shares: the console first (so every later step
// can say what failed), the fatal handler's console, the SysTick clock, then the agent and
// the super-loop. A board's main() keeps only what is its own (a PLL, peripheral clocks, its
// extra drivers) between these calls.

#include <cstdint>
#include <string_view>

#include "portcullis/app/agent.hpp"
#include "portcullis/base/network_settings.hpp"
#include "portcullis/base/status.hpp"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/platform/cortex_m.hpp"

namespace portcullis::boards {

// A bring-up step that must work: on failure, a fatal stop that names it.
inline void require(Status st, const char* step) {
  if (!ok(st)) {
    hal::fatal(step);
  }
}

// The console at `baud` from `core_hz`, made the fatal handler's, then SysTick at `core_hz`.
template <typename Uart, typename Clock>
void start_console_and_clock(Uart& console, Clock& clock, std::uint32_t core_hz,
                             std::uint32_t baud) {
  require(console.init(core_hz, baud), "console init");
  hal::set_fatal_console(&console);
  require(clock.start(core_hz), "SysTick start");
}

// Starts the agent on `net` as board `name` with the identity record in its reserved flash
// region (linker.ld.in), forbids the heap from then on, and runs the super-loop, sleeping until
// the next interrupt between turns. Never returns.
[[noreturn]] inline void run_agent(app::Agent& agent, const NetworkSettings& net,
                                   std::string_view name) {
  require(agent.start(net, name, platform::identity_memory()), "agent start");
  platform::lock_heap();
  for (;;) {
    agent.poll();
    platform::wait_for_interrupt();
  }
}

}  // namespace portcullis::boards
