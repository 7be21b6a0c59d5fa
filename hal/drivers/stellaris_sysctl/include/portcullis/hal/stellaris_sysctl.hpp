// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "portcullis/base/mac_address.hpp"
#include "portcullis/base/status.hpp"

namespace portcullis::hal {

// The system control block of a Stellaris LM3S6965 (0x400F'E000): the system clock from the
// PLL and the run-mode clock gates of the peripherals the board uses. `Bus` has the shape of
// portcullis::hal::Mmio. Register layout and the PLL sequence follow the LM3S6965 data sheet
// ("Run-Mode Clock Configuration", RCC); QEMU's lm3s6965evb models the same RCC fields
// (SYSDIV sets its system clock, clearing PWRDN reports the PLL locked at once).
template <class Bus>
class StellarisSysctl {
 public:
  // 400 MHz PLL / 2 / SYSDIV 4: 50 MHz, the part's maximum, from the EK-LM3S6965's 8 MHz
  // crystal.
  static constexpr std::uint32_t kSystemClockHz = 50'000'000;

  constexpr explicit StellarisSysctl(Bus bus) : bus_(bus) {}

  // Switches the system clock to the PLL (kSystemClockHz). Runs from the crystal, PLL
  // bypassed, until the PLL reports lock; kDeadlineExceeded (and still on the crystal, 8 MHz)
  // when it does not within `max_polls` reads of RIS.
  Status start_pll(std::uint32_t max_polls = 1'000'000) {
    std::uint32_t rcc = bus_.read32(kRcc);
    rcc |= kBypass;  // run from the oscillator while the PLL is reconfigured
    rcc &= ~kUseSysDiv;
    bus_.write32(kRcc, rcc);
    rcc &= ~(kXtalMask | kOscSrcMask | kMainOscDisable);
    rcc |= kXtal8MHz | kOscSrcMain;
    bus_.write32(kRcc, rcc);
    bus_.write32(kMisc, kPllLock);  // forget an old lock before powering the PLL up
    rcc &= ~kPowerDown;
    rcc = (rcc & ~kSysDivMask) | (kSysDiv50MHz << kSysDivShift) | kUseSysDiv;
    bus_.write32(kRcc, rcc);
    for (std::uint32_t i = 0; (bus_.read32(kRis) & kPllLock) == 0; ++i) {
      if (i >= max_polls) return Status::kDeadlineExceeded;
    }
    rcc &= ~kBypass;
    bus_.write32(kRcc, rcc);
    return Status::kOk;
  }

  // Run-mode clock gates: the peripheral answers only once its clock runs (the data sheet
  // asks for a few cycles before the first access; the driver's first access comes later).
  void enable_uart0() { set(kRcgc1, kRcgc1Uart0); }
  void enable_ethernet() { set(kRcgc2, kRcgc2Emac0 | kRcgc2Ephy0); }
  // ADC0, at the 125 kS/s that MAXADCSPD (bits 9:8, kept) gives from reset.
  void enable_adc() { set(kRcgc0, kRcgc0Adc0); }
  void enable_timer0() { set(kRcgc1, kRcgc1Timer0); }

  // The flash controller times its program and erase pulses in microseconds counted from the
  // system clock: USECRL must be the clock in MHz minus 1 (reset: 49, for 50 MHz). Call after
  // every clock change, before the first flash command. kInvalidArgument below 1 MHz.
  Status set_flash_clock(std::uint32_t core_hz) {
    if (core_hz < 1'000'000 || core_hz / 1'000'000 > 256) return Status::kInvalidArgument;
    bus_.write32(kUsecrl, core_hz / 1'000'000 - 1);
    return Status::kOk;
  }

  // The MAC address the board's maker committed to the user registers (the EK-LM3S6965 comes
  // with its own there; QEMU gives its NIC's): bytes 0-2 in USER0 bits 23:0 and bytes 3-5 in
  // USER1, first byte lowest. std::nullopt when either register was never committed (NW, bit
  // 31, set: an erased part reads 0xFFFFFFFF) or the address is no usable unicast one (all
  // zero, or the group bit set).
  std::optional<MacAddress> factory_mac() const {
    const std::uint32_t user0 = bus_.read32(kUser0);
    const std::uint32_t user1 = bus_.read32(kUser1);
    if (((user0 | user1) & kUserNotWritten) != 0) return std::nullopt;
    const MacAddress mac{
        static_cast<std::uint8_t>(user0),       static_cast<std::uint8_t>(user0 >> 8),
        static_cast<std::uint8_t>(user0 >> 16), static_cast<std::uint8_t>(user1),
        static_cast<std::uint8_t>(user1 >> 8),  static_cast<std::uint8_t>(user1 >> 16)};
    if (!station_address(mac)) return std::nullopt;
    return mac;
  }

  static constexpr std::uint32_t kRis = 0x050;
  static constexpr std::uint32_t kMisc = 0x058;
  static constexpr std::uint32_t kRcc = 0x060;
  static constexpr std::uint32_t kUsecrl = 0x140;
  static constexpr std::uint32_t kRcgc0 = 0x100;
  static constexpr std::uint32_t kRcgc1 = 0x104;
  static constexpr std::uint32_t kRcgc2 = 0x108;
  static constexpr std::uint32_t kUser0 = 0x1E0;
  static constexpr std::uint32_t kUser1 = 0x1E4;
  static constexpr std::uint32_t kUserNotWritten = 1u << 31;  // USER0/USER1.NW

  static constexpr std::uint32_t kPllLock = 1u << 6;  // RIS.PLLLRIS, MISC.PLLLMIS
  static constexpr std::uint32_t kMainOscDisable = 1u << 0;
  static constexpr std::uint32_t kOscSrcMask = 3u << 4;
  static constexpr std::uint32_t kOscSrcMain = 0u << 4;
  static constexpr std::uint32_t kXtalMask = 0xFu << 6;
  static constexpr std::uint32_t kXtal8MHz = 0xEu << 6;
  static constexpr std::uint32_t kBypass = 1u << 11;
  static constexpr std::uint32_t kPowerDown = 1u << 13;
  static constexpr std::uint32_t kUseSysDiv = 1u << 22;
  static constexpr std::uint32_t kSysDivShift = 23;
  static constexpr std::uint32_t kSysDivMask = 0xFu << kSysDivShift;
  static constexpr std::uint32_t kSysDiv50MHz = 3;  // divide by 4
  static constexpr std::uint32_t kRcgc0Adc0 = 1u << 16;
  static constexpr std::uint32_t kRcgc0MaxAdcSpdMask = 3u << 8;
  static constexpr std::uint32_t kRcgc1Uart0 = 1u << 0;
  static constexpr std::uint32_t kRcgc1Timer0 = 1u << 16;
  static constexpr std::uint32_t kRcgc2Emac0 = 1u << 28;
  static constexpr std::uint32_t kRcgc2Ephy0 = 1u << 30;

 private:
  void set(std::uint32_t reg, std::uint32_t bits) { bus_.write32(reg, bus_.read32(reg) | bits); }

  Bus bus_;
};

}  // namespace portcullis::hal
