// SPDX-License-Identifier: Apache-2.0
#include "lwip_device.hpp"

#include <CppUTest/TestHarness.h>

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#if !NO_SYS
#include "lwip/tcpip.h"
#endif
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/stack/lwip_clock.hpp"
#include "portcullis/stack/lwip_port.hpp"
#include "portcullis/stack/time_sync.hpp"

namespace portcullis::test {
tcp_pcb* listen_on(std::uint16_t port) {
  tcp_pcb* listener = in_lwip([port]() -> tcp_pcb* {
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (pcb == nullptr) {
      return nullptr;
    }
    if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
      tcp_abort(pcb);
      return nullptr;
    }
    tcp_pcb* l = tcp_listen(pcb);
    if (l != nullptr) {
      tcp_accept(l, [](void*, tcp_pcb*, err_t) -> err_t { return ERR_OK; });
    }
    return l;
  });
  CHECK(listener != nullptr);
  return listener;
}

void settle_lwip() {
#if !NO_SYS
  // The tcpip thread's queue is FIFO: when this callback runs, all before it has. It also
  // runs the timers due now, which the thread would otherwise only check on its next wake.
  static sys_sem_t done;
  static const bool made = sys_sem_new(&done, 0) == ERR_OK;
  CHECK(made);
  LONGS_EQUAL(ERR_OK, tcpip_callback(
                          [](void*) {
                            sys_check_timeouts();
                            sys_sem_signal(&done);
                          },
                          nullptr));
  sys_arch_sem_wait(&done, 0);
#endif
}

void let_time_pass(std::uint32_t ms) {
  for (std::uint32_t t = 0; t < ms; t += 250) {
    lwip_test_clock().advance(250);
#if NO_SYS
    in_lwip([] { sys_check_timeouts(); });
#else
    settle_lwip();
#endif
  }
}

FakeClock& lwip_test_clock() {
  static FakeClock clock;
  return clock;
}

LwipDevice::LwipDevice() : netif(mac, lwip_test_clock()) {
  static bool lwip_ready = false;
  if (!lwip_ready) {
    stack::set_lwip_clock(lwip_test_clock());
    stack::start_lwip();
    lwip_ready = true;
  }
}

LwipDevice::~LwipDevice() {
  settle_lwip();  // nothing of this test left in the tcpip thread's queue
  const stack::LwipContext in_lwip;
  while (tcp_active_pcbs != nullptr) {
    tcp_abort(tcp_active_pcbs);
  }
  while (tcp_tw_pcbs != nullptr) {
    tcp_abort(tcp_tw_pcbs);
  }
  while (tcp_listen_pcbs.listen_pcbs != nullptr) {
    tcp_close(reinterpret_cast<tcp_pcb*>(tcp_listen_pcbs.listen_pcbs));
  }
#if LWIP_DHCP
  if (netif_dhcp_data(&netif.lwip_netif()) != nullptr) {
    dhcp_stop(&netif.lwip_netif());
    dhcp_remove_struct(&netif.lwip_netif());
  }
#endif
  // SNTP (an agent's start runs it): its timers and its PCB, so a next start is afresh.
  stack::stop_time_sync();
  // Every PCB the test left, but lwIP's DNS client's own (lwIP keeps it for its life).
  for (udp_pcb* pcb = udp_pcbs; pcb != nullptr;) {
    udp_pcb* const next = pcb->next;
    if (pcb != stack::lwip_dns_pcb()) {
      udp_remove(pcb);
    }
    pcb = next;
  }
  netif_remove(&netif.lwip_netif());
}

void LwipDevice::start(bool learn_peer) {
  start_with(boards::kLabNetwork, learn_peer);
}

void LwipDevice::start_with(const NetworkSettings& settings, bool learn_peer) {
  CHECK(ok(in_lwip([&] { return netif.start(settings); })));
  if (learn_peer) {
    exchange(arp_request(kDeviceIp4));
  }
  in_lwip([this] { mac.sent().clear(); });
}

std::vector<Bytes> LwipDevice::exchange(const Bytes& frame) {
  settle_lwip();  // what timers due now send is not this frame's answer
  in_lwip([&] {
    mac.sent().clear();
    mac.inject(frame);
    netif.poll();
  });
  settle_lwip();  // the tcpip thread has judged and answered it
  return in_lwip([this] { return mac.sent(); });
}

}  // namespace portcullis::test
