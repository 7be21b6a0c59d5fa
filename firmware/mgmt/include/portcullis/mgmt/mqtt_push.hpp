// SPDX-License-Identifier: Apache-2.0
#pragma once
// Push reports for devices nobody can poll (behind NAT): an MQTT 3.1.1 client of our own
// (mqtt_codec.hpp) over the altcp TLS layer with the device's certificate, to a broker set at
// build time. The full status document goes out as a retained QoS 1 message on
// `<prefix>/<id>/status` every period and at once after each (re)connection; events (a
// scanner listed, a violation found) go out as QoS 1 messages on `<prefix>/<id>/events` as
// soon as they are queued. While the broker is away the latest status is simply rendered anew
// on return and the events wait in a bounded queue (push_queue.hpp) until the broker
// acknowledges them; an event that finds the queue full is counted and reported. Reconnects
// back off exponentially with jitter.
//
// The status document is never held whole: like the status endpoint, the push freezes a
// snapshot, takes the document's size for the PUBLISH header and streams it through a small
// buffer, re-rendered slice by slice as TLS takes it. One packet is written at a time.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lwip/altcp.h"
#include "lwip/ip_addr.h"
#include "mbedtls/ssl.h"
#include "portcullis/mgmt/altcp_tls.hpp"
#include "portcullis/mgmt/mqtt_codec.hpp"
#include "portcullis/mgmt/push_queue.hpp"
#include "portcullis/mgmt/settings.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::mgmt {

inline constexpr std::size_t kMqttTopicMax = 96;
// The device's state, retained under its status topic (<prefix>/<id>/status/state): the birth
// message after each CONNACK, and the last will the broker publishes when the device falls
// silent or its connection breaks without a DISCONNECT.
inline constexpr std::string_view kMqttStateOnline = R"({"state":"online"})";
inline constexpr std::string_view kMqttStateOffline = R"({"state":"offline"})";
static_assert(mqtt::connect_max(kMqttTopicMax, kMqttTopicMax, kMqttStateOffline.size()) <=
                  kEventJsonMax,
              "the CONNECT with its will is written into the event body buffer");
// The longest device id a topic holds ("p/<id>/status" and its NUL within kMqttTopicMax),
// every byte of it escaped to two, still fits one event document.
static_assert(kLargestEventWithoutId + 2 * (kMqttTopicMax - sizeof("p//status")) <= kEventJsonMax,
              "kEventJsonMax: the largest event with the longest escaped device id");

struct PushSettings {
  ip_addr_t broker{};  // unused with `resolve`
  std::uint16_t port = 8883;
  // The name the broker's certificate must carry (an IP SAN for an address literal), also
  // sent as the server name (SNI, MBEDTLS_SSL_SERVER_NAME_INDICATION; Mbed TLS sends an
  // address literal there too, which RFC 6066 does not allow and brokers ignore).
  const char* broker_name = nullptr;
  // broker_name is a DNS name: resolved with lwIP's resolver (LWIP_DNS) before every
  // connection, so a broker that moves is followed.
  bool resolve = false;
  std::string_view topic_prefix;  // "portcullis"
  std::string_view device_id;     // also the MQTT client id
  std::uint32_t status_period_ms = 30000;
  std::uint16_t keep_alive_s = 30;
  std::string_view broker_text;  // "HOST:PORT", as the status shows it
};

class MqttPush {
 public:
  // Connect (TCP, TLS handshake, CONNACK) must be done within this long.
  static constexpr std::uint32_t kConnectTimeoutMs = kTlsHandshakeTimeoutMs + 10'000;

  MqttPush() = default;
  MqttPush(const MqttPush&) = delete;
  MqttPush& operator=(const MqttPush&) = delete;

  // `tls` (the session pool), `client_conf` (a TLS client profile with the device's
  // credentials), `snapshot_ctx` and this object outlive the push. The first connection
  // attempt happens at the first poll.
  Status start(const PushSettings& settings, TlsPool& tls, const mbedtls_ssl_config* client_conf,
               report::SnapshotFn snapshot, void* snapshot_ctx);
  // From the agent's loop, in lwIP's context: connects, reconnects after the backoff, keeps
  // the connection alive, publishes the status when due and every queued event. `random`:
  // any fresh 32-bit value (backoff jitter).
  void poll(std::uint32_t now_ms, std::uint32_t random);
  // Queues an event for the broker; false (counted in events().dropped()) when full.
  bool enqueue(const PushEvent& event) { return events_.push(event); }

  bool running() const { return running_; }
  bool connected() const { return link_ == Link::kUp; }
  // Writes the push's part of the status (report::PushInfo: the connection, what the broker
  // acknowledged, the event queue); the counters live there, with no copy between them.
  void report(report::PushInfo& out) const;
  // Status documents over kMqttPayloadMax even with their recent lists emptied: not sent.
  std::uint32_t status_too_large() const { return status_too_large_; }
  // Connections dropped because the broker sent what MQTT does not allow it (the last
  // fault: last_input_fault()).
  std::uint32_t protocol_errors() const { return protocol_errors_; }
  mqtt::InputFault last_input_fault() const { return last_fault_; }
  const EventQueue& events() const { return events_; }
  std::uint32_t backoff_ms() const { return backoff_.current(); }

 private:
  enum class Link : std::uint8_t {
    kDown,          // no connection; the next attempt at next_attempt_ms_
    kResolving,     // the broker's name asked of lwIP's resolver
    kConnecting,    // TCP and the TLS handshake
    kAwaitConnack,  // CONNECT written
    kUp,            // CONNACK accepted
  };
  enum class Writing : std::uint8_t { kNothing, kConnect, kPing, kBirth, kStatus, kEvent };

  // An event publish awaiting its PUBACK.
  struct EventAck {
    std::uint16_t packet_id = 0;  // 0: the slot is free
    std::uint32_t seq = 0;
    std::uint32_t since_ms = 0;
  };

  static err_t on_connected(void* arg, altcp_pcb* pcb, err_t err);
  static err_t on_recv(void* arg, altcp_pcb* pcb, pbuf* p, err_t err);
  static err_t on_sent(void* arg, altcp_pcb* pcb, u16_t len);
  static void on_err(void* arg, err_t err);

  // Resolves the broker's name first where it has one, then open()s.
  void connect(std::uint32_t random);
  static void on_resolved(const char* name, const ip_addr_t* addr, void* arg);
  // TCP and TLS to `addr`; a failure to start is a failed attempt, retried after the backoff.
  void open(const ip_addr_t& addr, std::uint32_t random);
  // The connection is over (`pcb_gone`: lwIP has freed it already); everything in flight is
  // due again, the next attempt after the backoff. Returns ERR_ABRT when it aborted the PCB.
  err_t lose(bool pcb_gone);
  err_t on_packet(const mqtt::Packet& p);
  // Starts the next packet when none is being written, then writes as much as TLS takes.
  err_t pump();
  std::string_view state_topic(std::span<char> scratch) const;
  bool begin_birth();
  bool begin_status();
  bool begin_event();
  bool begin_ping();
  err_t write_more();
  void packet_written();
  std::uint16_t next_packet_id();
  bool overdue() const;

  PushSettings settings_{};
  altcp_tls_config tls_{};
  report::SnapshotFn snapshot_fn_ = nullptr;
  void* snapshot_ctx_ = nullptr;
  bool running_ = false;
  bool status_due_ = false;
  bool birth_due_ = false;     // the online state, first after each CONNACK
  bool lost_pending_ = false;  // a lost connection the next poll turns into a backoff
  bool ping_outstanding_ = false;
  Link link_ = Link::kDown;
  altcp_pcb* pcb_ = nullptr;
  mqtt::InputParser input_;
  std::uint32_t now_ms_ = 0;
  std::uint32_t random_ = 0;  // poll()'s, for a backoff decided in a callback
  std::uint32_t next_attempt_ms_ = 0;
  std::uint32_t link_since_ms_ = 0;  // the connection attempt began
  std::uint32_t last_status_ms_ = 0;
  std::uint32_t last_tx_ms_ = 0;  // the last packet written whole (keep-alive)
  std::uint32_t ping_ms_ = 0;
  std::uint16_t last_packet_id_ = 0;
  std::uint16_t status_packet_id_ = 0;  // the status publish awaiting PUBACK, or 0
  std::uint32_t status_since_ms_ = 0;
  std::array<char, kMqttTopicMax> status_topic_{};
  std::array<char, kMqttTopicMax> events_topic_{};

  // The packet being written: a head (PINGREQ, a PUBLISH head) and a body (the CONNECT, the
  // birth message or the event's JSON in body_, or the status document re-rendered from
  // snapshot_ into body_).
  Writing writing_ = Writing::kNothing;
  std::uint16_t writing_packet_id_ = 0;
  std::uint32_t writing_seq_ = 0;  // the event's
  std::size_t head_size_ = 0;
  std::size_t body_size_ = 0;
  std::size_t written_ = 0;  // of head + body
  std::uint32_t writing_since_ms_ = 0;
  std::array<char, mqtt::publish_head_max(kMqttTopicMax)> head_{};
  std::array<char, kEventJsonMax> body_{};
  // The snapshot the status is streamed from (begin_status constructs it in place). Raw
  // storage, so the snapshot's default member values put no initialised copy of it in flash
  // and .data, and no temporary of it on the stack.
  alignas(report::StatusSnapshot) std::byte snapshot_storage_[sizeof(report::StatusSnapshot)];
  report::StatusSnapshot* snapshot_ = nullptr;
  report::Counters counters_;

  EventQueue events_;
  // Events awaiting their PUBACK at once: a few keep the queue moving; each slot is RAM.
  static constexpr std::size_t kEventsInFlight = 4;
  std::array<EventAck, kEventsInFlight> acks_{};
  Backoff backoff_;
  report::PushInfo counts_{};  // connected and the counters; report() adds the rest
  std::uint32_t status_too_large_ = 0;
  std::uint32_t status_trimmed_ = 0;
  std::uint32_t protocol_errors_ = 0;
  mqtt::InputFault last_fault_ = mqtt::InputFault::kNone;
};

}  // namespace portcullis::mgmt
