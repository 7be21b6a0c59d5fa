// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet: polls Portcullis devices' GET /v1/status over mutual TLS and shows, per
// device, the policy it runs (digest, optionally compared with a policy file), what it allows
// against what it really listens on, violations and drops.
//
//   portcullis-fleet [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]
//                    [--expect-policy FILE] [--timeout SEC] [--file HOSTS] HOST[:PORT]...
//
// HOST is an IPv4 address, a name, or an IPv6 address in brackets ([2001:db8::2]:8443); the
// port defaults to 8443. HOSTS holds one HOST[:PORT] a line (# comments). Devices are polled
// concurrently (at most 16 at once); each poll is bounded by --timeout (default 10 s)
// and the response by kMaxResponse bytes. Exit status: 0 every device answered, reports no
// violation and (with --expect-policy) the expected digest; 1 otherwise; 2 usage or I/O error.
//
//   portcullis-fleet watch [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]
//                          [--prefix P] [--expect-policy FILE] [--count N] [--timeout SEC]
//                          BROKER[:PORT]
//
// `watch` subscribes to an MQTT broker (default port 8883) over mutual TLS instead and prints
// the status documents and events the devices push, as they arrive (watch_mqtt.hpp).
//
// The poll is libcurl over OpenSSL (poll_https.hpp); watch is libmosquitto over OpenSSL: one
// TLS stack on the host, set up in one place (tls_openssl.hpp).

#include <curl/curl.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

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

void print_usage(std::ostream& out) {
  out << "usage: portcullis-fleet [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]\n"
         "                        [--expect-policy FILE] [--timeout SEC] [--file HOSTS]\n"
         "                        [ID@]HOST[:PORT]...   (IPv6: [ADDR]:PORT; default port 8443;\n"
         "                        ID@: the device id its certificate names, for an address\n"
         "                        it does not list, as DHCP or SLAAC gave it)\n"
         "       portcullis-fleet watch [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]\n"
         "                        [--prefix P] [--expect-policy FILE] [--count N] [--timeout SEC]\n"
         "                        [--session ID] [--silent-after SEC]\n"
         "                        BROKER[:PORT]    (MQTT over TLS; default port 8883)\n"
         "       portcullis-fleet --help | --version\n";
}

// --help: the usage on stdout, exit 0.
int help() {
  print_usage(std::cout);
  return kExitOk;
}

// A usage error: why and the usage on stderr, exit 2.
int usage(const std::string& why = {}) {
  if (!why.empty()) std::cerr << "portcullis-fleet: " << why << "\n";
  print_usage(std::cerr);
  return kExitUsage;
}

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

// `portcullis-fleet watch ...`: `args` are the arguments after `watch`.
int watch_main(const std::vector<std::string>& args) {
  const fleet::WatchArgs parsed = fleet::parse_watch_args(args);
  if (parsed.result == fleet::WatchArgs::Result::kHelp) return help();
  if (parsed.result == fleet::WatchArgs::Result::kUsage) return usage(parsed.error);
  std::string expected_digest;
  if (!parsed.options.expect_policy.empty()) {
    auto digest = policy_digest(parsed.options.expect_policy);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }
  return fleet::run_watch(parsed.options, expected_digest);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ca_path, cert_path, key_path, pki, expect_path, hosts_file;
  bool json = false;
  int timeout_s = 10;
  std::vector<std::string> specs;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "watch") return watch_main({args.begin() + 1, args.end()});
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    if (a == "--json") {
      json = true;
    } else if (a == "--ca" || a == "--cert" || a == "--key" || a == "--pki" ||
               a == "--expect-policy" || a == "--file" || a == "--timeout") {
      std::string v;
      if (!value(v)) return usage(a + " needs a value");
      if (a == "--ca") ca_path = v;
      if (a == "--cert") cert_path = v;
      if (a == "--key") key_path = v;
      if (a == "--pki") pki = v;
      if (a == "--expect-policy") expect_path = v;
      if (a == "--file") hosts_file = v;
      if (a == "--timeout") {
        if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) < 1) {
          return usage("--timeout wants whole seconds, 1..9999");
        }
        timeout_s = std::stoi(v);
      }
    } else if (a == "-h" || a == "--help") {
      return help();
    } else if (a == "--version") {
      std::cout << "portcullis-fleet " << PORTCULLIS_VERSION << "\n";
      return kExitOk;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage("unknown option " + a);
    } else {
      specs.push_back(a);
    }
  }
  if (!pki.empty()) {
    if (!ca_path.empty() || !cert_path.empty() || !key_path.empty())
      return usage("--pki and --ca/--cert/--key exclude each other");
    ca_path = pki + "/ca.crt";
    cert_path = pki + "/mgmt.crt";
    key_path = pki + "/mgmt.key";
  }
  // `portcullis-fleet --pki DIR watch BROKER` would poll a device named watch.
  if (std::find(specs.begin(), specs.end(), "watch") != specs.end())
    return usage("watch comes first: portcullis-fleet watch [options] BROKER[:PORT]");
  if (ca_path.empty() || cert_path.empty() || key_path.empty())
    return usage("need --pki DIR or all of --ca, --cert and --key");
  if (!hosts_file.empty()) {
    auto text = read_file(hosts_file);
    if (!text) return kExitUsage;
    for (auto& entry : fleet::hosts_file_entries(*text)) specs.push_back(std::move(entry));
  }
  if (specs.empty()) return usage("no HOST given");
  std::vector<PollResult> results;
  for (const auto& s : specs) {
    auto t = fleet::parse_target(s, fleet::kDefaultPort, /*allow_id=*/true);
    if (!t) return usage("bad [ID@]HOST[:PORT] '" + s + "'");
    PollResult r;
    r.target = *t;
    results.push_back(std::move(r));
  }

  std::string expected_digest;
  if (!expect_path.empty()) {
    auto digest = policy_digest(expect_path);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }

  // ---- credentials: our certificate against the CA, said up front, in words ----
  std::string error;
  const auto creds =
      fleet::tls::load_credentials(ca_path, cert_path, key_path, "the device", error);
  if (!creds) {
    std::cerr << "portcullis-fleet: " << error << "\n";
    return kExitUsage;
  }
  const std::string& client_warning = creds->client_warning;
  if (!client_warning.empty()) std::cerr << "portcullis-fleet: warning: " << client_warning << "\n";

  // ---- poll ----
  curl_global_init(CURL_GLOBAL_DEFAULT);
  fleet::poll_all(
      results, fleet::PollOptions{.credentials = &*creds, .timeout_s = timeout_s, .parallel = 16});
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
  for (const auto& r : results) verdicts.push_back(fleet::judge(r, expected_digest));
  const int status = fleet::exit_status(verdicts);
  const bool all_ok = status == kExitOk;

  if (json) {
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
        << ",\"violation\":" << (v.violation ? "true" : "false");
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
