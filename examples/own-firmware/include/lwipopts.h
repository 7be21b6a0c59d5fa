// SPDX-License-Identifier: Apache-2.0
/* The firmware's own lwIP configuration: a NO_SYS super-loop with DHCP, DNS, IPv6 with SLAAC,
 * no statistics, and pools sized for this device. Two lines are Portcullis's (Step 4 of
 * docs/integration.md): the hook file, and this firmware's own input hook chained behind it. */
#ifndef OWN_LWIPOPTS_H
#define OWN_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

#define MEM_ALIGNMENT 4
#define MEM_SIZE (12 * 1024)
#define MEMP_NUM_PBUF 12
#define MEMP_NUM_TCP_PCB 6
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_SEG 24
#define PBUF_POOL_SIZE 10
#define PBUF_POOL_BUFSIZE 1536

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_DHCP 1
#define LWIP_DNS 1
/* The resolver keeps one port for its life (Portcullis knows it; a port per query it could not). */
#define LWIP_DNS_SECURE (LWIP_DNS_SECURE_RAND_XID | LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING)
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)

/* Portcullis's status endpoint and push: TLS over lwIP's altcp (Portcullis's own TLS layer). */
#define LWIP_ALTCP 1
#define LWIP_ALTCP_TLS 1

#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0

/* The firmware's own randomness (board.c). */
#ifdef __cplusplus
extern "C"
#endif
    unsigned int
    own_rand(void);
#define LWIP_RAND() own_rand()

/* Portcullis: its hooks, and this firmware's own IPv4 input hook behind them. */
#define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"
#define PORTCULLIS_NEXT_IP4_INPUT_HOOK own_ip4_input_hook

#endif
