// SPDX-License-Identifier: Apache-2.0
// The LM3S6965 flash controller driver against a register model of FMA/FMD/FMC/FCRIS/FCMISC
// over a small flash: the write key on every command, erase and program as NOR does them, a
// busy controller polled to the end, a protected page, a controller that never finishes.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "fake_bus.hpp"
#include "portcullis/hal/stellaris_flash.hpp"

namespace {

using portcullis::Status;
using portcullis::hal::testing::FakeBus;
using portcullis::hal::testing::ProtocolErrors;

struct FakeFlashController {
  static constexpr std::size_t kBytes = 4096;  // four 1 KiB pages
  using Flash = portcullis::hal::StellarisFlash<FakeBus<FakeFlashController>>;

  std::array<std::uint8_t, kBytes> memory{};
  std::uint32_t fma = 0;
  std::uint32_t fmd = 0;
  std::uint32_t fmc = 0;
  std::uint32_t fcris = 0;
  int busy_reads = 3;  // FMC reads before a command completes; negative: never
  int busy_left = 0;
  int protected_page = -1;  // FMPPE: this page cannot be erased or programmed
  int commands = 0;
  ProtocolErrors errors;

  FakeFlashController() { memory.fill(0xFF); }

  std::uint32_t read32(std::uint32_t offset) {
    switch (offset) {
      case Flash::kFmc:
        if (fmc != 0 && busy_left >= 0 && busy_left-- == 0) {
          complete();
        }
        return fmc;
      case Flash::kFcris:
        return fcris;
      case Flash::kFma:
        return fma;
      case Flash::kFmd:
        return fmd;
      default:
        errors.add("read of an unmodelled register");
        return 0;
    }
  }

  void write32(std::uint32_t offset, std::uint32_t value) {
    switch (offset) {
      case Flash::kFma:
        fma = value;
        return;
      case Flash::kFmd:
        fmd = value;
        return;
      case Flash::kFcmisc:
        fcris &= ~value;  // write 1 to clear
        return;
      case Flash::kFmc:
        if (fmc != 0) errors.add("FMC written while a command runs");
        if ((value & 0xFFFF'0000u) != Flash::kWriteKey) {
          errors.add("FMC written without the write key");
          return;
        }
        if ((value & (Flash::kWrite | Flash::kErase)) == 0) {
          errors.add("FMC written with no command");
          return;
        }
        fmc = value & 0xFu;
        busy_left = busy_reads;
        ++commands;
        return;
      default:
        errors.add("write of an unmodelled register");
    }
  }

  void complete() {
    const std::uint32_t page = fma / 1024;
    if (static_cast<int>(page) == protected_page) {
      fcris |= Flash::kAccessFault;
    } else if ((fmc & Flash::kErase) != 0) {
      if (fma % 1024 != 0) errors.add("erase of an unaligned address");
      std::fill_n(memory.begin() + page * 1024, 1024, 0xFF);
    } else {
      if (fma % 4 != 0) errors.add("program of an unaligned address");
      for (std::size_t b = 0; b < 4; ++b) {
        memory[fma + b] &= static_cast<std::uint8_t>(fmd >> (8 * b));
      }
      fcris |= Flash::kProgramDone;
    }
    fmc = 0;
  }
};

using Flash = FakeFlashController::Flash;

}  // namespace

TEST_GROUP(StellarisFlash) {
  FakeFlashController device;
  Flash flash{FakeBus<FakeFlashController>{device}, FakeFlashController::kBytes};

  void teardown() override {
    CHECK_TEXT(device.errors.empty(), device.errors.text().c_str());
  }
};

TEST(StellarisFlash, ErasesOnePageWithTheKeyAndWaitsForIt) {
  device.memory.fill(0x00);
  LONGS_EQUAL(1024, flash.page_bytes());
  CHECK(portcullis::ok(flash.erase_page(2048)));
  LONGS_EQUAL(1, device.commands);
  BYTES_EQUAL(0x00, device.memory[2047]);
  BYTES_EQUAL(0xFF, device.memory[2048]);
  BYTES_EQUAL(0xFF, device.memory[3071]);
  BYTES_EQUAL(0x00, device.memory[3072]);
}

TEST(StellarisFlash, ProgramsWordsLittleEndianOneCommandEach) {
  const std::uint32_t words[] = {0x1122'3344u, 0xA5A5'0000u};
  CHECK(portcullis::ok(flash.program(1024 + 8, words)));
  LONGS_EQUAL(2, device.commands);
  BYTES_EQUAL(0x44, device.memory[1032]);
  BYTES_EQUAL(0x11, device.memory[1035]);
  BYTES_EQUAL(0x00, device.memory[1036]);
  BYTES_EQUAL(0xA5, device.memory[1039]);
  BYTES_EQUAL(0xFF, device.memory[1040]);
}

TEST(StellarisFlash, RejectsPagesAndWordsItDoesNotHave) {
  const std::uint32_t word[] = {0};
  const std::uint32_t two[] = {0, 0};
  CHECK(flash.erase_page(100) == Status::kInvalidArgument);
  CHECK(flash.erase_page(4096) == Status::kInvalidArgument);
  CHECK(flash.program(2, word) == Status::kInvalidArgument);
  CHECK(flash.program(4096, word) == Status::kInvalidArgument);
  CHECK(flash.program(4092, two) == Status::kInvalidArgument);
  LONGS_EQUAL(0, device.commands);
  CHECK(portcullis::ok(flash.program(4092, word)));  // the last word is there
}

TEST(StellarisFlash, AProtectedPageIsAnErrorAndLaterCommandsStillWork) {
  device.protected_page = 1;
  const std::uint32_t word[] = {0};
  CHECK(flash.erase_page(1024) == Status::kInternal);
  CHECK(flash.program(1024, word) == Status::kInternal);
  BYTES_EQUAL(0xFF, device.memory[1024]);
  CHECK(portcullis::ok(flash.program(0, word)));  // the old fault flag was cleared first
  BYTES_EQUAL(0x00, device.memory[0]);
}

TEST(StellarisFlash, AControllerThatNeverFinishesIsADeadline) {
  device.busy_reads = -1;
  CHECK(flash.erase_page(0) == Status::kDeadlineExceeded);
  device.fmc = 0;  // a reset, as far as the model goes
}
