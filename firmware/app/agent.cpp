#include "portcullis/app/agent.hpp"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/timeouts.h"
#include "portcullis/stack/lwip_port.hpp"

namespace portcullis::app {

Agent::Agent(hal::EthernetMac& mac, const hal::Clock& clock, hal::Console& console)
    : clock_(clock), console_(console), netif_(mac, clock) {}

Status Agent::start(const stack::NetworkSettings& net, std::string_view board_name) {
  stack::set_lwip_clock(clock_);
  lwip_init();
  console_.write("portcullis " PORTCULLIS_VERSION " on ");
  console_.write(board_name);
  console_.write("\n");
  const Status st = netif_.start(net);
  if (!ok(st)) {
    console_.write("portcullis: network start failed: ");
    console_.write(to_string(st));
    console_.write("\n");
    return st;
  }
  char text[IP6ADDR_STRLEN_MAX];
  console_.write("portcullis: ipv4 ");
  console_.write(ip4addr_ntoa_r(netif_ip4_addr(&netif_.lwip_netif()), text, sizeof text));
  console_.write(netif_is_link_up(&netif_.lwip_netif()) ? ", link up\n" : ", link down\n");
  report_ipv6_states();
#if PORTCULLIS_LAB_SERVICES
  lab_services_.start(console_);
#endif
  return Status::kOk;
}

void Agent::poll() {
  netif_.poll();
  sys_check_timeouts();
  report_ipv6_states();
}

void Agent::report_ipv6_states() {
  struct netif& nif = netif_.lwip_netif();
  for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
    const std::uint8_t state = netif_ip6_addr_state(&nif, i);
    // Report kinds of state, not lwIP's DAD probe count inside the tentative state.
    const std::uint8_t kind = ip6_addr_isduplicated(state)  ? 3
                              : ip6_addr_istentative(state) ? 2
                              : ip6_addr_isvalid(state)     ? 1
                                                            : 0;
    if (kind == reported_ip6_state_[i]) {
      continue;
    }
    reported_ip6_state_[i] = kind;
    if (kind != 0) {
      char text[IP6ADDR_STRLEN_MAX];
      console_.write("portcullis: ipv6 ");
      console_.write(ip6addr_ntoa_r(netif_ip6_addr(&nif, i), text, sizeof text));
      console_.write(ip6_addr_isduplicated(state)  ? " duplicate (not used)\n"
                     : ip6_addr_istentative(state) ? " tentative\n"
                                                   : " preferred\n");
    }
  }
}

}  // namespace portcullis::app
