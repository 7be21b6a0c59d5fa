// SPDX-License-Identifier: Apache-2.0
/*
 * Portcullis' lwIP hooks. An lwIP firmware adopts the early filter with one line in its
 * lwipopts.h:
 *     #define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"
 * and by linking portcullis_stack (which brings the filter, the counters and the compiled
 * policy). C-compatible: lwIP includes this from its C sources.
 *
 * A firmware with input hooks of its own keeps them: it names them (in lwipopts.h, or in its own
 * hook file before including this one) and Portcullis calls them after its own judgement:
 *     #define PORTCULLIS_NEXT_IP4_INPUT_HOOK my_ip4_input_hook
 *     #define PORTCULLIS_NEXT_IP6_INPUT_HOOK my_ip6_input_hook
 * each `int f(struct pbuf* p, struct netif* inp)` with lwIP's hook contract (1: consumed, the
 * hook freed p). Order: Portcullis first; a packet it drops never reaches the firmware's hook;
 * a packet it passes does, and lwIP gets the firmware hook's answer. Defining
 * LWIP_HOOK_IP4_INPUT / LWIP_HOOK_IP6_INPUT directly beside this file is an error.
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

#if defined(LWIP_HOOK_IP4_INPUT) || defined(LWIP_HOOK_IP6_INPUT)
#error "Portcullis defines LWIP_HOOK_IP4_INPUT/IP6_INPUT: name your own hooks in PORTCULLIS_NEXT_IP4_INPUT_HOOK / PORTCULLIS_NEXT_IP6_INPUT_HOOK instead (portcullis/stack/lwip_hooks.h)"
#endif

/* The firmware's own hooks, called for what Portcullis passes; none: lwIP goes on (0). */
#if defined(PORTCULLIS_NEXT_IP4_INPUT_HOOK)
#ifdef __cplusplus
extern "C"
#endif
    int
    PORTCULLIS_NEXT_IP4_INPUT_HOOK(struct pbuf* p, struct netif* inp);
#define PORTCULLIS_NEXT_IP4(p, inp) PORTCULLIS_NEXT_IP4_INPUT_HOOK((p), (inp))
#else
#define PORTCULLIS_NEXT_IP4(p, inp) 0
#endif
#if defined(PORTCULLIS_NEXT_IP6_INPUT_HOOK)
#ifdef __cplusplus
extern "C"
#endif
    int
    PORTCULLIS_NEXT_IP6_INPUT_HOOK(struct pbuf* p, struct netif* inp);
#define PORTCULLIS_NEXT_IP6(p, inp) PORTCULLIS_NEXT_IP6_INPUT_HOOK((p), (inp))
#else
#define PORTCULLIS_NEXT_IP6(p, inp) 0
#endif

/* PORTCULLIS_FILTER 0: plain lwIP for the flood test's baseline, without Portcullis's input
 * hooks (the firmware's own still run). */
#if !defined(PORTCULLIS_FILTER) || PORTCULLIS_FILTER
#define LWIP_HOOK_IP4_INPUT(p, inp) \
  (portcullis_ip4_input_hook((p), (inp)) || PORTCULLIS_NEXT_IP4((p), (inp)))
#define LWIP_HOOK_IP6_INPUT(p, inp) \
  (portcullis_ip6_input_hook((p), (inp)) || PORTCULLIS_NEXT_IP6((p), (inp)))
#elif defined(PORTCULLIS_NEXT_IP4_INPUT_HOOK) || defined(PORTCULLIS_NEXT_IP6_INPUT_HOOK)
#define LWIP_HOOK_IP4_INPUT(p, inp) PORTCULLIS_NEXT_IP4((p), (inp))
#define LWIP_HOOK_IP6_INPUT(p, inp) PORTCULLIS_NEXT_IP6((p), (inp))
#endif
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
  portcullis_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))

#endif /* PORTCULLIS_STACK_LWIP_HOOKS_H */
