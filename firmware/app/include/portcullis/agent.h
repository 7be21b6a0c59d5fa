// SPDX-License-Identifier: Apache-2.0
/*
 * The whole agent for a C firmware (docs/integration.md): the early filter, the listener audit,
 * the status endpoint over mutual TLS and the MQTT push, attached to the firmware's own lwIP and
 * netif. Link Portcullis::agent into the firmware's executable: its sources are compiled there,
 * with the policy compiled into it (portcullis_add_policy()). The firmware gives the port
 * function of portcullis/portcullis.h (portcullis_port_fatal()). Not with Portcullis::c's
 * portcullis_start(): the agent installs a filter of its own.
 *
 * Threading: NO_SYS=1, everything from the super-loop. NO_SYS=0 (LWIP_TCPIP_CORE_LOCKING 1):
 * portcullis_agent_attach() and portcullis_agent_poll() from a task outside lwIP's context
 * (they take the core lock); portcullis_agent_sent_frame() where the netif sends;
 * portcullis_agent_screen_frame() from the driver's receive path outside lwIP's context.
 */
#ifndef PORTCULLIS_AGENT_H
#define PORTCULLIS_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "portcullis/port.h" /* what the firmware's port gives */

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

#define PORTCULLIS_SEED_RECORD_BYTES 64

struct portcullis_agent_config {  // NOLINT(readability-identifier-naming): a C API
  /* The name in the boot banner and in the status (device.board). Kept, not copied. */
  const char* board_name;
  /* The device's identity record (docs/PROVISIONING.md: its id, certificate, key, fleet CA,
   * broker): the region the factory programs, kept for the agent's life. NULL or blank: the
   * device filters and audits, and serves no TLS. */
  const uint8_t* identity;
  size_t identity_size;
  /* The device's NV seed record (PORTCULLIS_SEED_RECORD_BYTES, tools/pki seed), which the agent
   * rewrites at every boot before using it: in RAM the factory fills, or a copy the firmware
   * writes back to flash. NULL: no seed, no TLS (this package builds in none). */
  uint8_t* seed_record;
  size_t seed_record_size;
  /* Milliseconds since boot, and the agent's console (one call per line, with its '\n'). */
  uint64_t (*now_ms)(void);
  void (*console_write)(const char* text, size_t length);
};

/* Before the firmware starts lwIP (lwip_init() or tcpip_init()): reads the identity record,
 * brings TLS up from the seed record, keys lwIP's randomness and installs the filter. The
 * config is copied. Right after lwIP's start, the firmware calls portcullis_lwip_started().
 * Returns 0, or -1 when called twice or without now_ms / console_write. */
int portcullis_agent_prepare(const struct portcullis_agent_config* config);

/* Right after lwip_init() or tcpip_init(): lwIP's DNS PCB, which the audit leaves alone. */
void portcullis_lwip_started(void);

/* Once lwIP runs, `netif` is added and the firmware's services listen: the banner, the first
 * listener audit, the status endpoint on the policy's mgmt port, the push. 0, or -1 before
 * portcullis_agent_prepare() or twice. */
int portcullis_agent_attach(struct netif* netif);

/* Every loop turn (NO_SYS=0: every few ms from a task): address changes and violations on the
 * console, SNTP's answers, the audit, the push. The firmware keeps driving its netif and lwIP's
 * timers. */
void portcullis_agent_poll(void);

/* The status as /v1/status serves it (JSON, NUL-terminated) into `buffer`: its length, or 0
 * when it does not fit (or before portcullis_agent_prepare()). Builds the snapshot on the
 * caller's stack (about 2 KiB on a Cortex-M); NO_SYS=0: outside lwIP's context. */
size_t portcullis_agent_status_json(char* buffer, size_t size);

/* Every whole Ethernet frame the netif sends (answers to lwIP's own DHCP, DNS and SNTP requests
 * pass only when the filter saw the request). */
void portcullis_agent_sent_frame(const uint8_t* frame, size_t length);

/* Optional, in the netif's receive path before it takes a pbuf for a whole Ethernet frame that
 * arrived on `netif`: 1 when the filter dropped it (counted; give lwIP nothing), 0 when lwIP
 * is to have it (lwIP's input hooks judge it then, once). Drops what nothing lwIP has yet to
 * handle can turn into a pass (every drop but `no_connection`), so a flood of closed-port
 * frames takes no receive buffer and no place in the tcpip thread's queue. NO_SYS=0: outside
 * lwIP's context (it takes the core lock). 0 before portcullis_agent_prepare(). */
int portcullis_agent_screen_frame(const uint8_t* frame, size_t length, const struct netif* netif);

#ifdef __cplusplus
}
#endif

#endif /* PORTCULLIS_AGENT_H */
