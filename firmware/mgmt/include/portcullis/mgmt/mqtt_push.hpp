#pragma once
// Push reports for devices nobody can poll (behind NAT): lwIP's MQTT client (apps/mqtt) over
// our altcp TLS layer with the device's certificate, to a broker set at build time. The
// full status document goes out as a retained QoS 1 message on `<prefix>/<id>/status`
// every period and at once after each (re)connection; events (a scanner listed, a
// violation found) go out as QoS 1 messages on `<prefix>/<id>/events` as soon as they are
// queued. While the broker is away the latest status is simply rendered anew on return and
// the events wait in a bounded queue (push_queue.hpp) until the broker acknowledges them;
// an event that finds the queue full is counted and reported. Reconnects back off
// exponentially with jitter. One instance per device (lwIP's MQTT callbacks carry one
// pointer, which is the event's sequence number).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lwip/apps/mqtt.h"
#include "lwip/apps/mqtt_priv.h"
#include "lwip/ip_addr.h"
#include "mbedtls/ssl.h"
#include "portcullis/mgmt/altcp_tls.hpp"
#include "portcullis/mgmt/push_queue.hpp"
#include "portcullis/mgmt/settings.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/report/text_sink.hpp"

namespace portcullis::mgmt {

// The largest status document the push sends is kMqttPayloadMax (settings.hpp); lwIP's MQTT
// output ring must hold one whole publish of it.
static_assert(MQTT_OUTPUT_RINGBUF_SIZE >= kMqttPayloadMax + 128,
              "lwipopts.h: MQTT_OUTPUT_RINGBUF_SIZE must hold a whole status publish");

inline constexpr std::size_t kMqttTopicMax = 96;

struct PushSettings {
  ip_addr_t broker{};
  std::uint16_t port = 8883;
  // The name the broker's certificate must carry (an IP SAN for an address literal).
  const char* broker_name = nullptr;
  std::string_view topic_prefix;  // "portcullis"
  std::string_view device_id;     // also the MQTT client id
  std::uint32_t status_period_ms = 30000;
  std::uint16_t keep_alive_s = 30;
  std::string_view broker_text;  // "192.0.2.1:8883", as the status shows it
};

// Renders the status document into `out` (report::write_status_json of a fresh snapshot).
using StatusJsonFn = StatusWithSize (*)(void* ctx, std::span<char> out);

class MqttPush {
 public:
  MqttPush() = default;
  MqttPush(const MqttPush&) = delete;
  MqttPush& operator=(const MqttPush&) = delete;

  // `tls` (the session pool), `client_conf` (a TLS client profile with the device's
  // credentials), `render_ctx` and this object outlive the push. The first connection
  // attempt happens at the first poll.
  Status start(const PushSettings& settings, TlsPool& tls, const mbedtls_ssl_config* client_conf,
               StatusJsonFn render, void* render_ctx);
  // From the agent's loop: connects, reconnects after the backoff, publishes the status when
  // due and every queued event. `random`: any fresh 32-bit value (backoff jitter).
  void poll(std::uint32_t now_ms, std::uint32_t random);
  // Queues an event for the broker; false (counted in events().dropped()) when full.
  bool enqueue(const PushEvent& event) { return events_.push(event); }

  bool running() const { return running_; }
  // Writes the push's part of the status (report::PushInfo: the connection, what the broker
  // acknowledged, the event queue); the counters live there, with no copy between them.
  void report(report::PushInfo& out) const;
  // Status documents over kMqttPayloadMax, not sent (a shortened one is sent instead: this
  // stays 0 unless the render could not fit at all).
  std::uint32_t status_too_large() const { return status_too_large_; }
  const EventQueue& events() const { return events_; }
  std::uint32_t backoff_ms() const { return backoff_.current(); }

 private:
  static void on_connection(mqtt_client_t* client, void* arg, mqtt_connection_status_t status);
  static void on_status_acked(void* arg, err_t err);
  static void on_event_acked(void* arg, err_t err);

  // An event publish lwIP holds: its request callback's argument, which says whose and which.
  struct EventAck {
    MqttPush* push = nullptr;
    std::uint32_t seq = 0;
    bool used = false;
  };

  void connect();
  void publish_status(std::uint32_t now_ms);
  void publish_events();

  PushSettings settings_{};
  altcp_tls_config tls_{};
  StatusJsonFn render_ = nullptr;
  void* render_ctx_ = nullptr;
  bool running_ = false;
  bool connecting_ = false;
  bool status_due_ = false;
  bool lost_pending_ = false;  // a disconnect the next poll turns into a backoff
  std::uint32_t now_ms_ = 0;
  std::uint32_t next_attempt_ms_ = 0;
  std::uint32_t last_status_ms_ = 0;
  mqtt_client_t client_{};  // static storage instead of mqtt_client_new's lwIP heap
  mqtt_connect_client_info_t info_{};
  std::array<char, kMqttTopicMax> status_topic_{};
  std::array<char, kMqttTopicMax> events_topic_{};
  std::array<char, 64> client_id_{};
  std::array<char, kMqttPayloadMax> payload_{};
  EventQueue events_;
  // Events awaiting their PUBACK at once: a few keep the queue moving; each slot is RAM, and
  // the status document needs one of lwIP's MQTT_REQ_MAX_IN_FLIGHT requests besides.
  static constexpr std::size_t kEventsInFlight = 4;
  static_assert(kEventsInFlight < MQTT_REQ_MAX_IN_FLIGHT);
  std::array<EventAck, kEventsInFlight> acks_{};
  Backoff backoff_;
  report::PushInfo counts_{};  // connected and the counters; report() adds the rest
  std::uint32_t status_too_large_ = 0;
};

}  // namespace portcullis::mgmt
