// SPDX-License-Identifier: Apache-2.0
/* The firmware's own service: TCP echo (RFC 862) on port 7, lwIP's raw API. */
#include "echo_service.h"

#include "lwip/tcp.h"

static err_t on_recv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err) {
  (void)arg;
  if (p == NULL || err != ERR_OK) {
    if (p != NULL) {
      pbuf_free(p);
    }
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK) {
      tcp_abort(pcb);
      return ERR_ABRT;
    }
    return ERR_OK;
  }
  for (struct pbuf* q = p; q != NULL; q = q->next) {
    if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK) {
      break; /* the send buffer is full: what did not fit is lost, as echo allows */
    }
  }
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return tcp_output(pcb);
}

static err_t on_accept(void* arg, struct tcp_pcb* pcb, err_t err) {
  (void)arg;
  if (err != ERR_OK || pcb == NULL) {
    return ERR_VAL;
  }
  tcp_recv(pcb, on_recv);
  return ERR_OK;
}

int echo_service_start(void) {
  struct tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == NULL) {
    return 0;
  }
  if (tcp_bind(pcb, IP_ANY_TYPE, 7) != ERR_OK) {
    tcp_abort(pcb);
    return 0;
  }
  struct tcp_pcb* listener = tcp_listen(pcb);
  if (listener == NULL) {
    return 0;
  }
  tcp_accept(listener, on_accept);
  return 1;
}
