# SPDX-License-Identifier: Apache-2.0
# Mbed TLS 3.6 LTS built from MBEDTLS_DIR as a library of its own with our configuration
# (platform/mbedtls/include/portcullis_mbedtls_config.h; host builds layer
# portcullis_mbedtls_host.h on it). Everything the config leaves out compiles to nothing, so
# the whole library/ folder is listed. Every source includes mbedtls/check_config.h, so a
# contradictory configuration fails the build of this target.

if(NOT EXISTS "${MBEDTLS_DIR}/include/mbedtls/build_info.h")
  message(FATAL_ERROR "MBEDTLS_DIR=${MBEDTLS_DIR} is not an Mbed TLS source tree")
endif()
file(STRINGS "${MBEDTLS_DIR}/include/mbedtls/build_info.h" _mbedtls_ver
     REGEX "#define MBEDTLS_VERSION_STRING ")
string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" _mbedtls_ver "${_mbedtls_ver}")
if(_mbedtls_ver VERSION_LESS 3.6 OR _mbedtls_ver VERSION_GREATER_EQUAL 3.7)
  message(FATAL_ERROR "Mbed TLS ${_mbedtls_ver} in ${MBEDTLS_DIR}: Portcullis needs the 3.6 LTS branch")
endif()

option(PORTCULLIS_TLS13 "Also compile TLS 1.3 (TLS_AES_128_GCM_SHA256; pulls in the PSA crypto core)" OFF)

file(GLOB _mbedtls_srcs CONFIGURE_DEPENDS "${MBEDTLS_DIR}/library/*.c")
add_library(mbedtls STATIC ${_mbedtls_srcs})
target_include_directories(mbedtls SYSTEM PUBLIC "${PROJECT_SOURCE_DIR}/platform/mbedtls/include"
                                                 "${MBEDTLS_DIR}/include")
target_include_directories(mbedtls PRIVATE "${MBEDTLS_DIR}/library")
target_compile_definitions(mbedtls PUBLIC MBEDTLS_CONFIG_FILE="portcullis_mbedtls_config.h"
                                          PORTCULLIS_MBEDTLS_TLS13=$<BOOL:${PORTCULLIS_TLS13}>)
if(PORTCULLIS_PLATFORM STREQUAL "posix")
  target_compile_definitions(mbedtls PUBLIC MBEDTLS_USER_CONFIG_FILE="portcullis_mbedtls_host.h")
endif()
target_compile_options(mbedtls PRIVATE -w)
unset(_mbedtls_srcs)
