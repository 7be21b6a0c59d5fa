// SPDX-License-Identifier: Apache-2.0
// Wiring for lm3s6965evb: the system clock, which driver sits at which address. No logic.
#include "board_config.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/boards/cortex_m_main.hpp"
#include "portcullis/hal/log.hpp"
#include "portcullis/hal/mmio.hpp"
#include "portcullis/hal/pl011_uart.hpp"
#include "portcullis/hal/stellaris_adc_noise.hpp"
#include "portcullis/hal/stellaris_enet.hpp"
#include "portcullis/hal/stellaris_flash.hpp"
#include "portcullis/hal/stellaris_sysctl.hpp"
#include "portcullis/hal/systick_clock.hpp"
#include "portcullis/platform/cortex_m.hpp"
#include "portcullis/platform/seed_log.hpp"
#include "portcullis/platform/seed_record.hpp"

namespace {
using portcullis::hal::Mmio;
namespace board = portcullis::board;
using Sysctl = portcullis::hal::StellarisSysctl<Mmio>;

Sysctl sysctl{Mmio{board::kSysctlBase}};
portcullis::hal::Pl011Uart<Mmio> console{Mmio{board::kUart0Base}};
portcullis::hal::StellarisEnet<Mmio> ethernet{Mmio{board::kEthernetBase}};
portcullis::hal::SysTickClock<Mmio> systick{Mmio{board::kSysTickBase}};
// The internal temperature sensor's conversion noise, sampled on timer 0's trigger: a weak
// source beside the seed (QEMU gives a fixed pseudo-random sequence: the code runs, no entropy).
portcullis::hal::StellarisAdcNoise<Mmio> adc_noise{Mmio{board::kAdcBase}, Mmio{board::kTimer0Base}};
portcullis::hal::StellarisFlash<Mmio> flash{Mmio{board::kFlashControlBase}, board::kFlashBytes};
// The device's seed: the log in the last two flash pages, written by the factory (tools/flash
// --seed) and appended at every boot; else a record at the start of RAM (the lab's QEMU
// loader puts one there for each boot: QEMU does not emulate the flash controller).
portcullis::platform::SeedLogStore seed_log{flash, portcullis::platform::seed_log_memory()};
portcullis::platform::SeedRecordStore seed_record{portcullis::platform::seed_record_memory()};
portcullis::platform::FirstValidSeedStore seed{seed_log, seed_record};
portcullis::app::Agent agent{ethernet, systick, console, {.noise = &adc_noise, .seed = &seed}};
}  // namespace

extern "C" void SysTick_Handler() {
  systick.on_tick();
}

int main() {
  using portcullis::boards::require;
  // Without the PLL the part runs from its 8 MHz crystal: everything works, slower; the
  // console says so once it is up.
  const bool pll = portcullis::ok(sysctl.start_pll());
  const std::uint32_t core_hz = pll ? Sysctl::kSystemClockHz : board::kCrystalHz;
  sysctl.enable_uart0();
  sysctl.enable_ethernet();
  sysctl.enable_adc();
  sysctl.enable_timer0();
  portcullis::boards::start_console_and_clock(console, systick, core_hz, board::kConsoleBaud);
  if (!pll) {
    portcullis::hal::Log{console}.line("PLL did not lock: running from the 8 MHz crystal");
  }
  require(sysctl.set_flash_clock(core_hz), "flash timing");
  require(adc_noise.start(board::kAdcNoisePeriodCycles), "ADC noise start");
  // A device image's MAC: the identity record's, else the one the factory stored in the part.
  portcullis::boards::run_agent(
      agent, portcullis::boards::with_factory_mac(board::kNetwork, sysctl.factory_mac()),
      board::kName);
}
