// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small altcp TLS layer over Mbed TLS 3.6 (lwIP's bundled altcp_tls_mbedtls targets the
// Mbed TLS 2 API and leaves client certificates optional as a server). Servers require and
// verify the client's certificate through the mbedtls_ssl_config the caller prepares;
// sessions come from a fixed pool, a `TlsPool` object the caller owns: when it is empty a
// new connection is refused before anything is allocated for it; a handshake has a deadline.

#include <array>
#include <cstddef>
#include <cstdint>

#include "lwip/altcp.h"
#include "lwip/pbuf.h"
#include "mbedtls/ssl.h"
#include "portcullis/mgmt/settings.hpp"

namespace portcullis::mgmt {
class TlsPool;
}

// lwIP's TLS configuration type, which lwIP only declares (lwip/altcp_tls.h): ours names the
// Mbed TLS profile, the pool its sessions come from and, for a client, the name the server's
// certificate must carry. lwIP's altcp_tls_new() (the MQTT client uses it) wraps a new TCP
// connection with it through our altcp_tls_wrap().
struct altcp_tls_config {  // NOLINT(readability-identifier-naming): lwIP names it
  const mbedtls_ssl_config* conf = nullptr;
  const char* hostname = nullptr;             // clients: required (an IP literal matches an IP SAN)
  portcullis::mgmt::TlsPool* pool = nullptr;  // required
};

namespace portcullis::mgmt {

// The pool's size, the share kept for clients and the handshake deadline: settings.hpp.

struct TlsStats {
  std::uint32_t sessions_refused = 0;  // the pool was full
  std::uint32_t handshakes_ok = 0;
  std::uint32_t handshakes_failed = 0;  // bad or missing certificate, protocol error
  std::uint32_t handshakes_timed_out = 0;
};

// TLS endpoints (fresh, bound or listening, not yet connections) one pool holds at once.
inline constexpr std::size_t kTlsMaxEndpoints = 4;

namespace internal {

struct TlsSession {
  TlsPool* pool = nullptr;
  bool used = false;
  bool handshake_done = false;
  bool record_pending = false;  // an encrypted record waits for room in TCP's send buffer
  bool client = false;
  std::uint32_t started_ms = 0;
  std::uint32_t unacked_plain = 0;  // plaintext written, not yet reported as sent
  pbuf* rx = nullptr;               // ciphertext received, not yet consumed by Mbed TLS
  altcp_pcb* conn = nullptr;
  mbedtls_ssl_context ssl;
};

// A TLS endpoint that is not a connection: fresh, bound or listening.
struct TlsEndpoint {
  TlsPool* pool = nullptr;
  bool used = false;
  const mbedtls_ssl_config* conf = nullptr;
  const char* hostname = nullptr;  // a client's expected server name
};

struct TlsPoolAccess;  // altcp_tls.cpp

}  // namespace internal

// The sessions, endpoints and figures of the TLS layer: the management side owns one, and
// every connection made from it lives in it. It must outlive those connections (close them
// first); each connection knows its pool, so two pools can serve side by side.
class TlsPool {
 public:
  TlsPool();
  TlsPool(const TlsPool&) = delete;
  TlsPool& operator=(const TlsPool&) = delete;

  // A new TLS connection (listen with altcp_listen to serve) over a new TCP one. `conf`
  // must outlive every connection made from it. nullptr when lwIP has no PCB left.
  altcp_pcb* new_server(const mbedtls_ssl_config* conf, std::uint8_t ip_type);

  const TlsStats& stats() const { return stats_; }
  std::size_t sessions_in_use() const;

 private:
  friend struct internal::TlsPoolAccess;

  std::array<internal::TlsSession, kTlsMaxSessions> sessions_;
  std::array<internal::TlsEndpoint, kTlsMaxEndpoints> endpoints_;
  TlsStats stats_;
};

// A client that will connect to a server whose certificate must name `config->hostname`
// (Mbed TLS 3.6 refuses to verify a server without it), with a session from
// `config->pool`. `config` outlives it. nullptr when lwIP has no PCB left.
altcp_pcb* tls_new_client(const altcp_tls_config* config, std::uint8_t ip_type);

}  // namespace portcullis::mgmt
