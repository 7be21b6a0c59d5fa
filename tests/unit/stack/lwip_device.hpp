// SPDX-License-Identifier: Apache-2.0
#pragma once
// A device for stack tests: real lwIP on a FakeEthernetMac, with the lab addresses and a
// peer (192.0.2.1) whose MAC lwIP already knows, so replies go out without ARP. The same
// tests run with NO_SYS=1 (lwIP runs in the test's thread) and NO_SYS=0 (lwIP's tcpip thread
// runs input, timers and callbacks; the test enters lwIP's context with in_lwip()).

#include <cstdint>
#include <utility>
#include <vector>

#include "lwip/tcp.h"

#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"
#include "frames.hpp"
#include "portcullis/stack/ethernet_netif.hpp"
#include "portcullis/stack/lwip_context.hpp"

namespace portcullis::test {

FakeClock& lwip_test_clock();

// Runs `f` in lwIP's context: a direct call with NO_SYS=1, under lwIP's core lock with
// NO_SYS=0. Every raw-API call and every read of lwIP's or the filter's state goes through it
// (lwIP asserts the lock is held on the host's RTOS build). No CHECK inside: a failing CHECK
// leaves the scope without unlocking.
template <typename F>
decltype(auto) in_lwip(F&& f) {
  return stack::in_lwip_context(std::forward<F>(f));
}

// NO_SYS=0: returns once the tcpip thread has handled everything queued to it so far and
// has run the timers due at the test clock's time. Nothing with NO_SYS=1.
void settle_lwip();

// Lets `ms` of the test clock pass in lwIP's timer steps of 250 ms (a due timer runs once
// however late it is): TCP's slow timer ages half-open connections every 500 ms, the ND timer
// ends duplicate address detection after a second.
void let_time_pass(std::uint32_t ms);

// A TCP listener on `port` (IPv4 and IPv6) that accepts every connection; checks that lwIP
// made it. Closed by ~LwipDevice.
tcp_pcb* listen_on(std::uint16_t port);

class LwipDevice {
 public:
  LwipDevice();   // lwip_init() once per process, then a fresh netif
  ~LwipDevice();  // aborts every PCB the test left and removes the netif
  LwipDevice(const LwipDevice&) = delete;
  LwipDevice& operator=(const LwipDevice&) = delete;

  // Starts the netif; when `learn_peer`, the peer ARPs for the device first.
  void start(bool learn_peer = true);
  // The same with other network settings (DHCP, for one). What the device sent while
  // starting is cleared too.
  void start_with(const NetworkSettings& settings, bool learn_peer = true);
  // Hands one frame to the device and runs its loop once; returns what it sent (what lwIP's
  // timers sent at the test clock's time before it is not included).
  std::vector<Bytes> exchange(const Bytes& frame);

  FakeEthernetMac mac;
  stack::EthernetNetif netif;
};

}  // namespace portcullis::test
