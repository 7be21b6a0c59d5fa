// SPDX-License-Identifier: Apache-2.0
/*
 * Everything compiled into lwIP, for every Portcullis board, with why.
 * Options are 0/1 values (never "defined or not"), so a typo cannot read as "off".
 */
#ifndef PORTCULLIS_LWIPOPTS_H
#define PORTCULLIS_LWIPOPTS_H

/* ---- runtime model ------------------------------------------------------------------- */
/* PORTCULLIS_LWIP_NO_SYS 1 (default): one super-loop, no RTOS, same code on QEMU boards and
   host. 0: lwIP's tcpip thread owns the stack and everyone else takes its core lock
   (firmware/stack/lwip_context.hpp), as in a FreeRTOS/ESP-IDF/STM32Cube firmware; the host
   builds this with lwIP's POSIX port (cmake: PORTCULLIS_RTOS). */
#ifndef PORTCULLIS_LWIP_NO_SYS
#define PORTCULLIS_LWIP_NO_SYS 1
#endif
#if PORTCULLIS_LWIP_NO_SYS != 0 && PORTCULLIS_LWIP_NO_SYS != 1
#error "PORTCULLIS_LWIP_NO_SYS must be 0 (tcpip thread) or 1 (super-loop)"
#endif
#define NO_SYS PORTCULLIS_LWIP_NO_SYS
#define LWIP_TIMERS 1    /* the loop (NO_SYS=1) or the tcpip thread drives TCP/ARP/ND timers */
#define LWIP_NETCONN 0   /* raw API only: the agent needs no sequential API */
#define LWIP_SOCKET 0    /* idem */
#define LWIP_NETIF_API 0 /* idem */
#if NO_SYS
#define SYS_LIGHTWEIGHT_PROT 0 /* nothing touches lwIP from an interrupt or another thread */
#else
#define SYS_LIGHTWEIGHT_PROT 1    /* pools and pbuf refcounts are shared between threads */
#define LWIP_TCPIP_CORE_LOCKING 1 /* other threads call the raw API under the core lock */
/* 0 (lwIP's default, and ESP-IDF's/STM32Cube's): tcpip_input() queues a frame to the tcpip
   thread, so the input hooks run there, and a driver may call it with the core lock held
   (EthernetNetif::poll() does). 1 would take the lock inside tcpip_input(): a driver holding
   it would deadlock. */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#define TCPIP_MBOX_SIZE 16 /* frames and callbacks queued to the tcpip thread */
#define TCPIP_THREAD_NAME "tcpip"
/* Bytes on an RTOS (ignored by the POSIX port): lwIP's input path with our hooks (the filter
   copies 256 header bytes) and the TCP/ND timers; the TLS handshake runs in the agent's task,
   not here (firmware/stack/README.md). */
#define TCPIP_THREAD_STACKSIZE 4096
#define TCPIP_THREAD_PRIO 3
#define DEFAULT_THREAD_STACKSIZE 4096
#define DEFAULT_RAW_RECVMBOX_SIZE 4 /* unused without netconn; nonzero so no port trips on 0 */
#define DEFAULT_UDP_RECVMBOX_SIZE 4
#define DEFAULT_TCP_RECVMBOX_SIZE 4
#define DEFAULT_ACCEPTMBOX_SIZE 4
#define MEMP_NUM_TCPIP_MSG_INPKT PORTCULLIS_LWIP_PBUF_POOL_SIZE /* one per frame in flight */
#define MEMP_NUM_TCPIP_MSG_API 8                                /* tcpip_callback() messages */
#endif
/* lwIP checks each raw-API call holds the core lock: the host's POSIX port can (the RTOS
   build sets this; the agent's own tests then fail on any call made outside lwIP's context). */
#ifndef PORTCULLIS_LWIP_CHECK_CORE_LOCKING
#define PORTCULLIS_LWIP_CHECK_CORE_LOCKING 0
#endif
#if PORTCULLIS_LWIP_CHECK_CORE_LOCKING
#if NO_SYS
#error "PORTCULLIS_LWIP_CHECK_CORE_LOCKING needs PORTCULLIS_LWIP_NO_SYS 0"
#endif
#ifdef __cplusplus
extern "C" void sys_check_core_locking(void);
#else
void sys_check_core_locking(void);
#endif
#define LWIP_ASSERT_CORE_LOCKED() sys_check_core_locking()
#endif

/* ---- memory: static pools only -------------------------------------------------------- */
#define MEM_LIBC_MALLOC 0 /* lwIP's own static heap, never libc malloc */
#define MEMP_MEM_MALLOC 0 /* pools are static arrays */
/* Word alignment: 4 on Cortex-M; 8 on 64-bit hosts, where lwIP's heap holds pbufs with pointers */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ > 4
#define MEM_ALIGNMENT 8
#else
#define MEM_ALIGNMENT 4
#endif
/* Sizes a board may change (board.cmake: PORTCULLIS_BOARD_DEFINITIONS, compiled into every
   target so lwIP and the agent agree): the defaults suit a board with RAM to spare; a small
   part (boards/lm3s6965evb) trades scan and flood headroom for RAM. */
#ifndef PORTCULLIS_LWIP_MEM_SIZE
#define PORTCULLIS_LWIP_MEM_SIZE (16 * 1024)
#endif
#ifndef PORTCULLIS_LWIP_PBUF_POOL_SIZE
#define PORTCULLIS_LWIP_PBUF_POOL_SIZE 16
#endif
#ifndef PORTCULLIS_LWIP_TCP_PCBS
#define PORTCULLIS_LWIP_TCP_PCBS 8
#endif
#ifndef PORTCULLIS_LWIP_TCP_SEGS
#define PORTCULLIS_LWIP_TCP_SEGS 32
#endif
#ifndef PORTCULLIS_LWIP_TCP_WND_SEGMENTS
#define PORTCULLIS_LWIP_TCP_WND_SEGMENTS 4
#endif
#define MEM_SIZE PORTCULLIS_LWIP_MEM_SIZE /* PBUF_RAM for outgoing segments and replies */
#define MEMP_NUM_PBUF 16                  /* PBUF_REF/ROM headers */
#define PBUF_POOL_SIZE PORTCULLIS_LWIP_PBUF_POOL_SIZE /* received frames in flight */
#define PBUF_POOL_BUFSIZE 1536                        /* one whole Ethernet frame per pool buffer */
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_TCP_PCB PORTCULLIS_LWIP_TCP_PCBS /* concurrent TCP connections */
#define MEMP_NUM_TCP_PCB_LISTEN 8 /* listeners: the policy allows a handful of ports */
#define MEMP_NUM_TCP_SEG PORTCULLIS_LWIP_TCP_SEGS
#define MEMP_NUM_FRAG_PBUF 8
#define MEMP_NUM_ARP_QUEUE 8
#define MEMP_OVERFLOW_CHECK 0
#define MEMP_SANITY_CHECK 0

/* ---- the early filter: lwIP's IPv4/IPv6 input hooks call Portcullis' classifier ------- */
/* PORTCULLIS_FILTER 0 (cmake -DPORTCULLIS_FILTER=OFF, presets *-plain) builds plain lwIP: no
   input hooks, every port answered by lwIP itself. Only a baseline to measure the filter
   against. */
#ifndef PORTCULLIS_FILTER
#define PORTCULLIS_FILTER 1
#endif
/* Always: the hooks file also brings the keyed TCP initial sequence numbers (RFC 6528). */
#define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"

/* ---- link and network layers --------------------------------------------------------- */
#define LWIP_ETHERNET 1
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 8
#define ARP_QUEUEING 1
#define ETH_PAD_SIZE 0
#define LWIP_SINGLE_NETIF 0 /* host stack tests attach more than one netif */
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 0

#define LWIP_IPV4 1
#define IP_FORWARD 0 /* an end device, never a router of other hosts' packets */
#define IP_REASSEMBLY                                                 \
  0 /* the filter drops every fragment it cannot judge (all non-first \
        ones), so reassembly could never complete: no buffers for it */
#define IP_FRAG                                                                               \
  0 /* nothing the device sends exceeds the link MTU: TCP's MSS comes from it, and an echo or \
        an ICMP error is no longer than what it answers (576 B at most) */
#define LWIP_ICMP 1
#define LWIP_BROADCAST_PING 0 /* do not answer pings to broadcast */
#define LWIP_MULTICAST_PING 0
#define LWIP_RAW 0 /* no raw PCBs: nothing in the agent opens one */
/* PORTCULLIS_LWIP_DHCP 1 (default): lwIP's DHCPv4 client, used when the network settings ask
   for it (NetworkSettings::ipv4_dhcp). Its answers pass the filter as answers to its own
   requests (filter/client_requests.hpp), never by port. 0 leaves it out (static addresses). */
#ifndef PORTCULLIS_LWIP_DHCP
#define PORTCULLIS_LWIP_DHCP 1
#endif
#define LWIP_DHCP PORTCULLIS_LWIP_DHCP
#define LWIP_DHCP_DOES_ACD_CHECK 0 /* see LWIP_ACD below */
#define DHCP_COARSE_TIMER_SECS                               \
  10 /* lease timers in 10 s steps (lwIP: 60), so a short T1 \
        is kept; timers cap at 0xffff steps: 7.5 days */
#define LWIP_DHCP_GET_NTP_SRV                                 \
  PORTCULLIS_LWIP_SNTP /* the time server a DHCP server names \
                      (option 42), unless one is configured */
#define LWIP_DHCP_MAX_NTP_SERVERS SNTP_MAX_SERVERS
#define LWIP_DHCP_MAX_DNS_SERVERS DNS_MAX_SERVERS /* the resolvers a DHCP server names */
#define LWIP_AUTOIP 0
#define LWIP_ACD                                                              \
  0 /* no address conflict probes (3-9 s before a lease is used): keeping     \
       a lease's address unique is the DHCP server's (dnsmasq pings before it \
       offers one; the lab's, with a reservation, does not: --no-ping) */
#define LWIP_IGMP 0

#define LWIP_IPV6 1
#define LWIP_IPV6_FORWARD 0
#define LWIP_IPV6_REASS 0 /* idem: IPv6 fragments are dropped by the filter */
#define LWIP_IPV6_FRAG                                                                         \
  1 /* kept: after a Packet Too Big (a tunnel on the path), lwIP's TCP goes on with the MSS it \
        agreed, and only fragmenting gets those segments through */
/* 64-bit hosts: lwIP's reassembly helper no longer fits in the fragment header it
   overlays, so the header is copied (costs nothing on 32-bit boards, where it stays 0). */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ > 4
#define IPV6_FRAG_COPYHEADER 1
#else
#define IPV6_FRAG_COPYHEADER 0
#endif
#define LWIP_ICMP6 1
#define LWIP_IPV6_MLD 1 /* join solicited-node groups for neighbour discovery */
/* PORTCULLIS_LWIP_SLAAC 1 (default): an address from each router advertisement's autonomous
   /64 prefix (RFC 4862), used when the network settings ask for it (ipv6_slaac). lwIP takes an
   RA only from a link-local source with hop limit 255 (the filter checks the hop limit too);
   LWIP_ND6_ALLOW_RA_UPDATES below stays 0. */
#ifndef PORTCULLIS_LWIP_SLAAC
#define PORTCULLIS_LWIP_SLAAC 1
#endif
#define LWIP_IPV6_AUTOCONFIG PORTCULLIS_LWIP_SLAAC
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_NUM_ADDRESSES 3 /* link-local + the board's global + one by SLAAC */
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#define LWIP_ND6_ALLOW_RA_UPDATES 0 /* a router advertisement must not re-route the device */

/* ---- transport ----------------------------------------------------------------------- */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
#define TCP_WND (PORTCULLIS_LWIP_TCP_WND_SEGMENTS * TCP_MSS)
#define TCP_SND_BUF (PORTCULLIS_LWIP_TCP_WND_SEGMENTS * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 4 /* bounded out-of-order queue */
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_ALTCP 1 /* the TLS layer (later issue) is an altcp layer */
#define LWIP_ALTCP_TLS                                                 \
  1 /* lwIP's altcp_tls_new() calls altcp_tls_wrap(), which is ours    \
       (firmware/mgmt/altcp_tls.cpp over Mbed TLS 3.6); lwIP's bundled \
       altcp_tls_mbedtls.c targets Mbed TLS 2 and is not compiled */
/* PORTCULLIS_LWIP_DNS 1 (default): lwIP's resolver, for the broker's name. Servers from DHCP
   (or dns_setserver()). Its answers pass the filter as answers to its queries (the server
   asked, the query's random ID: filter/client_requests.hpp), never by port. */
#ifndef PORTCULLIS_LWIP_DNS
#define PORTCULLIS_LWIP_DNS 1
#endif
#define LWIP_DNS PORTCULLIS_LWIP_DNS
/* A random ID per query and one query per name at a time; not a new PCB per query on a random
   port (LWIP_DNS_SECURE_RAND_SRC_PORT): lwIP keeps those PCBs static in dns.c, and the listener
   audit must know the resolver's PCB (one, made by lwip_init(), on a port drawn at random from
   lwIP's keyed generator: stack/lwip_port.hpp lwip_dns_pcb()). */
#define LWIP_DNS_SECURE (LWIP_DNS_SECURE_RAND_XID | LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING)
#define DNS_TABLE_SIZE 2       /* names resolved at once: the broker, and one more */
#define DNS_MAX_NAME_LENGTH 64 /* lwIP: 256 a table entry */
#define DNS_MAX_SERVERS 2
#define DNS_MAX_TTL                                                      \
  3600 /* lwIP: a week. Bounds how long a forged answer that got through \
          (an on-path attacker's) sends the push astray */
#define LWIP_DNS_SUPPORT_MDNS_QUERIES 0

/* PORTCULLIS_LWIP_SNTP 1 (default): lwIP's SNTP client (apps/sntp) sets the device's wall
   clock, against which certificate dates are checked (hal/wall_clock.hpp). Its answers pass
   the filter as answers to its requests (the server asked, the request's transmit timestamp:
   filter/client_requests.hpp), never by port. One server: the configured one
   (NetworkSettings::time_server, a name resolved by DNS or an address), else DHCP's. */
#ifndef PORTCULLIS_LWIP_SNTP
#define PORTCULLIS_LWIP_SNTP 1
#endif
#define SNTP_MAX_SERVERS 1
#define SNTP_SERVER_DNS LWIP_DNS /* a configured server may be a name */
#define SNTP_GET_SERVERS_FROM_DHCP LWIP_DHCP
#define SNTP_CHECK_RESPONSE                                         \
  2 /* the answer comes from the server asked, port 123, and echoes \
       the request's transmit timestamp */
#define SNTP_COMP_ROUNDTRIP                                                                       \
  0                               /* the transmit timestamp is a nonce (below), not our time: the \
                                     answer's time is taken as is (off by half a round trip) */
#define SNTP_STARTUP_DELAY 0      /* the agent starts SNTP once the device has an address */
#define SNTP_UPDATE_DELAY 3600000 /* ms between two answers: hourly (lwIP's default) */
/* lwIP's count of its own timers leaves SNTP out; it keeps one pending (the next request, or
   the wait for an answer). */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + PORTCULLIS_LWIP_SNTP)
/* The request's transmit timestamp: 64 random bits from lwIP's keyed generator, not the
   device's time (which it may not know yet, and which would tell an observer its clock). The
   server echoes it; an off-path forger must guess it (and the client's random port). */
#define SNTP_GET_SYSTEM_TIME_NTP(sec, frac) \
  do {                                      \
    (sec) = (s32_t)LWIP_RAND();             \
    (frac) = (u32_t)LWIP_RAND();            \
  } while (0)
/* An answer's time (seconds since 1970, microseconds) goes to the wall clock, which refuses a
   time before the image's floor date (firmware/stack/time_sync.cpp). */
#define SNTP_SET_SYSTEM_TIME_US(sec, us) portcullis_sntp_set_time((sec), (us))

/* ---- checksums: always generated and verified in software --------------------------- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_GEN_ICMP6 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define CHECKSUM_CHECK_ICMP6 1

/* ---- diagnostics --------------------------------------------------------------------- */
/* The MQTT push (firmware/mgmt/mqtt_push) is our own client over altcp: it needs no lwIP app,
   ring or timer of lwIP's. */

/* lwIP's own statistics, for the status report (firmware/stack/lwip_info.hpp; /metrics
   portcullis_lwip_*): pool and heap use, so a flood test can see no pbuf or PCB leaked, and
   what lwIP sent, so it can see no RST or ICMP went out. Only those classes: every class is
   static RAM in lwip_stats and an increment on its path. On a Cortex-M3 (STAT_COUNTER u16,
   mem_size_t u16 below 64000 bytes of heap): 24 bytes per protocol class, 12 for the heap
   and 4 + 12 per pool: about 290 bytes with 13 pools. The filter's counters are Portcullis' own
   (firmware/report). */
#define LWIP_STATS 1
#define LWIP_STATS_LARGE 0 /* 16-bit counters, carried on in 32 bits by the agent */
#define MEM_STATS 1        /* heap: size, used, peak, failures */
#define MEMP_STATS 1       /* each pool: size, used, peak, failures */
#define TCP_STATS 1        /* tcp.xmit: segments sent, RSTs included */
#define UDP_STATS 1        /* udp.xmit: datagrams sent */
#define ICMP_STATS 1       /* icmp.xmit: echo replies, port unreachables */
#define ICMP6_STATS 1      /* icmp6.xmit: echo replies, errors (not ND or MLD) */
#define LINK_STATS 0       /* the driver counts its frames (firmware/stack NetifCounters) */
#define ETHARP_STATS 0
#define IP_STATS 0 /* the filter counts inbound IP packets itself, before lwIP does */
#define IPFRAG_STATS 0
#define IGMP_STATS 0
#define SYS_STATS 0 /* NO_SYS=0: semaphores and mailboxes are the RTOS's to count */
#define IP6_STATS 0
#define IP6_FRAG_STATS 0
#define MLD6_STATS 0
#define ND6_STATS 0
#define MIB2_STATS 0         /* no SNMP agent */
#define LWIP_STATS_DISPLAY 0 /* no printf report: the figures go out in the status */
/* LWIP_DEBUG stays undefined: lwIP tests it with #ifdef, so even "#define LWIP_DEBUG 0" would
   compile in its debug code (pool names in every stats record, the error strings). */

#endif /* PORTCULLIS_LWIPOPTS_H */
