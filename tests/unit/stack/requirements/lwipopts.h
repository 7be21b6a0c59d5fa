// SPDX-License-Identifier: Apache-2.0
/* A customer's lwipopts.h without TCP (tests/unit/stack/CMakeLists.txt: Portcullis's
 * requirements header must name LWIP_TCP). */
#ifndef TEST_LWIPOPTS_H
#define TEST_LWIPOPTS_H
#define NO_SYS 1
#define LWIP_TCP 0
#endif
