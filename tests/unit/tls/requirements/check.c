/* Portcullis's Mbed TLS requirements against the configuration MBEDTLS_CONFIG_FILE names. */
#include "portcullis/platform/mbedtls_requirements.h"
