// SPDX-License-Identifier: Apache-2.0
#include "cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

#include "report.hpp"
#include "target.hpp"

namespace portcullis::fleet {
namespace {

// The credential options both commands take, as given.
struct Credentials {
  std::string ca, cert, key, pki;

  void add_to(CLI::App& app) {
    app.add_option("--ca", ca,
                   "the fleet CA: PEM (several certificates: a CA rotation's bundle) or DER")
        ->type_name("FILE");
    app.add_option("--cert", cert, "our client certificate (PEM or DER; a chain in PEM)")
        ->type_name("FILE");
    app.add_option("--key", key, "its private key (PEM or DER, not encrypted)")->type_name("FILE");
    app.add_option("--pki", pki,
                   "DIR/ca.crt, DIR/mgmt.crt, DIR/mgmt.key (default: $PORTCULLIS_PKI_DIR when no "
                   "credential option is given)")
        ->type_name("DIR");
  }

  // Fills ca/cert/key; "" on success, else why.
  std::string resolve(std::string_view env_pki) {
    if (pki.empty() && ca.empty() && cert.empty() && key.empty()) pki = env_pki;
    if (!pki.empty()) {
      if (!ca.empty() || !cert.empty() || !key.empty())
        return "--pki and --ca/--cert/--key exclude each other";
      ca = pki + "/ca.crt";
      cert = pki + "/mgmt.crt";
      key = pki + "/mgmt.key";
    }
    if (ca.empty() || cert.empty() || key.empty())
      return "need --pki DIR, PORTCULLIS_PKI_DIR, or all of --ca, --cert and --key";
    return {};
  }
};

// Standard input can be read once: at most one option may name "-".
std::string one_stdin(std::initializer_list<std::pair<const char*, const std::string*>> files) {
  std::string first;
  for (const auto& [option, value] : files) {
    if (*value != "-") continue;
    if (!first.empty()) return first + " and " + option + " both read stdin ('-'): one may";
    first = option;
  }
  return {};
}

// A whole number 1..max (digits only, no sign or spaces), as the old parser took it.
std::optional<long long> whole(const std::string& v, long long max) {
  if (v.empty() || v.size() > 10 || v.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const long long n = std::stoll(v);
  if (n < 1 || n > max) return std::nullopt;
  return n;
}

}  // namespace

CommandLine parse_command_line(std::span<const std::string> args, std::string_view env_pki,
                               std::string_view version) {
  CommandLine out;
  const auto usage = [&out](std::string why) {
    out.result = CommandLine::Result::kUsage;
    out.text = std::move(why);
    return out;
  };

  CLI::App app{
      "Polls Portcullis devices' GET /v1/status over mutual TLS and judges each: the policy it "
      "runs, what it allows against what it listens on, violations and drops.\n"
      "Exit status: 0 all OK, 1 a finding (violation, listener not allowed, policy digest "
      "MISMATCH, broken document, lab image), 2 usage/file/credential error, 3 a device did "
      "not answer.",
      "portcullis-fleet"};
  app.set_version_flag("--version", "portcullis-fleet " + std::string(version));
  app.set_config("--config", "",
                 "read options from FILE (TOML or INI, long option names as keys; "
                 "watch's under [watch])");
  app.get_config_ptr()->type_name("FILE");
  app.get_formatter()->column_width(26);
  Credentials poll_creds;
  poll_creds.add_to(app);
  PollArgs& p = out.poll;
  std::string timeout;
  app.add_flag("--json", p.json, "one JSON document instead of the table");
  app.add_option("--expect-policy", p.expect_policy,
                 "compare each device's policy digest with this policy file's")
      ->type_name("FILE");
  app.add_flag("--allow-lab-image", p.allow_lab_image,
               "a device running a lab image (firmware X.Y.Z+lab) is no finding: the lab's own");
  CLI::Option* timeout_option =
      app.add_option("--timeout", timeout, "per device: connect, handshake and answer (default 10)")
          ->type_name("SEC");
  app.add_option("--file", p.hosts_file, "more targets, one [ID@]HOST[:PORT] a line, # comments")
      ->type_name("HOSTS");
  app.add_option("targets", p.specs,
                 "devices: HOST, HOST:PORT, [IPv6]:PORT (port 8443 unless given); ID@ names the "
                 "device id its certificate carries, for an address it does not list")
      ->type_name("[ID@]HOST[:PORT]");

  CLI::App* watch = app.add_subcommand(
      "watch",
      "Subscribes to the devices' MQTT pushes (status and events) over mutual TLS.\n"
      "Exit status: 0 all OK, 1 a bad status, 2 usage/file/credential error, 3 the "
      "broker failed or fewer than --count messages came.");
  Credentials watch_creds;
  watch_creds.add_to(*watch);
  WatchOptions& w = out.watch;
  std::string count, wtimeout, session, silent, prefix;
  std::vector<std::string> brokers;
  watch->add_flag("--json", w.json, "one JSON object a line instead of tables");
  CLI::Option* prefix_option =
      watch->add_option("--prefix", prefix, "topic prefix (default portcullis)")->type_name("P");
  watch->add_option("--expect-policy", w.expect_policy, "compare each status's policy digest")
      ->type_name("FILE");
  watch->add_flag("--allow-lab-image", w.allow_lab_image,
                  "a status from a lab image (firmware X.Y.Z+lab) is no finding: the lab's own");
  CLI::Option* count_option =
      watch->add_option("--count", count, "end after N messages")->type_name("N");
  CLI::Option* wtimeout_option =
      watch->add_option("--timeout", wtimeout, "end after SEC seconds")->type_name("SEC");
  CLI::Option* session_option =
      watch->add_option("--session", session, "a persistent MQTT session under this client id")
          ->type_name("ID");
  CLI::Option* silent_option =
      watch
          ->add_option("--silent-after", silent,
                       "say a device is silent after SEC without a message (default 90, 0 never)")
          ->type_name("SEC");
  watch->add_option("broker", brokers, "the broker (port 8883 unless given)")
      ->type_name("BROKER[:PORT]");

  // CLI11 takes the arguments in reverse order.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out.result = CommandLine::Result::kHelp;
    out.text = watch->parsed() ? watch->help() : app.help();
    return out;
  } catch (const CLI::CallForVersion& e) {
    out.result = CommandLine::Result::kVersion;
    out.text = e.what();
    return out;
  } catch (const CLI::ParseError& e) {
    return usage(e.what());
  }

  if (watch->parsed()) {
    if (!p.specs.empty() || !p.hosts_file.empty() || !p.expect_policy.empty() ||
        timeout_option->count() > 0 || p.json || p.allow_lab_image || !poll_creds.ca.empty() ||
        !poll_creds.cert.empty() || !poll_creds.key.empty() || !poll_creds.pki.empty()) {
      return usage("watch comes first: portcullis-fleet watch [options] BROKER[:PORT]");
    }
    if (prefix_option->count() > 0) {
      if (!valid_prefix(prefix)) {
        return usage("bad --prefix '" + printable(prefix) +
                     "': topic levels separated by '/', none empty, no spaces, + or #");
      }
      w.prefix = prefix;
    }
    if (count_option->count() > 0) {
      const auto n = whole(count, 999999999);
      if (!n) return usage("--count wants a whole number of messages, 1..999999999");
      w.count = static_cast<std::uint64_t>(*n);
    }
    if (wtimeout_option->count() > 0) {
      const auto n = whole(wtimeout, 999999);
      if (!n) return usage("--timeout wants whole seconds, 1..999999");
      w.timeout_s = static_cast<int>(*n);
    }
    if (silent_option->count() > 0) {
      const auto n = silent == "0" ? std::optional<long long>(0) : whole(silent, 999999);
      if (!n) return usage("--silent-after wants whole seconds, 0..999999 (0: never)");
      w.silent_after_s = static_cast<int>(*n);
    }
    if (session_option->count() > 0) {
      // MQTT 3.1.1 client ids: brokers must accept 1-23 of [0-9a-zA-Z]; mosquitto takes
      // more, but keep to what every broker takes plus '-' and '_'.
      if (session.empty() || session.size() > 23 ||
          !std::all_of(session.begin(), session.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
          })) {
        return usage("bad --session '" + printable(session) +
                     "': 1-23 of letters, digits, - and _");
      }
      w.session = session;
    }
    if (std::string why = watch_creds.resolve(env_pki); !why.empty()) return usage(why);
    w.ca = watch_creds.ca;
    w.cert = watch_creds.cert;
    w.key = watch_creds.key;
    if (std::string why = one_stdin({{"--ca", &w.ca},
                                     {"--cert", &w.cert},
                                     {"--key", &w.key},
                                     {"--expect-policy", &w.expect_policy}});
        !why.empty()) {
      return usage(why);
    }
    if (brokers.empty()) return usage("no BROKER given");
    if (brokers.size() > 1) return usage("watch takes one BROKER[:PORT]");
    const auto broker = parse_target(brokers[0], kDefaultBrokerPort);
    if (!broker) return usage("bad BROKER[:PORT] '" + printable(brokers[0]) + "'");
    w.broker = *broker;
    out.result = CommandLine::Result::kWatch;
    return out;
  }

  if (timeout_option->count() > 0) {
    const auto n = whole(timeout, 9999);
    if (!n) return usage("--timeout wants whole seconds, 1..9999");
    p.timeout_s = static_cast<int>(*n);
  }
  if (std::string why = poll_creds.resolve(env_pki); !why.empty()) return usage(why);
  p.ca = poll_creds.ca;
  p.cert = poll_creds.cert;
  p.key = poll_creds.key;
  if (std::string why = one_stdin({{"--ca", &p.ca},
                                   {"--cert", &p.cert},
                                   {"--key", &p.key},
                                   {"--expect-policy", &p.expect_policy},
                                   {"--file", &p.hosts_file}});
      !why.empty()) {
    return usage(why);
  }
  if (p.specs.empty() && p.hosts_file.empty()) return usage("no HOST given");
  out.result = CommandLine::Result::kPoll;
  return out;
}

}  // namespace portcullis::fleet
