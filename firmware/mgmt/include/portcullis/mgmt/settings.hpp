// SPDX-License-Identifier: Apache-2.0
#pragma once
// The mgmt module's build-time settings, in one place: the TLS layer's, the status server's
// and the push's. The numbers are #ifndef defaults a board may override in
// PORTCULLIS_BOARD_DEFINITIONS (board.cmake) or a user on the configure line; the MQTT
// deployment settings (broker, port, topic prefix, period) are CMake cache entries that
// firmware/mgmt/CMakeLists.txt checks and passes to every user of this module. A constant
// and its range follow each.

#include <cstddef>
#include <cstdint>
#include <string_view>

// Concurrent TLS sessions (server and client together): the board's PORTCULLIS_TLS_SESSIONS
// (board.cmake, which also sizes Mbed TLS's arena to hold that many handshakes at once).
#ifndef PORTCULLIS_TLS_SESSIONS
#error "PORTCULLIS_TLS_SESSIONS: set by the board (board.cmake) through platform/mbedtls"
#endif
// Sessions kept for the device's own outbound connections (the MQTT push): servers never
// take them, so a flood of management connections cannot keep the push from its broker
// (board.cmake; 1 on boards that push, else 0).
#ifndef PORTCULLIS_TLS_CLIENT_SESSIONS
#define PORTCULLIS_TLS_CLIENT_SESSIONS 0
#endif
// A handshake not finished within this long is aborted (slow or stalled peers).
#ifndef PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS
#define PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS 10000
#endif

// A client must have sent its whole request head within this long of connecting
// (handshake included), and a connection lives at most the second figure.
#ifndef PORTCULLIS_HTTP_REQUEST_TIMEOUT_MS
#define PORTCULLIS_HTTP_REQUEST_TIMEOUT_MS 10000
#endif
#ifndef PORTCULLIS_HTTP_CONNECTION_TIMEOUT_MS
#define PORTCULLIS_HTTP_CONNECTION_TIMEOUT_MS 30000
#endif

// Events kept for the broker: each costs sizeof(PushEvent) of RAM.
#ifndef PORTCULLIS_PUSH_EVENT_QUEUE
#define PORTCULLIS_PUSH_EVENT_QUEUE 16
#endif
// The largest status document the push sends (streamed: the figure costs no RAM, it bounds
// what the broker and watchers receive). A larger document is shortened, or not sent and
// counted.
#ifndef PORTCULLIS_MQTT_PAYLOAD_MAX
#define PORTCULLIS_MQTT_PAYLOAD_MAX 4096
#endif

// The MQTT deployment (firmware/mgmt/CMakeLists.txt: PORTCULLIS_MQTT_BROKER and the rest).
#if !defined(PORTCULLIS_MQTT_BROKER) || !defined(PORTCULLIS_MQTT_PORT) ||                   \
    !defined(PORTCULLIS_MQTT_TOPIC_PREFIX) || !defined(PORTCULLIS_MQTT_STATUS_PERIOD_MS) || \
    !defined(PORTCULLIS_MQTT_KEEP_ALIVE_S)
#error \
    "the PORTCULLIS_MQTT_* settings come from firmware/mgmt/CMakeLists.txt (link portcullis_mgmt)"
#endif

namespace portcullis::mgmt {

inline constexpr std::size_t kTlsMaxSessions = PORTCULLIS_TLS_SESSIONS;
static_assert(kTlsMaxSessions >= 1 && kTlsMaxSessions <= 8, "PORTCULLIS_TLS_SESSIONS: 1..8");
inline constexpr std::size_t kTlsClientSessions = PORTCULLIS_TLS_CLIENT_SESSIONS;
static_assert(kTlsClientSessions < kTlsMaxSessions,
              "PORTCULLIS_TLS_CLIENT_SESSIONS must leave the status endpoint a session");
// What servers (the status endpoint) may hold at once.
inline constexpr std::size_t kTlsServerSessions = kTlsMaxSessions - kTlsClientSessions;
inline constexpr std::uint32_t kTlsHandshakeTimeoutMs = PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS;
static_assert(kTlsHandshakeTimeoutMs >= 1000 && kTlsHandshakeTimeoutMs <= 120'000,
              "PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS: 1000..120000");

inline constexpr std::uint32_t kRequestTimeoutMs = PORTCULLIS_HTTP_REQUEST_TIMEOUT_MS;
inline constexpr std::uint32_t kConnectionTimeoutMs = PORTCULLIS_HTTP_CONNECTION_TIMEOUT_MS;
static_assert(kRequestTimeoutMs >= 1000 && kRequestTimeoutMs <= kConnectionTimeoutMs,
              "PORTCULLIS_HTTP_REQUEST_TIMEOUT_MS: 1000 up to the connection timeout");
static_assert(kConnectionTimeoutMs <= 600'000,
              "PORTCULLIS_HTTP_CONNECTION_TIMEOUT_MS: at most 600000");

inline constexpr std::size_t kPushEventQueue = PORTCULLIS_PUSH_EVENT_QUEUE;
static_assert(kPushEventQueue >= 1 && kPushEventQueue <= 256,
              "PORTCULLIS_PUSH_EVENT_QUEUE: 1..256");
inline constexpr std::size_t kMqttPayloadMax = PORTCULLIS_MQTT_PAYLOAD_MAX;
static_assert(kMqttPayloadMax >= 512 && kMqttPayloadMax <= 16384,
              "PORTCULLIS_MQTT_PAYLOAD_MAX: 512..16384");

// The build's broker (a DNS name or an IPv4 or IPv6 literal its certificate names; empty: none),
// used when the device's identity record names none; its port, the topic prefix
// (<prefix>/<device-id>/status and /events) and the status period.
inline constexpr std::string_view kMqttBroker = PORTCULLIS_MQTT_BROKER;
inline constexpr std::uint16_t kMqttPort = PORTCULLIS_MQTT_PORT;
inline constexpr std::string_view kMqttTopicPrefix = PORTCULLIS_MQTT_TOPIC_PREFIX;
inline constexpr std::uint32_t kMqttStatusPeriodMs = PORTCULLIS_MQTT_STATUS_PERIOD_MS;
static_assert(PORTCULLIS_MQTT_PORT >= 1 && PORTCULLIS_MQTT_PORT <= 65535,
              "PORTCULLIS_MQTT_PORT: 1..65535");
static_assert(kMqttStatusPeriodMs >= 1000, "PORTCULLIS_MQTT_STATUS_PERIOD_MS: at least 1000");
// The broker takes the device for gone 1.5 keep-alives after its last packet and publishes
// its last will (offline).
inline constexpr std::uint16_t kMqttKeepAliveS = PORTCULLIS_MQTT_KEEP_ALIVE_S;
static_assert(kMqttKeepAliveS >= 5 && kMqttKeepAliveS <= 600,
              "PORTCULLIS_MQTT_KEEP_ALIVE_S: 5..600");
static_assert(!kMqttTopicPrefix.empty(), "PORTCULLIS_MQTT_TOPIC_PREFIX: not empty");

}  // namespace portcullis::mgmt
