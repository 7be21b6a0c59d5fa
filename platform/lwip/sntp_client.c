// SPDX-License-Identifier: Apache-2.0
/*
 * lwIP's SNTP client (LWIP_DIR/src/apps/sntp/sntp.c), compiled as part of this file so that
 * its one PCB, static in sntp.c, has a name the listener audit can ask for: the PCB is
 * unconnected and bound to a random port, which would otherwise read as a listener.
 * firmware/stack/time_sync.cpp drives the client; lwipopts.h sets its options.
 */
#include "lwip/opt.h"

#if PORTCULLIS_LWIP_SNTP
#include "lwip/udp.h"

/* SNTP_SET_SYSTEM_TIME_US (lwipopts.h): an answer lwIP accepted goes to the sink that
   firmware/stack/time_sync.cpp registers (a pointer, so lwIP links nothing of the agent's). */
static void (*time_sink)(u32_t sec, u32_t us);

void portcullis_sntp_set_sink(void (*sink)(u32_t sec, u32_t us)) {
  time_sink = sink;
}

static void portcullis_sntp_set_time(u32_t sec, u32_t us) {
  if (time_sink != NULL) {
    time_sink(sec, us);
  }
}

#include "apps/sntp/sntp.c" /* NOLINT(bugprone-suspicious-include): on purpose, above */

const struct udp_pcb* portcullis_sntp_pcb(void) {
  return sntp_pcb;
}
#endif
