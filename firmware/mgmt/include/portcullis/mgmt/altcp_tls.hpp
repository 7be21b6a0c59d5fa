#pragma once
// A small altcp TLS layer over Mbed TLS 3.6 (lwIP's bundled altcp_tls_mbedtls targets the
// Mbed TLS 2 API and leaves client certificates optional as a server). Servers require and
// verify the client's certificate through the mbedtls_ssl_config the caller prepares;
// sessions come from a fixed pool: when it is empty a new connection is refused before
// anything is allocated for it; a handshake has a deadline.

#include <cstddef>
#include <cstdint>

#include "lwip/altcp.h"
#include "mbedtls/ssl.h"

// lwIP's TLS configuration type, which lwIP only declares (lwip/altcp_tls.h): ours names the
// Mbed TLS profile and, for a client, the name the server's certificate must carry. lwIP's
// altcp_tls_new() (the MQTT client uses it) wraps a new TCP connection with it through our
// altcp_tls_wrap().
struct altcp_tls_config {
  const mbedtls_ssl_config* conf = nullptr;
  const char* hostname = nullptr;  // clients: required (an IP literal matches an IP SAN)
};

namespace portcullis::mgmt {

// Concurrent TLS sessions (server and client together): the board's PORTCULLIS_TLS_SESSIONS
// (board.cmake), which also sizes Mbed TLS's arena to hold that many handshakes at once.
inline constexpr std::size_t kTlsMaxSessions = PORTCULLIS_TLS_SESSIONS;
static_assert(kTlsMaxSessions >= 1 && kTlsMaxSessions <= 8, "PORTCULLIS_TLS_SESSIONS: 1..8");

// Sessions kept for the device's own outbound connections (the MQTT push): servers never
// take them, so a flood of management connections cannot keep the push from its broker.
// PORTCULLIS_TLS_CLIENT_SESSIONS (board.cmake; 1 on boards that push, else 0).
#ifndef PORTCULLIS_TLS_CLIENT_SESSIONS
#define PORTCULLIS_TLS_CLIENT_SESSIONS 0
#endif
inline constexpr std::size_t kTlsClientSessions = PORTCULLIS_TLS_CLIENT_SESSIONS;
static_assert(kTlsClientSessions < kTlsMaxSessions,
              "PORTCULLIS_TLS_CLIENT_SESSIONS must leave the status endpoint a session");
// What servers (the status endpoint) may hold at once.
inline constexpr std::size_t kTlsServerSessions = kTlsMaxSessions - kTlsClientSessions;

// A handshake not finished within this long is aborted (slow or stalled peers).
#ifndef PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS
#define PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS 10000
#endif
inline constexpr std::uint32_t kTlsHandshakeTimeoutMs = PORTCULLIS_TLS_HANDSHAKE_TIMEOUT_MS;

struct TlsStats {
  std::uint32_t sessions_refused = 0;  // the pool was full
  std::uint32_t handshakes_ok = 0;
  std::uint32_t handshakes_failed = 0;  // bad or missing certificate, protocol error
  std::uint32_t handshakes_timed_out = 0;
};

// A new TLS connection (listen with altcp_listen to serve) over a new TCP one. `conf`
// must outlive every connection made from it. nullptr when lwIP has no PCB left.
altcp_pcb* tls_new(const mbedtls_ssl_config* conf, std::uint8_t ip_type);
// The same for a client that will connect to a server whose certificate must name
// `hostname` (Mbed TLS 3.6 refuses to verify a server without it). `config` outlives it.
altcp_pcb* tls_new_client(const altcp_tls_config* config, std::uint8_t ip_type);

const TlsStats& tls_stats();
std::size_t tls_sessions_in_use();

}  // namespace portcullis::mgmt
