// SPDX-License-Identifier: Apache-2.0
/*
 * Portcullis for a C firmware (docs/integration.md): the calls a C code base makes to adopt the
 * early filter and the listener audit, bound to the policy compiled into the firmware
 * (portcullis_add_policy()). Link Portcullis::c into the firmware's executable: its one source
 * is compiled there, with that policy. The project must enable C++ (project(... C CXX)); the
 * firmware's own code stays C.
 *
 * Threading: with NO_SYS=1 call everything from the super-loop. With NO_SYS=0 (lwIP's tcpip
 * thread, LWIP_TCPIP_CORE_LOCKING 1) call portcullis_poll(), portcullis_audit_now() and
 * portcullis_read_status() from a task outside lwIP's context (they take the core lock); call
 * portcullis_sent_frame() / portcullis_sent_packet() where the netif sends (lwIP's context),
 * portcullis_screen_frame() from the driver's receive path outside it (it takes the lock).
 */
#ifndef PORTCULLIS_PORTCULLIS_H
#define PORTCULLIS_PORTCULLIS_H

#include <stddef.h>
#include <stdint.h>

#include "portcullis/port.h" /* what the firmware's port gives */

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

#define PORTCULLIS_RANDOM_KEY_BYTES 32

/* Before lwIP runs (before lwip_init() or tcpip_init()): installs the filter, so that no packet
 * passes unjudged (until then lwIP's input hooks drop every packet). `random_key`: 32 bytes from
 * the device's TRNG that key lwIP's TCP initial sequence numbers (and portcullis_lwip_rand());
 * NULL leaves them predictable. Returns 0, or -1 when called twice or with a key of another
 * length (nothing changed). */
int portcullis_start(const uint8_t* random_key, size_t key_length);

/* Right after lwip_init() or tcpip_init(), before the firmware opens a UDP PCB of its own:
 * notes lwIP's DNS client PCB, which the listener audit then leaves alone. */
void portcullis_lwip_started(void);

/* Every whole Ethernet frame the netif sends (portcullis_sent_packet(): an IP packet, for a
 * netif without Ethernet framing): answers to lwIP's own DHCP, DNS and SNTP requests pass only
 * when the filter saw the request. */
void portcullis_sent_frame(const uint8_t* frame, size_t length);
void portcullis_sent_packet(const uint8_t* packet, size_t length);

/* Optional, in the netif's receive path before it takes a pbuf for a whole Ethernet frame that
 * arrived on `netif`: 1 when the filter dropped it (counted; give lwIP nothing), 0 when lwIP
 * is to have it (lwIP's input hooks judge it then, once). Drops what nothing lwIP has yet to
 * handle can turn into a pass (every drop but `no_connection`), so a flood of closed-port
 * frames takes no receive buffer and no place in the tcpip thread's queue. NO_SYS=0: outside
 * lwIP's context (it takes the core lock). 0 before portcullis_start(). */
int portcullis_screen_frame(const uint8_t* frame, size_t length, const struct netif* netif);

/* Audits the listeners now: once the firmware's services listen. `now_ms`: sys_now(). */
void portcullis_audit_now(uint32_t now_ms);
/* Every loop turn (NO_SYS=0: every few ms from a task): forgets requests whose answers are no
 * longer awaited and audits the listeners when their lists changed or the period passed. */
void portcullis_poll(uint32_t now_ms);

/* What the filter and the audit have seen since portcullis_start(). */
struct portcullis_status {          // NOLINT(readability-identifier-naming): a C API
  uint64_t rx_total;                /* packets judged */
  uint64_t passed_total;            /* let through to lwIP */
  uint64_t dropped_total;           /* dropped (stealth), rejects included */
  uint64_t rejected_total;          /* answered with a RST or an ICMP unreachable */
  uint64_t scanners_detected_total; /* sources the scan detector flagged */
  uint64_t violations_total;        /* listeners the policy does not allow, found by the audit */
  uint32_t listeners;               /* TCP listeners and bound UDP ports now (up to 32 counted) */
  char policy_digest[65];           /* SHA-256 of the policy's canonical form, hex, NUL-ended */
};
void portcullis_read_status(struct portcullis_status* out);

/* Violation number `seq` (0 .. violations_total - 1) while the audit's log still holds it:
 * 1 and *out filled, else 0. `action`: 1 closed, 0 reported only. */
struct portcullis_violation {  // NOLINT(readability-identifier-naming): a C API
  uint8_t proto;               /* 6 TCP, 17 UDP */
  uint8_t action;
  uint16_t port;
  uint64_t uptime_ms;
};
int portcullis_read_violation(uint64_t seq, struct portcullis_violation* out);

#ifdef __cplusplus
}
#endif

#endif /* PORTCULLIS_PORTCULLIS_H */
