// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <ctime>

#include "portcullis/hal/fatal.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/stack_use.hpp"

namespace portcullis::platform {
namespace {

std::uint64_t monotonic_ms() {
  timespec ts{};
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    hal::fatal("clock_gettime(CLOCK_MONOTONIC) failed");
  }
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1'000'000u;
}

volatile std::sig_atomic_t stop_flag = 0;
hal::Console* fatal_console = nullptr;

}  // namespace

PosixClock::PosixClock() : start_ms_(monotonic_ms()) {}

std::uint64_t PosixClock::do_now_ms() const {
  return monotonic_ms() - start_ms_;
}

std::uint32_t PosixClock::do_fine_ticks() const {
  timespec ts{};
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint32_t>(ts.tv_nsec) ^ static_cast<std::uint32_t>(ts.tv_sec << 20);
}

Status PosixEntropy::do_fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Status::kUnavailable;
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::kOk;
}

void FdConsole::do_write(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;  // nowhere left to report a console failure
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

StatusWithSize read_region_file(const char* path, std::span<std::uint8_t> out) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {Status::kUnavailable, 0};
  }
  std::size_t got = 0;
  std::uint8_t extra = 0;
  for (;;) {
    // One byte past `out` tells a file that fits from one that does not.
    const bool full = got == out.size();
    const ssize_t n = full ? ::read(fd, &extra, 1) : ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      ::close(fd);
      return {Status::kUnavailable, 0};
    }
    if (n == 0) {
      break;
    }
    if (full) {
      ::close(fd);
      return {Status::kResourceExhausted, 0};
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return {Status::kOk, got};
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { stop_flag = 1; };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() {
  return stop_flag != 0;
}

// Not measured: the kernel sizes a Linux thread's stack and nothing here paints it. {0, 0}
// is what every report shows as "not measured" (firmware/report/README.md).
StackUse stack_use() {
  return {};
}

}  // namespace portcullis::platform

namespace portcullis::hal {

void set_fatal_console(Console* console) {
  platform::fatal_console = console;
}

[[noreturn]] void fatal(std::string_view reason) {
  platform::FdConsole err(2);
  Console& out = platform::fatal_console != nullptr ? *platform::fatal_console : err;
  out.write("portcullis: FATAL: ");
  out.write(reason);
  out.write("\n");
  std::abort();
}

}  // namespace portcullis::hal
