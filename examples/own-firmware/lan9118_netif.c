// SPDX-License-Identifier: Apache-2.0
/* The firmware's own LAN9118 driver and netif: register offsets from the chip's data sheet. */
#include "lan9118_netif.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#if LWIP_IPV6
#include "lwip/ethip6.h"
#endif

#define LAN_BASE 0x40200000u
#define RX_DATA 0x00u
#define TX_DATA 0x20u
#define RX_STATUS 0x40u
#define TX_STATUS 0x48u
#define BYTE_TEST 0x64u
#define RX_CFG 0x6Cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7Cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u
#define MAC_CR 1u
#define ADDRH 2u
#define ADDRL 3u
#define FRAME_MAX 1518u
#define POLL_LIMIT 100000u

void (*lan9118_tx_observer)(const uint8_t* frame, size_t length);
int (*lan9118_rx_screen)(const uint8_t* frame, size_t length, const struct netif* netif);
static uint8_t frame_buf[FRAME_MAX + 8]; /* whole words of the longest frame with its FCS */
static uint16_t tx_tag;

static uint32_t rd(uint32_t off) {
  return *(volatile uint32_t*)(LAN_BASE + off);
}
static void wr(uint32_t off, uint32_t value) {
  *(volatile uint32_t*)(LAN_BASE + off) = value;
}
static int wait_csr(void) {
  for (uint32_t i = 0; i < POLL_LIMIT; ++i) {
    if ((rd(MAC_CSR_CMD) & CSR_BUSY) == 0) {
      return 1;
    }
  }
  return 0;
}
static int csr_write(uint32_t index, uint32_t value) {
  if (!wait_csr()) {
    return 0;
  }
  wr(MAC_CSR_DATA, value);
  wr(MAC_CSR_CMD, CSR_BUSY | index);
  return wait_csr();
}
static int csr_read(uint32_t index, uint32_t* value) {
  if (!wait_csr()) {
    return 0;
  }
  wr(MAC_CSR_CMD, CSR_BUSY | CSR_READ | index);
  if (!wait_csr()) {
    return 0;
  }
  *value = rd(MAC_CSR_DATA);
  return 1;
}

static err_t low_output(struct netif* netif, struct pbuf* p) {
  (void)netif;
  const uint32_t length = p->tot_len;
  if (length > FRAME_MAX) {
    return ERR_BUF;
  }
  pbuf_copy_partial(p, frame_buf, (u16_t)length, 0);
  if (lan9118_tx_observer != NULL) {
    lan9118_tx_observer(frame_buf, length);
  }
  const uint32_t words = (length + 3u) / 4u;
  if ((rd(TX_FIFO_INF) & 0xFFFFu) < 8u + words * 4u) {
    return ERR_MEM;
  }
  memset(frame_buf + length, 0, 4);
  ++tx_tag;
  wr(TX_DATA, (1u << 13) | (1u << 12) | length);  /* command A: first and last segment */
  wr(TX_DATA, ((uint32_t)tx_tag << 16) | length); /* command B */
  for (uint32_t w = 0; w < words; ++w) {
    uint32_t word;
    memcpy(&word, frame_buf + 4u * w, 4);
    wr(TX_DATA, word);
  }
  for (uint32_t n = (rd(TX_FIFO_INF) >> 16) & 0xFFu; n > 0; --n) {
    (void)rd(TX_STATUS);
  }
  return ERR_OK;
}

err_t lan9118_netif_init(struct netif* netif) {
  if (rd(BYTE_TEST) != 0x87654321u) {
    return ERR_IF;
  }
  wr(HW_CFG, 1u); /* soft reset */
  uint32_t i = 0;
  while ((rd(HW_CFG) & 1u) != 0 && ++i < POLL_LIMIT) {
  }
  while ((rd(PMT_CTRL) & 1u) == 0 && ++i < 2 * POLL_LIMIT) {
  }
  wr(HW_CFG, (rd(HW_CFG) & ~(0xFu << 16)) | (5u << 16)); /* 5 KiB TX FIFO */
  uint32_t low = 0;
  uint32_t high = 0;
  if (!csr_read(ADDRL, &low) || !csr_read(ADDRH, &high)) {
    return ERR_IF;
  }
  netif->hwaddr_len = 6;
  for (int b = 0; b < 4; ++b) {
    netif->hwaddr[b] = (u8_t)(low >> (8 * b));
  }
  netif->hwaddr[4] = (u8_t)high;
  netif->hwaddr[5] = (u8_t)(high >> 8);
  wr(RX_CFG, 0);
  wr(TX_CFG, 1u << 1); /* TX on */
  /* RX and TX on, all multicast (neighbour discovery), full duplex */
  if (!csr_write(MAC_CR, (1u << 2) | (1u << 3) | (1u << 19) | (1u << 20))) {
    return ERR_IF;
  }
  netif->name[0] = 'e';
  netif->name[1] = 'n';
  netif->mtu = 1500;
#if LWIP_IPV6
  netif->mtu6 = 1500;
  netif->output_ip6 = ethip6_output;
#endif
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
                 NETIF_FLAG_MLD6;
  netif->output = etharp_output;
  netif->linkoutput = low_output;
  return ERR_OK;
}

void lan9118_netif_poll(struct netif* netif) {
  for (int n = 0; n < 16; ++n) {
    if (((rd(RX_FIFO_INF) >> 16) & 0xFFu) == 0) {
      return;
    }
    const uint32_t status = rd(RX_STATUS);
    const uint32_t with_fcs = (status >> 16) & 0x3FFFu;
    const uint32_t words = (with_fcs + 3u) / 4u;
    const int bad = (status & (1u << 15)) != 0 || with_fcs < 18u || with_fcs - 4u > FRAME_MAX;
    for (uint32_t w = 0; w < words; ++w) {
      const uint32_t word = rd(RX_DATA);
      if (!bad) {
        memcpy(frame_buf + 4u * w, &word, 4);
      }
    }
    if (bad) {
      continue;
    }
    const u16_t length = (u16_t)(with_fcs - 4u);
    if (lan9118_rx_screen != NULL && lan9118_rx_screen(frame_buf, length, netif) != 0) {
      continue; /* dropped before it took a buffer */
    }
    struct pbuf* p = pbuf_alloc(PBUF_RAW, length, PBUF_POOL);
    if (p == NULL) {
      continue;
    }
    pbuf_take(p, frame_buf, length);
    if (netif->input(p, netif) != ERR_OK) {
      pbuf_free(p);
    }
  }
}
