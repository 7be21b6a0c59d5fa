// SPDX-License-Identifier: Apache-2.0
#include "portcullis/app/agent.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/timeouts.h"
#include "mbedtls/platform_util.h"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/platform/stack_use.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/report/text_sink.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_context.hpp"
#include "portcullis/stack/lwip_info.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace portcullis::app {
namespace {

std::uint32_t saturated(std::size_t bytes) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(bytes, UINT32_MAX));
}

}  // namespace

Agent::Agent(hal::EthernetMac& mac, const hal::Clock& clock, hal::Console& console,
             EntropySources entropy)
    : Agent(clock, console, entropy) {
  own_netif_.emplace(mac, clock);
}

Agent::Agent(const hal::Clock& clock, hal::Console& console, EntropySources entropy)
    : clock_(clock),
      wall_clock_(clock, kTimeFloorUnixS),
      log_(console),
      filter_(policy::kPolicyTable),
      audit_(policy::kPolicyTable),
      entropy_(entropy),
      management_(clock) {}

Agent::~Agent() {
  if constexpr (stack::kLwipThreaded) {
    if (started_ && !stack::lwip_stopped()) {
      hal::fatal("agent destroyed while lwIP's tcpip thread runs (call Agent::stop())");
    }
  }
  if (stack::input_filter() == &filter_) {
    stack::use_input_filter(nullptr);
  }
  if (prepared_) {
    stack::use_wall_clock(nullptr);
    platform::tls_use_wall_clock(nullptr);
  }
}

void Agent::stop() {
  stack::stop_lwip();
}

Status Agent::prepare(std::string_view board_name, std::span<const std::uint8_t> identity_region) {
  if (prepared_) {
    return Status::kInvalidArgument;
  }
  prepared_ = true;
  board_name_ = board_name;
  const identity::ParsedRecord record = read_identity(identity_region);
  const identity::Identity* id =
      record.state == identity::RecordState::kValid ? &record.identity : nullptr;
  if (id != nullptr) {
    record_time_server_ = id->time_server;
    record_mac_ = id->mac;
  }
  stack::use_wall_clock(&wall_clock_);
  platform::tls_use_wall_clock(&wall_clock_);
  key_lwip_random(id);
  stack::use_input_filter(&filter_);  // before lwIP runs: no packet passes unjudged
  return Status::kOk;
}

Status Agent::attach(struct netif& nif) {
  if (!prepared_ || started_ || own_netif_) {
    return Status::kInvalidArgument;
  }
  started_ = true;
  nif_ = &nif;
  stack::in_lwip_context([&] {
    announce(record_time_server_.empty() ? nullptr : record_time_server_.data());
    const std::uint32_t addr = ip4_addr_get_u32(netif_ip4_addr(nif_));
    if (addr == IPADDR_ANY) {
      log_.line("attached: ipv4 none yet");
    } else {
      char text[IP4ADDR_STRLEN_MAX];
      log_.line("attached: ipv4 ", ip4addr_ntoa_r(netif_ip4_addr(nif_), text, sizeof text));
      reported_ip4_ = addr;
    }
    network_up();
  });
  start_services();
  return Status::kOk;
}

void Agent::start_services() {
  audit_.audit_now(clock_.now_ms());  // enters lwIP's context itself
  const stack::LwipContext in_lwip;
  report_violations();
  // The endpoint failing leaves the filter running: the device stays hardened, only
  // unreported; the console says why.
  (void)management_.start(entropy_.strong, &Agent::snapshot_into, this, log_);
  (void)management_.start_push(entropy_.strong, &Agent::snapshot_into, this, log_);
}

identity::ParsedRecord Agent::read_identity(std::span<const std::uint8_t> region) {
  const identity::ParsedRecord record = identity::parse_record(region);
  identity_state_ = record.state;
  if (record.state != identity::RecordState::kValid) {
    log_.line("identity record ", region.empty() ? "region missing" : to_string(record.state),
              ": no TLS, no status endpoint, no push; provision the device (tools/pki provision)");
    return record;
  }
  const identity::Identity& id = record.identity;
  log_.line("identity ", id.device_id, id.broker.empty() ? "" : ", broker ", id.broker,
            id.time_server.empty() ? "" : ", time server ", id.time_server,
            id.mac.empty() ? "" : ", its own MAC");
  return record;
}

// Before lwIP starts: lwip_init() draws the first ephemeral ports. The key comes from the
// TLS DRBG (the board's entropy and its NV seed); without it lwIP's numbers are predictable,
// and the console says so.
void Agent::key_lwip_random(const identity::Identity* id) {
  platform::DeviceSeedStore* seed = entropy_.seed;
  const bool seed_valid =
      seed != nullptr && seed->state() == platform::DeviceSeedStore::State::kValid;
  const std::uint32_t generation = seed_valid ? seed->generation() : 0;
  if (seed != nullptr) {
    if (seed_valid) {
      log_.line("entropy seed ", seed->medium(), " generation ", generation);
    } else {
      // Mbed TLS refuses to seed without it; say why before the generic TLS init line.
      log_.line("entropy seed ", seed->medium(), " ", platform::to_string(seed->state()),
                ": TLS refused; provision the device (tools/pki seed, tools/flash --seed)");
    }
  }
  std::array<std::uint8_t, stack::kLwipRandomKeyBytes> key{};
  const bool tls = ok(management_.init_tls(entropy_.strong, entropy_.noise, seed, id, log_));
  if (!tls && seed_valid && seed->generation() == generation) {
    // Read, but the successor did not stick: using it would start this boot's stream again
    // at the next one (QEMU's lm3s6965evb cannot program its flash).
    log_.line("entropy seed ", seed->medium(),
              " was not rewritten: TLS refused, a seed is never used twice");
  }
  if (tls && entropy_.noise != nullptr) {
    log_.line("entropy noise ", platform::tls_noise_bytes(), " B");
  }
  if (tls && platform::tls_rng(nullptr, key.data(), key.size()) == 0) {
    stack::key_lwip_random(key);
  } else {
    log_.line("no random key: lwIP's ports and TCP sequence numbers are PREDICTABLE");
  }
  mbedtls_platform_zeroize(key.data(), key.size());
}

void Agent::announce(const char* time_server) {
  log_.banner("portcullis " PORTCULLIS_VERSION " on ", board_name_);
#if !PORTCULLIS_FILTER
  log_.line("FILTER COMPILED OUT: plain lwIP answers every port (baseline)");
#endif
  // Before the netif: DHCP keeps the time server its lease names only if SNTP wants it.
  if (const Status st = stack::configure_time_sync(time_server); !ok(st)) {
    time_sync_failed_ = true;
    log_.line("sntp not configured (", to_string(st), "): dates checked against ",
              time_text(wall_clock_.floor_unix_s()).view(),
              " only; the push goes without the time");
  } else {
    log_.line("time unknown until sntp answers: the push waits for it");
  }
}

Status Agent::start_own_netif(const NetworkSettings& net) {
  announce(net.time_server);
  const Status st = own_netif_->start(net);
  if (!ok(st)) {
    log_.line("network start failed: ", to_string(st));
    return st;
  }
  nif_ = &own_netif_->lwip_netif();
  const char* const link = netif_is_link_up(nif_) ? ", link up" : ", link down";
  if (net.ipv4_dhcp) {
    log_.line("ipv4 by dhcp", link);
  } else {
    char text[IP4ADDR_STRLEN_MAX];
    const bool none = ip4_addr_isany_val(*netif_ip4_addr(nif_));
    log_.line("ipv4 ", none ? "none" : ip4addr_ntoa_r(netif_ip4_addr(nif_), text, sizeof text),
              link);
    reported_ip4_ = ip4_addr_get_u32(netif_ip4_addr(nif_));
  }
  network_up();
  return Status::kOk;
}

void Agent::network_up() {
  report_ipv6_states();
  poll_time();
#if PORTCULLIS_LAB_SERVICES
  lab_services_.start(log_);
#endif
}

void Agent::snapshot_into(void* self, report::StatusSnapshot& snapshot,
                          report::Counters& counters) {
  static_cast<const Agent*>(self)->snapshot(snapshot, counters);
}

void Agent::snapshot(report::StatusSnapshot& s, report::Counters& counters) const {
  s.device.id = management_.device_id();  // empty without a valid record
  s.device.board = board_name_;
  s.device.firmware = PORTCULLIS_VERSION;
  s.device.uptime_ms = clock_.now_ms();
  if (const std::optional<std::int64_t> now = wall_clock_.unix_ms()) {
    s.device.time_known = true;
    s.device.unix_ms = *now;
  }
  s.policy = &policy::kPolicyTable;
  s.policy_digest = policy::kPolicyDigest;
  counters = filter_.counters();
  s.counters = &counters;
  audit_.report(s);

  const report::ScanDetector& detector = filter_.scan_detector();
  s.scanners.count = detector.scanners(s.scanners.items, filter_.uptime_ms());
  s.scanners_detected_total = detector.detected_total();
  s.recent_blocked.count = filter_.blocked_log().recent(s.recent_blocked.items);

  management_.push().report(s.push);
  s.push.waiting_for_time = s.push.enabled && push_waits_for_time();
  if (s.push.broker.empty()) {
    s.push.broker = management_.broker_text();  // a push that never started names it too
  }

  // Both scans are O(size) (8 KiB of stack, 42 KiB of arena on the AN385), once per report.
  if (own_netif_) {
    own_netif_->report(s.netif);  // a netif of the firmware's: its driver keeps its own counts
  }

  const platform::StackUse stack = platform::stack_use();
  const platform::TlsArenaUse arena = platform::tls_arena_use();
  s.memory.stack_bytes = saturated(stack.size);
  s.memory.stack_peak_bytes = saturated(stack.high_water);
  s.memory.tls_arena_bytes = saturated(arena.size);
  s.memory.tls_arena_peak_bytes = saturated(arena.high_water);

  stack::read_lwip_info(s.lwip);
}

void Agent::poll() {
  {
    const stack::LwipContext in_lwip;
    if (own_netif_) {
      own_netif_->poll();
    }
    gather_noise();
    stack::track_lwip_counters();  // lwIP's 16-bit counters carried on in 32 bits
    if (own_netif_ && !stack::kLwipThreaded) {
      sys_check_timeouts();  // with NO_SYS=0 lwIP's tcpip thread runs its timers; attached, the
                             // firmware
    }
    if (nif_ == nullptr) {
      return;  // neither started nor attached
    }
    report_ipv4();
    report_ipv6_states();
    poll_time();
    filter_.expire_requests();
  }
  audit_.poll(clock_.now_ms());  // enters lwIP's context itself
  const stack::LwipContext in_lwip;
  report_violations();
  poll_push();
  management_.poll();
}

void Agent::gather_noise() {
  const std::uint64_t rx = filter_.counters().rx_total();
  if (rx == noise_rx_) {
    return;
  }
  noise_rx_ = rx;  // frames arrived this turn: when, the network decided
  if (noise_.fold(clock_.fine_ticks())) {
    platform::tls_mix(noise_.bytes());
    noise_.reset();
    ++noise_mixes_;
  }
}

void Agent::poll_push() {
  mgmt::MqttPush& push = management_.push();
  if (!push.running()) {
    return;
  }
  const report::ScanDetector& detector = filter_.scan_detector();
  for (; scanners_pushed_ < detector.detected_total(); ++scanners_pushed_) {
    const report::Scanner* d = detector.find(scanners_pushed_);
    if (d == nullptr) {
      continue;  // a burst longer than the detector's log: the status still lists them
    }
    mgmt::PushEvent e;
    e.kind = mgmt::EventKind::kScanner;
    e.uptime_ms = d->last_ms;
    e.scanner = *d;
    (void)push.enqueue(e);  // a full queue counts the event as dropped
  }
  if (push_waits_for_time()) {
    return;  // events wait in the queue; the broker's certificate dates cannot be checked yet
  }
  std::uint32_t random = 0;
  (void)platform::tls_rng(nullptr, reinterpret_cast<unsigned char*>(&random), sizeof random);
  push.poll(static_cast<std::uint32_t>(clock_.now_ms()), random);
}

void Agent::report_violations() {
  const stack::AuditLog& log = audit_.violations();
  for (; violations_shown_ < log.total(); ++violations_shown_) {
    const stack::Violation* v = log.find(violations_shown_);
    if (v == nullptr) {
      continue;  // more in one audit than the log holds: the total still counts them
    }
    log_.line("violation: ", v->proto == policy::Proto::kTcp ? "tcp " : "udp ", v->port, " ",
              report::action_name(v->action));
    if (!management_.broker_text().empty()) {  // queued from boot, sent once connected
      mgmt::PushEvent e;
      e.kind = mgmt::EventKind::kViolation;
      e.uptime_ms = v->uptime_ms;
      e.violation = *v;
      (void)management_.push().enqueue(e);
    }
  }
}

// An address from DHCP: bound, changed or lost (the lease ran out unrenewed).
void Agent::report_ipv4() {
  const struct netif& nif = *nif_;
  const std::uint32_t addr = ip4_addr_get_u32(netif_ip4_addr(&nif));
  if (addr == reported_ip4_) {
    return;
  }
  reported_ip4_ = addr;
  if (addr == IPADDR_ANY) {
    log_.line("ipv4 lost: no address");
    return;
  }
  char text[IP4ADDR_STRLEN_MAX];
  char mask[IP4ADDR_STRLEN_MAX];
  log_.line("ipv4 ", ip4addr_ntoa_r(netif_ip4_addr(&nif), text, sizeof text), " mask ",
            ip4addr_ntoa_r(netif_ip4_netmask(&nif), mask, sizeof mask), " by dhcp");
}

void Agent::poll_time() {
  if (time_sync_failed_) {
    return;
  }
  if (!stack::time_sync_started()) {
    // An address to ask from: static, or the DHCP lease (which names the server, too).
    if (ip4_addr_isany_val(*netif_ip4_addr(nif_))) {
      return;
    }
    if (const Status st = stack::start_time_sync(); !ok(st)) {
      // No server yet: the push goes without the time meanwhile, and a later lease that
      // names one (a renewal) still starts SNTP.
      if (!time_server_missing_) {
        time_server_missing_ = true;
        log_.line("sntp not started (", to_string(st),
                  "): no time server configured or named by dhcp; dates checked against ",
                  time_text(wall_clock_.floor_unix_s()).view(),
                  " only; the push goes without the time");
      }
      return;
    }
    if (time_server_missing_) {
      time_server_missing_ = false;
      log_.line("sntp started: a time server came with the lease");
    }
  }
  const stack::TimeSyncCounts& now = stack::time_sync_counts();
  if (now.taken != time_reported_.taken && time_reported_.taken == 0) {
    log_.line("time ", time_text(wall_clock_.unix_seconds_or_floor()).view(), " by sntp");
  }
  if (now.refused != time_reported_.refused) {
    log_.line("sntp answer refused: ", time_text(now.last_refused_unix_s).view(),
              " is before this image's floor ", time_text(wall_clock_.floor_unix_s()).view());
  }
  time_reported_ = now;
}

void Agent::report_ipv6_states() {
  struct netif& nif = *nif_;
  for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
    const std::uint8_t state = netif_ip6_addr_state(&nif, i);
    // Report kinds of state, not lwIP's DAD probe count inside the tentative state.
    const std::uint8_t kind = ip6_addr_isduplicated(state)  ? 3
                              : ip6_addr_istentative(state) ? 2
                              : ip6_addr_isvalid(state)     ? 1
                                                            : 0;
    if (kind == reported_ip6_state_[i]) {
      continue;
    }
    reported_ip6_state_[i] = kind;
    if (kind != 0) {
      // RFC 5952 text, as the reports write addresses (lwIP's own formatter stays out of the
      // image).
      const report::AddressText text =
          report::format_address(report::IpAddress::v6(std::span<const std::uint8_t, 16>(
              reinterpret_cast<const std::uint8_t*>(netif_ip6_addr(&nif, i)->addr), 16)));
      log_.line("ipv6 ", text.view(),
                ip6_addr_isduplicated(state)  ? " duplicate (not used)"
                : ip6_addr_istentative(state) ? " tentative"
                                              : " preferred");
    }
  }
}

}  // namespace portcullis::app
