// SPDX-License-Identifier: Apache-2.0
// The LM3S6965 system control driver against a register model of RCC/RIS/MISC, the clock
// gates and the user registers: the PLL sequence of the data sheet, a PLL that never locks,
// the gates, the factory MAC address.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <optional>

#include "fake_bus.hpp"
#include "portcullis/hal/stellaris_sysctl.hpp"

namespace {

using portcullis::Status;
using portcullis::hal::testing::FakeBus;
using portcullis::hal::testing::ProtocolErrors;

// Registers as reset leaves them (RCC 0x078E3AC0 on the LM3S6965: crystal field 6 MHz,
// PLL powered down and bypassed, SYSDIV /16 unused). Clearing PWRDN locks the PLL after
// `lock_after_reads` reads of RIS (never when negative). Records what the data sheet forbids:
// leaving the bypass while the PLL is not locked, or changing XTAL/OSCSRC while not bypassed.
struct FakeSysctl {
  // Indexed by offset / 4; only RIS, MISC, RCC, RCGC0, RCGC1, RCGC2, USECRL and the user
  // registers USER0/USER1 (read-only here: committing them is the flash controller's) are
  // modelled.
  struct Registers {
    std::array<std::uint32_t, 0x1E8 / 4> words{};
    std::uint32_t& operator[](std::uint32_t offset) { return words.at(offset / 4); }
    static bool modelled(std::uint32_t offset) {
      return offset == 0x050 || offset == 0x058 || offset == 0x060 || offset == 0x100 ||
             offset == 0x104 || offset == 0x108 || offset == 0x140 || offset == 0x1E0 ||
             offset == 0x1E4;
    }
  };
  Registers regs = [] {
    Registers r;
    r[0x060] = 0x078E'3AC0;
    r[0x1E0] = 0xFFFF'FFFF;  // USER0/USER1 of an erased part: never committed
    r[0x1E4] = 0xFFFF'FFFF;
    return r;
  }();
  int lock_after_reads = 2;
  int reads_since_power_up = -1;
  ProtocolErrors errors;

  using Sysctl = portcullis::hal::StellarisSysctl<FakeBus<FakeSysctl>>;

  std::uint32_t read32(std::uint32_t offset) {
    if (offset == Sysctl::kRis && reads_since_power_up >= 0) {
      ++reads_since_power_up;
      if (lock_after_reads >= 0 && reads_since_power_up > lock_after_reads) {
        regs[Sysctl::kRis] |= Sysctl::kPllLock;
      }
    }
    if (!Registers::modelled(offset)) {
      errors.add("read of an unmodelled register");
      return 0;
    }
    return regs[offset];
  }
  void write32(std::uint32_t offset, std::uint32_t value) {
    if (offset == Sysctl::kMisc) {
      regs[Sysctl::kRis] &= ~value;  // write 1 to clear
      return;
    }
    if (offset == Sysctl::kRcc) {
      const std::uint32_t old = regs[offset];
      const std::uint32_t clock_fields = Sysctl::kXtalMask | Sysctl::kOscSrcMask;
      if ((old & clock_fields) != (value & clock_fields) && (old & Sysctl::kBypass) == 0) {
        errors.add("XTAL/OSCSRC changed while the PLL drives the system clock");
      }
      if ((value & Sysctl::kBypass) == 0 && (regs[Sysctl::kRis] & Sysctl::kPllLock) == 0) {
        errors.add("PLL bypass left before the PLL locked");
      }
      if ((old & Sysctl::kPowerDown) != 0 && (value & Sysctl::kPowerDown) == 0) {
        reads_since_power_up = 0;
      }
    } else if (!Registers::modelled(offset)) {
      errors.add("write to an unmodelled register");
      return;
    } else if (offset == Sysctl::kUser0 || offset == Sysctl::kUser1) {
      errors.add("write to a user register (committed through the flash controller)");
      return;
    }
    regs[offset] = value;
  }
};

using Sysctl = FakeSysctl::Sysctl;

}  // namespace

TEST_GROUP(StellarisSysctl) {
  FakeSysctl dev;
  Sysctl sysctl{FakeBus<FakeSysctl>(dev)};
};

TEST(StellarisSysctl, ThePllRunsTheSystemClockAt50MHzFromThe8MHzCrystal) {
  LONGS_EQUAL(static_cast<int>(Status::kOk), static_cast<int>(sysctl.start_pll()));
  const std::uint32_t rcc = dev.regs[Sysctl::kRcc];
  LONGS_EQUAL(0, rcc & Sysctl::kBypass);
  LONGS_EQUAL(0, rcc & Sysctl::kPowerDown);
  LONGS_EQUAL(0, rcc & Sysctl::kMainOscDisable);
  CHECK((rcc & Sysctl::kUseSysDiv) != 0);
  LONGS_EQUAL(3, (rcc & Sysctl::kSysDivMask) >> Sysctl::kSysDivShift);  // 200 MHz / 4
  LONGS_EQUAL(0xE, (rcc & Sysctl::kXtalMask) >> 6);                     // 8 MHz crystal
  LONGS_EQUAL(0, rcc & Sysctl::kOscSrcMask);                            // main oscillator
  LONGS_EQUAL(50'000'000, Sysctl::kSystemClockHz);
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, AnOldLockIsClearedBeforeThePllIsPoweredUp) {
  dev.regs[Sysctl::kRis] = Sysctl::kPllLock;  // left over from an earlier configuration
  dev.lock_after_reads = 5;
  LONGS_EQUAL(static_cast<int>(Status::kOk), static_cast<int>(sysctl.start_pll()));
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());  // bypass kept until the new lock
  CHECK(dev.reads_since_power_up > 5);
}

TEST(StellarisSysctl, APllThatNeverLocksLeavesTheClockOnTheCrystal) {
  dev.lock_after_reads = -1;
  LONGS_EQUAL(static_cast<int>(Status::kDeadlineExceeded),
              static_cast<int>(sysctl.start_pll(1000)));
  CHECK((dev.regs[Sysctl::kRcc] & Sysctl::kBypass) != 0);
  LONGS_EQUAL(1001, dev.reads_since_power_up);  // bounded: max_polls + the first read
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, ClockGatesForTheUartAndTheEthernetMacAndPhy) {
  dev.regs[Sysctl::kRcgc1] = 1u << 16;  // another peripheral already on stays on
  sysctl.enable_uart0();
  sysctl.enable_ethernet();
  LONGS_EQUAL((1u << 16) | 1u, dev.regs[Sysctl::kRcgc1]);
  LONGS_EQUAL((1u << 28) | (1u << 30), dev.regs[Sysctl::kRcgc2]);
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, ClockGateForTheAdcKeepsItsResetSampleRate) {
  dev.regs[Sysctl::kRcgc0] = 1u << 3;  // the watchdog already on stays on
  sysctl.enable_adc();
  LONGS_EQUAL((1u << 3) | (1u << 16), dev.regs[Sysctl::kRcgc0]);
  LONGS_EQUAL(0, dev.regs[Sysctl::kRcgc0] & Sysctl::kRcgc0MaxAdcSpdMask);  // 125 kS/s
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, ClockGateForTimer0) {
  dev.regs[Sysctl::kRcgc1] = 1u << 0;  // UART0 already on stays on
  sysctl.enable_timer0();
  LONGS_EQUAL((1u << 0) | (1u << 16), dev.regs[Sysctl::kRcgc1]);
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, FlashTimingFollowsTheSystemClock) {
  CHECK(portcullis::ok(sysctl.set_flash_clock(50'000'000)));
  LONGS_EQUAL(49, dev.regs[0x140]);                          // USECRL: MHz - 1
  CHECK(portcullis::ok(sysctl.set_flash_clock(8'000'000)));  // PLL did not lock: the crystal
  LONGS_EQUAL(7, dev.regs[0x140]);
  CHECK(sysctl.set_flash_clock(999'999) == Status::kInvalidArgument);
  LONGS_EQUAL(7, dev.regs[0x140]);
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, TheFactoryMacComesFromTheUserRegistersFirstByteLowest) {
  dev.regs[Sysctl::kUser0] = 0x00B6'1A00;  // 00:1a:b6 (a TI prefix)
  dev.regs[Sysctl::kUser1] = 0x0034'1200;  // :00:12:34
  const std::optional<portcullis::MacAddress> mac = sysctl.factory_mac();
  CHECK_TRUE(mac.has_value());
  CHECK((*mac == portcullis::MacAddress{0x00, 0x1A, 0xB6, 0x00, 0x12, 0x34}));
  // QEMU's lm3s6965evb fills them from its NIC's address the same way (-nic ...,mac=).
  dev.regs[Sysctl::kUser0] = 0x005E'0002;
  dev.regs[Sysctl::kUser1] = 0x0002'5300;
  CHECK((sysctl.factory_mac() == portcullis::MacAddress{0x02, 0x00, 0x5E, 0x00, 0x53, 0x02}));
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}

TEST(StellarisSysctl, NoFactoryMacFromUncommittedOrUnusableUserRegisters) {
  CHECK_FALSE(sysctl.factory_mac().has_value());  // erased: 0xFFFFFFFF
  dev.regs[Sysctl::kUser0] = 0x00B6'1A00;
  CHECK_FALSE(sysctl.factory_mac().has_value());  // USER1 still not written (NW set)
  dev.regs[Sysctl::kUser1] = 0x8034'1200;
  CHECK_FALSE(sysctl.factory_mac().has_value());  // NW set beside data
  dev.regs[Sysctl::kUser0] = 0;
  dev.regs[Sysctl::kUser1] = 0;
  CHECK_FALSE(sysctl.factory_mac().has_value());  // all zero: no address
  dev.regs[Sysctl::kUser0] = 0x00B6'1A01;
  dev.regs[Sysctl::kUser1] = 0x0034'1200;
  CHECK_FALSE(sysctl.factory_mac().has_value());  // group bit: not a station's address
  CHECK_TEXT(dev.errors.empty(), dev.errors.text().c_str());
}
