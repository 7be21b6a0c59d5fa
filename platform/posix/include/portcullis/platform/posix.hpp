// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/clock.hpp"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/entropy.hpp"

namespace portcullis::platform {

// CLOCK_MONOTONIC, counted from construction.
class PosixClock final : public hal::Clock {
 public:
  PosixClock();

 private:
  std::uint64_t do_now_ms() const override;
  std::uint32_t do_fine_ticks() const override;  // the monotonic clock's nanoseconds
  std::uint64_t start_ms_;
};

// The kernel's CSPRNG (getrandom(2)).
class PosixEntropy final : public hal::Entropy {
 public:
  PosixEntropy() = default;

 private:
  Status do_fill(std::span<std::uint8_t> out) override;
};

// Writes to a file descriptor (stdout by default), retrying short writes.
class FdConsole final : public hal::Console {
 public:
  explicit FdConsole(int fd = 1) : fd_(fd) {}

 private:
  void do_write(std::string_view text) override;
  int fd_;
};

// The device's identity record from a file (host-linux's stand-in for a flash region): at most
// out.size() bytes read into `out`. kUnavailable: cannot open or read it; kResourceExhausted: it
// is larger than `out` (no record fits; nothing is returned).
StatusWithSize read_region_file(const char* path, std::span<std::uint8_t> out);

// SIGINT/SIGTERM set a flag the host loop checks.
void install_stop_handlers();
bool stop_requested();

}  // namespace portcullis::platform
