// SPDX-License-Identifier: Apache-2.0
/*
 * What Portcullis's TLS (the status endpoint, the push) needs of an Mbed TLS 3.6 build,
 * checked against whatever configuration the firmware compiles Mbed TLS with (ours,
 * portcullis_mbedtls_config.h, or a vendor's own): each missing feature stops the build with a
 * sentence naming it. Included by platform/mbedtls/tls.cpp. C-compatible.
 */
#ifndef PORTCULLIS_PLATFORM_MBEDTLS_REQUIREMENTS_H
#define PORTCULLIS_PLATFORM_MBEDTLS_REQUIREMENTS_H

#include "mbedtls/build_info.h"

#if MBEDTLS_VERSION_MAJOR != 3 || MBEDTLS_VERSION_MINOR < 6
#error "Portcullis needs Mbed TLS 3.6 or a later 3.x (the 3.6 LTS API)"
#endif
#if !defined(MBEDTLS_SSL_SRV_C)
#error "Portcullis needs MBEDTLS_SSL_SRV_C: the status endpoint is a TLS server"
#endif
#if !defined(MBEDTLS_SSL_CLI_C)
#error "Portcullis needs MBEDTLS_SSL_CLI_C: the MQTT push is a TLS client"
#endif
#if !defined(MBEDTLS_SSL_PROTO_TLS1_2)
#error "Portcullis needs MBEDTLS_SSL_PROTO_TLS1_2: the fleet's one TLS version"
#endif
#if !defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED) || !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#error "Portcullis needs MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED and MBEDTLS_ECP_DP_SECP256R1_ENABLED: the fleet's certificates are ECDSA P-256"
#endif
#if !defined(MBEDTLS_GCM_C) || !defined(MBEDTLS_AES_C)
#error "Portcullis needs MBEDTLS_GCM_C and MBEDTLS_AES_C: the fleet's suite is ECDHE-ECDSA-AES128-GCM-SHA256"
#endif
#if !defined(MBEDTLS_X509_CRT_PARSE_C) || !defined(MBEDTLS_PK_PARSE_C)
#error "Portcullis needs MBEDTLS_X509_CRT_PARSE_C and MBEDTLS_PK_PARSE_C: the device's identity record holds DER"
#endif
#if !defined(MBEDTLS_HMAC_DRBG_C) || !defined(MBEDTLS_ENTROPY_C)
#error "Portcullis needs MBEDTLS_HMAC_DRBG_C and MBEDTLS_ENTROPY_C: every random number comes from its DRBG"
#endif
#if !defined(MBEDTLS_ENTROPY_NV_SEED) || !defined(MBEDTLS_PLATFORM_NV_SEED_ALT)
#error "Portcullis needs MBEDTLS_ENTROPY_NV_SEED and MBEDTLS_PLATFORM_NV_SEED_ALT: the device's seed record or log"
#endif
#if !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C) || !defined(MBEDTLS_PLATFORM_MEMORY)
#error "Portcullis needs MBEDTLS_MEMORY_BUFFER_ALLOC_C and MBEDTLS_PLATFORM_MEMORY: TLS runs in a fixed arena, no heap"
#endif

#endif /* PORTCULLIS_PLATFORM_MBEDTLS_REQUIREMENTS_H */
