// SPDX-License-Identifier: Apache-2.0
// The C interface (include/portcullis/portcullis.h): one filter and one listener audit, bound
// to the policy compiled into the firmware. Compiled in the firmware's own target (Portcullis::c
// hands it this source), where portcullis_add_policy() put compiled.hpp's header.
#include "portcullis/portcullis.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/lwip_context.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace {

portcullis::stack::InputFilter filter{portcullis::policy::kPolicyTable};
portcullis::stack::ListenerAudit audit{portcullis::policy::kPolicyTable};
bool started = false;

}  // namespace

extern "C" {

int portcullis_start(const uint8_t* random_key, size_t key_length) {
  if (started || (random_key != nullptr && key_length != PORTCULLIS_RANDOM_KEY_BYTES)) {
    return -1;
  }
  static_assert(PORTCULLIS_RANDOM_KEY_BYTES == portcullis::stack::kLwipRandomKeyBytes);
  if (random_key != nullptr) {
    portcullis::stack::key_lwip_random(
        std::span<const std::uint8_t, PORTCULLIS_RANDOM_KEY_BYTES>(random_key, key_length));
  }
  portcullis::stack::use_input_filter(&filter);
  started = true;
  return 0;
}

void portcullis_sent_frame(const uint8_t* frame, size_t length) {
  filter.sent_frame(std::span<const std::uint8_t>(frame, length));
}

void portcullis_sent_packet(const uint8_t* packet, size_t length) {
  filter.sent(std::span<const std::uint8_t>(packet, length));
}

int portcullis_screen_frame(const uint8_t* frame, size_t length, const struct netif* netif) {
  if (!started || frame == nullptr) {
    return 0;
  }
  const portcullis::stack::LwipContext in_lwip;
  return filter.screen_frame(std::span<const std::uint8_t>(frame, length), netif) ? 1 : 0;
}

void portcullis_audit_now(uint32_t now_ms) {
  audit.audit_now(now_ms);  // enters lwIP's context itself
}

void portcullis_poll(uint32_t now_ms) {
  {
    const portcullis::stack::LwipContext in_lwip;
    filter.expire_requests();
  }
  audit.poll(now_ms);  // enters lwIP's context itself
}

void portcullis_read_status(struct portcullis_status* out) {
  *out = {};
  const portcullis::stack::LwipContext in_lwip;  // the records are written in lwIP's context
  const portcullis::report::Counters& c = filter.counters();
  out->rx_total = c.rx_total();
  out->passed_total = c.passed_total();
  out->dropped_total = c.dropped_total();
  out->rejected_total = c.rejected_total();
  out->scanners_detected_total = filter.scan_detector().detected_total();
  out->violations_total = audit.violations().total();
  std::array<portcullis::report::Listener, 32> listeners{};
  out->listeners = static_cast<uint32_t>(audit.listeners(listeners));
  constexpr std::string_view kDigest = portcullis::policy::kPolicyDigest;
  static_assert(kDigest.size() < sizeof out->policy_digest);
  std::memcpy(out->policy_digest, kDigest.data(), kDigest.size());
  out->policy_digest[kDigest.size()] = '\0';
}

int portcullis_read_violation(uint64_t seq, struct portcullis_violation* out) {
  const portcullis::stack::LwipContext in_lwip;
  const auto* v = audit.violations().find(seq);
  if (v == nullptr) {
    return 0;
  }
  out->proto = static_cast<uint8_t>(v->proto);
  out->action = v->action == portcullis::report::ViolationAction::kClosed ? 1 : 0;
  out->port = v->port;
  out->uptime_ms = v->uptime_ms;
  return 1;
}

}  // extern "C"
