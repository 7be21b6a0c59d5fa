// SPDX-License-Identifier: Apache-2.0
/*
 * Everything compiled into Mbed TLS 3.6 for Portcullis, with why (platform/mbedtls/README.md
 * has the measurements behind the numbers). One configuration for every build: the firmware
 * boards, the host board, the unit tests and the host tools. Host builds layer
 * portcullis_mbedtls_host.h on top (MBEDTLS_USER_CONFIG_FILE, set by cmake/mbedtls.cmake): a
 * wall clock for certificate validity, PEM and error strings for the tools.
 *
 * Protocol: TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256, P-256 only, certificates required on both
 * sides (the TLS layer sets MBEDTLS_SSL_VERIFY_REQUIRED); server (status endpoint) and client
 * (MQTT push, fleet poller). TLS 1.3 works but is left out by default: it needs the PSA crypto
 * core, +23.6 KiB of flash on the Cortex-M3, which the 128 KiB image cannot spare (README);
 * cmake -DPORTCULLIS_TLS13=ON builds it (PORTCULLIS_MBEDTLS_TLS13=1).
 */
#ifndef PORTCULLIS_MBEDTLS_CONFIG_H
#define PORTCULLIS_MBEDTLS_CONFIG_H

#if !defined(PORTCULLIS_MBEDTLS_TLS13)
#define PORTCULLIS_MBEDTLS_TLS13 0
#endif

/* ---- platform: bare metal, no OS services --------------------------------------------- */
#define MBEDTLS_PLATFORM_C                /* indirection for calloc/free/exit */
#define MBEDTLS_PLATFORM_MEMORY           /* calloc/free settable at run time: the static arena */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C     /* the fixed static arena (platform::tls_init) */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8   /* uint64_t members (GCM tables); UBSan checks it */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS /* no libc calloc/exit/printf: no newlib heap linked */
#define MBEDTLS_PLATFORM_EXIT_ALT         /* arena corruption -> hal::fatal (set by tls_init) */
#define MBEDTLS_NO_PLATFORM_ENTROPY       /* no /dev/urandom on the device: HAL entropy instead */
#define MBEDTLS_ENTROPY_NV_SEED       /* a seed kept across uses: the QEMU board's only entropy */
#define MBEDTLS_PLATFORM_NV_SEED_ALT  /* its read/write set at run time by platform::tls_init */
#define MBEDTLS_ENTROPY_FORCE_SHA256  /* accumulator on SHA-256: SHA-512 is not compiled */
#define MBEDTLS_HAVE_ASM              /* bignum multiply-accumulate in assembly: -7% instructions */
#define MBEDTLS_DEPRECATED_REMOVED    /* no legacy APIs */
#define MBEDTLS_HAVE_TIME             /* certificate validity dates are checked ... */
#define MBEDTLS_HAVE_TIME_DATE        /* ... against the device's wall clock (SNTP): */
#define MBEDTLS_PLATFORM_TIME_ALT     /* platform::tls_use_wall_clock() sets mbedtls_time; */
                                      /* until the time is known, the image's floor date */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT /* date from seconds: ours (base/civil_time.hpp), */
                                      /* not newlib's gmtime and its locks */
#define MBEDTLS_PLATFORM_MS_TIME_ALT  /* milliseconds (TLS 1.3 tickets, PSA's seeding): */
                                      /* the wall clock's, as mbedtls_time */
/* Not defined, on purpose:
 *   MBEDTLS_FS_IO, MBEDTLS_NET_C, MBEDTLS_TIMING_C: no files, no sockets (altcp), no OS timers.
 *   MBEDTLS_THREADING_C: one TLS thread (lwIP's super-loop or tcpip thread). */

/* ---- primitives of the suite ---------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH /* the suite's AES-128 only: 272 B less flash */
#define MBEDTLS_AES_ROM_TABLES              /* AES tables in flash, not RAM */
#define MBEDTLS_AES_FEWER_TABLES            /* 3 KiB less flash, no measurable time */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT     /* GCM only encrypts: 2.4 KiB less flash */
#define MBEDTLS_CIPHER_C                    /* the cipher layer TLS 1.2 records go through */
#define MBEDTLS_GCM_C                       /* AES-128-GCM records */
#define MBEDTLS_SHA256_C                    /* handshake hash, PRF, ECDSA-SHA256, entropy, DRBGs */
                                            /* (SHA-224, its sibling, is not needed: -228 B) */
#define MBEDTLS_SHA256_SMALLER        /* the rolled-up SHA-256: 1.4 KiB less flash, ~1% time */
#define MBEDTLS_MD_C                  /* HMAC for the TLS 1.2 PRF and HMAC_DRBG */
#define MBEDTLS_HMAC_DRBG_C           /* the DRBG everything draws from (platform::tls_rng), */
                                      /* and deterministic ECDSA's: on SHA-256, which TLS */
                                      /* needs anyway (no CTR_DRBG: 1.4 KiB less flash) */
#define MBEDTLS_ENTROPY_C             /* the accumulator that seeds the HMAC_DRBG */
#define MBEDTLS_ENTROPY_MAX_SOURCES 2 /* the NV seed and the HAL's source: not 20 slots */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED /* P-256 only: the one curve our certificates use */
#define MBEDTLS_ECP_NIST_OPTIM           /* fast P-256 reduction: 5x fewer instructions, 0.8 KiB */
#define MBEDTLS_ECP_WINDOW_SIZE 2        /* handshake peak 13.5 KiB, not 15.9 (w=4), +10% time */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1  /* -38% handshake time for 1.6 KiB flash, same peak */
#define MBEDTLS_ECDH_C                   /* ECDHE key exchange */
#define MBEDTLS_ECDSA_C             /* ECDSA signatures (ServerKeyExchange, CertificateVerify) */
#define MBEDTLS_ECDSA_DETERMINISTIC /* RFC 6979: no nonce from the RNG */
#define MBEDTLS_ASN1_PARSE_C        /* certificates, keys, signatures */
#define MBEDTLS_ASN1_WRITE_C        /* ECDSA signatures are DER */
#define MBEDTLS_OID_C               /* X.509 extension and algorithm identifiers */
#define MBEDTLS_PK_C                /* the key abstraction TLS uses */
#define MBEDTLS_PK_PARSE_C          /* the device key from DER */

/* ---- X.509: certificate chains (device or management cert + the fleet CA) ------------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 1 /* leaf <- fleet CA; bounds verification work */
#define MBEDTLS_X509_REMOVE_INFO /* no certificate-to-text code on the device (host: on) */

/* ---- TLS ------------------------------------------------------------------------------ */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C /* status endpoint */
#define MBEDTLS_SSL_CLI_C /* MQTT push to the broker; the fleet poller on the host */
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED /* the only key exchange: forward secret, ECDSA \
                                                  */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET /* RFC 7627: master secret bound to the handshake */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH    /* RFC 6066: peers may agree on small records */
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES /* tell a refused client why (clear curl/poller errors) */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION /* the push names the broker it wants (RFC 6066): a \
                                              broker reached by name may serve several */
#ifndef PORTCULLIS_TLS_IN_CONTENT_LEN /* a board may set 2048 (PORTCULLIS_BOARD_DEFINITIONS): */
#define PORTCULLIS_TLS_IN_CONTENT_LEN 4096 /* 2 KiB less per session; a request head over 2 KiB */
#endif                                     /* then ends in record_overflow instead of a 431 */
#define MBEDTLS_SSL_IN_CONTENT_LEN PORTCULLIS_TLS_IN_CONTENT_LEN /* whole records are buffered */
/* to be authenticated: the largest we receive is a */
/* client's certificate flight (~0.7 KiB), a request */
/* (bounded below 4 KiB), a broker's record (2 KiB by */
/* max_fragment_length) */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048 /* our largest handshake message is the Certificate */
                                         /* (~1.1 KiB); longer responses go out in more records */
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
/* Not defined, on purpose: MBEDTLS_SSL_RENEGOTIATION (off: no mid-connection re-handshakes),
 * MBEDTLS_SSL_SESSION_TICKETS / MBEDTLS_SSL_TICKET_C / MBEDTLS_SSL_CACHE_C (session-ID
 * resumption uses our own fixed cache instead: platform/tls_session_cache.hpp),
 * MBEDTLS_SSL_KEEP_PEER_CERTIFICATE (TLS 1.2: the peer's certificate is freed after the
 * handshake; the verify callback sees it while it is checked), MBEDTLS_SSL_ENCRYPT_THEN_MAC
 * (CBC only), MBEDTLS_SSL_ALPN, MBEDTLS_SSL_PROTO_DTLS, MBEDTLS_SSL_CONTEXT_SERIALIZATION,
 * MBEDTLS_SSL_KEYING_MATERIAL_EXPORT, MBEDTLS_SSL_DEBUG_C, MBEDTLS_PEM_PARSE_C (credentials
 * are DER in the image; host: on), MBEDTLS_ERROR_C (host: on). */

/* ---- TLS 1.3 (PORTCULLIS_MBEDTLS_TLS13=1): TLS_AES_128_GCM_SHA256, ECDHE on P-256 ------ */
#if PORTCULLIS_MBEDTLS_TLS13
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED /* certificates, no PSK */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* Mbed TLS 3.6's TLS 1.3 code requires it */
#define MBEDTLS_PSA_CRYPTO_C              /* TLS 1.3's key schedule (HKDF) runs on PSA */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG   /* PSA draws from our HMAC_DRBG (platform::tls_rng) */
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8      /* a few volatile keys per handshake, not 32 */
#define MBEDTLS_HKDF_C                    /* HKDF for the key schedule */
#undef MBEDTLS_SSL_CIPHERSUITES
#define MBEDTLS_SSL_CIPHERSUITES \
  MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#endif

#endif /* PORTCULLIS_MBEDTLS_CONFIG_H */
