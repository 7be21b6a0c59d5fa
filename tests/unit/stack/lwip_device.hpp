#pragma once
// A device for stack tests: real lwIP on a FakeEthernetMac, with the lab addresses and a
// peer (192.0.2.1) whose MAC lwIP already knows, so replies go out without ARP.

#include <cstdint>
#include <vector>

#include "lwip/tcp.h"

#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"
#include "frames.hpp"
#include "portcullis/stack/ethernet_netif.hpp"

namespace portcullis::test {

FakeClock& lwip_test_clock();

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
  // Hands one frame to the device and runs its loop once; returns what it sent.
  std::vector<Bytes> exchange(const Bytes& frame);

  FakeEthernetMac mac;
  stack::EthernetNetif netif;
};

}  // namespace portcullis::test
