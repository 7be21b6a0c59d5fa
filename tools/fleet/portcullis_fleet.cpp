// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet: polls Portcullis devices' GET /v1/status over mutual TLS and shows, per
// device, the policy it runs (digest, optionally compared with a policy file), what it allows
// against what it really listens on, violations and drops; `watch` subscribes to an MQTT
// broker instead and shows what the devices push (watch_mqtt.hpp). The command line and exit
// status: cli.hpp, verdict.hpp and tools/README.md.
//
// The poll is libcurl over OpenSSL (poll_https.hpp); watch is libmosquitto over OpenSSL: one
// TLS stack on the host, set up in one place (tls_openssl.hpp).

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "json.hpp"
#include "poll_https.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/parser.hpp"
#include "portcullis/tools/read_file.hpp"
#include "report.hpp"
#include "target.hpp"
#include "tls_openssl.hpp"
#include "verdict.hpp"
#include "watch.hpp"
#include "watch_mqtt.hpp"

namespace {

namespace fleet = portcullis::fleet;
namespace pol = portcullis::policy;
using fleet::json_escape;
using fleet::kExitOk;
using fleet::kExitUsage;
using fleet::PollResult;
using fleet::Target;
using fleet::Verdict;
using fleet::write_json;

#ifndef PORTCULLIS_VERSION
#define PORTCULLIS_VERSION "unknown"  // built outside CMake
#endif

std::optional<std::string> read_file(const std::string& path) {
  std::string error;
  auto text = portcullis::tools::read_file(path, error);
  if (!text) {
    std::cerr << "portcullis-fleet: " << error << "\n";
  }
  return text;
}

// The digest of a policy file, computed by the firmware's own parser; nullopt (said on
// stderr) when it cannot be read or parsed.
std::optional<std::string> policy_digest(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  // Same normalization as portcullis-policy: CRLF reads as LF.
  std::string norm;
  for (std::size_t i = 0; i < text->size(); ++i) {
    if ((*text)[i] == '\r' && i + 1 < text->size() && (*text)[i + 1] == '\n') continue;
    norm += (*text)[i];
  }
  const pol::ParseResult parsed = pol::parse(norm);
  if (!parsed.ok()) {
    std::cerr << "portcullis-fleet: " << path << ":" << parsed.error.line << ": "
              << parsed.error.message() << "\n";
    return std::nullopt;
  }
  return std::string(pol::digest(parsed.policy).view());
}

// `portcullis-fleet watch ...`
int watch_main(const fleet::WatchOptions& options) {
  std::string expected_digest;
  if (!options.expect_policy.empty()) {
    auto digest = policy_digest(options.expect_policy);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }
  return fleet::run_watch(options, expected_digest);
}

// `portcullis-fleet [options] [ID@]HOST[:PORT]...`
int poll_main(const fleet::PollArgs& args) {
  std::vector<std::string> specs = args.specs;
  if (!args.hosts_file.empty()) {
    auto text = read_file(args.hosts_file);
    if (!text) return kExitUsage;
    for (auto& entry : fleet::hosts_file_entries(*text)) specs.push_back(std::move(entry));
  }
  if (specs.empty()) {
    std::cerr << "portcullis-fleet: no HOST given (" << args.hosts_file << " lists none)\n";
    return kExitUsage;
  }
  std::vector<PollResult> results;
  for (const auto& s : specs) {
    auto t = fleet::parse_target(s, fleet::kDefaultPort, /*allow_id=*/true);
    if (!t) {
      std::cerr << "portcullis-fleet: bad [ID@]HOST[:PORT] '" << fleet::printable(s) << "'\n";
      return kExitUsage;
    }
    PollResult r;
    r.target = *t;
    results.push_back(std::move(r));
  }

  std::string expected_digest;
  if (!args.expect_policy.empty()) {
    auto digest = policy_digest(args.expect_policy);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }

  // ---- credentials: our certificate against the CA, said up front, in words ----
  std::string error;
  const auto creds =
      fleet::tls::load_credentials(args.ca, args.cert, args.key, "the device", error);
  if (!creds) {
    std::cerr << "portcullis-fleet: " << error << "\n";
    return kExitUsage;
  }
  const std::string& client_warning = creds->client_warning;
  if (!client_warning.empty()) std::cerr << "portcullis-fleet: warning: " << client_warning << "\n";

  // ---- poll ----
  curl_global_init(CURL_GLOBAL_DEFAULT);
  fleet::poll_all(
      results,
      fleet::PollOptions{.credentials = &*creds, .timeout_s = args.timeout_s, .parallel = 16});
  curl_global_cleanup();
  // A device closes the handshake on a client certificate it refuses (TLS 1.2: often without
  // an alert we read); when we know why it will, say that.
  if (!client_warning.empty()) {
    for (auto& r : results) {
      if (!r.answered && r.error.rfind("the device closed the connection during the TLS", 0) == 0) {
        r.error = "certificate problem: the device refused the TLS handshake: " + client_warning;
      }
    }
  }

  std::vector<Verdict> verdicts;
  const fleet::LabImages lab_images =
      args.allow_lab_image ? fleet::LabImages::kAllowed : fleet::LabImages::kFinding;
  for (const auto& r : results) verdicts.push_back(fleet::judge(r, expected_digest, lab_images));
  const int status = fleet::exit_status(verdicts);
  const bool all_ok = status == kExitOk;

  if (args.json) {
    std::ostringstream o;
    o << "{\"ok\":" << (all_ok ? "true" : "false");
    if (!expected_digest.empty()) o << ",\"expected_digest\":" << json_escape(expected_digest);
    o << ",\"devices\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      const auto& v = verdicts[i];
      o << (i ? "," : "") << "{\"target\":" << json_escape(r.target.spec)
        << ",\"host\":" << json_escape(r.target.host) << ",\"port\":" << r.target.port
        << ",\"answered\":" << (r.answered ? "true" : "false")
        << ",\"ok\":" << (v.ok ? "true" : "false")
        << ",\"violation\":" << (v.violation ? "true" : "false")
        << ",\"lab_image\":" << (v.lab_image ? "true" : "false");
      if (v.digest_match) o << ",\"digest_match\":" << (*v.digest_match ? "true" : "false");
      if (!r.answered) o << ",\"error\":" << json_escape(r.error);
      o << ",\"problems\":[";
      for (std::size_t k = 0; k < v.problems.size(); ++k) {
        o << (k ? "," : "") << json_escape(v.problems[k]);
      }
      o << "]";
      if (r.answered) {
        o << ",\"status\":";
        write_json(o, r.doc);
      }
      o << "}";
    }
    o << "]}\n";
    std::cout << o.str();
  } else {
    for (std::size_t i = 0; i < results.size(); ++i)
      fleet::print_table(std::cout, results[i], verdicts[i], expected_digest);
    std::size_t good = 0;
    for (const auto& v : verdicts) good += v.ok ? 1 : 0;
    std::cout << good << " of " << results.size() << " device(s) OK\n";
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].answered)
      std::cerr << "portcullis-fleet: " << results[i].target.spec << ": " << results[i].error
                << "\n";
  }

  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const char* env_pki = std::getenv("PORTCULLIS_PKI_DIR");
  const fleet::CommandLine cl =
      fleet::parse_command_line(args, env_pki != nullptr ? env_pki : "", PORTCULLIS_VERSION);
  switch (cl.result) {
    case fleet::CommandLine::Result::kHelp:
      std::cout << cl.text;
      return kExitOk;
    case fleet::CommandLine::Result::kVersion:
      std::cout << cl.text << "\n";
      return kExitOk;
    case fleet::CommandLine::Result::kUsage:
      std::cerr << "portcullis-fleet: " << cl.text
                << "\n(portcullis-fleet --help, portcullis-fleet watch --help: the usage)\n";
      return kExitUsage;
    case fleet::CommandLine::Result::kWatch:
      return watch_main(cl.watch);
    case fleet::CommandLine::Result::kPoll:
      break;
  }
  return poll_main(cl.poll);
}
