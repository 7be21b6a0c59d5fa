// SPDX-License-Identifier: Apache-2.0
/* The firmware's own netif over the MPS2's SMSC LAN9118 (polled, no interrupts). */
#ifndef OWN_LAN9118_NETIF_H
#define OWN_LAN9118_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* netif_add()'s init function: resets the chip, takes the MAC address it holds (its EEPROM's;
 * QEMU's -nic mac=), turns RX and TX on. */
err_t lan9118_netif_init(struct netif* netif);
/* Hands received frames to netif->input (at most 16 per call). */
void lan9118_netif_poll(struct netif* netif);
/* Called with every whole frame the netif sends, before it goes (NULL: none). */
extern void (*lan9118_tx_observer)(const uint8_t* frame, size_t length);
/* Called with every whole frame received, before the netif takes a pbuf for it: nonzero drops
 * it there (NULL: none). */
extern int (*lan9118_rx_screen)(const uint8_t* frame, size_t length, const struct netif* netif);

#ifdef __cplusplus
}
#endif

#endif
