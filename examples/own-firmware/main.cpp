// The firmware's main loop: lwIP brought up as it always was (lwip_init, its own netif, DHCP,
// SLAAC, its services), with Portcullis adopted in the steps of docs/integration.md.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "board.h"
#include "echo_service.h"
#include "lan9118_netif.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/listener_audit.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace {

// Step 5: the filter and the listener audit, bound to the policy compiled into this image.
portcullis::stack::InputFilter filter{portcullis::policy::kPolicyTable};
portcullis::stack::ListenerAudit audit{portcullis::policy::kPolicyTable};

struct netif eth;
volatile std::uint32_t own_hook_packets = 0;  // this firmware's own hook's count

// Step 6: every frame the netif sends is shown to the filter, so that the answers to lwIP's
// own DHCP and DNS requests pass and nothing else reaches the ports they asked from.
void show_sent_frame(const std::uint8_t* frame, std::size_t length) {
  filter.sent_frame(std::span<const std::uint8_t>(frame, length));
}

void write_line(std::string_view a, std::uint32_t n, std::string_view b) {
  char text[64];
  std::size_t i = 0;
  for (char c : a.substr(0, 40)) {
    text[i++] = c;
  }
  text[i] = '\0';
  console_write(text);
  console_write_u32(n);
  i = 0;
  for (char c : b.substr(0, 60)) {
    text[i++] = c;
  }
  text[i] = '\0';
  console_write(text);
  console_write("\n");
}

// A debug shell left listening on telnet's port, as happens: the policy does not allow it,
// so the filter hides it and the audit closes it.
void start_forgotten_debug_listener() {
  struct tcp_pcb* pcb = tcp_new();
  if (pcb != nullptr && tcp_bind(pcb, IP4_ADDR_ANY, 23) == ERR_OK) {
    (void)tcp_listen(pcb);
  }
}

}  // namespace

// This firmware's own IPv4 input hook, chained behind Portcullis's in lwipopts.h
// (PORTCULLIS_NEXT_IP4_INPUT_HOOK): it sees only what the filter passed.
extern "C" int own_ip4_input_hook(struct pbuf*, struct netif*) {
  own_hook_packets = own_hook_packets + 1;
  return 0;  // lwIP goes on with the packet
}

// Portcullis's one port function this firmware must give (docs/porting.md): what to do when
// Portcullis finds its state broken. It never returns.
[[noreturn]] void portcullis::hal::fatal(std::string_view reason) {
  console_write("fatal: ");
  for (char c : reason) {
    const char one[2] = {c, '\0'};
    console_write(one);
  }
  console_write("\n");
  for (;;) {
  }
}

int main() {
  board_init();
  console_write("own-firmware 1.0: lwIP " LWIP_VERSION_STRING ", Portcullis filter on\n");

  portcullis::stack::use_input_filter(&filter);  // Step 5: before lwIP runs a packet
  lwip_init();
  portcullis::stack::note_lwip_started();  // Step 5: lwIP's DNS PCB, known to the audit
  lan9118_tx_observer = show_sent_frame;   // Step 6

  if (netif_add(&eth, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, nullptr, lan9118_netif_init,
                ethernet_input) == nullptr) {
    console_write("own-firmware: no LAN9118\n");
    for (;;) {
    }
  }
  netif_create_ip6_linklocal_address(&eth, 1);
  netif_set_ip6_autoconfig_enabled(&eth, 1);
  netif_set_default(&eth);
  netif_set_up(&eth);
  netif_set_link_up(&eth);
  (void)dhcp_start(&eth);
  if (echo_service_start() == 0) {
    console_write("own-firmware: echo service failed\n");
  }
  start_forgotten_debug_listener();
  audit.audit_now(sys_now());

  std::uint32_t address = 0;
  std::uint32_t hook_reported = 0;
  std::uint32_t last_report_ms = 0;
  std::uint64_t violations_shown = 0;
  for (;;) {
    lan9118_netif_poll(&eth);
    sys_check_timeouts();
    // Step 7: Portcullis's upkeep in the loop.
    filter.expire_requests();
    audit.poll(sys_now());
    for (; violations_shown < audit.violations().total(); ++violations_shown) {
      if (const auto* v = audit.violations().find(violations_shown)) {
        write_line(
            v->proto == portcullis::policy::Proto::kTcp ? "portcullis: violation tcp "
                                                        : "portcullis: violation udp ",
            v->port,
            v->action == portcullis::report::ViolationAction::kClosed ? " closed" : " reported");
      }
    }
    const std::uint32_t now_address = ip4_addr_get_u32(netif_ip4_addr(&eth));
    if (now_address != address) {
      address = now_address;
      char text[IP4ADDR_STRLEN_MAX];
      console_write("own-firmware: ipv4 ");
      console_write(ip4addr_ntoa_r(netif_ip4_addr(&eth), text, sizeof text));
      console_write(" by dhcp\n");
    }
    if (sys_now() - last_report_ms >= 500 && own_hook_packets != hook_reported) {
      last_report_ms = sys_now();
      hook_reported = own_hook_packets;
      write_line("own-firmware: own hook saw ", hook_reported, " IPv4 packets");
    }
  }
}
