// SPDX-License-Identifier: Apache-2.0
#pragma once
// `portcullis-fleet watch` on a broker: libmosquitto (MQTT 3.1.1) over mutual TLS, with an
// OpenSSL context configured here (TLS 1.2 or later, forward-secret AEAD suites, the
// broker's certificate verified against --ca and checked to name BROKER, our certificate
// and key from --cert/--key), so certificate problems can be named as the poller names them.
// Subscribes to <prefix>/+/status and <prefix>/+/events with QoS 1 and prints each message
// as it arrives (watch.hpp judges, formats and suppresses duplicates).

#include <string>

#include "watch.hpp"

namespace portcullis::fleet {

// Runs until --count messages, --timeout, SIGINT/SIGTERM, or a broker failure before the first
// subscription; a broker lost after that is connected to again (1 s doubling to 30 s, each
// try said on stderr) and subscribed to again. Returns the exit status
// (WatchTally::exit_status, broker failed also when still away at the end; kExitUsage for
// unreadable credentials).
int run_watch(const WatchOptions& options, const std::string& expected_digest);

}  // namespace portcullis::fleet
