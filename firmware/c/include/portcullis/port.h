// SPDX-License-Identifier: Apache-2.0
/*
 * What a port of Portcullis gives, for a C or C++ firmware (docs/porting.md; the ports we have
 * are in ports/). One function, always:
 *
 *   portcullis_port_fatal()    Portcullis found its state broken: log the reason and reset.
 *
 * The rest the firmware hands over where it starts Portcullis, as arguments, not as functions
 * to define: with the agent (portcullis/agent.h, struct portcullis_agent_config) a millisecond
 * clock and a console as functions, the identity record's region (the credentials store) and
 * the NV seed record's memory (the entropy seed store); with the filter alone
 * (portcullis/portcullis.h) 32 bytes from the TRNG. lwIP's sys_now() stays the firmware's own.
 * Optional, C++: portcullis::platform::stack_use() (portcullis/platform/stack_use.hpp) for the
 * status's stack figures.
 */
#ifndef PORTCULLIS_PORT_H
#define PORTCULLIS_PORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `reason` is `length` bytes, not NUL-terminated. Never returns. */
#if defined(__cplusplus)
[[noreturn]]
#elif defined(__GNUC__)
__attribute__((noreturn))
#endif
void portcullis_port_fatal(const char* reason, size_t length);

#ifdef __cplusplus
}
#endif

#endif /* PORTCULLIS_PORT_H */
