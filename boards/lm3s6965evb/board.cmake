# SPDX-License-Identifier: Apache-2.0
# TI Stellaris LM3S6965 evaluation board (EK-LM3S6965): Cortex-M3 at 50 MHz, 256 KiB flash,
# 64 KiB SRAM, on-chip Ethernet MAC + PHY; QEMU emulates it as `-M lm3s6965evb`.
set(PORTCULLIS_PLATFORM cortex-m)
set(PORTCULLIS_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)

# Memory map (data sheet, "Memory Map"): flash at 0, SRAM at 0x2000_0000.
set(PORTCULLIS_FLASH_ORIGIN 0x00000000)
set(PORTCULLIS_FLASH_SIZE 256K)
set(PORTCULLIS_RAM_ORIGIN 0x20000000)
set(PORTCULLIS_RAM_SIZE 64K)
set(PORTCULLIS_SEED_LOG_SIZE 2048)  # two 1 KiB flash pages at 0x3F800: the seed log
set(PORTCULLIS_IDENTITY_SIZE 4096)  # four 1 KiB pages at 0x3E800: the identity record
set(PORTCULLIS_STACK_SIZE 0x1000)  # 4096 B: worst case measured 2 080 B (README)

include(${PROJECT_SOURCE_DIR}/cmake/cortex-m.cmake)

# Lab services (discard/echo on allowed ports): this is a lab board too.
if(NOT DEFINED PORTCULLIS_LAB_SERVICES)  # -DPORTCULLIS_LAB_SERVICES=0: the image without them
  set(PORTCULLIS_LAB_SERVICES 1)
endif()

include(${PROJECT_SOURCE_DIR}/boards/common/memory-64k.cmake)
if(PORTCULLIS_TLS13)
  message(FATAL_ERROR "lm3s6965evb: TLS 1.3 does not fit in 64 KiB of RAM")
endif()
set(PORTCULLIS_DEVICE_ID_DEFAULT "portcullis-lm3s6965evb")
