// SPDX-License-Identifier: Apache-2.0
/* Portcullis's own Mbed TLS configuration without the TLS server (tests/unit/tls/CMakeLists.txt:
 * Portcullis's requirements header must name MBEDTLS_SSL_SRV_C). */
#include "portcullis_mbedtls_config.h"
#undef MBEDTLS_SSL_SRV_C
