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
  bool lab_image = false;             // its firmware is a lab image (lab_firmware())
  std::optional<bool> digest_match;   // with an expected digest, when the device answered
  std::vector<std::string> problems;  // one line each; empty exactly when ok
};

// A firmware version whose build metadata names the lab ("0.1.0+lab", "0.1.0+nofilter.lab",
// firmware/app/CMakeLists.txt): an image with the lab's services and their test hook (a
// datagram opens a listener behind the policy's back), its addresses and broker.
bool lab_firmware(std::string_view version);

// Whether a device running a lab image is a finding: it is, unless the poll is the lab's own
// (--allow-lab-image); then the table still names it.
enum class LabImages { kFinding, kAllowed };

// `expected_digest`: the --expect-policy file's digest, empty for no expectation. A device
// that did not answer (unreachable, TLS or certificate failure, bad HTTP) fails with its error.
Verdict judge(const PollResult& r, std::string_view expected_digest,
              LabImages lab_images = LabImages::kFinding);

// kExitOk when every device is ok; kExitViolation when a device that answered is not;
// else kExitUnreachable when a device did not answer; kExitUsage for no devices, which is no
// fleet to vouch for.
int exit_status(std::span<const Verdict> verdicts);

}  // namespace portcullis::fleet
