// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's poll: GET /v1/status of every device over mutual TLS, with libcurl
// (HTTPS over OpenSSL, the same TLS stack as watch: tls_openssl.hpp).

#include <cstddef>
#include <vector>

#include "tls_openssl.hpp"
#include "verdict.hpp"

namespace portcullis::fleet {

inline constexpr std::size_t kMaxResponse = 256 * 1024;  // a status document is a few KiB

struct PollOptions {
  const tls::Credentials* credentials = nullptr;
  int timeout_s = 10;         // per device: connect, handshake, request and response
  std::size_t parallel = 16;  // devices polled at once
};

// Polls every result's target and fills in the rest of it. A device resets connections beyond
// its few TLS sessions (PORTCULLIS_TLS_SESSIONS), which looks the same as refusing our
// certificate, so a connection reset or closed before the handshake completes is tried again
// (at most 5 attempts, backing off, within the device's timeout) before it is reported.
// curl_global_init must have run.
void poll_all(std::vector<PollResult>& results, const PollOptions& options);

}  // namespace portcullis::fleet
