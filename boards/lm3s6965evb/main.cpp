// Wiring for lm3s6965evb: the system clock, which driver sits at which address. No logic.
#include "board_config.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/hal/mmio.hpp"
#include "portcullis/hal/pl011_uart.hpp"
#include "portcullis/hal/stellaris_enet.hpp"
#include "portcullis/hal/stellaris_sysctl.hpp"
#include "portcullis/hal/systick_clock.hpp"
#include "portcullis/platform/cortex_m.hpp"
#include "portcullis/platform/seed_record.hpp"

namespace {
using portcullis::hal::Mmio;
namespace board = portcullis::board;
using Sysctl = portcullis::hal::StellarisSysctl<Mmio>;

Sysctl sysctl{Mmio{board::kSysctlBase}};
portcullis::hal::Pl011Uart<Mmio> console{Mmio{board::kUart0Base}};
portcullis::hal::StellarisEnet<Mmio> ethernet{Mmio{board::kEthernetBase}};
portcullis::hal::SysTickClock<Mmio> clock{Mmio{board::kSysTickBase}};
// The device's entropy seed record at the start of RAM (put there per device; the lab's
// QEMU loader does it for each boot): no other entropy source is emulated.
portcullis::platform::SeedRecordStore seed_record{portcullis::platform::seed_record_memory()};
portcullis::app::Agent agent{ethernet, clock, console, nullptr, &seed_record};
}  // namespace

extern "C" void SysTick_Handler() {
  clock.on_tick();
}

int main() {
  // Without the PLL the part runs from its 8 MHz crystal: everything works, slower; the
  // console says so once it is up.
  const bool pll = portcullis::ok(sysctl.start_pll());
  const std::uint32_t core_hz = pll ? Sysctl::kSystemClockHz : board::kCrystalHz;
  sysctl.enable_uart0();
  sysctl.enable_ethernet();
  if (!portcullis::ok(console.init(core_hz, board::kConsoleBaud))) {
    portcullis::hal::fatal("console init");
  }
  portcullis::hal::set_fatal_console(&console);
  if (!pll) {
    console.write("portcullis: PLL did not lock: running from the 8 MHz crystal\n");
  }
  if (!portcullis::ok(clock.start(core_hz))) {
    portcullis::hal::fatal("SysTick start");
  }
  if (!portcullis::ok(agent.start(board::kNetwork, board::kName))) {
    portcullis::hal::fatal("agent start");
  }
  portcullis::platform::lock_heap();
  for (;;) {
    agent.poll();
    portcullis::platform::wait_for_interrupt();
  }
}
