// SPDX-License-Identifier: Apache-2.0
/* lwIP's compiler/platform glue for every Portcullis board (GCC, little-endian). */
#ifndef PORTCULLIS_ARCH_CC_H
#define PORTCULLIS_ARCH_CC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An lwIP assertion is an impossible state: it goes to the one fatal hook. On the device its
   message would cost flash (lwIP's assertion texts are about 3.6 KiB): the report names the
   address of the failed check instead (arm-none-eabi-addr2line -e IMAGE ADDRESS gives the
   file and line). Host builds keep the message. */
void portcullis_lwip_assert(const char* message, const char* file, int line) __attribute__((noreturn));
void portcullis_lwip_assert_at(void) __attribute__((noreturn, noinline));
/* Random numbers lwIP needs (ports, ND timers), from firmware/stack. */
uint32_t portcullis_lwip_rand(void);

#ifdef __cplusplus
}
#endif

/* SYS_ARCH_PROTECT's saved state (NO_SYS=0 only; the host's POSIX port ignores it). */
typedef unsigned int sys_prot_t;

#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
  } while (0)
#if defined(__arm__)
#define LWIP_PLATFORM_ASSERT(x) portcullis_lwip_assert_at()
#else
#define LWIP_PLATFORM_ASSERT(x) portcullis_lwip_assert((x), __FILE__, __LINE__)
#endif
#define LWIP_RAND() portcullis_lwip_rand()

#endif /* PORTCULLIS_ARCH_CC_H */
