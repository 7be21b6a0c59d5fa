// SPDX-License-Identifier: Apache-2.0
/* The firmware's own lwIP architecture header: newlib's types, asserts to the console. */
#ifndef OWN_ARCH_CC_H
#define OWN_ARCH_CC_H

#include <stdint.h>
#include <stdlib.h>

void own_assert(const char* message);
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x) own_assert(x)
#define LWIP_ERR_T int
#define LWIP_NO_INTTYPES_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "lu"
#define S32_F "ld"
#define X32_F "lx"
#define SZT_F "u"

#endif
