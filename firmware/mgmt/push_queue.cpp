// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/push_queue.hpp"

#include <algorithm>

namespace portcullis::mgmt {

bool EventQueue::push(PushEvent event) {
  if (count_ >= kPushEventQueue) {
    ++dropped_;
    return false;
  }
  event.seq = next_seq_++;
  Slot& s = slots_[(head_ + count_) % kPushEventQueue];
  s.event = event;
  s.in_flight = false;
  ++count_;
  return true;
}

const PushEvent* EventQueue::next_to_send() {
  for (std::size_t i = 0; i < count_; ++i) {
    Slot& s = at(i);
    if (!s.in_flight) {
      s.in_flight = true;
      return &s.event;
    }
  }
  return nullptr;
}

void EventQueue::unsend(std::uint32_t seq) {
  for (std::size_t i = 0; i < count_; ++i) {
    if (at(i).event.seq == seq) {
      at(i).in_flight = false;
      return;
    }
  }
}

bool EventQueue::acknowledge(std::uint32_t seq) {
  std::size_t i = 0;
  while (i < count_ && at(i).event.seq != seq) {
    ++i;
  }
  if (i == count_) {
    return false;
  }
  // Acknowledgements normally come in order, so this is the head; otherwise close the gap.
  for (std::size_t j = i; j > 0; --j) {
    at(j) = at(j - 1);
  }
  head_ = (head_ + 1) % kPushEventQueue;
  --count_;
  return true;
}

void EventQueue::requeue_all() {
  for (std::size_t i = 0; i < count_; ++i) {
    at(i).in_flight = false;
  }
}

std::size_t EventQueue::in_flight() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    n += at(i).in_flight ? 1 : 0;
  }
  return n;
}

std::uint32_t Backoff::next_delay(std::uint32_t random) {
  delay_ms_ = delay_ms_ == 0 ? kMinMs : std::min(kMaxMs, delay_ms_ * 2);
  return delay_ms_ + random % (delay_ms_ / 4 + 1);
}

StatusWithSize write_event_json(const PushEvent& e, std::string_view device_id,
                                std::span<char> out) {
  report::JsonWriter w(out);
  w.begin_object();
  w.member_string("schema_version", report::kSchemaVersion);
  w.member_string("device", device_id);
  w.member_number("seq", e.seq);
  w.member_string("type", event_kind_name(e.kind));
  w.member_number("uptime_ms", e.uptime_ms);
  if (e.kind == EventKind::kScanner) {
    w.member_string("src", report::format_address(e.scanner.src).view());
    w.member_number("distinct_ports", e.scanner.distinct_ports);
    w.member_number("first_ms", e.scanner.first_ms);
    w.member_number("last_ms", e.scanner.last_ms);
  } else {
    w.member_string("proto", report::proto_name(e.violation.proto));
    w.member_number("port", e.violation.port);
    w.member_string("action", report::action_name(e.violation.action));
  }
  w.end_object();
  if (!w.well_formed()) {
    return {Status::kInternal, 0};
  }
  return {w.complete() ? Status::kOk : Status::kResourceExhausted, w.size()};
}

}  // namespace portcullis::mgmt
