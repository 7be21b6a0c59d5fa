# SPDX-License-Identifier: Apache-2.0
# The agent as a Linux process on a TAP interface: same firmware code, POSIX platform.
set(PORTCULLIS_PLATFORM posix)

# Lab boards run a discard/echo service on each allowed port so scans can see them.
set(PORTCULLIS_LAB_SERVICES 1)

# TLS (platform/mbedtls/README.md): the arena holds PORTCULLIS_TLS_SESSIONS handshaking
# sessions as measured on x86-64 (64-bit pointers and headers make every structure larger
# than on the device): two for the status endpoint and one kept for the MQTT push
# (PORTCULLIS_TLS_CLIENT_SESSIONS); the device id of the build's PKI.
set(PORTCULLIS_TLS_SESSIONS 3)
set(PORTCULLIS_TLS_CLIENT_SESSIONS 1)
set(PORTCULLIS_TLS_ARENA_SIZE 53248)
if(PORTCULLIS_TLS13)  # TLS 1.3 keeps the peer certificate: 37.9 KiB measured for 2 sessions
  set(PORTCULLIS_TLS_ARENA_SIZE 65536)
endif()

set(PORTCULLIS_DEVICE_ID_DEFAULT "portcullis-host-linux")
