# SPDX-License-Identifier: Apache-2.0
# Arm MPS2 with the AN385 FPGA image (Cortex-M3), as QEMU's `-M mps2-an385` emulates it.
set(PORTCULLIS_PLATFORM cortex-m)
set(PORTCULLIS_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)

# Memory map: ZBT SSRAM1 at 0 holds the image (the "flash"), SSRAM2/3 at 0x20000000 is RAM.
set(PORTCULLIS_FLASH_ORIGIN 0x00000000)
set(PORTCULLIS_FLASH_SIZE 4M)
set(PORTCULLIS_RAM_ORIGIN 0x20000000)
set(PORTCULLIS_RAM_SIZE 4M)
set(PORTCULLIS_IDENTITY_SIZE 4096)  # the last 4 KiB of SSRAM1, 0x3FF000: the identity record
set(PORTCULLIS_STACK_SIZE 0x2000)

include(${PROJECT_SOURCE_DIR}/cmake/cortex-m.cmake)

# Lab boards run a discard/echo service on each allowed port so scans can see them.
if(NOT DEFINED PORTCULLIS_LAB_SERVICES)  # -DPORTCULLIS_LAB_SERVICES=0: the image without them
  set(PORTCULLIS_LAB_SERVICES 1)
endif()

# The memory of a 64 KiB part (issue 14's goal for this image), though QEMU gives it 4 MiB.
include(${PROJECT_SOURCE_DIR}/boards/common/memory-64k.cmake)
if(PORTCULLIS_TLS13)  # TLS 1.3 keeps the peer certificate: 30.7 KiB measured for 2 sessions
  set(PORTCULLIS_TLS_ARENA_SIZE 32768)
endif()
# No TLS session resumption: with it (2 sessions kept) the image as shipped is 131 956 B, 884 B
# of flash over its 128 KiB goal, and needs 416 B more RAM (README.md). Every poll is a full
# handshake. -DPORTCULLIS_TLS_SESSION_CACHE=2 turns it on.
if(NOT DEFINED PORTCULLIS_TLS_SESSION_CACHE)
  set(PORTCULLIS_TLS_SESSION_CACHE 0)
endif()

set(PORTCULLIS_DEVICE_ID_DEFAULT "portcullis-qemu-mps2-an385")
