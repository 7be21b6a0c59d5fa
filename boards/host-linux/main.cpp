// Wiring for host-linux: the agent on a TAP interface. Usage: portcullis-host-linux [--tap IFNAME]
#include <cstdint>
#include <cstring>
#include <string_view>

#include "board_config.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/hal/tap_mac.hpp"
#include "portcullis/platform/posix.hpp"

int main(int argc, char** argv) {
  namespace board = portcullis::board;
  using portcullis::platform::FdConsole;
  std::string_view tap_name = board::kDefaultTap;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--tap") == 0 && i + 1 < argc) {
      tap_name = argv[++i];
    } else {
      FdConsole(2).write("usage: portcullis-host-linux [--tap IFNAME]\n");
      return 2;
    }
  }
  static FdConsole console;
  static portcullis::platform::PosixClock clock;
  static portcullis::platform::PosixEntropy entropy;
  static portcullis::hal::TapMac tap{tap_name};
  static portcullis::app::Agent agent{tap, clock, console, {.strong = &entropy}};
  portcullis::hal::set_fatal_console(&console);
  portcullis::platform::install_stop_handlers();

  if (!portcullis::ok(agent.start(board::kNetwork, board::kName))) {
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
