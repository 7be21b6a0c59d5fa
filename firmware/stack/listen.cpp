// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/listen.hpp"

namespace portcullis::stack {

tcp_pcb* listen_tcp(policy::AllowedTcpPort port, tcp_accept_fn accept, void* arg) {
  tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    return nullptr;
  }
  if (tcp_bind(pcb, IP_ANY_TYPE, port.value()) != ERR_OK) {
    tcp_abort(pcb);
    return nullptr;
  }
  tcp_pcb* listener = tcp_listen(pcb);  // frees `pcb` on success
  if (listener == nullptr) {
    tcp_abort(pcb);
    return nullptr;
  }
  tcp_arg(listener, arg);
  tcp_accept(listener, accept);
  return listener;
}

udp_pcb* bind_udp(policy::AllowedUdpPort port, udp_recv_fn recv, void* arg) {
  udp_pcb* pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    return nullptr;
  }
  if (udp_bind(pcb, IP_ANY_TYPE, port.value()) != ERR_OK) {
    udp_remove(pcb);
    return nullptr;
  }
  udp_recv(pcb, recv, arg);
  return pcb;
}

}  // namespace portcullis::stack
