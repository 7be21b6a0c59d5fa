/*
 * Portcullis' lwIP hooks. An lwIP firmware adopts the early filter with one line in its
 * lwipopts.h:
 *     #define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"
 * and by linking portcullis_stack (which brings the filter, the counters and the compiled
 * policy). C-compatible: lwIP includes this from its C sources.
 */
#ifndef PORTCULLIS_STACK_LWIP_HOOKS_H
#define PORTCULLIS_STACK_LWIP_HOOKS_H

#include "lwip/arch.h"
#include "lwip/ip_addr.h"

struct pbuf;
struct netif;

#ifdef __cplusplus
extern "C" {
#endif

/* Return 1 when the packet was consumed (dropped: the pbuf is freed), 0 to let lwIP go on. */
int portcullis_ip4_input_hook(struct pbuf* p, struct netif* inp);
int portcullis_ip6_input_hook(struct pbuf* p, struct netif* inp);
/* RFC 6528 initial sequence numbers under a per-boot secret (firmware/stack/lwip_port.cpp). */
u32_t portcullis_tcp_isn(const ip_addr_t* local_ip, u16_t local_port, const ip_addr_t* remote_ip,
                         u16_t remote_port);

#ifdef __cplusplus
}
#endif

/* PORTCULLIS_FILTER 0: plain lwIP for the flood test's baseline, without the input hooks. */
#if !defined(PORTCULLIS_FILTER) || PORTCULLIS_FILTER
#define LWIP_HOOK_IP4_INPUT(p, inp) portcullis_ip4_input_hook((p), (inp))
#define LWIP_HOOK_IP6_INPUT(p, inp) portcullis_ip6_input_hook((p), (inp))
#endif
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
  portcullis_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))

#endif /* PORTCULLIS_STACK_LWIP_HOOKS_H */
