// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#if PORTCULLIS_LAB_SERVICES  // lab images only (firmware/app/CMakeLists.txt: PUBLIC, one layout)
#include "portcullis/app/lab_services.hpp"
#endif
#include "portcullis/app/management.hpp"
#include "portcullis/base/civil_time.hpp"
#include "portcullis/base/network_settings.hpp"
#include "portcullis/base/status.hpp"
#include "portcullis/hal/clock.hpp"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/entropy.hpp"
#include "portcullis/hal/ethernet_mac.hpp"
#include "portcullis/hal/log.hpp"
#include "portcullis/hal/wall_clock.hpp"
#include "portcullis/identity/record.hpp"
#include "portcullis/platform/noise_pool.hpp"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/stack/ethernet_netif.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/time_sync.hpp"

namespace portcullis::app {

// What a board gives the agent to seed its DRBG with (platform/mbedtls/README.md).
struct EntropySources {
  hal::Entropy* strong = nullptr;  // a TRNG or the OS; nullptr when the board has none
  hal::Entropy* noise = nullptr;   // weak (ADC noise): mixed in, credited as none
  // The device's seed store (platform/seed_record.hpp, seed_log.hpp), rewritten at every boot
  // before use; a board without a valid one refuses TLS and says so. nullptr: the build's NV
  // seed in RAM (host-linux, whose entropy is the OS's).
  platform::DeviceSeedStore* seed = nullptr;
};

// The earliest time this image takes for now (its release date; raise it with each release):
// an SNTP answer before it is refused, and until the time is known certificates that expired
// before it are refused (hal/wall_clock.hpp).
inline constexpr std::int64_t kTimeFloorUnixS =
    unix_seconds(CivilTime{.year = 2026, .month = 12, .day = 1});

// The agent loop: the early filter, the listener audit, the status endpoint and the push, polled
// from the firmware's loop (or a task). Holds no heap; one instance per device. Two ways to run:
//   - it owns the network (the reference boards): constructed on the board's MAC, start()
//     brings lwIP up (lwip_init() or tcpip_init()) and a netif of its own on that MAC, and
//     poll() drives the netif and (NO_SYS=1) lwIP's timers;
//   - it attaches to the firmware's (docs/integration.md): constructed without a MAC,
//     prepare() before the firmware starts lwIP, attach() once lwIP and its netif are up;
//     the firmware keeps driving its netifs and lwIP's timers, poll() does the agent's part.
class Agent {
 public:
  // An agent that owns the network: start().
  Agent(hal::EthernetMac& mac, const hal::Clock& clock, hal::Console& console,
        EntropySources entropy = {});
  // An agent that attaches to the firmware's lwIP and netif: prepare(), then attach().
  Agent(const hal::Clock& clock, hal::Console& console, EntropySources entropy = {});
  // With lwIP's tcpip thread (NO_SYS=0), an agent that started lwIP must outlive it: call
  // stop() before the agent goes (a static agent goes after main() returns). Destroying it
  // with the thread still able to run is a fatal error, not a silent race.
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // lwip_init(), the netif with the board's addresses, a boot banner on the console, a
  // first listener audit once the services are open, then the status endpoint and the push.
  // `identity_region`: the device's provisioned identity record (firmware/identity; it must
  // outlive the agent: flash, or a static copy). Blank, corrupt or empty: the console says so
  // and the device filters and audits as always but serves no TLS and pushes nothing. Its
  // time server and MAC address, if any, replace `net`'s; with a MAC from neither (a device
  // image's settings name none: boards/common/.../board_network.hpp) the console says so and
  // start() refuses (kUnavailable) before anything starts (it may be called again).
  // An agent constructed without a MAC refuses (kInvalidArgument).
  Status start(const NetworkSettings& net, std::string_view board_name,
               std::span<const std::uint8_t> identity_region);

  // Attaching, step 1, before the firmware starts lwIP (lwip_init() or tcpip_init(): lwIP
  // draws its first ports there): reads the identity record (as start() does), brings TLS up,
  // keys lwIP's randomness from its DRBG and installs the filter, so that no packet passes
  // unjudged. Right after lwIP's start, the firmware calls stack::note_lwip_started().
  // kInvalidArgument when called twice.
  Status prepare(std::string_view board_name, std::span<const std::uint8_t> identity_region);
  // Attaching, step 2, once lwIP runs and `nif` is added (its address may still come by
  // DHCP): the boot banner, the first listener audit (once the firmware's services listen:
  // attach after opening them), the status endpoint and the push. NO_SYS=0: from a task, not
  // in lwIP's context (it takes the core lock). The agent reports `nif`'s addresses; the
  // firmware keeps driving it. kInvalidArgument before prepare(), twice, or on an agent that
  // owns its netif.
  Status attach(struct netif& nif);
  // Stops lwIP for good (stack::stop_lwip(): the tcpip thread runs nothing more), the last
  // lwIP step, from the thread that owns the agent; with NO_SYS=1 nothing to do. Also after a
  // failed start().
  void stop();

  // One turn of the super-loop: received frames and lwIP timers (when the agent owns the
  // netif; attached, the firmware drives both), address state changes, the listener audit
  // (each new violation is written on the console), the push. NO_SYS=0: from a task, not in
  // lwIP's context.
  void poll();

  // The netif the agent reports on (its own, or the one attached); nullptr before either.
  struct netif* lwip_netif() {
    return nif_;
  }
  // The early filter and what it recorded (counters, scanners, blocked attempts).
  const stack::InputFilter& input_filter() const { return filter_; }
  // What the identity record said: kValid (the device's id, certificate, key and CA went to the
  // management side, which may still refuse them), or why there is none.
  identity::RecordState identity_state() const { return identity_state_; }
  // Listeners and violations for the status report, against the build's policy.
  const stack::ListenerAudit& listener_audit() const { return audit_; }
  // Calendar time, set by SNTP once the device has an address (NetworkSettings::time_server or
  // the DHCP lease's). Until it is known the push waits, and polls are served with
  // device.time_known false.
  const hal::WallClock& wall_clock() const { return wall_clock_; }
  // Timing noise handed to the DRBG so far (platform/noise_pool.hpp): one per kNoiseFolds loop
  // turns that received frames.
  std::uint32_t noise_mixes() const { return noise_mixes_; }

  // What /v1/status and /metrics report, as of now; `counters` receives a copy of the
  // filter's counters and `snapshot.counters` points at it. In lwIP's context (it reads the
  // filter's records and lwIP's statistics).
  void snapshot(report::StatusSnapshot& snapshot, report::Counters& counters) const;

 private:
  void report_ipv4();
  // SNTP started once there is an address; its answers (taken or refused) on the console.
  void poll_time();
  // The push waits for the time while SNTP may yet give it.
  bool push_waits_for_time() const {
    return !time_sync_failed_ && !time_server_missing_ && !wall_clock_.known();
  }
  void report_ipv6_states();
  void report_violations();
  // For the status server and the push (each keeps its own copy while it sends).
  static void snapshot_into(void* self, report::StatusSnapshot& snapshot,
                            report::Counters& counters);
  // New scanners become push events; then the push's own turn.
  void poll_push();
  // Folds the fine clock into the noise pool when frames arrived, and mixes a full pool into
  // the DRBG. In lwIP's context (the DRBG is also the TLS sessions').
  void gather_noise();
  // The identity record read, and on the console what it holds or why it is refused.
  identity::ParsedRecord read_identity(std::span<const std::uint8_t> region);
  // Before lwIP starts: TLS up with `id`'s credentials (nullptr: none), and lwIP's randomness
  // keyed from its DRBG.
  void key_lwip_random(const identity::Identity* id);
  // The banner and SNTP's configuration: in lwIP's context, before the netif reports.
  void announce(const char* time_server);
  // The agent's own netif: in lwIP's context.
  Status start_own_netif(const NetworkSettings& net);
  // The netif's addresses reported, the lab services: in lwIP's context.
  void network_up();
  // After the network is up (both ways): the first audit, the endpoint and the push.
  void start_services();

  const hal::Clock& clock_;
  hal::WallClock wall_clock_;
  bool time_sync_failed_ = false;          // SNTP compiled out or not configured: no time
  bool time_server_missing_ = false;       // an address, but no server to ask (yet)
  stack::TimeSyncCounts time_reported_{};  // what the console said last
  hal::Log log_;                           // every console line goes through it
  stack::InputFilter filter_;  // before the netif: lwIP's hooks reach it from start() on
  std::optional<stack::EthernetNetif> own_netif_;  // an agent that owns its netif
  struct netif* nif_ = nullptr;                    // the netif reported on
  std::uint32_t reported_ip4_ = 0;                 // network byte order; 0: none (yet)
  std::uint8_t reported_ip6_state_[LWIP_IPV6_NUM_ADDRESSES] = {};
#if PORTCULLIS_LAB_SERVICES
  LabServices lab_services_;
#endif
  stack::ListenerAudit audit_;
  std::uint64_t violations_shown_ = 0;  // log sequence number of the next one to print
  std::uint64_t scanners_pushed_ = 0;   // detection sequence number of the next to push
  platform::NoisePool noise_;
  std::uint64_t noise_rx_ = 0;  // the filter's rx_total when noise was last folded
  std::uint32_t noise_mixes_ = 0;
  EntropySources entropy_;
  std::string_view board_name_;
  identity::RecordState identity_state_ = identity::RecordState::kBlank;
  // What start() and attach() take from a valid record (views into the identity region, which
  // outlives the agent; empty: none).
  std::string_view record_time_server_;  // NUL-terminated in the record
  std::span<const std::uint8_t> record_mac_;
  bool prepared_ = false;  // prepare() ran: the filter is installed, TLS tried
  bool started_ = false;   // start() started lwIP, or attach() attached
  Management management_;
};

}  // namespace portcullis::app
