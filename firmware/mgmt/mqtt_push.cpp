#include "portcullis/mgmt/mqtt_push.hpp"

#include <algorithm>
#include <cstring>

#include "lwip/altcp_tls.h"

static_assert(LWIP_ALTCP && LWIP_ALTCP_TLS,
              "the MQTT push needs lwIP's altcp TLS hook (lwipopts.h: LWIP_ALTCP_TLS 1)");

// lwIP's MQTT client reaches our TLS layer by calling back from liblwip (altcp_tls_new() in
// altcp_alloc.c) into altcp_tls_wrap() in this library. The linker scans this library
// before liblwip, so in an image without a status endpoint nothing would have pulled
// altcp_tls.o in by then: the push names the hook itself (kept through LTO and
// --gc-sections by `used`).
[[gnu::used]] static altcp_pcb* (*const keep_tls_hook)(altcp_tls_config*,
                                                       altcp_pcb*) = &altcp_tls_wrap;

namespace portcullis::mgmt {
namespace {

bool reached(std::uint32_t now, std::uint32_t when) {
  return static_cast<std::int32_t>(now - when) >= 0;
}

// Topic levels must not hold MQTT's wildcards or separators, or a device id could publish
// into another device's topics.
bool topic_safe(std::string_view level) {
  return !level.empty() && level.find_first_of("+#/") == std::string_view::npos &&
         std::none_of(level.begin(), level.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

bool join_topic(std::array<char, kMqttTopicMax>& out, std::string_view prefix, std::string_view id,
                std::string_view leaf) {
  const std::size_t n = prefix.size() + 1 + id.size() + 1 + leaf.size();
  if (n >= out.size()) {
    return false;
  }
  char* p = out.data();
  p = std::copy(prefix.begin(), prefix.end(), p);
  *p++ = '/';
  p = std::copy(id.begin(), id.end(), p);
  *p++ = '/';
  p = std::copy(leaf.begin(), leaf.end(), p);
  *p = '\0';
  return true;
}

}  // namespace

Status MqttPush::start(const PushSettings& settings, TlsPool& tls,
                       const mbedtls_ssl_config* client_conf, StatusJsonFn render,
                       void* render_ctx) {
  if (running_) {
    return Status::kUnavailable;  // already running
  }
  if (client_conf == nullptr || render == nullptr || settings.broker_name == nullptr ||
      settings.status_period_ms == 0) {
    return Status::kInvalidArgument;
  }
  // Every prefix level and the id are checked; the prefix may have several levels.
  std::string_view rest = settings.topic_prefix;
  while (true) {
    const std::size_t slash = rest.find('/');
    if (!topic_safe(rest.substr(0, slash))) {
      return Status::kInvalidArgument;
    }
    if (slash == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(slash + 1);
  }
  if (!topic_safe(settings.device_id) || settings.device_id.size() >= client_id_.size() ||
      !join_topic(status_topic_, settings.topic_prefix, settings.device_id, "status") ||
      !join_topic(events_topic_, settings.topic_prefix, settings.device_id, "events")) {
    return Status::kInvalidArgument;
  }
  settings_ = settings;
  std::copy(settings.device_id.begin(), settings.device_id.end(), client_id_.begin());
  client_id_[settings.device_id.size()] = '\0';
  tls_.conf = client_conf;
  tls_.hostname = settings.broker_name;
  tls_.pool = &tls;
  info_ = {};
  info_.client_id = client_id_.data();
  info_.keep_alive = settings.keep_alive_s;
  info_.tls_config = &tls_;
  render_ = render;
  render_ctx_ = render_ctx;
  for (EventAck& a : acks_) {
    a = {.push = this, .seq = 0, .used = false};
  }
  running_ = true;
  return Status::kOk;
}

void MqttPush::poll(std::uint32_t now_ms, std::uint32_t random) {
  if (!running_) {
    return;
  }
  now_ms_ = now_ms;
  if (lost_pending_) {
    lost_pending_ = false;
    next_attempt_ms_ = now_ms + backoff_.next_delay(random);
  }
  if (mqtt_client_is_connected(&client_) == 0) {
    if (!connecting_ && reached(now_ms, next_attempt_ms_)) {
      connect();
      if (!connecting_) {
        next_attempt_ms_ = now_ms + backoff_.next_delay(random);
      }
    }
    return;
  }
  if (status_due_ || reached(now_ms, last_status_ms_ + settings_.status_period_ms)) {
    publish_status(now_ms);
  }
  publish_events();
}

void MqttPush::connect() {
  const err_t err = mqtt_client_connect(&client_, &settings_.broker, settings_.port,
                                        &MqttPush::on_connection, this, &info_);
  if (err == ERR_OK) {
    connecting_ = true;
  } else {
    ++counts_.connect_failures;
  }
}

void MqttPush::on_connection(mqtt_client_t*, void* arg, mqtt_connection_status_t status) {
  auto* self = static_cast<MqttPush*>(arg);
  self->connecting_ = false;
  // Whatever was in flight on the old connection is due again (lwIP forgets its requests
  // without calling them back).
  self->events_.requeue_all();
  for (EventAck& a : self->acks_) {
    a.used = false;
  }
  if (status == MQTT_CONNECT_ACCEPTED) {
    self->counts_.connected = true;
    ++self->counts_.connects;
    self->backoff_.reset();
    self->status_due_ = true;
    return;
  }
  if (self->counts_.connected) {
    ++self->counts_.disconnects;
  } else {
    ++self->counts_.connect_failures;
  }
  self->counts_.connected = false;
  self->lost_pending_ = true;
}

void MqttPush::publish_status(std::uint32_t now_ms) {
  const StatusWithSize doc = render_(render_ctx_, std::span<char>(payload_));
  if (doc.status == Status::kResourceExhausted) {
    ++status_too_large_;
  }
  if (!ok(doc.status)) {
    status_due_ = false;  // not before the next period: rendering again would not help
    last_status_ms_ = now_ms;
    return;
  }
  const err_t err =
      mqtt_publish(&client_, status_topic_.data(), payload_.data(), static_cast<u16_t>(doc.size), 1,
                   1, &MqttPush::on_status_acked, this);
  if (err == ERR_OK) {
    status_due_ = false;
    last_status_ms_ = now_ms;
  }
  // Otherwise (output ring or request slots full) the next poll tries again.
}

void MqttPush::publish_events() {
  while (true) {
    const auto free_ack =
        std::find_if(acks_.begin(), acks_.end(), [](const EventAck& a) { return !a.used; });
    if (free_ack == acks_.end()) {
      return;  // as many in flight as lwIP holds: the next poll goes on
    }
    const PushEvent* e = events_.next_to_send();
    if (e == nullptr) {
      return;
    }
    const std::uint32_t seq = e->seq;
    const StatusWithSize doc = write_event_json(*e, settings_.device_id, std::span(payload_));
    if (!ok(doc.status)) {
      // Cannot happen with kMqttPayloadMax >= 512; drop rather than retry forever.
      (void)events_.acknowledge(seq);
      continue;
    }
    free_ack->seq = seq;
    free_ack->used = true;
    const err_t err =
        mqtt_publish(&client_, events_topic_.data(), payload_.data(), static_cast<u16_t>(doc.size),
                     1, 0, &MqttPush::on_event_acked, &*free_ack);
    if (err != ERR_OK) {
      free_ack->used = false;
      events_.unsend(seq);
      return;
    }
  }
}

void MqttPush::on_status_acked(void* arg, err_t err) {
  auto* self = static_cast<MqttPush*>(arg);
  if (err == ERR_OK) {
    ++self->counts_.status_published;
  } else {
    self->status_due_ = true;  // no PUBACK in time: send the then-current document
  }
}

void MqttPush::on_event_acked(void* arg, err_t err) {
  auto* ack = static_cast<EventAck*>(arg);
  if (ack == nullptr || !ack->used) {
    return;  // a request of a connection since lost: its event was queued again
  }
  ack->used = false;
  MqttPush& self = *ack->push;
  if (err == ERR_OK) {
    if (self.events_.acknowledge(ack->seq)) {
      ++self.counts_.events_published;
    }
  } else {
    self.events_.unsend(ack->seq);
  }
}

void MqttPush::report(report::PushInfo& out) const {
  out = counts_;
  out.enabled = running_;
  out.broker = settings_.broker_text;
  out.events_queued = static_cast<std::uint32_t>(events_.size());
  out.events_dropped = events_.dropped();
}

}  // namespace portcullis::mgmt
