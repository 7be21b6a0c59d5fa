/*
 * Portcullis' lwIP hooks. An lwIP firmware adopts the early filter with one line in its
 * lwipopts.h:
 *     #define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"
 * and by linking portcullis_stack (which brings the filter, the counters and the compiled
 * policy). C-compatible: lwIP includes this from its C sources.
 */
#ifndef PORTCULLIS_STACK_LWIP_HOOKS_H
#define PORTCULLIS_STACK_LWIP_HOOKS_H

struct pbuf;
struct netif;

#ifdef __cplusplus
extern "C" {
#endif

/* Return 1 when the packet was consumed (dropped: the pbuf is freed), 0 to let lwIP go on. */
int portcullis_ip4_input_hook(struct pbuf* p, struct netif* inp);
int portcullis_ip6_input_hook(struct pbuf* p, struct netif* inp);

#ifdef __cplusplus
}
#endif

#define LWIP_HOOK_IP4_INPUT(p, inp) portcullis_ip4_input_hook((p), (inp))
#define LWIP_HOOK_IP6_INPUT(p, inp) portcullis_ip6_input_hook((p), (inp))

#endif /* PORTCULLIS_STACK_LWIP_HOOKS_H */
