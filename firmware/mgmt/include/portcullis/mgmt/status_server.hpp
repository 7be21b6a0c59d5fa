// SPDX-License-Identifier: Apache-2.0
#pragma once
// The status endpoint: GET /v1/status (JSON) and GET /metrics (Prometheus text) over the
// altcp TLS layer, on the policy's mgmt port. Bounded: one connection per TLS session
// slot, one request per connection, a deadline for the request head and one for the
// whole connection; responses are streamed from a snapshot frozen at request time, so no
// response buffer is kept and every chunk belongs to one consistent document.

#include <array>
#include <cstddef>
#include <cstdint>

#include "lwip/altcp.h"
#include "mbedtls/ssl.h"
#include "portcullis/mgmt/altcp_tls.hpp"
#include "portcullis/mgmt/http_request.hpp"
#include "portcullis/mgmt/http_response.hpp"
#include "portcullis/policy/allowed_port.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::mgmt {

// A client must have sent its whole request head within kRequestTimeoutMs of connecting
// (handshake included), and a connection lives at most kConnectionTimeoutMs (settings.hpp).

using SnapshotFn = report::SnapshotFn;  // report/status.hpp

struct ServerStats {
  std::uint32_t requests = 0;
  std::uint32_t responses_ok = 0;
  std::uint32_t responses_error = 0;  // 4xx/5xx answered
  std::uint32_t timeouts = 0;         // connections closed by a deadline
};

class StatusServer {
 public:
  StatusServer() = default;
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Listens on `port` (IPv4 and IPv6) with TLS configured by `conf` (which must require
  // and verify client certificates), sessions from `tls`. `tls`, `conf`, `snapshot_ctx` and
  // this object outlive it.
  Status start(TlsPool& tls, const mbedtls_ssl_config* conf, policy::AllowedTcpPort port,
               SnapshotFn snapshot, void* snapshot_ctx);

  const ServerStats& stats() const { return stats_; }

 private:
  struct Connection {
    StatusServer* server = nullptr;
    altcp_pcb* pcb = nullptr;
    std::uint32_t opened_ms = 0;
    HttpRequestParser request;
    bool responding = false;
    bool closing = false;  // the response is out; its close waits for TLS's last record
    Resource resource = Resource::kNone;
    HttpStatus status = HttpStatus::kOk;
    std::array<char, 256> head{};  // status line and fields, or a whole error response
    std::size_t head_size = 0;
    std::size_t body_size = 0;
    std::size_t sent = 0;  // bytes of head + body handed to TLS
    report::StatusSnapshot snapshot;
    report::Counters counters;
  };

  static err_t on_accept(void* arg, altcp_pcb* pcb, err_t err);
  static err_t on_recv(void* arg, altcp_pcb* pcb, pbuf* p, err_t err);
  static err_t on_sent(void* arg, altcp_pcb* pcb, u16_t len);
  static err_t on_poll(void* arg, altcp_pcb* pcb);
  static void on_err(void* arg, err_t err);

  void respond(Connection& c);
  err_t send_more(Connection& c);
  err_t finish(Connection& c);  // closes the connection and frees its slot
  void release(Connection& c);

  altcp_pcb* listener_ = nullptr;
  SnapshotFn snapshot_ = nullptr;
  void* snapshot_ctx_ = nullptr;
  std::array<Connection, kTlsServerSessions> connections_{};
  ServerStats stats_{};
  // Bytes rendered per write: the document is re-rendered from its snapshot for each chunk,
  // so only this much is ever held (one for all connections: TLS copies what it is given).
  static constexpr std::size_t kChunk = 512;
  std::array<char, kChunk> chunk_;
};

}  // namespace portcullis::mgmt
