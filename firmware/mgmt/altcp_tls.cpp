// SPDX-License-Identifier: Apache-2.0
// altcp TLS layer over Mbed TLS 3.6. One outer altcp_pcb per TLS endpoint, wrapping an
// inner TCP altcp_pcb. Two function tables: an endpoint that is not (yet) a connection
// (fresh, bound or listening) keeps only its mbedtls_ssl_config; a connection owns a
// Session from a fixed pool.
//
// Flow control: ciphertext is acknowledged to TCP as Mbed TLS consumes it; plaintext goes
// to the application as soon as a record decrypts. A write is one record that must fit
// the inner send buffer (sndbuf() says how much), so Mbed TLS never holds half a write.
#include "portcullis/mgmt/altcp_tls.hpp"

#include <algorithm>
#include <array>

#include "lwip/altcp_tcp.h"
#include "lwip/pbuf.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "mbedtls/error.h"

// What this layer needs of the firmware's lwIP build, beside the filter's
// (portcullis/stack/lwip_requirements.h).
#if !LWIP_ALTCP || !LWIP_ALTCP_TLS
#error \
    "Portcullis's status endpoint and push need LWIP_ALTCP 1 and LWIP_ALTCP_TLS 1: its TLS layer is an altcp layer"
#endif

// lwIP's table for TCP altcp_pcbs (altcp_tcp.c; not in its headers): tells ep_close() that
// an inner connection's state is a tcp_pcb.
extern "C" const altcp_functions altcp_tcp_functions;

namespace portcullis::mgmt {
namespace {

// TLS 1.2 AES-GCM record overhead: 5 header + 8 explicit nonce + 16 tag.
constexpr u16_t kRecordOverhead = 29;
// Plaintext handed to the application per pbuf.
constexpr u16_t kReadChunk = 512;
// lwIP poll interval of the inner connection, in its 500 ms units: the deadline's grain.
constexpr u8_t kInnerPollInterval = 2;

using Session = internal::TlsSession;
using Endpoint = internal::TlsEndpoint;

extern const altcp_functions kEndpointFns;
extern const altcp_functions kSessionFns;

Session* session_of(altcp_pcb* conn) {
  return conn != nullptr && conn->fns == &kSessionFns ? static_cast<Session*>(conn->state)
                                                      : nullptr;
}
Endpoint* endpoint_of(altcp_pcb* conn) {
  return conn != nullptr && conn->fns == &kEndpointFns ? static_cast<Endpoint*>(conn->state)
                                                       : nullptr;
}

}  // namespace

// The pool's members, for the layer's functions below.
struct internal::TlsPoolAccess {
  static auto& sessions(TlsPool& p) { return p.sessions_; }
  static auto& endpoints(TlsPool& p) { return p.endpoints_; }
  static TlsStats& stats(TlsPool& p) { return p.stats_; }
};

namespace {

using Access = internal::TlsPoolAccess;

TlsStats& stats_of(Session* s) {
  return Access::stats(*s->pool);
}

std::size_t server_sessions_in_use(TlsPool& pool) {
  const auto& sessions = Access::sessions(pool);
  return static_cast<std::size_t>(std::count_if(
      sessions.begin(), sessions.end(), [](const Session& s) { return s.used && !s.client; }));
}

Session* acquire_session(TlsPool& pool) {
  for (Session& s : Access::sessions(pool)) {
    if (!s.used) {
      s.used = true;
      s.handshake_done = false;
      s.record_pending = false;
      s.client = false;
      s.started_ms = sys_now();
      s.unacked_plain = 0;
      s.rx = nullptr;
      s.conn = nullptr;
      mbedtls_ssl_init(&s.ssl);
      return &s;
    }
  }
  return nullptr;
}

void release_session(Session* s) {
  if (s == nullptr || !s->used) {
    return;
  }
  mbedtls_ssl_free(&s->ssl);
  if (s->rx != nullptr) {
    pbuf_free(s->rx);
    s->rx = nullptr;
  }
  s->conn = nullptr;
  s->used = false;
}

void detach_inner(altcp_pcb* inner) {
  if (inner == nullptr) {
    return;
  }
  altcp_arg(inner, nullptr);
  altcp_recv(inner, nullptr);
  altcp_sent(inner, nullptr);
  altcp_err(inner, nullptr);
  // Only attach_inner sets a poll, and never on a listener: tcp_poll() on a LISTEN pcb is an
  // lwIP assertion (and without asserts a write past the smaller tcp_pcb_listen).
  if (inner->poll != nullptr) {
    altcp_poll(inner, nullptr, 0);
  }
  altcp_accept(inner, nullptr);
}

// ---- Mbed TLS I/O over the inner connection --------------------------------------------

int bio_send(void* ctx, const unsigned char* buf, size_t len) {
  auto* s = static_cast<Session*>(ctx);
  altcp_pcb* inner = s->conn->inner_conn;
  const u16_t room = altcp_sndbuf(inner);
  if (room == 0) {
    return MBEDTLS_ERR_SSL_WANT_WRITE;
  }
  const auto n = static_cast<u16_t>(std::min<size_t>({len, room, 0xFFFF}));
  const err_t err = altcp_write(inner, buf, n, TCP_WRITE_FLAG_COPY);
  if (err == ERR_MEM) {
    return MBEDTLS_ERR_SSL_WANT_WRITE;
  }
  return err == ERR_OK ? static_cast<int>(n) : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

int bio_recv(void* ctx, unsigned char* buf, size_t len) {
  auto* s = static_cast<Session*>(ctx);
  if (s->rx == nullptr) {
    return MBEDTLS_ERR_SSL_WANT_READ;
  }
  const auto want = static_cast<u16_t>(std::min<size_t>(len, s->rx->tot_len));
  const u16_t got = pbuf_copy_partial(s->rx, buf, want, 0);
  s->rx = pbuf_free_header(s->rx, got);
  altcp_recved(s->conn->inner_conn, got);
  return got;
}

// ---- tearing down ------------------------------------------------------------------------

// Ends a connection from our side (handshake failure, deadline, protocol error): the TCP
// connection is aborted, the session freed, the application told through its err callback
// (as lwIP does for an abort) and the outer pcb freed. Returns ERR_ABRT for callers.
err_t fail(altcp_pcb* conn) {
  altcp_pcb* inner = conn->inner_conn;
  conn->inner_conn = nullptr;
  detach_inner(inner);
  if (inner != nullptr) {
    altcp_abort(inner);
  }
  altcp_err_fn err = conn->err;
  void* arg = conn->arg;
  altcp_free(conn);  // dealloc releases the session
  if (err != nullptr) {
    err(arg, ERR_ABRT);
  }
  return ERR_ABRT;
}

// A failed handshake: tell the peer with a fatal alert (Mbed TLS 3.6 sends none for a
// missing client certificate, so a client would only see the connection drop), then close
// TCP gracefully so the alert is delivered before the FIN; the application hears ERR_CLSD.
err_t refuse(altcp_pcb* conn, Session* s) {
  (void)mbedtls_ssl_send_alert_message(&s->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                       MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
  altcp_pcb* inner = conn->inner_conn;
  conn->inner_conn = nullptr;
  detach_inner(inner);
  // The rest of the client's flight, unread: lwIP closes a connection with unread data by a
  // RST that purges the queued alert (which, inside its input processing, is not sent yet).
  if (s->rx != nullptr) {
    if (inner != nullptr) {
      altcp_recved(inner, s->rx->tot_len);
    }
    pbuf_free(s->rx);
    s->rx = nullptr;
  }
  bool aborted = false;
  if (inner != nullptr) {
    altcp_output(inner);
    if (altcp_close(inner) != ERR_OK) {
      altcp_abort(inner);
      aborted = true;
    }
  }
  altcp_err_fn err = conn->err;
  void* arg = conn->arg;
  altcp_free(conn);
  if (err != nullptr) {
    err(arg, ERR_CLSD);
  }
  return aborted ? static_cast<err_t>(ERR_ABRT) : static_cast<err_t>(ERR_OK);
}

// ---- moving data -----------------------------------------------------------------------

// Is `conn` still the connection of `s`? An application may close or abort it from any
// callback; the session stays in its pool (which outlives its connections), so asking it is
// always safe.
bool alive(const Session* s, const altcp_pcb* conn) {
  return s->used && s->conn == conn;
}

// Ciphertext not yet read, or plaintext Mbed TLS still holds of a record longer than one
// read chunk (which no further ciphertext may come to push out).
bool has_input(const Session* s) {
  return s->rx != nullptr || (s->handshake_done && mbedtls_ssl_get_bytes_avail(&s->ssl) != 0);
}

// Runs the handshake and then delivers what decrypts. ERR_ABRT when `conn` was aborted.
err_t drive(altcp_pcb* conn) {
  Session* s = session_of(conn);
  if (s == nullptr) {
    return ERR_VAL;
  }
  if (!s->handshake_done) {
    const int ret = mbedtls_ssl_handshake(&s->ssl);
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      altcp_output(conn->inner_conn);
      return ERR_OK;
    }
    if (ret != 0) {
      ++stats_of(s).handshakes_failed;
      return refuse(conn, s);
    }
    s->handshake_done = true;
    ++stats_of(s).handshakes_ok;
    altcp_output(conn->inner_conn);
    if (s->client && conn->connected != nullptr &&
        conn->connected(conn->arg, conn, ERR_OK) == ERR_ABRT) {
      return ERR_ABRT;
    }
  }
  while (alive(s, conn) && has_input(s)) {
    pbuf* q = pbuf_alloc(PBUF_RAW, kReadChunk, PBUF_RAM);
    if (q == nullptr) {
      break;  // lwIP's heap is short: the poll callback drives again
    }
    const int ret = mbedtls_ssl_read(&s->ssl, static_cast<unsigned char*>(q->payload), kReadChunk);
    if (ret > 0) {
      pbuf_realloc(q, static_cast<u16_t>(ret));
      if (conn->recv == nullptr) {
        pbuf_free(q);
        continue;
      }
      const err_t e = conn->recv(conn->arg, conn, q, ERR_OK);
      if (e == ERR_ABRT) {
        return ERR_ABRT;
      }
      if (e != ERR_OK) {
        pbuf_free(q);  // an application that refuses data gets none: it is a one-shot server
      }
      continue;
    }
    pbuf_free(q);
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      break;
    }
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
      if (conn->recv != nullptr) {
        return conn->recv(conn->arg, conn, nullptr, ERR_OK);
      }
      break;
    }
    return fail(conn);
  }
  if (alive(s, conn)) {
    altcp_output(conn->inner_conn);
  }
  return ERR_OK;
}

// ---- callbacks of the inner TCP connection (arg: the outer pcb) -------------------------

err_t on_inner_recv(void* arg, altcp_pcb*, pbuf* p, err_t err) {
  auto* conn = static_cast<altcp_pcb*>(arg);
  Session* s = session_of(conn);
  if (s == nullptr) {
    if (p != nullptr) {
      pbuf_free(p);
    }
    return ERR_OK;
  }
  if (p == nullptr || err != ERR_OK) {
    if (p != nullptr) {
      pbuf_free(p);
    }
    // The peer closed TCP. After the handshake the application sees end of stream; before
    // it, there is nothing to tell it but that the connection is gone.
    if (s->handshake_done && conn->recv != nullptr) {
      return conn->recv(conn->arg, conn, nullptr, ERR_OK);
    }
    ++stats_of(s).handshakes_failed;
    return fail(conn);
  }
  if (s->rx == nullptr) {
    s->rx = p;
  } else {
    pbuf_cat(s->rx, p);
  }
  return drive(conn);
}

err_t on_inner_sent(void* arg, altcp_pcb*, u16_t len) {
  auto* conn = static_cast<altcp_pcb*>(arg);
  Session* s = session_of(conn);
  if (s == nullptr) {
    return ERR_OK;
  }
  if (!s->handshake_done) {
    return drive(conn);
  }
  // Writing nothing retries the pending record only (Mbed TLS 3 keeps its flush private).
  if (s->record_pending && mbedtls_ssl_write(&s->ssl, nullptr, 0) == 0) {
    s->record_pending = false;
    altcp_output(conn->inner_conn);
  }
  // Ciphertext acknowledged stands for at most as much plaintext: an estimate that errs
  // towards reporting late, never early.
  const auto plain = static_cast<u16_t>(std::min<std::uint32_t>(len, s->unacked_plain));
  s->unacked_plain -= plain;
  if (plain != 0 && conn->sent != nullptr) {
    return conn->sent(conn->arg, conn, plain);
  }
  return ERR_OK;
}

err_t on_inner_poll(void* arg, altcp_pcb*) {
  auto* conn = static_cast<altcp_pcb*>(arg);
  Session* s = session_of(conn);
  if (s == nullptr) {
    return ERR_OK;
  }
  if (!s->handshake_done && sys_now() - s->started_ms >= kTlsHandshakeTimeoutMs) {
    ++stats_of(s).handshakes_timed_out;
    return fail(conn);
  }
  if (has_input(s)) {
    const err_t err = drive(conn);
    if (err == ERR_ABRT || !alive(s, conn)) {
      return err;
    }
  }
  // A record TCP had no room for (lwIP's heap or queue full) with nothing in flight to be
  // acknowledged: the poll retries it.
  if (s->handshake_done && s->record_pending && mbedtls_ssl_write(&s->ssl, nullptr, 0) == 0) {
    s->record_pending = false;
    altcp_output(conn->inner_conn);
  }
  if (s->handshake_done && conn->poll != nullptr) {
    return conn->poll(conn->arg, conn);
  }
  return ERR_OK;
}

void on_inner_err(void* arg, err_t err) {
  auto* conn = static_cast<altcp_pcb*>(arg);
  if (conn == nullptr) {
    return;
  }
  conn->inner_conn = nullptr;  // lwIP has freed it
  altcp_err_fn app_err = conn->err;
  void* app_arg = conn->arg;
  altcp_free(conn);
  if (app_err != nullptr) {
    app_err(app_arg, err);
  }
}

void attach_inner(altcp_pcb* conn, altcp_pcb* inner) {
  conn->inner_conn = inner;
  altcp_arg(inner, conn);
  altcp_recv(inner, on_inner_recv);
  altcp_sent(inner, on_inner_sent);
  altcp_err(inner, on_inner_err);
  altcp_poll(inner, on_inner_poll, kInnerPollInterval);
}

// A session for `conn` with `conf`; false (nothing allocated) when the pool is empty or
// Mbed TLS cannot set it up.
bool start_session(altcp_pcb* conn, const Endpoint& ep, bool client) {
  TlsPool& pool = *ep.pool;
  TlsStats& stats = Access::stats(pool);
  // Servers leave kTlsClientSessions to the device's own connections.
  if (!client && server_sessions_in_use(pool) >= kTlsServerSessions) {
    ++stats.sessions_refused;
    return false;
  }
  Session* s = acquire_session(pool);
  if (s == nullptr) {
    ++stats.sessions_refused;
    return false;
  }
  if (mbedtls_ssl_setup(&s->ssl, ep.conf) != 0 ||
      (client && mbedtls_ssl_set_hostname(&s->ssl, ep.hostname) != 0)) {
    release_session(s);
    ++stats.sessions_refused;
    return false;
  }
  s->client = client;
  s->conn = conn;
  mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, nullptr);
  conn->fns = &kSessionFns;
  conn->state = s;
  return true;
}

err_t on_inner_accept(void* arg, altcp_pcb* new_inner, err_t err) {
  auto* listener = static_cast<altcp_pcb*>(arg);
  Endpoint* ep = endpoint_of(listener);
  if (ep == nullptr || new_inner == nullptr || err != ERR_OK) {
    return ERR_VAL;
  }
  altcp_pcb* conn = altcp_alloc();
  if (conn == nullptr) {
    ++Access::stats(*ep->pool).sessions_refused;
    altcp_abort(new_inner);
    return ERR_ABRT;
  }
  if (!start_session(conn, *ep, false)) {
    altcp_free(conn);
    altcp_abort(new_inner);
    return ERR_ABRT;
  }
  attach_inner(conn, new_inner);
  if (listener->accept == nullptr) {
    return fail(conn);
  }
  // The application sets its callbacks now; data reaches it once the handshake is done.
  return listener->accept(listener->arg, conn, ERR_OK);
}

err_t on_inner_connected(void* arg, altcp_pcb*, err_t err) {
  auto* conn = static_cast<altcp_pcb*>(arg);
  if (err != ERR_OK) {
    return ERR_OK;  // lwIP reports failures through err
  }
  return drive(conn);  // sends the ClientHello
}

// ---- the endpoint function table (fresh, bound or listening) ----------------------------

void ep_set_poll(altcp_pcb*, u8_t) {}
void ep_recved(altcp_pcb*, u16_t) {}

err_t ep_bind(altcp_pcb* conn, const ip_addr_t* ip, u16_t port) {
  return altcp_bind(conn->inner_conn, ip, port);
}

err_t ep_connect(altcp_pcb* conn, const ip_addr_t* ip, u16_t port, altcp_connected_fn connected) {
  Endpoint* ep = endpoint_of(conn);
  if (ep == nullptr) {
    return ERR_VAL;
  }
  if (ep->hostname == nullptr) {
    return ERR_VAL;  // a client that names no server would accept any certificate's name
  }
  if (!start_session(conn, *ep, true)) {
    return ERR_MEM;
  }
  ep->used = false;
  conn->connected = connected;
  attach_inner(conn, conn->inner_conn);
  return altcp_connect(conn->inner_conn, ip, port, on_inner_connected);
}

altcp_pcb* ep_listen(altcp_pcb* conn, u8_t backlog, err_t* err) {
  altcp_pcb* listening = altcp_listen_with_backlog_and_err(conn->inner_conn, backlog, err);
  if (listening == nullptr) {
    return nullptr;
  }
  conn->inner_conn = listening;
  altcp_arg(listening, conn);
  altcp_accept(listening, on_inner_accept);
  return conn;
}

void ep_abort(altcp_pcb* conn) {
  altcp_pcb* inner = conn->inner_conn;
  conn->inner_conn = nullptr;
  detach_inner(inner);
  if (inner != nullptr) {
    altcp_abort(inner);
  }
  altcp_free(conn);
}

// lwIP 2.2.1's altcp_tcp_close() reads tcp_pcb::poll before it closes, and a listen PCB is
// the smaller tcp_pcb_listen, which ends before that member: closing a TCP listener through it
// reads past the PCB (past the pool for the last one; AddressSanitizer's report once lwIP's
// statistics moved what lies after the pool). A TCP listener is closed here the way that
// function would, without the read; tcp_close() frees a listen PCB at once and cannot fail.
bool close_tcp_listener(altcp_pcb* inner) {
  if (inner->fns != &altcp_tcp_functions) {
    return false;
  }
  auto* pcb = static_cast<tcp_pcb*>(inner->state);
  if (pcb == nullptr || pcb->state != LISTEN) {
    return false;
  }
  tcp_arg(pcb, nullptr);
  if (tcp_close(pcb) != ERR_OK) {
    return false;  // not in lwIP 2.2.1; lwIP's own close then retries it
  }
  inner->state = nullptr;
  altcp_free(inner);
  return true;
}

err_t ep_close(altcp_pcb* conn) {
  altcp_pcb* inner = conn->inner_conn;
  if (inner != nullptr) {
    detach_inner(inner);
    const err_t err = close_tcp_listener(inner) ? static_cast<err_t>(ERR_OK) : altcp_close(inner);
    if (err != ERR_OK) {
      attach_inner(conn, inner);
      return err;
    }
    conn->inner_conn = nullptr;
  }
  altcp_free(conn);
  return ERR_OK;
}

err_t ep_shutdown(altcp_pcb* conn, int shut_rx, int shut_tx) {
  return shut_rx != 0 && shut_tx != 0 ? ep_close(conn) : static_cast<err_t>(ERR_VAL);
}
err_t ep_write(altcp_pcb*, const void*, u16_t, u8_t) {
  return ERR_CONN;
}
err_t ep_output(altcp_pcb*) {
  return ERR_CONN;
}
u16_t ep_zero(altcp_pcb*) {
  return 0;
}
void ep_forward_nagle_disable(altcp_pcb* conn) {
  altcp_nagle_disable(conn->inner_conn);
}
void ep_forward_nagle_enable(altcp_pcb* conn) {
  altcp_nagle_enable(conn->inner_conn);
}
int ep_forward_nagle_disabled(altcp_pcb* conn) {
  return altcp_nagle_disabled(conn->inner_conn);
}
void ep_forward_setprio(altcp_pcb* conn, u8_t prio) {
  altcp_setprio(conn->inner_conn, prio);
}

void ep_dealloc(altcp_pcb* conn) {
  if (Endpoint* ep = endpoint_of(conn)) {
    ep->used = false;
  } else if (Session* s = session_of(conn)) {
    release_session(s);
  }
  conn->state = nullptr;
}

err_t forward_addrinfo(altcp_pcb* conn, int local, ip_addr_t* addr, u16_t* port) {
  return conn->inner_conn != nullptr ? altcp_get_tcp_addrinfo(conn->inner_conn, local, addr, port)
                                     : static_cast<err_t>(ERR_CONN);
}
ip_addr_t* forward_getip(altcp_pcb* conn, int local) {
  return conn->inner_conn != nullptr ? altcp_get_ip(conn->inner_conn, local) : nullptr;
}
u16_t forward_getport(altcp_pcb* conn, int local) {
  return conn->inner_conn != nullptr ? altcp_get_port(conn->inner_conn, local) : 0;
}
#if LWIP_TCP_KEEPALIVE  // altcp's keepalive calls exist only then (a firmware's lwipopts.h may not)
void forward_keepalive_disable(altcp_pcb* conn) {
  altcp_keepalive_disable(conn->inner_conn);
}
void forward_keepalive_enable(altcp_pcb* conn, u32_t idle, u32_t intvl, u32_t count) {
  altcp_keepalive_enable(conn->inner_conn, idle, intvl, count);
}
#endif

// ---- the session function table ---------------------------------------------------------

void s_recved(altcp_pcb*, u16_t) {}  // ciphertext is acknowledged as Mbed TLS consumes it

err_t s_connect(altcp_pcb*, const ip_addr_t*, u16_t, altcp_connected_fn) {
  return ERR_ISCONN;
}
altcp_pcb* s_listen(altcp_pcb*, u8_t, err_t* err) {
  if (err != nullptr) {
    *err = ERR_ISCONN;
  }
  return nullptr;
}

void s_abort(altcp_pcb* conn) {
  // The application asked: it learns through its err callback, as lwIP's own abort does.
  (void)fail(conn);
}

err_t s_close(altcp_pcb* conn) {
  Session* s = session_of(conn);
  if (s != nullptr && s->handshake_done) {
    // A record still waiting for room in TCP would be lost with the session: like tcp_close
    // without memory for its FIN, refuse (ERR_MEM) and let the application close again
    // from its sent or poll callback, once TCP has taken the record.
    if (s->record_pending) {
      if (mbedtls_ssl_write(&s->ssl, nullptr, 0) != 0) {
        return ERR_MEM;
      }
      s->record_pending = false;
    }
    (void)mbedtls_ssl_close_notify(&s->ssl);  // best effort: TCP's FIN follows regardless
    altcp_output(conn->inner_conn);
  }
  return ep_close(conn);
}

// Room for one record's plaintext in TCP's send buffer.
u16_t s_sndbuf(altcp_pcb* conn) {
  Session* s = session_of(conn);
  if (s == nullptr || !s->handshake_done || s->record_pending) {
    return 0;
  }
  const u16_t room = altcp_sndbuf(conn->inner_conn);
  if (room <= kRecordOverhead) {
    return 0;
  }
  const int max_payload = mbedtls_ssl_get_max_out_record_payload(&s->ssl);
  return static_cast<u16_t>(std::min<int>(room - kRecordOverhead, std::max(max_payload, 0)));
}

err_t s_write(altcp_pcb* conn, const void* data, u16_t len, u8_t) {
  Session* s = session_of(conn);
  if (s == nullptr || !s->handshake_done) {
    return ERR_CONN;
  }
  if (len == 0) {
    return ERR_OK;
  }
  if (len > s_sndbuf(conn)) {
    return ERR_MEM;  // the caller waits for its sent callback and writes again
  }
  const int ret = mbedtls_ssl_write(&s->ssl, static_cast<const unsigned char*>(data), len);
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
    // The record is complete in Mbed TLS's buffer; it goes out when TCP has room.
    s->record_pending = true;
  } else if (ret != len) {
    return fail(conn);
  }
  s->unacked_plain += len;
  return ERR_OK;
}

err_t s_output(altcp_pcb* conn) {
  return conn->inner_conn != nullptr ? altcp_output(conn->inner_conn)
                                     : static_cast<err_t>(ERR_CONN);
}

u16_t s_mss(altcp_pcb* conn) {
  const u16_t mss = conn->inner_conn != nullptr ? altcp_mss(conn->inner_conn) : 0;
  return mss > kRecordOverhead ? static_cast<u16_t>(mss - kRecordOverhead) : 0;
}

u16_t s_sndqueuelen(altcp_pcb* conn) {
  return conn->inner_conn != nullptr ? altcp_sndqueuelen(conn->inner_conn) : 0;
}

const altcp_functions kEndpointFns = {
    ep_set_poll,
    ep_recved,
    ep_bind,
    ep_connect,
    ep_listen,
    ep_abort,
    ep_close,
    ep_shutdown,
    ep_write,
    ep_output,
    ep_zero,
    ep_zero,
    ep_zero,
    ep_forward_nagle_disable,
    ep_forward_nagle_enable,
    ep_forward_nagle_disabled,
    ep_forward_setprio,
    ep_dealloc,
    forward_addrinfo,
    forward_getip,
    forward_getport,
#if LWIP_TCP_KEEPALIVE
    forward_keepalive_disable,
    forward_keepalive_enable,
#endif
#ifdef LWIP_DEBUG
    nullptr,
#endif
};

const altcp_functions kSessionFns = {
    ep_set_poll,
    s_recved,
    ep_bind,
    s_connect,
    s_listen,
    s_abort,
    s_close,
    ep_shutdown,
    s_write,
    s_output,
    s_mss,
    s_sndbuf,
    s_sndqueuelen,
    ep_forward_nagle_disable,
    ep_forward_nagle_enable,
    ep_forward_nagle_disabled,
    ep_forward_setprio,
    ep_dealloc,
    forward_addrinfo,
    forward_getip,
    forward_getport,
#if LWIP_TCP_KEEPALIVE
    forward_keepalive_disable,
    forward_keepalive_enable,
#endif
#ifdef LWIP_DEBUG
    nullptr,
#endif
};

}  // namespace

namespace {

altcp_pcb* wrap(TlsPool* pool, const mbedtls_ssl_config* conf, const char* hostname,
                altcp_pcb* inner) {
  if (pool == nullptr || conf == nullptr || inner == nullptr) {
    return nullptr;
  }
  Endpoint* ep = nullptr;
  for (Endpoint& e : Access::endpoints(*pool)) {
    if (!e.used) {
      ep = &e;
      break;
    }
  }
  if (ep == nullptr) {
    return nullptr;
  }
  altcp_pcb* conn = altcp_alloc();
  if (conn == nullptr) {
    return nullptr;
  }
  ep->used = true;
  ep->conf = conf;
  ep->hostname = hostname;
  conn->fns = &kEndpointFns;
  conn->state = ep;
  conn->inner_conn = inner;
  return conn;
}

altcp_pcb* wrap_new(TlsPool* pool, const mbedtls_ssl_config* conf, const char* hostname,
                    std::uint8_t ip_type) {
  if (pool == nullptr || conf == nullptr) {
    return nullptr;
  }
  altcp_pcb* inner = altcp_tcp_new_ip_type(ip_type);
  if (inner == nullptr) {
    return nullptr;
  }
  altcp_pcb* conn = wrap(pool, conf, hostname, inner);
  if (conn == nullptr) {
    altcp_close(inner);
  }
  return conn;
}

}  // namespace

TlsPool::TlsPool() {
  for (Session& s : sessions_) {
    s.pool = this;
  }
  for (Endpoint& e : endpoints_) {
    e.pool = this;
  }
}

altcp_pcb* TlsPool::new_server(const mbedtls_ssl_config* conf, std::uint8_t ip_type) {
  return wrap_new(this, conf, nullptr, ip_type);
}

std::size_t TlsPool::sessions_in_use() const {
  return static_cast<std::size_t>(
      std::count_if(sessions_.begin(), sessions_.end(), [](const Session& s) { return s.used; }));
}

altcp_pcb* tls_new_client(const altcp_tls_config* config, std::uint8_t ip_type) {
  if (config == nullptr || config->hostname == nullptr) {
    return nullptr;
  }
  return wrap_new(config->pool, config->conf, config->hostname, ip_type);
}

}  // namespace portcullis::mgmt

// lwIP's hook (lwip/altcp_tls.h): altcp_tls_new() and altcp_tls_alloc() in altcp_alloc.c
// create the TCP connection and hand it here. nullptr leaves `inner` to the caller.
extern "C" altcp_pcb* altcp_tls_wrap(altcp_tls_config* config, altcp_pcb* inner_pcb) {
  if (config == nullptr) {
    return nullptr;
  }
  return portcullis::mgmt::wrap(config->pool, config->conf, config->hostname, inner_pcb);
}
