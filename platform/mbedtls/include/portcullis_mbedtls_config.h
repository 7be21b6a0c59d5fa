/*
 * Everything compiled into Mbed TLS 3.6 for Portcullis, with why.
 * For now only the primitives the mTLS endpoint will rest on are enabled; the TLS
 * protocol modules, the X.509 parser and the static arena arrive with the status
 * endpoint, each added here with its reason.
 */
#ifndef PORTCULLIS_MBEDTLS_CONFIG_H
#define PORTCULLIS_MBEDTLS_CONFIG_H

/* ---- platform: bare metal, no OS services ------------------------------------------- */
#define MBEDTLS_PLATFORM_C             /* indirection for calloc/free so a static arena can serve them */
#define MBEDTLS_PLATFORM_MEMORY        /* idem */
#define MBEDTLS_NO_PLATFORM_ENTROPY    /* no /dev/urandom on the device: entropy comes from the HAL */
#define MBEDTLS_DEPRECATED_REMOVED     /* no legacy APIs */

/* ---- primitives of the fleet's TLS suite: ECDHE-ECDSA-AES128-GCM-SHA256 on P-256 ---- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES         /* tables in flash, not RAM */
#define MBEDTLS_AES_FEWER_TABLES       /* 6 KiB less flash for a little speed */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_SHA224_C               /* SHA-256's module requires its sibling */
#define MBEDTLS_SHA256_C
#define MBEDTLS_MD_C
#define MBEDTLS_HMAC_DRBG_C            /* deterministic ECDSA */
#define MBEDTLS_CTR_DRBG_C             /* the DRBG for key exchange */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED /* P-256 only */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C

#endif /* PORTCULLIS_MBEDTLS_CONFIG_H */
