// SPDX-License-Identifier: Apache-2.0
// Wiring for qemu-mps2-an385: which driver sits at which address. No logic.
#include "board_config.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/boards/cortex_m_main.hpp"
#include "portcullis/hal/cmsdk_uart.hpp"
#include "portcullis/hal/lan9118.hpp"
#include "portcullis/hal/mmio.hpp"
#include "portcullis/hal/systick_clock.hpp"
#include "portcullis/platform/seed_record.hpp"

namespace {
using portcullis::hal::Mmio;
namespace board = portcullis::board;

portcullis::hal::CmsdkUart<Mmio> console{Mmio{board::kUart0Base}};
portcullis::hal::Lan9118<Mmio> ethernet{Mmio{board::kLan9118Base}};
portcullis::hal::SysTickClock<Mmio> systick{Mmio{board::kSysTickBase}};
// The device's entropy seed record at the start of RAM (put there per device; the lab's
// QEMU loader does it for each boot): no other entropy source is emulated.
portcullis::platform::SeedRecordStore seed_record{portcullis::platform::seed_record_memory()};
portcullis::app::Agent agent{ethernet, systick, console, {.seed = &seed_record}};
}  // namespace

extern "C" void SysTick_Handler() {
  systick.on_tick();
}

int main() {
  portcullis::boards::start_console_and_clock(console, systick, board::kCoreClockHz,
                                              board::kConsoleBaud);
  // A device image's MAC: the identity record's, else the one the LAN9118's EEPROM holds.
  portcullis::boards::run_agent(
      agent, portcullis::boards::with_factory_mac(board::kNetwork, ethernet.factory_mac()),
      board::kName);
}
