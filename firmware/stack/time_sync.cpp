// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/time_sync.hpp"

#include "lwip/opt.h"

// Our lwipopts.h says whether lwIP's SNTP client is compiled in (platform/lwip/sntp_client.c); a
// firmware's own lwIP has no such client of ours: time sync reports itself unavailable.
#ifndef PORTCULLIS_LWIP_SNTP
#define PORTCULLIS_LWIP_SNTP 0
#endif

#if PORTCULLIS_LWIP_SNTP
#include "lwip/apps/sntp.h"
#include "lwip/ip_addr.h"
#endif

#if PORTCULLIS_LWIP_SNTP
// Compiled with lwIP's SNTP client (platform/lwip/sntp_client.c): its PCB, and where the time
// of an answer it accepted goes.
extern "C" const struct udp_pcb* portcullis_sntp_pcb(void);
extern "C" void portcullis_sntp_set_sink(void (*sink)(u32_t sec, u32_t us));
#endif

namespace portcullis::stack {
namespace {

hal::WallClock* wall_clock = nullptr;
TimeSyncCounts counts;
bool started = false;

// SNTP_SET_SYSTEM_TIME_US (lwipopts.h): an answer lwIP accepted, in lwIP's context.
[[maybe_unused]] void take_time(u32_t sec, u32_t us) {
  const std::int64_t unix_ms = static_cast<std::int64_t>(sec) * 1000 + us / 1000;
  if (wall_clock != nullptr && wall_clock->set(unix_ms)) {
    ++counts.taken;
  } else {
    ++counts.refused;
    counts.last_refused_unix_s = sec;
  }
}

}  // namespace

void use_wall_clock(hal::WallClock* clock) {
  wall_clock = clock;
}

Status configure_time_sync([[maybe_unused]] const char* server) {
#if PORTCULLIS_LWIP_SNTP
  if (started) {
    return Status::kInternal;
  }
  sntp_setoperatingmode(SNTP_OPMODE_POLL);
  if (server != nullptr) {
    sntp_servermode_dhcp(0);
#if SNTP_SERVER_DNS
    sntp_setservername(0, server);  // lwIP's resolver takes an address as it is
#else
    ip_addr_t addr;
    if (ipaddr_aton(server, &addr) == 0) {
      return Status::kInvalidArgument;
    }
    sntp_setserver(0, &addr);
#endif
    return Status::kOk;
  }
#if SNTP_GET_SERVERS_FROM_DHCP
  sntp_setserver(0, nullptr);  // none until a lease names one
  sntp_servermode_dhcp(1);     // dhcp.c hands option 42 over as it binds, and at each renewal
  return Status::kOk;
#else
  return Status::kInvalidArgument;
#endif
#else
  return Status::kUnavailable;
#endif
}

Status start_time_sync() {
#if PORTCULLIS_LWIP_SNTP
  if (started) {
    return Status::kOk;
  }
  if (ip_addr_isany(sntp_getserver(0))
#if SNTP_SERVER_DNS
      && sntp_getservername(0) == nullptr
#endif
  ) {
    return Status::kUnavailable;  // none configured, none in the lease
  }
  portcullis_sntp_set_sink(take_time);
  sntp_init();
  started = true;
  return Status::kOk;
#else
  return Status::kUnavailable;
#endif
}

bool time_sync_started() {
  return started;
}

void stop_time_sync() {
#if PORTCULLIS_LWIP_SNTP
  sntp_stop();
#endif
  started = false;
  counts = {};
}

const TimeSyncCounts& time_sync_counts() {
  return counts;
}

const udp_pcb* lwip_sntp_pcb() {
#if PORTCULLIS_LWIP_SNTP
  return portcullis_sntp_pcb();
#else
  return nullptr;
#endif
}

}  // namespace portcullis::stack
