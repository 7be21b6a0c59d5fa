// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's verdict on each device it polled, and the exit status of the whole run.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json.hpp"
#include "target.hpp"

namespace portcullis::fleet {

// The exit status of both commands (tools/README.md, "Exit status"). A violation outranks an
// unreachable device: a script that tests for 1 learns of every finding.
inline constexpr int kExitOk = 0;           // every device answered, healthy, expected digest
inline constexpr int kExitViolation = 1;    // a device answered with a finding: a violation, a
                                            // listener not allowed, another policy, a broken
                                            // status document
inline constexpr int kExitUsage = 2;        // usage, file or credential error: nothing judged
inline constexpr int kExitUnreachable = 3;  // a device (or watch's broker) did not answer:
                                            // connection, TLS, certificate or HTTP failure;
                                            // watch: fewer than --count messages

// The status documents this tool reads: schema_version "1.<minor>" (docs/schema).
inline constexpr std::string_view kSchemaMajor = "1.";

// What polling one device gave.
struct PollResult {
  Target target;
  bool answered = false;  // HTTP 200 with a JSON object
  std::string error;      // one line when !answered
  int http_status = 0;
  Value doc;  // GET /v1/status when answered
};

struct Verdict {
  bool ok = false;
  bool answered = false;              // the device's status document was read
  bool violation = false;             // violations recorded or a listener the policy does not allow
  std::optional<bool> digest_match;   // with an expected digest, when the device answered
  std::vector<std::string> problems;  // one line each; empty exactly when ok
};

// `expected_digest`: the --expect-policy file's digest, empty for no expectation. A device
// that did not answer (unreachable, TLS or certificate failure, bad HTTP) fails with its error.
Verdict judge(const PollResult& r, std::string_view expected_digest);

// kExitOk when every device is ok; kExitViolation when a device that answered is not;
// else kExitUnreachable when a device did not answer; kExitUsage for no devices, which is no
// fleet to vouch for.
int exit_status(std::span<const Verdict> verdicts);

}  // namespace portcullis::fleet
