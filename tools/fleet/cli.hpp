// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's command line, parsed with CLI11 (Debian's libcli11-dev): the poll's and
// watch's options, --help, --version, --config FILE, PORTCULLIS_PKI_DIR, "-" for stdin.
// Pure: no file is read here (the config file is CLI11's), nothing is printed.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "watch.hpp"

namespace portcullis::fleet {

struct PollArgs {
  std::string ca, cert, key;  // "-": stdin
  bool json = false;
  std::string expect_policy;       // "" none, "-" stdin
  bool allow_lab_image = false;    // a lab image is no finding (the lab's own devices)
  int timeout_s = 10;              // per device, 1..9999
  std::string hosts_file;          // "" none, "-" stdin
  std::vector<std::string> specs;  // [ID@]HOST[:PORT] from the command line, unchecked
};

struct CommandLine {
  enum class Result { kPoll, kWatch, kHelp, kVersion, kUsage };
  Result result = Result::kUsage;
  PollArgs poll;       // kPoll
  WatchOptions watch;  // kWatch
  // kHelp: the help text (the poll's or watch's); kVersion: "portcullis-fleet VERSION";
  // kUsage: one line, why.
  std::string text;
};

// `args` without the program name. `env_pki`: PORTCULLIS_PKI_DIR's value, "" when unset; it
// stands for --pki when no credential option is given (on the command line or in --config).
// `version`: the project version.
CommandLine parse_command_line(std::span<const std::string> args, std::string_view env_pki,
                               std::string_view version);

}  // namespace portcullis::fleet
