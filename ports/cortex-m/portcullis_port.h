// SPDX-License-Identifier: Apache-2.0
/* Portcullis's bare-metal Cortex-M port (portcullis_port.c). */
#ifndef PORTCULLIS_PORT_CORTEX_M_H
#define PORTCULLIS_PORT_CORTEX_M_H
#ifdef __cplusplus
extern "C" {
#endif
/* Why the last reset was Portcullis's (NUL-terminated), once after it; NULL when it was not. */
const char* portcullis_port_take_last_fatal(void);
#ifdef __cplusplus
}
#endif
#endif
