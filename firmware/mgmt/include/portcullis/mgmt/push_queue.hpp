// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the MQTT push keeps while the broker is away, without lwIP: the events waiting for
// the broker's PUBACK (a fixed ring; an event that finds it full is counted, not stored),
// the reconnect backoff, and the JSON of one event. The lwIP side is mqtt_push.hpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/mgmt/settings.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::mgmt {

// Events kept for the broker: kPushEventQueue (settings.hpp), each sizeof(PushEvent) of RAM.

enum class EventKind : std::uint8_t {
  kScanner,    // the scan detector listed a new source
  kViolation,  // the listener audit found a listener the policy does not allow
};
constexpr std::string_view event_kind_name(EventKind k) {
  return k == EventKind::kViolation ? "violation" : "scanner";
}

struct PushEvent {
  std::uint32_t seq = 0;  // 1, 2, ... per boot: consumers drop duplicates by it
  EventKind kind = EventKind::kScanner;
  std::uint64_t uptime_ms = 0;
  report::Scanner scanner;      // kScanner
  report::Violation violation;  // kViolation
};

// Events in the order they happened. An event stays until the broker acknowledges it
// (QoS 1): `next_to_send` hands out each one once per connection, `acknowledge` removes it,
// `requeue_all` makes every unacknowledged one due again after a reconnect. When the ring is
// full the new event is refused and counted: the oldest ones, which the broker has not seen
// either, are kept, and the status document still lists scanners and violations.
class EventQueue {
 public:
  // Stores the event with the next sequence number; false (and counted) when full.
  bool push(PushEvent event);
  // The oldest event not yet handed out on this connection, or nullptr; marks it in flight.
  const PushEvent* next_to_send();
  // Back to unsent: the publish could not be queued after all.
  void unsend(std::uint32_t seq);
  // The broker acknowledged `seq`; false when no such event is kept (a duplicate PUBACK).
  bool acknowledge(std::uint32_t seq);
  // The connection is gone: every event in flight is due again.
  void requeue_all();

  std::size_t size() const { return count_; }
  std::size_t in_flight() const;
  std::uint32_t dropped() const { return dropped_; }
  std::uint32_t last_seq() const { return next_seq_ - 1; }
  static constexpr std::size_t capacity() { return kPushEventQueue; }

 private:
  struct Slot {
    PushEvent event;
    bool in_flight = false;
  };
  Slot& at(std::size_t i) { return slots_[(head_ + i) % kPushEventQueue]; }
  const Slot& at(std::size_t i) const { return slots_[(head_ + i) % kPushEventQueue]; }

  std::array<Slot, kPushEventQueue> slots_{};
  std::size_t head_ = 0;  // oldest
  std::size_t count_ = 0;
  std::uint32_t next_seq_ = 1;
  std::uint32_t dropped_ = 0;
};

// Exponential backoff between connection attempts: kMin after the first failure, doubling
// to kMax; reset by a connection that reached the broker. The jitter (0..delay/4, from the
// caller's random number) keeps a fleet that lost the same broker from returning in step.
class Backoff {
 public:
  static constexpr std::uint32_t kMinMs = 1000;
  static constexpr std::uint32_t kMaxMs = 60000;

  // Delay before the next attempt after a failure; `random` is any 32-bit value.
  std::uint32_t next_delay(std::uint32_t random);
  void reset() { delay_ms_ = 0; }
  std::uint32_t current() const { return delay_ms_; }

 private:
  std::uint32_t delay_ms_ = 0;
};

// `{"device":ID,"seq":N,"type":"scanner"|"violation","uptime_ms":T, ...}`: a scanner adds
// src, distinct_ports, first_ms, last_ms; a violation proto, port, action (field names as in
// the status document). Same results as write_status_json.
[[nodiscard]] StatusWithSize write_event_json(const PushEvent& e, std::string_view device_id,
                                              std::span<char> out);

// The push writes each event document through a buffer of this size. The largest event (every
// number at its largest, an IPv6 source of eight full groups; tests/unit/mgmt) takes 242 bytes
// besides the device id, which is written escaped (a quote or backslash takes two bytes;
// control characters are refused in ids): mqtt_push.hpp checks that the longest id a topic
// can hold fits twice over.
inline constexpr std::size_t kEventJsonMax = 448;
inline constexpr std::size_t kLargestEventWithoutId = 242;

}  // namespace portcullis::mgmt
