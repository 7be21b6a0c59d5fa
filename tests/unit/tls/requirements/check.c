// SPDX-License-Identifier: Apache-2.0
/* Portcullis's Mbed TLS requirements against the configuration MBEDTLS_CONFIG_FILE names. */
#include "portcullis/platform/mbedtls_requirements.h"
