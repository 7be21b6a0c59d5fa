# SPDX-License-Identifier: Apache-2.0
# Sizing for a part with 64 KiB of SRAM, which both Cortex-M boards ship with (issue 14's goal
# for qemu-mps2-an385: at most 64 KiB of static RAM with TLS status and the MQTT push). Included
# by a board.cmake after cmake/cortex-m.cmake; what each figure trades is in the board READMEs
# ("Memory budget").

# TLS: one management session and one kept for the MQTT push, with 2 KiB input record buffers
# (PORTCULLIS_TLS_IN_CONTENT_LEN below): each handshake ~10 KiB of arena on the Cortex-M3
# (measured with portcullis-tls-probe: platform/mbedtls/README.md, "Memory budget"). A second
# poll while one handshakes waits for the first (the TLS pool refuses it, the poller retries).
set(PORTCULLIS_TLS_SESSIONS 2)
set(PORTCULLIS_TLS_CLIENT_SESSIONS 1)
set(PORTCULLIS_TLS_ARENA_SIZE 24576)

# lwIP pools for one management connection, the push and a scan at a time (the netif drops a
# frame before it takes a receive buffer, so a flood needs none: three receive buffers, where
# tests/bench/worst_case measured a peak of one under a full scan, polls and a push
# reconnection; TCP's out-of-order queue gives them back when they run out, PBUF_POOL_FREE_OOSEQ); smaller report lists (lwIP's
# pools: exactly the 12 this build has, which firmware/stack checks); a status document of at
# most 3 KiB.
set(PORTCULLIS_BOARD_DEFINITIONS
    PORTCULLIS_TLS_IN_CONTENT_LEN=2048
    PORTCULLIS_LWIP_MEM_SIZE=5120
    PORTCULLIS_LWIP_PBUF_POOL_SIZE=3
    PORTCULLIS_LWIP_TCP_PCBS=6
    PORTCULLIS_LWIP_TCP_SEGS=16
    PORTCULLIS_LWIP_TCP_WND_SEGMENTS=2
    PORTCULLIS_STATUS_MAX_RECENT_BLOCKED=6
    PORTCULLIS_STATUS_MAX_VIOLATIONS=6
    PORTCULLIS_STATUS_MAX_SCANNERS=4
    PORTCULLIS_TOP_DROPPED_PORTS=8
    PORTCULLIS_SCAN_TABLE_SIZE=8
    PORTCULLIS_STATUS_MAX_LISTENERS=8
    PORTCULLIS_STATUS_MAX_LWIP_POOLS=12
    PORTCULLIS_MQTT_PAYLOAD_MAX=2944
    PORTCULLIS_PUSH_EVENT_QUEUE=8)
