// SPDX-License-Identifier: Apache-2.0
/*
 * What Portcullis needs of an lwIP build, checked against whatever lwipopts.h the firmware
 * compiles lwIP with (ours, or a customer's own): each missing option stops the build with a
 * sentence naming it. Included by the stack module's sources (input_filter.cpp); the management
 * module checks what it needs besides (LWIP_ALTCP, LWIP_ALTCP_TLS) in altcp_tls.cpp.
 * C-compatible.
 */
#ifndef PORTCULLIS_STACK_LWIP_REQUIREMENTS_H
#define PORTCULLIS_STACK_LWIP_REQUIREMENTS_H

#include "lwip/opt.h"

#if !LWIP_IPV4
#error "Portcullis needs LWIP_IPV4 1: the filter judges every IPv4 packet (IPv6 is optional)"
#endif
#if !LWIP_TCP
#error "Portcullis needs LWIP_TCP 1: the filter finds a segment's connection in lwIP's TCP PCB lists"
#endif
#if !LWIP_UDP
#error "Portcullis needs LWIP_UDP 1: the filter finds a datagram's socket in lwIP's UDP PCB list"
#endif
#if !MEMP_STATS && LWIP_STATS
#error "Portcullis needs MEMP_STATS 1 when LWIP_STATS is 1: the status reports each pool's use"
#endif

#endif /* PORTCULLIS_STACK_LWIP_REQUIREMENTS_H */
