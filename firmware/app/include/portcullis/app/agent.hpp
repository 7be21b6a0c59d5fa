#pragma once

#include <string_view>

#include "portcullis/app/lab_services.hpp"
#include "portcullis/hal/clock.hpp"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/ethernet_mac.hpp"
#include "portcullis/hal/status.hpp"
#include "portcullis/stack/ethernet_netif.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/network_settings.hpp"

namespace portcullis::app {

// The agent loop shared by every board: brings lwIP up on the board's MAC and then is
// polled from the board's super-loop. Holds no heap; one instance per device.
class Agent {
 public:
  Agent(hal::EthernetMac& mac, const hal::Clock& clock, hal::Console& console);
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // lwip_init(), the netif with the board's addresses, a boot banner on the console, then a
  // first listener audit once the services are open.
  Status start(const stack::NetworkSettings& net, std::string_view board_name);

  // One turn of the super-loop: received frames, lwIP timers, address state changes, the
  // listener audit (each new violation is written on the console).
  void poll();

  stack::EthernetNetif& netif() { return netif_; }
  // Listeners and violations for the status report, against the build's policy.
  const stack::ListenerAudit& listener_audit() const { return audit_; }

 private:
  void report_ipv6_states();
  void report_violations();

  const hal::Clock& clock_;
  hal::Console& console_;
  stack::EthernetNetif netif_;
  std::uint8_t reported_ip6_state_[LWIP_IPV6_NUM_ADDRESSES] = {};
  LabServices lab_services_;
  stack::ListenerAudit audit_;
  std::uint64_t violations_shown_ = 0;  // log sequence number of the next one to print
};

}  // namespace portcullis::app
