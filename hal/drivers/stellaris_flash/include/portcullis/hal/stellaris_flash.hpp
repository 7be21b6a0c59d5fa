// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/page_flash.hpp"

namespace portcullis::hal {

// The flash controller of a Stellaris LM3S6965 (0x400F'D000): erases 1 KiB pages and programs
// words of the on-chip flash at 0, through FMA/FMD/FMC with the write key, polling FMC until
// the controller clears the command bit (the CPU keeps fetching from flash meanwhile: the
// controller stalls it). Register layout from the LM3S6965 data sheet ("Flash Memory"). The
// controller times its pulses from USECRL (system control), which must match the system
// clock: StellarisSysctl::set_flash_clock() does it. Bounded: a command the controller does
// not finish within kMaxPolls reads of FMC is kDeadlineExceeded; an access violation (a
// protected page: FMPPE) is kInternal. QEMU 7.2 leaves this block unimplemented: reads give
// 0, writes are dropped, so nothing is ever programmed there (a reader checks by reading back).
template <class Bus>
class StellarisFlash final : public PageFlash {
 public:
  static constexpr std::size_t kPageBytes = 1024;
  // An erase takes at most 20 ms on the part, a word 50 us; a poll is at least a few cycles
  // at 50 MHz, so this bound is well above the data sheet's worst case.
  static constexpr std::uint32_t kMaxPolls = 4'000'000;

  // `flash_bytes`: the part's flash size (256 KiB on the LM3S6965), flash at address 0.
  constexpr StellarisFlash(Bus bus, std::size_t flash_bytes) : bus_(bus), size_(flash_bytes) {}

  static constexpr std::uint32_t kFma = 0x000;
  static constexpr std::uint32_t kFmd = 0x004;
  static constexpr std::uint32_t kFmc = 0x008;
  static constexpr std::uint32_t kFcris = 0x00C;
  static constexpr std::uint32_t kFcmisc = 0x014;

  static constexpr std::uint32_t kWriteKey = 0xA442'0000u;  // FMC.WRKEY
  static constexpr std::uint32_t kWrite = 1u << 0;          // FMC.WRITE
  static constexpr std::uint32_t kErase = 1u << 1;          // FMC.ERASE
  static constexpr std::uint32_t kAccessFault = 1u << 0;    // FCRIS.ARIS, FCMISC.AMISC
  static constexpr std::uint32_t kProgramDone = 1u << 1;    // FCRIS.PRIS, FCMISC.PMISC

 private:
  std::size_t do_page_bytes() const override { return kPageBytes; }

  Status do_erase_page(std::uintptr_t address) override {
    if (address % kPageBytes != 0 || address >= size_) {
      return Status::kInvalidArgument;
    }
    return command(address, kErase);
  }

  Status do_program(std::uintptr_t address, std::span<const std::uint32_t> words) override {
    if (address % 4 != 0 || address > size_ || words.size() > (size_ - address) / 4) {
      return Status::kInvalidArgument;
    }
    for (const std::uint32_t word : words) {
      bus_.write32(kFmd, word);
      if (const Status s = command(address, kWrite); !ok(s)) {
        return s;
      }
      address += 4;
    }
    return Status::kOk;
  }

  Status command(std::uintptr_t address, std::uint32_t what) {
    bus_.write32(kFcmisc, kAccessFault | kProgramDone);  // forget an older command's flags
    bus_.write32(kFma, static_cast<std::uint32_t>(address));
    bus_.write32(kFmc, kWriteKey | what);
    for (std::uint32_t i = 0; (bus_.read32(kFmc) & what) != 0; ++i) {
      if (i >= kMaxPolls) return Status::kDeadlineExceeded;
    }
    return (bus_.read32(kFcris) & kAccessFault) != 0 ? Status::kInternal : Status::kOk;
  }

  Bus bus_;
  std::size_t size_;
};

}  // namespace portcullis::hal
