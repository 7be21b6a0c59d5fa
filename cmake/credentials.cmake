# SPDX-License-Identifier: Apache-2.0
# The build's device and its TLS credentials at configure time (platform/mbedtls/README.md,
# tools/README.md). Images hold none of them: a device reads its identity from a record
# provisioned apart from the image (firmware/identity, tools/pki provision).
#
# 1. PORTCULLIS_PKI_DIR (default <build>/pki): when it is the default, `tools/pki create`
#    makes or refreshes it for PORTCULLIS_DEVICE_ID (idempotent: a second run changes
#    nothing); any other folder is reused as it is (layout of tools/pki; at least ca.crt,
#    device.crt, device.key) and only checked.
# 2. Checks with openssl that device.crt chains to ca.crt for TLS server use, that device.key
#    is its key and that its CN is PORTCULLIS_DEVICE_ID; anything else stops CMake.
# 3. Writes <build>/identity.bin (PORTCULLIS_IDENTITY_RECORD), the identity record of the build's
#    device (tools/lib/identity_record.py, as `tools/pki provision` writes one): tools/lab
#    places it in the device's identity region at every boot, as a factory would.
# 4. Generates <build>/generated-credentials/portcullis/credentials/device_credentials.hpp:
#    the device id and the CA certificate, device certificate and device key as constexpr DER
#    arrays (target portcullis_credentials), for tests, benchmarks and the TLS probe only:
#    no image links it. Both hold a private key: they stay in the build folder (mode 0600)
#    and are never committed.
# Changing a file in the PKI folder re-runs this on the next build. tools/lab hands the same
# folder to the management side as PKI_DIR.

find_program(PORTCULLIS_OPENSSL openssl NO_CMAKE_FIND_ROOT_PATH
             DOC "openssl, for the build's PKI (tools/pki) and its DER conversion")
find_program(PORTCULLIS_BASH bash NO_CMAKE_FIND_ROOT_PATH DOC "bash, to run tools/pki")
if(NOT PORTCULLIS_OPENSSL OR NOT PORTCULLIS_BASH)
  message(FATAL_ERROR "openssl and bash are needed for the build's credentials: run tools/bootstrap")
endif()

set(PORTCULLIS_DEVICE_ID "${PORTCULLIS_DEVICE_ID_DEFAULT}" CACHE STRING
    "Device id: CN and DNS name of the device certificate, device.id in the status JSON")
set(_pki_default "${PROJECT_BINARY_DIR}/pki")
set(PORTCULLIS_PKI_DIR "${_pki_default}" CACHE PATH
    "PKI folder (tools/pki layout); the default one is made and kept current by tools/pki")
if(NOT PORTCULLIS_DEVICE_ID MATCHES "^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
  message(FATAL_ERROR "PORTCULLIS_DEVICE_ID='${PORTCULLIS_DEVICE_ID}': use letters, digits, '-' "
                      "and '.' (it is a DNS name in the device certificate)")
endif()

get_filename_component(_pki_dir "${PORTCULLIS_PKI_DIR}" ABSOLUTE)
if(_pki_dir STREQUAL _pki_default)
  execute_process(
    COMMAND "${PORTCULLIS_BASH}" "${PROJECT_SOURCE_DIR}/tools/pki" create "${_pki_dir}"
            --device-id "${PORTCULLIS_DEVICE_ID}"
    RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output
    ERROR_VARIABLE _output)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "tools/pki create ${_pki_dir} failed:\n${_output}")
  endif()
endif()
foreach(file IN ITEMS ca.crt device.crt device.key)
  if(NOT EXISTS "${_pki_dir}/${file}")
    message(FATAL_ERROR "PORTCULLIS_PKI_DIR=${_pki_dir} has no ${file} (make one with: "
                        "tools/pki create DIR --device-id ${PORTCULLIS_DEVICE_ID})")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_pki_dir}/${file}")
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tools/pki")

# _openssl(OUT_VAR args...): runs openssl, stops CMake with its message on failure.
function(_portcullis_openssl out)
  execute_process(COMMAND "${PORTCULLIS_OPENSSL}" ${ARGN}
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " args)
    message(FATAL_ERROR "openssl ${args} failed:\n${error}")
  endif()
  set(${out} "${output}" PARENT_SCOPE)
endfunction()

_portcullis_openssl(_verify verify -CAfile "${_pki_dir}/ca.crt" -purpose sslserver
                    "${_pki_dir}/device.crt")
_portcullis_openssl(_cert_pub x509 -in "${_pki_dir}/device.crt" -noout -pubkey)
_portcullis_openssl(_key_pub pkey -in "${_pki_dir}/device.key" -pubout)
if(NOT _cert_pub STREQUAL _key_pub)
  message(FATAL_ERROR "${_pki_dir}/device.key is not the key of ${_pki_dir}/device.crt")
endif()
_portcullis_openssl(_key_type pkey -in "${_pki_dir}/device.key" -noout -text)
if(NOT _key_type MATCHES "NIST CURVE: P-256")
  message(FATAL_ERROR "${_pki_dir}/device.key is not a P-256 key (the only curve the device has)")
endif()
_portcullis_openssl(_subject x509 -in "${_pki_dir}/device.crt" -noout -subject -nameopt RFC2253)
string(REGEX REPLACE "^subject=(.*,)?CN=([^,]*).*$" "\\2" _cn "${_subject}")
if(NOT _cn STREQUAL PORTCULLIS_DEVICE_ID)
  message(FATAL_ERROR "${_pki_dir}/device.crt is for device '${_cn}' but the build is for "
                      "'${PORTCULLIS_DEVICE_ID}': pass -DPORTCULLIS_DEVICE_ID=${_cn} or another "
                      "PORTCULLIS_PKI_DIR")
endif()

# portcullis_der_array(OUT_VAR PEM_FILE cert|key NAME): a C++ `inline constexpr std::array`
# named NAME holding the DER form of PEM_FILE. For the device header here and for tests.
function(portcullis_der_array out pem kind name)
  get_filename_component(stem "${pem}" NAME)
  set(der "${PROJECT_BINARY_DIR}/credentials-der/${stem}.der")
  file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/credentials-der")
  if(kind STREQUAL "key")
    _portcullis_openssl(ignored pkey -in "${pem}" -outform DER -out "${der}")
    file(CHMOD "${der}" PERMISSIONS OWNER_READ OWNER_WRITE)
  else()
    _portcullis_openssl(ignored x509 -in "${pem}" -outform DER -out "${der}")
  endif()
  file(READ "${der}" hex HEX)
  string(LENGTH "${hex}" digits)
  math(EXPR size "${digits} / 2")
  string(REGEX MATCHALL "[0-9a-f][0-9a-f]" hex "${hex}")
  set(bytes "")
  set(column 0)
  foreach(byte IN LISTS hex)
    if(column EQUAL 12)
      string(APPEND bytes ",\n    ")
      set(column 0)
    elseif(NOT bytes STREQUAL "")
      string(APPEND bytes ", ")
    endif()
    string(APPEND bytes "0x${byte}")
    math(EXPR column "${column} + 1")
  endforeach()
  set(${out} "inline constexpr std::array<std::uint8_t, ${size}> ${name} = {\n    ${bytes}};\n"
      PARENT_SCOPE)
endfunction()

portcullis_der_array(_ca "${_pki_dir}/ca.crt" cert kCaCertificate)
portcullis_der_array(_cert "${_pki_dir}/device.crt" cert kDeviceCertificate)
portcullis_der_array(_key "${_pki_dir}/device.key" key kDeviceKey)

set(PORTCULLIS_CREDENTIALS_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated-credentials")
set(_cred_header
    "${PORTCULLIS_CREDENTIALS_GENERATED_DIR}/portcullis/credentials/device_credentials.hpp")
file(MAKE_DIRECTORY "${PORTCULLIS_CREDENTIALS_GENERATED_DIR}/portcullis/credentials")
file(WRITE "${_cred_header}.tmp"
     "#pragma once\n"
     "// Generated by cmake/credentials.cmake from ${_pki_dir}: the device's TLS identity\n"
     "// (DER). Holds the device's private key: never commit it, never copy it out of the\n"
     "// build folder.\n\n"
     "#include <array>\n#include <cstdint>\n#include <string_view>\n\n"
     "namespace portcullis::credentials {\n\n"
     "inline constexpr std::string_view kDeviceId = \"${PORTCULLIS_DEVICE_ID}\";\n\n"
     "// The fleet CA: management clients must chain to it.\n${_ca}\n"
     "// CN=${PORTCULLIS_DEVICE_ID}, EKU serverAuth + clientAuth, signed by the fleet CA.\n${_cert}\n"
     "// ECDSA P-256 private key of kDeviceCertificate.\n${_key}\n"
     "}  // namespace portcullis::credentials\n")
file(CHMOD "${_cred_header}.tmp" PERMISSIONS OWNER_READ OWNER_WRITE)
file(COPY_FILE "${_cred_header}.tmp" "${_cred_header}" ONLY_IF_DIFFERENT)
file(CHMOD "${_cred_header}" PERMISSIONS OWNER_READ OWNER_WRITE)
file(REMOVE "${_cred_header}.tmp")

# The device's identity record, from the same DER files.
set(PORTCULLIS_IDENTITY_RECORD "${PROJECT_BINARY_DIR}/identity.bin")
execute_process(
  COMMAND /usr/bin/python3 "${PROJECT_SOURCE_DIR}/tools/lib/identity_record.py"
          "${PORTCULLIS_IDENTITY_RECORD}.tmp" --device-id "${PORTCULLIS_DEVICE_ID}"
          --cert "${PROJECT_BINARY_DIR}/credentials-der/device.crt.der"
          --key "${PROJECT_BINARY_DIR}/credentials-der/device.key.der"
          --ca "${PROJECT_BINARY_DIR}/credentials-der/ca.crt.der"
  RESULT_VARIABLE _result
  ERROR_VARIABLE _output)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "tools/lib/identity_record.py failed:\n${_output}")
endif()
file(CHMOD "${PORTCULLIS_IDENTITY_RECORD}.tmp" PERMISSIONS OWNER_READ OWNER_WRITE)
file(COPY_FILE "${PORTCULLIS_IDENTITY_RECORD}.tmp" "${PORTCULLIS_IDENTITY_RECORD}" ONLY_IF_DIFFERENT)
file(REMOVE "${PORTCULLIS_IDENTITY_RECORD}.tmp")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${PROJECT_SOURCE_DIR}/tools/lib/identity_record.py")

add_library(portcullis_credentials INTERFACE)
target_include_directories(portcullis_credentials INTERFACE "${PORTCULLIS_CREDENTIALS_GENERATED_DIR}")

_portcullis_openssl(_enddate x509 -in "${_pki_dir}/device.crt" -noout -enddate)
string(REPLACE "notAfter=" "" _enddate "${_enddate}")
message(STATUS "Credentials: device ${PORTCULLIS_DEVICE_ID}, PKI ${_pki_dir} "
               "(device certificate valid until ${_enddate}), record ${PORTCULLIS_IDENTITY_RECORD}")
unset(_ca)
unset(_cert)
unset(_key)
