#include "lwip_device.hpp"

#include <CppUTest/TestHarness.h>

#include "lwip/init.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace portcullis::test {
tcp_pcb* listen_on(std::uint16_t port) {
  tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  CHECK(pcb != nullptr);
  LONGS_EQUAL(ERR_OK, tcp_bind(pcb, IP_ANY_TYPE, port));
  tcp_pcb* listener = tcp_listen(pcb);
  CHECK(listener != nullptr);
  tcp_accept(listener, [](void*, tcp_pcb*, err_t) -> err_t { return ERR_OK; });
  return listener;
}

FakeClock& lwip_test_clock() {
  static FakeClock clock;
  return clock;
}

LwipDevice::LwipDevice() : netif(mac, lwip_test_clock()) {
  static bool lwip_ready = false;
  if (!lwip_ready) {
    stack::set_lwip_clock(lwip_test_clock());
    lwip_init();
    lwip_ready = true;
  }
}

LwipDevice::~LwipDevice() {
  while (tcp_active_pcbs != nullptr) {
    tcp_abort(tcp_active_pcbs);
  }
  while (tcp_tw_pcbs != nullptr) {
    tcp_abort(tcp_tw_pcbs);
  }
  while (tcp_listen_pcbs.listen_pcbs != nullptr) {
    tcp_close(reinterpret_cast<tcp_pcb*>(tcp_listen_pcbs.listen_pcbs));
  }
  while (udp_pcbs != nullptr) {
    udp_remove(udp_pcbs);
  }
  netif_remove(&netif.lwip_netif());
}

void LwipDevice::start(bool learn_peer) {
  CHECK(ok(netif.start(boards::kLabNetwork)));
  if (learn_peer) {
    exchange(arp_request(kDeviceIp4));
  }
  mac.sent().clear();
}

std::vector<Bytes> LwipDevice::exchange(const Bytes& frame) {
  mac.sent().clear();
  mac.inject(frame);
  netif.poll();
  return mac.sent();
}

}  // namespace portcullis::test
