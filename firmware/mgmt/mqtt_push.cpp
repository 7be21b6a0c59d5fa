// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/mqtt_push.hpp"

#include <algorithm>
#include <new>
#include <type_traits>

#include "lwip/dns.h"

#include "portcullis/report/json.hpp"

static_assert(
    LWIP_ALTCP && LWIP_ALTCP_TLS,
    "the MQTT push needs lwIP's altcp layer (lwipopts.h: LWIP_ALTCP 1, LWIP_ALTCP_TLS 1)");

namespace portcullis::mgmt {
namespace {

// A PUBACK (and a packet being written) must come within this long, or the connection is
// taken for lost and everything in flight is sent again on the next one.
constexpr std::uint32_t kAckTimeoutMs = 30'000;

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

// "<prefix>/<id>/<leaf>" and a NUL into `out`; false when it is kMqttTopicMax or longer.
bool join_topic(std::span<char> out, std::string_view prefix, std::string_view id,
                std::string_view leaf) {
  const std::size_t n = prefix.size() + 1 + id.size() + 1 + leaf.size();
  if (n >= std::min(out.size(), kMqttTopicMax)) {
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

void detach(altcp_pcb* pcb) {
  altcp_arg(pcb, nullptr);
  altcp_recv(pcb, nullptr);
  altcp_sent(pcb, nullptr);
  altcp_err(pcb, nullptr);
}

}  // namespace

Status MqttPush::start(const PushSettings& settings, TlsPool& tls,
                       const mbedtls_ssl_config* client_conf, report::SnapshotFn snapshot,
                       void* snapshot_ctx) {
  if (running_) {
    return Status::kUnavailable;  // already running
  }
  if (client_conf == nullptr || snapshot == nullptr || settings.broker_name == nullptr ||
      settings.status_period_ms == 0 || settings.keep_alive_s == 0) {
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
  // The id is the MQTT client id too: the CONNECT must fit the body buffer, as every event
  // does (push_queue.hpp, kEventJsonMax).
  if (!topic_safe(settings.device_id) ||
      !join_topic(status_topic_, settings.topic_prefix, settings.device_id, "status") ||
      !join_topic(events_topic_, settings.topic_prefix, settings.device_id, "events") ||
      !join_topic(head_, settings.topic_prefix, settings.device_id, "status/state")) {
    return Status::kInvalidArgument;  // the state topic (in head_ for now) must fit a topic too
  }
  const mqtt::Will will{head_.data(), kMqttStateOffline};
  if (!ok(mqtt::write_connect(body_, settings.device_id, settings.keep_alive_s, &will).status)) {
    return Status::kInvalidArgument;
  }
  settings_ = settings;
  tls_.conf = client_conf;
  tls_.hostname = settings.broker_name;
  tls_.pool = &tls;
  snapshot_fn_ = snapshot;
  snapshot_ctx_ = snapshot_ctx;
  running_ = true;
  return Status::kOk;
}

void MqttPush::poll(std::uint32_t now_ms, std::uint32_t random) {
  if (!running_) {
    return;
  }
  now_ms_ = now_ms;
  random_ = random;
  if (lost_pending_) {
    lost_pending_ = false;
    next_attempt_ms_ = now_ms + backoff_.next_delay(random);
  }
  switch (link_) {
    case Link::kDown:
      if (reached(now_ms, next_attempt_ms_)) {
        connect(random);
      }
      return;
    case Link::kResolving:
    case Link::kConnecting:
    case Link::kAwaitConnack:
      if (now_ms - link_since_ms_ >= kConnectTimeoutMs) {
        (void)lose(false);
      } else if (link_ == Link::kAwaitConnack) {
        (void)pump();  // the rest of a CONNECT that TLS had no room for
      }
      return;
    case Link::kUp:
      break;
  }
  if (overdue()) {
    (void)lose(false);
    return;
  }
  if (reached(now_ms, last_status_ms_ + settings_.status_period_ms)) {
    status_due_ = true;
  }
  (void)pump();
}

bool MqttPush::overdue() const {
  const std::uint32_t keep_alive_ms = settings_.keep_alive_s * 1000U;
  if (ping_outstanding_ && now_ms_ - ping_ms_ >= keep_alive_ms) {
    return true;  // the broker went silent
  }
  if (writing_ != Writing::kNothing && now_ms_ - writing_since_ms_ >= kAckTimeoutMs) {
    return true;  // TLS has taken nothing for that long
  }
  if (status_packet_id_ != 0 && now_ms_ - status_since_ms_ >= kAckTimeoutMs) {
    return true;
  }
  return std::any_of(acks_.begin(), acks_.end(), [this](const EventAck& a) {
    return a.packet_id != 0 && now_ms_ - a.since_ms >= kAckTimeoutMs;
  });
}

void MqttPush::connect(std::uint32_t random) {
  if (!settings_.resolve) {
    open(settings_.broker, random);
    return;
  }
  link_ = Link::kResolving;  // before asking: a cached answer calls back at once
  link_since_ms_ = now_ms_;
  err_t err = ERR_ARG;
#if LWIP_DNS
  ip_addr_t cached;
  err = dns_gethostbyname(settings_.broker_name, &cached, &MqttPush::on_resolved, this);
  if (err == ERR_OK) {
    open(cached, random);
    return;
  }
#endif
  if (err != ERR_INPROGRESS) {  // no resolver, no server, or its table full: try again later
    link_ = Link::kDown;
    ++counts_.connect_failures;
    next_attempt_ms_ = now_ms_ + backoff_.next_delay(random);
  }
}

void MqttPush::on_resolved(const char*, const ip_addr_t* addr, void* arg) {
  auto* self = static_cast<MqttPush*>(arg);
  if (self->link_ != Link::kResolving) {
    return;  // the attempt timed out meanwhile
  }
  if (addr == nullptr) {
    (void)self->lose(false);  // not found, or no answer: the backoff, then ask again
    return;
  }
  self->open(*addr, self->random_);
}

void MqttPush::open(const ip_addr_t& addr, std::uint32_t random) {
  altcp_pcb* pcb = tls_new_client(&tls_, IP_GET_TYPE(&addr));
  if (pcb != nullptr) {
    altcp_arg(pcb, this);
    altcp_recv(pcb, &MqttPush::on_recv);
    altcp_sent(pcb, &MqttPush::on_sent);
    altcp_err(pcb, &MqttPush::on_err);
    if (altcp_connect(pcb, &addr, settings_.port, &MqttPush::on_connected) != ERR_OK) {
      detach(pcb);
      altcp_abort(pcb);
      pcb = nullptr;
    }
  }
  if (pcb == nullptr) {  // no TLS session or PCB left
    link_ = Link::kDown;
    ++counts_.connect_failures;
    next_attempt_ms_ = now_ms_ + backoff_.next_delay(random);
    return;
  }
  pcb_ = pcb;
  link_ = Link::kConnecting;
  link_since_ms_ = now_ms_;
  input_.reset();
}

err_t MqttPush::on_connected(void* arg, altcp_pcb* pcb, err_t err) {
  auto* self = static_cast<MqttPush*>(arg);
  if (self == nullptr || self->pcb_ != pcb) {
    return ERR_OK;
  }
  if (err != ERR_OK) {
    return self->lose(false);
  }
  // TCP is up and the TLS handshake is done (the broker's certificate verified). The will:
  // the broker says "offline" for the device when this connection ends without a DISCONNECT.
  // The CONNECT goes in the body buffer (free while no PUBLISH is being written): with its
  // will it is larger than any PUBLISH head.
  const mqtt::Will will{self->state_topic(self->head_), kMqttStateOffline};
  const StatusWithSize c = mqtt::write_connect(self->body_, self->settings_.device_id,
                                               self->settings_.keep_alive_s, &will);
  if (!ok(c.status)) {
    return self->lose(false);  // start() checked it fits
  }
  self->link_ = Link::kAwaitConnack;
  self->writing_ = Writing::kConnect;
  self->head_size_ = 0;
  self->body_size_ = c.size;
  self->written_ = 0;
  self->writing_since_ms_ = self->now_ms_;
  return self->pump();
}

err_t MqttPush::on_recv(void* arg, altcp_pcb* pcb, pbuf* p, err_t err) {
  auto* self = static_cast<MqttPush*>(arg);
  if (self == nullptr || self->pcb_ != pcb) {
    if (p != nullptr) {
      pbuf_free(p);
    }
    return ERR_OK;
  }
  if (p == nullptr || err != ERR_OK) {  // the broker closed the connection
    if (p != nullptr) {
      pbuf_free(p);
    }
    return self->lose(false);
  }
  for (const pbuf* q = p; q != nullptr; q = q->next) {
    const auto* bytes = static_cast<const std::uint8_t*>(q->payload);
    for (u16_t i = 0; i < q->len; ++i) {
      mqtt::Packet packet;
      const mqtt::InputParser::Step step = self->input_.feed(bytes[i], packet);
      err_t result = ERR_OK;
      if (step == mqtt::InputParser::Step::kError) {
        ++self->protocol_errors_;
        self->last_fault_ = self->input_.fault();
        result = self->lose(false);
      } else if (step == mqtt::InputParser::Step::kPacket) {
        result = self->on_packet(packet);
      }
      if (result != ERR_OK) {
        pbuf_free(p);
        return result;
      }
    }
  }
  altcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return self->pump();  // a CONNACK makes the status due, a PUBACK frees a slot
}

err_t MqttPush::on_packet(const mqtt::Packet& p) {
  switch (p.type) {
    case mqtt::PacketType::kConnack:
      if (link_ != Link::kAwaitConnack) {
        break;  // a second CONNACK
      }
      if (p.value != 0) {
        return lose(false);  // refused (return code 1..5): a connect failure, backed off
      }
      link_ = Link::kUp;
      counts_.connected = true;
      ++counts_.connects;
      backoff_.reset();
      birth_due_ = true;
      status_due_ = true;
      return ERR_OK;
    case mqtt::PacketType::kPuback:
      if (link_ != Link::kUp) {
        break;
      }
      if (p.value == status_packet_id_) {
        status_packet_id_ = 0;
        ++counts_.status_published;
        return ERR_OK;
      }
      for (EventAck& a : acks_) {
        if (a.packet_id == p.value) {
          if (events_.acknowledge(a.seq)) {
            ++counts_.events_published;
          }
          a = EventAck{};
          return ERR_OK;
        }
      }
      return ERR_OK;  // a late or duplicate PUBACK: nothing waits for it
    case mqtt::PacketType::kPingresp:
      ping_outstanding_ = false;
      return ERR_OK;
    default:
      break;
  }
  ++protocol_errors_;
  last_fault_ = mqtt::InputFault::kUnexpectedType;
  return lose(false);
}

err_t MqttPush::on_sent(void* arg, altcp_pcb* pcb, u16_t) {
  auto* self = static_cast<MqttPush*>(arg);
  if (self == nullptr || self->pcb_ != pcb) {
    return ERR_OK;
  }
  return self->pump();
}

void MqttPush::on_err(void* arg, err_t) {
  auto* self = static_cast<MqttPush*>(arg);
  if (self != nullptr && self->pcb_ != nullptr) {
    (void)self->lose(true);  // lwIP (or the TLS layer) has freed the PCB
  }
}

err_t MqttPush::lose(bool pcb_gone) {
  altcp_pcb* pcb = pcb_;
  pcb_ = nullptr;
  err_t result = ERR_OK;
  if (pcb != nullptr && !pcb_gone) {
    detach(pcb);
    altcp_abort(pcb);
    result = ERR_ABRT;
  }
  if (link_ == Link::kUp) {
    ++counts_.disconnects;
  } else {
    ++counts_.connect_failures;
  }
  counts_.connected = false;
  link_ = Link::kDown;
  // Whatever was in flight is due again on the next connection.
  events_.requeue_all();
  acks_ = {};
  status_packet_id_ = 0;
  writing_ = Writing::kNothing;
  ping_outstanding_ = false;
  input_.reset();
  lost_pending_ = true;
  return result;
}

err_t MqttPush::pump() {
  while (pcb_ != nullptr) {
    if (writing_ == Writing::kNothing) {
      if (link_ != Link::kUp) {
        return ERR_OK;
      }
      const bool birth = birth_due_ && begin_birth();
      const bool status = !birth && status_due_ && status_packet_id_ == 0 && begin_status();
      if (!birth && !status && !begin_event() && !begin_ping()) {
        return ERR_OK;
      }
    }
    const err_t err = write_more();
    if (err != ERR_OK || writing_ != Writing::kNothing) {
      return err;  // aborted, or TLS is full: on_sent goes on
    }
  }
  return ERR_OK;
}

// The state topic (the status topic's "state" level) written into `scratch`, which holds it:
// no buffer of its own (start() checked that it fits a topic).
std::string_view MqttPush::state_topic(std::span<char> scratch) const {
  constexpr std::string_view kLevel = "/state";
  const std::string_view status(status_topic_.data());
  char* const end = std::copy(status.begin(), status.end(), scratch.data());
  std::copy(kLevel.begin(), kLevel.end(), end);
  return {scratch.data(), status.size() + kLevel.size()};
}

// The online state, retained, replacing the will's "offline" of an earlier connection. Its
// PUBACK is not waited for (a late one is ignored): the next connection says it again.
bool MqttPush::begin_birth() {
  birth_due_ = false;
  const std::uint16_t id = next_packet_id();
  const StatusWithSize head = mqtt::write_publish_head(head_, state_topic(body_), id,
                                                       /*retain=*/true, kMqttStateOnline.size());
  if (!ok(head.status)) {
    return false;
  }
  std::copy(kMqttStateOnline.begin(), kMqttStateOnline.end(), body_.begin());
  writing_ = Writing::kBirth;
  writing_packet_id_ = id;
  head_size_ = head.size;
  body_size_ = kMqttStateOnline.size();
  written_ = 0;
  writing_since_ms_ = now_ms_;
  return true;
}

bool MqttPush::begin_status() {
  static_assert(std::is_trivially_destructible_v<report::StatusSnapshot>);
  snapshot_ = new (snapshot_storage_) report::StatusSnapshot{};
  snapshot_fn_(snapshot_ctx_, *snapshot_, counters_);
  snapshot_->counters = &counters_;
  status_due_ = false;  // whatever happens below, not again before the next period
  last_status_ms_ = now_ms_;
  // The payload cannot grow: during a scan the recent lists are shortened, newest kept,
  // rather than the status not going out at all.
  const report::FittedStatus fitted = report::fit_status_json(*snapshot_, kMqttPayloadMax);
  if (!ok(fitted.encoded.status)) {
    if (fitted.encoded.status == Status::kResourceExhausted) {
      ++status_too_large_;
    }
    return false;
  }
  if (fitted.left_out > 0) {
    ++status_trimmed_;
  }
  const std::uint16_t id = next_packet_id();
  const StatusWithSize head = mqtt::write_publish_head(head_, status_topic_.data(), id,
                                                       /*retain=*/true, fitted.encoded.size);
  if (!ok(head.status)) {
    return false;
  }
  writing_ = Writing::kStatus;
  writing_packet_id_ = id;
  head_size_ = head.size;
  body_size_ = fitted.encoded.size;
  written_ = 0;
  writing_since_ms_ = now_ms_;
  return true;
}

bool MqttPush::begin_event() {
  if (std::none_of(acks_.begin(), acks_.end(),
                   [](const EventAck& a) { return a.packet_id == 0; })) {
    return false;  // as many in flight as the push keeps: a PUBACK frees one
  }
  while (const PushEvent* e = events_.next_to_send()) {
    const std::uint32_t seq = e->seq;
    const StatusWithSize doc = write_event_json(*e, settings_.device_id, body_);
    if (!ok(doc.status)) {
      (void)events_.acknowledge(seq);  // cannot happen (kEventJsonMax); never retry forever
      continue;
    }
    const std::uint16_t id = next_packet_id();
    const StatusWithSize head =
        mqtt::write_publish_head(head_, events_topic_.data(), id, /*retain=*/false, doc.size);
    if (!ok(head.status)) {
      events_.unsend(seq);
      return false;
    }
    writing_ = Writing::kEvent;
    writing_packet_id_ = id;
    writing_seq_ = seq;
    head_size_ = head.size;
    body_size_ = doc.size;
    written_ = 0;
    writing_since_ms_ = now_ms_;
    return true;
  }
  return false;
}

bool MqttPush::begin_ping() {
  if (ping_outstanding_ || now_ms_ - last_tx_ms_ < settings_.keep_alive_s * 1000U) {
    return false;
  }
  std::copy(mqtt::kPingreq.begin(), mqtt::kPingreq.end(), head_.begin());
  writing_ = Writing::kPing;
  head_size_ = mqtt::kPingreq.size();
  body_size_ = 0;
  written_ = 0;
  writing_since_ms_ = now_ms_;
  return true;
}

err_t MqttPush::write_more() {
  const std::size_t total = head_size_ + body_size_;
  while (written_ < total) {
    const std::size_t room = std::min<std::size_t>(altcp_sndbuf(pcb_), 0xFFFF);
    if (room == 0) {
      break;  // on_sent goes on
    }
    const char* data = nullptr;
    std::size_t n = 0;
    if (written_ < head_size_) {
      n = std::min(room, head_size_ - written_);
      data = head_.data() + written_;
    } else if (writing_ != Writing::kStatus) {  // CONNECT, birth, event: whole in body_
      const std::size_t offset = written_ - head_size_;
      n = std::min(room, body_size_ - offset);
      data = body_.data() + offset;
    } else {  // the status: this slice rendered anew from the frozen snapshot
      const std::size_t offset = written_ - head_size_;
      const std::size_t want = std::min({room, body_.size(), body_size_ - offset});
      const StatusWithSize slice =
          report::write_status_json_slice(*snapshot_, offset, std::span(body_.data(), want));
      if (!ok(slice.status) || slice.size == 0) {
        return lose(false);  // the document changed size: never send a wrong one
      }
      n = slice.size;
      data = body_.data();
    }
    const err_t err = altcp_write(pcb_, data, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
      break;
    }
    if (err == ERR_ABRT) {
      (void)lose(true);
      return ERR_ABRT;
    }
    if (err != ERR_OK) {
      return lose(false);
    }
    written_ += n;
  }
  (void)altcp_output(pcb_);
  if (written_ >= total) {
    packet_written();
  }
  return ERR_OK;
}

void MqttPush::packet_written() {
  last_tx_ms_ = now_ms_;
  switch (writing_) {
    case Writing::kStatus:
      status_packet_id_ = writing_packet_id_;
      status_since_ms_ = now_ms_;
      break;
    case Writing::kEvent: {
      const auto free_ack = std::find_if(acks_.begin(), acks_.end(),
                                         [](const EventAck& a) { return a.packet_id == 0; });
      if (free_ack != acks_.end()) {  // begin_event saw one free, and nothing filled it since
        *free_ack = {.packet_id = writing_packet_id_, .seq = writing_seq_, .since_ms = now_ms_};
      }
      break;
    }
    case Writing::kPing:
      ping_outstanding_ = true;
      ping_ms_ = now_ms_;
      break;
    case Writing::kBirth:
    case Writing::kConnect:
    case Writing::kNothing:
      break;
  }
  writing_ = Writing::kNothing;
}

std::uint16_t MqttPush::next_packet_id() {
  ++last_packet_id_;
  if (last_packet_id_ == 0) {
    last_packet_id_ = 1;
  }
  return last_packet_id_;
}

void MqttPush::report(report::PushInfo& out) const {
  out = counts_;
  out.enabled = running_;
  out.broker = settings_.broker_text;
  out.events_queued = static_cast<std::uint32_t>(events_.size());
  out.events_dropped = events_.dropped();
  out.status_trimmed = status_trimmed_;
  out.protocol_errors = protocol_errors_;
}

}  // namespace portcullis::mgmt
