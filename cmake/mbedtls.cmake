# Mbed TLS 3.6 LTS built from MBEDTLS_DIR as a library of its own with our configuration
# (platform/mbedtls/include/portcullis_mbedtls_config.h). Everything the config leaves out
# compiles to nothing, so the whole library/ folder is listed.

if(NOT EXISTS "${MBEDTLS_DIR}/include/mbedtls/build_info.h")
  message(FATAL_ERROR "MBEDTLS_DIR=${MBEDTLS_DIR} is not an Mbed TLS source tree")
endif()
file(STRINGS "${MBEDTLS_DIR}/include/mbedtls/build_info.h" _mbedtls_ver
     REGEX "#define MBEDTLS_VERSION_STRING ")
string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" _mbedtls_ver "${_mbedtls_ver}")
if(_mbedtls_ver VERSION_LESS 3.6 OR _mbedtls_ver VERSION_GREATER_EQUAL 3.7)
  message(FATAL_ERROR "Mbed TLS ${_mbedtls_ver} in ${MBEDTLS_DIR}: Portcullis needs the 3.6 LTS branch")
endif()

file(GLOB _mbedtls_srcs CONFIGURE_DEPENDS "${MBEDTLS_DIR}/library/*.c")
add_library(mbedtls STATIC ${_mbedtls_srcs})
target_include_directories(mbedtls SYSTEM PUBLIC "${CMAKE_SOURCE_DIR}/platform/mbedtls/include"
                                                 "${MBEDTLS_DIR}/include")
target_include_directories(mbedtls PRIVATE "${MBEDTLS_DIR}/library")
target_compile_definitions(mbedtls PUBLIC MBEDTLS_CONFIG_FILE="portcullis_mbedtls_config.h")
target_compile_options(mbedtls PRIVATE -w)
unset(_mbedtls_srcs)
