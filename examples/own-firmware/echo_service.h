// SPDX-License-Identifier: Apache-2.0
#ifndef OWN_ECHO_SERVICE_H
#define OWN_ECHO_SERVICE_H
#ifdef __cplusplus
extern "C" {
#endif
/* Listens on tcp 7 (IPv4 and IPv6); 1 when it does. */
int echo_service_start(void);
#ifdef __cplusplus
}
#endif
#endif
