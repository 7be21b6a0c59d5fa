// SPDX-License-Identifier: Apache-2.0
#pragma once
// lwIP's SNTP client (apps/sntp) setting the device's wall clock (hal/wall_clock.hpp), against
// which Mbed TLS checks certificate dates. Its answers pass the filter only as answers to its
// requests (from the server asked, echoing the request's random transmit timestamp:
// filter/client_requests.hpp); lwIP checks the same again (SNTP_CHECK_RESPONSE 2).

#include <cstdint>

#include "portcullis/base/status.hpp"
#include "portcullis/hal/wall_clock.hpp"

struct udp_pcb;

namespace portcullis::stack {

// What became of SNTP's answers: taken (the clock set) or refused (a time before the wall
// clock's floor date, or no clock to set).
struct TimeSyncCounts {
  std::uint32_t taken = 0;
  std::uint32_t refused = 0;
  std::int64_t last_refused_unix_s = 0;  // the time the last refused answer claimed
};

// The clock SNTP's answers set; nullptr: none (answers are refused). Before start_time_sync().
void use_wall_clock(hal::WallClock* clock);

// Where lwIP's SNTP client will ask, before the network starts (DHCP must know to keep the
// server its lease names): `server` (a name resolved with lwIP's DNS, or an address;
// NUL-terminated, kept for lwIP's life) or, when nullptr, the server of the DHCP lease (option
// 42). kUnavailable without PORTCULLIS_LWIP_SNTP; kInvalidArgument for a server that is not an
// address when lwIP has no DNS, or nullptr without DHCP; kInternal once started.
[[nodiscard]] Status configure_time_sync(const char* server);
// Starts the client once, in lwIP's context; its first request goes out at once: call it when
// the device has an address. Again: kOk, nothing done. kUnavailable without
// PORTCULLIS_LWIP_SNTP, or with no server (none configured, none in the lease).
[[nodiscard]] Status start_time_sync();
bool time_sync_started();
// Stops the client (its timers, its PCB): for tests that start lwIP's SNTP again.
void stop_time_sync();

const TimeSyncCounts& time_sync_counts();

// lwIP's SNTP client's one PCB (nullptr before start_time_sync()). The listener audit leaves
// it alone: it is unconnected and bound to a random port once its first request goes out.
const udp_pcb* lwip_sntp_pcb();

}  // namespace portcullis::stack
