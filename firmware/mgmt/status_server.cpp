// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/status_server.hpp"

#include <algorithm>

#include "lwip/sys.h"
#include "portcullis/report/json.hpp"
#include "portcullis/report/metrics.hpp"

namespace portcullis::mgmt {
namespace {

constexpr u8_t kPollInterval = 2;  // lwIP units of 500 ms: the deadlines' grain

}  // namespace

Status StatusServer::start(TlsPool& tls, const mbedtls_ssl_config* conf,
                           policy::AllowedTcpPort port, SnapshotFn snapshot, void* snapshot_ctx) {
  if (conf == nullptr || snapshot == nullptr || listener_ != nullptr) {
    return Status::kInvalidArgument;
  }
  snapshot_ = snapshot;
  snapshot_ctx_ = snapshot_ctx;
  altcp_pcb* pcb = tls.new_server(conf, IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    return Status::kResourceExhausted;
  }
  if (altcp_bind(pcb, IP_ANY_TYPE, port.value()) != ERR_OK) {
    altcp_abort(pcb);
    return Status::kUnavailable;
  }
  err_t err = ERR_OK;
  altcp_pcb* listening = altcp_listen_with_backlog_and_err(pcb, 1, &err);
  if (listening == nullptr) {
    altcp_abort(pcb);
    return Status::kResourceExhausted;
  }
  listener_ = listening;
  altcp_arg(listener_, this);
  altcp_accept(listener_, on_accept);
  return Status::kOk;
}

err_t StatusServer::on_accept(void* arg, altcp_pcb* pcb, err_t err) {
  auto* self = static_cast<StatusServer*>(arg);
  if (err != ERR_OK || pcb == nullptr) {
    return ERR_VAL;
  }
  Connection* c = nullptr;
  for (Connection& candidate : self->connections_) {
    if (candidate.pcb == nullptr) {
      c = &candidate;
      break;
    }
  }
  if (c == nullptr) {  // cannot happen while slots match TLS sessions; refuse if it does
    altcp_abort(pcb);
    return ERR_ABRT;
  }
  c->server = self;
  c->pcb = pcb;
  c->opened_ms = sys_now();
  c->request.reset();
  c->responding = false;
  c->closing = false;
  c->sent = 0;
  altcp_arg(pcb, c);
  altcp_recv(pcb, on_recv);
  altcp_sent(pcb, on_sent);
  altcp_err(pcb, on_err);
  altcp_poll(pcb, on_poll, kPollInterval);
  return ERR_OK;
}

err_t StatusServer::on_recv(void* arg, altcp_pcb* pcb, pbuf* p, err_t err) {
  auto* c = static_cast<Connection*>(arg);
  if (c == nullptr || c->pcb != pcb) {
    if (p != nullptr) {
      pbuf_free(p);
    }
    return ERR_OK;
  }
  StatusServer& self = *c->server;
  if (p == nullptr || err != ERR_OK) {  // the client is gone: nothing more to send it
    if (p != nullptr) {
      pbuf_free(p);
    }
    return self.finish(*c);
  }
  if (!c->responding && !c->closing) {
    for (pbuf* q = p; q != nullptr && c->request.state() == ParseState::kNeedMore; q = q->next) {
      (void)c->request.feed(std::span<const char>(static_cast<const char*>(q->payload), q->len));
    }
  }
  altcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  if (!c->responding && !c->closing && c->request.state() != ParseState::kNeedMore) {
    self.respond(*c);
    return self.send_more(*c);
  }
  return ERR_OK;
}

void StatusServer::respond(Connection& c) {
  ++stats_.requests;
  c.responding = true;
  c.sent = 0;
  if (c.request.state() == ParseState::kError) {
    c.status = c.request.error_status();
  } else {
    const Route r = route(c.request);
    c.status = r.status;
    c.resource = r.resource;
  }
  if (c.status != HttpStatus::kOk) {
    const StatusWithSize e = write_error_response(c.status, c.head);
    c.head_size = portcullis::ok(e.status) ? e.size : 0;
    c.body_size = 0;
    ++stats_.responses_error;
    return;
  }
  c.snapshot = report::StatusSnapshot{};
  snapshot_(snapshot_ctx_, c.snapshot, c.counters);
  c.snapshot.counters = &c.counters;
  const bool json = c.resource == Resource::kStatus;
  const StatusWithSize size =
      json ? report::status_json_size(c.snapshot) : report::metrics_size(c.snapshot);
  const StatusWithSize head = write_response_head(
      HttpStatus::kOk, json ? report::kJsonContentType : report::kMetricsContentType, size.size,
      c.head);
  if (!portcullis::ok(size.status) || !portcullis::ok(head.status)) {
    // The device's fault, not the client's (unreachable with sane capacities): never half a
    // document.
    c.status = HttpStatus::kInternalServerError;
    const StatusWithSize e = write_error_response(HttpStatus::kInternalServerError, c.head);
    c.head_size = portcullis::ok(e.status) ? e.size : 0;
    c.body_size = 0;
    ++stats_.responses_error;
    return;
  }
  c.head_size = head.size;
  c.body_size = size.size;
  ++stats_.responses_ok;
}

err_t StatusServer::send_more(Connection& c) {
  const std::size_t total = c.head_size + c.body_size;
  while (c.sent < total) {
    const std::size_t room = altcp_sndbuf(c.pcb);
    if (room == 0) {
      break;  // on_sent continues
    }
    std::size_t n = 0;
    const char* data = nullptr;
    if (c.sent < c.head_size) {
      n = std::min(room, c.head_size - c.sent);
      data = c.head.data() + c.sent;
    } else {
      const std::size_t offset = c.sent - c.head_size;
      const std::size_t want = std::min({room, kChunk, c.body_size - offset});
      const std::span<char> out(chunk_.data(), want);
      const StatusWithSize e = c.resource == Resource::kStatus
                                   ? report::write_status_json_slice(c.snapshot, offset, out)
                                   : report::write_metrics_slice(c.snapshot, offset, out);
      if (!portcullis::ok(e.status) || e.size == 0) {
        altcp_abort(c.pcb);  // the document changed size: never send a wrong one
        return ERR_ABRT;
      }
      n = e.size;
      data = chunk_.data();
    }
    const err_t err = altcp_write(c.pcb, data, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
      break;
    }
    if (err != ERR_OK) {
      return err == ERR_ABRT ? static_cast<err_t>(ERR_ABRT) : finish(c);
    }
    c.sent += n;
  }
  altcp_output(c.pcb);
  if (c.sent >= total) {
    return finish(c);  // Connection: close, one request per connection
  }
  return ERR_OK;
}

err_t StatusServer::on_sent(void* arg, altcp_pcb*, u16_t) {
  auto* c = static_cast<Connection*>(arg);
  if (c != nullptr && c->pcb != nullptr && c->closing) {
    return c->server->finish(*c);
  }
  if (c == nullptr || c->pcb == nullptr || !c->responding) {
    return ERR_OK;
  }
  return c->server->send_more(*c);
}

err_t StatusServer::on_poll(void* arg, altcp_pcb*) {
  auto* c = static_cast<Connection*>(arg);
  if (c == nullptr || c->pcb == nullptr) {
    return ERR_OK;
  }
  StatusServer& self = *c->server;
  const std::uint32_t age = sys_now() - c->opened_ms;
  if ((!c->responding && !c->closing && age >= kRequestTimeoutMs) || age >= kConnectionTimeoutMs) {
    ++self.stats_.timeouts;
    altcp_pcb* pcb = c->pcb;
    self.release(*c);
    altcp_abort(pcb);
    return ERR_ABRT;
  }
  if (c->closing) {
    return self.finish(*c);
  }
  if (c->responding) {
    return self.send_more(*c);
  }
  return ERR_OK;
}

void StatusServer::on_err(void* arg, err_t) {
  auto* c = static_cast<Connection*>(arg);
  if (c != nullptr) {
    c->pcb = nullptr;  // lwIP (or the TLS layer) has freed it: not to be touched
    c->server->release(*c);
  }
}

err_t StatusServer::finish(Connection& c) {
  altcp_pcb* pcb = c.pcb;
  release(c);
  if (pcb == nullptr) {
    return ERR_OK;
  }
  const err_t err = altcp_close(pcb);
  if (err == ERR_MEM) {
    // TLS still holds the response's last record (TCP had no room for it): close again from
    // on_sent or on_poll, within the connection's deadline.
    c.pcb = pcb;
    c.closing = true;
    altcp_arg(pcb, &c);
    altcp_recv(pcb, on_recv);
    altcp_sent(pcb, on_sent);
    altcp_err(pcb, on_err);
    altcp_poll(pcb, on_poll, kPollInterval);
    return ERR_OK;
  }
  if (err != ERR_OK) {
    altcp_abort(pcb);
    return ERR_ABRT;
  }
  return ERR_OK;
}

void StatusServer::release(Connection& c) {
  if (c.pcb != nullptr) {
    altcp_arg(c.pcb, nullptr);
    altcp_recv(c.pcb, nullptr);
    altcp_sent(c.pcb, nullptr);
    altcp_err(c.pcb, nullptr);
    altcp_poll(c.pcb, nullptr, 0);
  }
  c.pcb = nullptr;
  c.responding = false;
  c.closing = false;
}

}  // namespace portcullis::mgmt
