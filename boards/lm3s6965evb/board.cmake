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
set(PORTCULLIS_STACK_SIZE 0x1300)  # 4864 B: worst case measured 2.6 KiB (README)

include(${CMAKE_SOURCE_DIR}/cmake/cortex-m.cmake)

# Lab services (discard/echo on allowed ports): this is a lab board too.
set(PORTCULLIS_LAB_SERVICES 1)

# TLS: one management session and one kept for the MQTT push, with 2 KiB input record buffers
# (PORTCULLIS_TLS_IN_CONTENT_LEN below): each handshake ~10 KiB of arena on the Cortex-M3
# (measured with portcullis-tls-probe: README.md, "Memory budget").
set(PORTCULLIS_TLS_SESSIONS 2)
set(PORTCULLIS_TLS_CLIENT_SESSIONS 1)
set(PORTCULLIS_TLS_ARENA_SIZE 24576)
if(PORTCULLIS_TLS13)
  message(FATAL_ERROR "lm3s6965evb: TLS 1.3 does not fit in 64 KiB of RAM")
endif()
set(PORTCULLIS_DEVICE_ID_DEFAULT "portcullis-lm3s6965evb")

# MQTT push: the lab's broker in the namespace.
set(PORTCULLIS_MQTT_BROKER_DEFAULT "192.0.2.1")

# Fitting 64 KiB (README.md, "Memory budget"): lwIP pools for one management connection, the
# push and a scan at a time; smaller report lists (lwIP's pools: exactly the 13 this build
# has, which firmware/stack checks); a status document of at most 3 KiB.
set(PORTCULLIS_BOARD_DEFINITIONS
    PORTCULLIS_TLS_IN_CONTENT_LEN=2048
    PORTCULLIS_LWIP_MEM_SIZE=5120
    PORTCULLIS_LWIP_PBUF_POOL_SIZE=5
    PORTCULLIS_LWIP_TCP_PCBS=6
    PORTCULLIS_LWIP_TCP_SEGS=16
    PORTCULLIS_LWIP_TCP_WND_SEGMENTS=2
    PORTCULLIS_STATUS_MAX_RECENT_BLOCKED=6
    PORTCULLIS_STATUS_MAX_VIOLATIONS=6
    PORTCULLIS_STATUS_MAX_SCANNERS=4
    PORTCULLIS_TOP_DROPPED_PORTS=8
    PORTCULLIS_SCAN_TABLE_SIZE=8
    PORTCULLIS_STATUS_MAX_LISTENERS=8
    PORTCULLIS_STATUS_MAX_LWIP_POOLS=13
    PORTCULLIS_MQTT_PAYLOAD_MAX=2688
    PORTCULLIS_PUSH_EVENT_QUEUE=8)
