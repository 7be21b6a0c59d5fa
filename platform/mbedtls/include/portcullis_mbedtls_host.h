// SPDX-License-Identifier: Apache-2.0
/*
 * Host builds only (Linux: the host-linux board, unit tests, fleet poller), layered on
 * portcullis_mbedtls_config.h through MBEDTLS_USER_CONFIG_FILE by cmake/mbedtls.cmake.
 * Same protocol, suite, curve, record sizes and arena as the device; these add what a
 * machine with a clock and files can use.
 */
#ifndef PORTCULLIS_MBEDTLS_HOST_H
#define PORTCULLIS_MBEDTLS_HOST_H

#define MBEDTLS_PLATFORM_STD_TIME time /* the host's clock, until a device's wall clock is set */
#undef MBEDTLS_PLATFORM_GMTIME_R_ALT   /* libc's gmtime_r */
#undef MBEDTLS_PLATFORM_MS_TIME_ALT    /* libc's clock_gettime */
#define MBEDTLS_PEM_PARSE_C     /* tools read PKI_DIR's PEM files (ca.crt, mgmt.crt, mgmt.key) */
#define MBEDTLS_BASE64_C        /* PEM's encoding */
#define MBEDTLS_ERROR_C         /* mbedtls_strerror: error text for the tools' messages */
#undef MBEDTLS_X509_REMOVE_INFO /* mbedtls_x509_crt_verify_info: "expired", "not trusted", ... */
#undef MBEDTLS_PLATFORM_NO_STD_FUNCTIONS /* libc defaults: tools may run on the C heap */

#endif /* PORTCULLIS_MBEDTLS_HOST_H */
