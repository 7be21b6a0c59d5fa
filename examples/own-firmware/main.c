// SPDX-License-Identifier: Apache-2.0
/* The firmware's main loop: lwIP brought up as it always was (lwip_init, its own netif, DHCP,
 * SLAAC, its services), with Portcullis's agent adopted through its C interface in the steps of
 * docs/integration.md. */
#include <stddef.h>
#include <stdint.h>

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
#include "portcullis/agent.h"
#include "portcullis_port.h" /* Step 8: the Cortex-M port (ports/cortex-m) */

/* The factory's regions (mps2-an385.ld): the identity record and the NV seed record. */
extern const uint8_t _identity[];
extern const uint8_t _identity_size[];
extern uint8_t _seed_record[];

static struct netif eth;
static volatile uint32_t own_hook_packets; /* this firmware's own hook's count */

/* This firmware's own IPv4 input hook, chained behind Portcullis's in lwipopts.h
 * (PORTCULLIS_NEXT_IP4_INPUT_HOOK): it sees only what the filter passed. */
int own_ip4_input_hook(struct pbuf* p, struct netif* inp) {
  (void)p;
  (void)inp;
  own_hook_packets = own_hook_packets + 1;
  return 0; /* lwIP goes on with the packet */
}

/* A debug shell left listening on telnet's port, as happens: the policy does not allow it, so
 * the filter hides it and the audit closes it. */
static void start_forgotten_debug_listener(void) {
  struct tcp_pcb* pcb = tcp_new();
  if (pcb != NULL && tcp_bind(pcb, IP4_ADDR_ANY, 23) == ERR_OK) {
    (void)tcp_listen(pcb);
  }
}

static uint64_t now_ms(void) {
  return board_ms();
}

static void console_write_n(const char* text, size_t length) {
  char chunk[65];
  while (length > 0) {
    const size_t n = length < sizeof chunk - 1 ? length : sizeof chunk - 1;
    for (size_t i = 0; i < n; ++i) {
      chunk[i] = text[i];
    }
    chunk[n] = '\0';
    console_write(chunk);
    text += n;
    length -= n;
  }
}

int main(void) {
  board_init();
  console_write("own-firmware 1.0: lwIP " LWIP_VERSION_STRING ", Portcullis filter on\n");
  const char* last_fatal = portcullis_port_take_last_fatal();
  if (last_fatal != NULL) {
    console_write("own-firmware: reset by Portcullis: ");
    console_write(last_fatal);
    console_write("\n");
  }

  /* Step 5: the agent before lwIP runs a packet: its identity, TLS seeded from the NV seed
   * record (this board has no TRNG), lwIP's randomness keyed, the filter installed. */
  const struct portcullis_agent_config agent = {
      .board_name = "own-firmware",
      .identity = _identity,
      .identity_size = (size_t)_identity_size,
      .seed_record = _seed_record,
      .seed_record_size = PORTCULLIS_SEED_RECORD_BYTES,
      .now_ms = now_ms,
      .console_write = console_write_n,
  };
  if (portcullis_agent_prepare(&agent) != 0) {
    console_write("own-firmware: portcullis_agent_prepare failed\n");
  }
  lwip_init();
  portcullis_lwip_started(); /* Step 5: lwIP's DNS PCB, known to the audit */
  lan9118_tx_observer = portcullis_agent_sent_frame; /* Step 6 */
  lan9118_rx_screen = portcullis_agent_screen_frame; /* Step 6, optional */

  if (netif_add(&eth, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, lan9118_netif_init,
                ethernet_input) == NULL) {
    console_write("own-firmware: no LAN9118\n");
    for (;;) {
    }
  }
  netif_create_ip6_linklocal_address(&eth, 1);
  struct netif* const nif = &eth; /* lwIP's macros test their netif for NULL */
  netif_set_ip6_autoconfig_enabled(nif, 1);
  netif_set_default(&eth);
  netif_set_up(&eth);
  netif_set_link_up(&eth);
  (void)dhcp_start(&eth);
  if (!echo_service_start()) {
    console_write("own-firmware: echo service failed\n");
  }
  start_forgotten_debug_listener();
  if (portcullis_agent_attach(&eth) != 0) { /* Step 5: once the services listen */
    console_write("own-firmware: portcullis_agent_attach failed\n");
  }

  uint32_t address = 0;
  uint32_t hook_reported = 0;
  uint32_t last_report_ms = 0;
  for (;;) {
    lan9118_netif_poll(&eth);
    sys_check_timeouts();
    portcullis_agent_poll(); /* Step 7 */
    const uint32_t now_address = ip4_addr_get_u32(netif_ip4_addr(&eth));
    if (now_address != address) {
      char text[IP4ADDR_STRLEN_MAX];
      address = now_address;
      console_write("own-firmware: ipv4 ");
      console_write(ip4addr_ntoa_r(netif_ip4_addr(&eth), text, sizeof text));
      console_write(" by dhcp\n");
    }
    if (sys_now() - last_report_ms >= 500 && own_hook_packets != hook_reported) {
      last_report_ms = sys_now();
      hook_reported = own_hook_packets;
      console_write("own-firmware: own hook saw ");
      console_write_u32(hook_reported);
      console_write(" IPv4 packets\n");
    }
  }
}
