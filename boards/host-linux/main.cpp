// SPDX-License-Identifier: Apache-2.0
// Wiring for host-linux: the agent on a TAP interface.
// Usage: portcullis-host-linux [--tap IFNAME] [--identity FILE]
// FILE is the device's identity record (tools/pki provision), as a flash region holds it on
// the other boards; without it the device has no identity (no TLS, no status, no push).
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "board_config.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/hal/tap_mac.hpp"
#include "portcullis/identity/record.hpp"
#include "portcullis/platform/posix.hpp"

int main(int argc, char** argv) {
  namespace board = portcullis::board;
  using portcullis::platform::FdConsole;
  std::string_view tap_name = board::kDefaultTap;
  const char* identity_file = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--tap") == 0 && i + 1 < argc) {
      tap_name = argv[++i];
    } else if (std::strcmp(argv[i], "--identity") == 0 && i + 1 < argc) {
      identity_file = argv[++i];
    } else {
      FdConsole(2).write("usage: portcullis-host-linux [--tap IFNAME] [--identity FILE]\n");
      return 2;
    }
  }
  static std::array<std::uint8_t, portcullis::identity::kRegionBytes> identity_region{};
  std::size_t identity_bytes = 0;
  if (identity_file != nullptr) {
    const portcullis::StatusWithSize read =
        portcullis::platform::read_region_file(identity_file, identity_region);
    if (!portcullis::ok(read.status)) {
      FdConsole(2).write(read.status == portcullis::Status::kResourceExhausted
                             ? "portcullis: --identity: the file is larger than an identity "
                               "region (4096 bytes)\n"
                             : "portcullis: --identity: cannot read the file\n");
      return 2;
    }
    identity_bytes = identity_region.size();  // past the file the region stays zero
  }
  static FdConsole console;
  static portcullis::platform::PosixClock clock;
  static portcullis::platform::PosixEntropy entropy;
  static portcullis::hal::TapMac tap{tap_name};
  static portcullis::app::Agent agent{tap, clock, console, {.strong = &entropy}};
  portcullis::hal::set_fatal_console(&console);
  portcullis::platform::install_stop_handlers();

  if (!portcullis::ok(agent.start(board::kNetwork, board::kName,
                                  std::span(identity_region.data(), identity_bytes)))) {
    console.write("portcullis: cannot attach to TAP interface (does it exist? are you root?)\n");
    agent.stop();
    return 1;
  }
  while (!portcullis::platform::stop_requested()) {
    agent.poll();
    tap.wait_readable(board::kIdleWaitMs);
  }
  // The agent is static: its destructor runs after main() returns. In RTOS mode the tcpip
  // thread would still be delivering segments to the sessions it frees.
  agent.stop();
  console.write("portcullis: stopped\n");
  return 0;
}
