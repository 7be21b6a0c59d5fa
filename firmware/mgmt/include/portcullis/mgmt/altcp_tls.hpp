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

namespace portcullis::mgmt {

// Concurrent TLS sessions (server and client together): the board's PORTCULLIS_TLS_SESSIONS
// (board.cmake), which also sizes Mbed TLS's arena to hold that many handshakes at once.
inline constexpr std::size_t kTlsMaxSessions = PORTCULLIS_TLS_SESSIONS;
static_assert(kTlsMaxSessions >= 1 && kTlsMaxSessions <= 8, "PORTCULLIS_TLS_SESSIONS: 1..8");

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

// The allocator form, for code that takes an altcp_allocator_t (lwIP's MQTT client).
// `arg` is the const mbedtls_ssl_config*.
altcp_pcb* tls_alloc(void* arg, std::uint8_t ip_type);

const TlsStats& tls_stats();
std::size_t tls_sessions_in_use();

}  // namespace portcullis::mgmt
