// SPDX-License-Identifier: Apache-2.0
/* A firmware that defines lwIP's input hook itself and also takes Portcullis's hook file: the
 * build must stop and say what to do instead (tests/unit/stack/CMakeLists.txt compiles this
 * and expects Portcullis's #error). */
#define LWIP_HOOK_IP4_INPUT(p, inp) 0
#include "portcullis/stack/lwip_hooks.h"
