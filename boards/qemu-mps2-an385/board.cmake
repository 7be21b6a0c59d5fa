# Arm MPS2 with the AN385 FPGA image (Cortex-M3), as QEMU's `-M mps2-an385` emulates it.
set(PORTCULLIS_PLATFORM cortex-m)
set(PORTCULLIS_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)

# Memory map: ZBT SSRAM1 at 0 holds the image (the "flash"), SSRAM2/3 at 0x20000000 is RAM.
set(PORTCULLIS_FLASH_ORIGIN 0x00000000)
set(PORTCULLIS_FLASH_SIZE 4M)
set(PORTCULLIS_RAM_ORIGIN 0x20000000)
set(PORTCULLIS_RAM_SIZE 4M)
set(PORTCULLIS_STACK_SIZE 0x2000)

include(${CMAKE_SOURCE_DIR}/cmake/cortex-m.cmake)

# Lab boards run a discard/echo service on each allowed port so scans can see them.
set(PORTCULLIS_LAB_SERVICES 1)
