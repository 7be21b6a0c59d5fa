// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet's command line (cli.hpp): the poll's options, --help and --version on
// stdout, PORTCULLIS_PKI_DIR, "-" for stdin at most once, and what is refused. watch's
// options are in watch_test.cpp.
// Standard headers before CppUTest (its leak detector redefines new).
#include <string>
#include <vector>

#include "cli.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::CommandLine;
using portcullis::fleet::parse_command_line;

namespace {

CommandLine parse(std::vector<std::string> args, const char* env_pki = "") {
  return parse_command_line(args, env_pki, "1.2.3");
}

void check_usage(std::vector<std::string> args, const char* error, const char* env_pki = "") {
  const CommandLine a = parse(args, env_pki);
  CHECK_TEXT(a.result == CommandLine::Result::kUsage, error);
  STRCMP_EQUAL(error, a.text.c_str());
}

}  // namespace

TEST_GROUP(FleetCommandLine){};

TEST(FleetCommandLine, PollDefaults) {
  const CommandLine a = parse({"--pki", "/pki", "192.0.2.2", "dev-7@192.0.2.57:9443"});
  CHECK(a.result == CommandLine::Result::kPoll);
  STRCMP_EQUAL("/pki/ca.crt", a.poll.ca.c_str());
  STRCMP_EQUAL("/pki/mgmt.crt", a.poll.cert.c_str());
  STRCMP_EQUAL("/pki/mgmt.key", a.poll.key.c_str());
  LONGS_EQUAL(10, a.poll.timeout_s);
  CHECK(!a.poll.json);
  CHECK(!a.poll.allow_lab_image);
  LONGS_EQUAL(2, a.poll.specs.size());
  STRCMP_EQUAL("dev-7@192.0.2.57:9443", a.poll.specs[1].c_str());
}

TEST(FleetCommandLine, PollEveryOption) {
  const CommandLine a =
      parse({"--json", "--ca", "ca.pem", "--cert", "c.pem", "--key", "k.pem", "--expect-policy",
             "p.allow", "--timeout", "3", "--file", "hosts", "--allow-lab-image", "[2001:db8::2]"});
  CHECK(a.result == CommandLine::Result::kPoll);
  CHECK(a.poll.json);
  CHECK(a.poll.allow_lab_image);
  STRCMP_EQUAL("ca.pem", a.poll.ca.c_str());
  STRCMP_EQUAL("p.allow", a.poll.expect_policy.c_str());
  LONGS_EQUAL(3, a.poll.timeout_s);
  STRCMP_EQUAL("hosts", a.poll.hosts_file.c_str());
  // Targets from the file alone are enough.
  CHECK(parse({"--pki", "d", "--file", "hosts"}).result == CommandLine::Result::kPoll);
}

TEST(FleetCommandLine, HelpAndVersionGoToStdoutWithExitZero) {
  const CommandLine help = parse({"--help"});
  CHECK(help.result == CommandLine::Result::kHelp);
  STRCMP_CONTAINS("--expect-policy", help.text.c_str());
  STRCMP_CONTAINS("Exit status", help.text.c_str());
  const CommandLine watch_help = parse({"watch", "--help"});
  CHECK(watch_help.result == CommandLine::Result::kHelp);
  STRCMP_CONTAINS("--silent-after", watch_help.text.c_str());
  const CommandLine version = parse({"--version"});
  CHECK(version.result == CommandLine::Result::kVersion);
  STRCMP_EQUAL("portcullis-fleet 1.2.3", version.text.c_str());
}

// PORTCULLIS_PKI_DIR stands for --pki when no credential option is given; an option wins.
TEST(FleetCommandLine, PkiDirFromTheEnvironment) {
  const CommandLine a = parse({"192.0.2.2"}, "/etc/portcullis/pki");
  CHECK(a.result == CommandLine::Result::kPoll);
  STRCMP_EQUAL("/etc/portcullis/pki/ca.crt", a.poll.ca.c_str());
  STRCMP_EQUAL("/etc/portcullis/pki/mgmt.key", a.poll.key.c_str());
  const CommandLine flag = parse({"--pki", "/mine", "192.0.2.2"}, "/etc/portcullis/pki");
  STRCMP_EQUAL("/mine/ca.crt", flag.poll.ca.c_str());
  const CommandLine files =
      parse({"--ca", "a", "--cert", "b", "--key", "c", "192.0.2.2"}, "/etc/portcullis/pki");
  STRCMP_EQUAL("a", files.poll.ca.c_str());
  const CommandLine watch = parse({"watch", "192.0.2.1"}, "/etc/portcullis/pki");
  CHECK(watch.result == CommandLine::Result::kWatch);
  STRCMP_EQUAL("/etc/portcullis/pki/mgmt.crt", watch.watch.cert.c_str());
}

TEST(FleetCommandLine, StdinForOneOptionOnly) {
  CHECK(parse({"--pki", "d", "--file", "-"}).result == CommandLine::Result::kPoll);
  CHECK(parse({"--pki", "d", "--expect-policy", "-", "h"}).result == CommandLine::Result::kPoll);
  check_usage({"--pki", "d", "--expect-policy", "-", "--file", "-"},
              "--expect-policy and --file both read stdin ('-'): one may");
  check_usage({"--ca", "-", "--cert", "-", "--key", "k", "h"},
              "--ca and --cert both read stdin ('-'): one may");
  check_usage({"watch", "--ca", "-", "--cert", "c", "--key", "-", "b"},
              "--ca and --key both read stdin ('-'): one may");
}

TEST(FleetCommandLine, PollUsageErrors) {
  check_usage({"--pki", "d"}, "no HOST given");
  check_usage({"h"}, "need --pki DIR, PORTCULLIS_PKI_DIR, or all of --ca, --cert and --key");
  check_usage({"--pki", "d", "--ca", "a", "h"}, "--pki and --ca/--cert/--key exclude each other");
  for (const char* bad : {"0", "-1", "x", "10000", "2s"}) {
    check_usage({"--pki", "d", "--timeout", bad, "h"}, "--timeout wants whole seconds, 1..9999");
  }
  // watch's options after watch only
  check_usage({"--pki", "d", "watch", "192.0.2.1"},
              "watch comes first: portcullis-fleet watch [options] BROKER[:PORT]");
  check_usage({"--allow-lab-image", "watch", "--pki", "d", "192.0.2.1"},
              "watch comes first: portcullis-fleet watch [options] BROKER[:PORT]");
  const CommandLine unknown = parse({"--pki", "d", "--verbose", "h"});
  CHECK(unknown.result == CommandLine::Result::kUsage);
  STRCMP_CONTAINS("--verbose", unknown.text.c_str());
}
