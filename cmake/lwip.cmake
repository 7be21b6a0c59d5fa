# SPDX-License-Identifier: Apache-2.0
# The reference boards' lwIP: 2.2.1 built from LWIP_DIR as a library of its own, with lwipopts.h
# from platform/lwip (a library user brings its own lwIP target instead: docs/integration.md).
# Only the core, IPv4, IPv6 and Ethernet are compiled: no sequential/socket API. NO_SYS=1, or
# with PORTCULLIS_RTOS (host only) NO_SYS=0: lwIP's tcpip thread on its POSIX port.

if(NOT EXISTS "${LWIP_DIR}/src/core/tcp.c" OR NOT EXISTS "${LWIP_DIR}/src/include/lwip/init.h")
  message(FATAL_ERROR "LWIP_DIR=${LWIP_DIR} is not an lwIP source tree (no src/core/tcp.c)")
endif()
file(STRINGS "${LWIP_DIR}/src/include/lwip/init.h" _lwip_ver REGEX "#define LWIP_VERSION_(MAJOR|MINOR)[ \t]")
string(REGEX REPLACE ".*MAJOR[ \t]+([0-9]+).*MINOR[ \t]+([0-9]+).*" "\\1.\\2" _lwip_ver "${_lwip_ver}")
if(_lwip_ver VERSION_LESS 2.1)
  message(FATAL_ERROR "lwIP ${_lwip_ver} in ${LWIP_DIR} is too old: Portcullis needs 2.1 or later (2.2.1 tested)")
endif()

set(_l "${LWIP_DIR}/src")
add_library(lwip STATIC
  ${_l}/core/init.c ${_l}/core/def.c ${_l}/core/dns.c ${_l}/core/inet_chksum.c ${_l}/core/ip.c
  ${_l}/core/mem.c ${_l}/core/memp.c ${_l}/core/netif.c ${_l}/core/pbuf.c ${_l}/core/raw.c
  ${_l}/core/stats.c ${_l}/core/sys.c ${_l}/core/tcp.c ${_l}/core/tcp_in.c ${_l}/core/tcp_out.c
  ${_l}/core/timeouts.c ${_l}/core/udp.c
  ${_l}/core/altcp.c ${_l}/core/altcp_alloc.c ${_l}/core/altcp_tcp.c
  ${_l}/core/ipv4/acd.c ${_l}/core/ipv4/autoip.c ${_l}/core/ipv4/dhcp.c ${_l}/core/ipv4/etharp.c
  ${_l}/core/ipv4/icmp.c ${_l}/core/ipv4/igmp.c ${_l}/core/ipv4/ip4_frag.c ${_l}/core/ipv4/ip4.c
  ${_l}/core/ipv4/ip4_addr.c
  ${_l}/core/ipv6/dhcp6.c ${_l}/core/ipv6/ethip6.c ${_l}/core/ipv6/icmp6.c ${_l}/core/ipv6/inet6.c
  ${_l}/core/ipv6/ip6.c ${_l}/core/ipv6/ip6_addr.c ${_l}/core/ipv6/ip6_frag.c ${_l}/core/ipv6/mld6.c
  ${_l}/core/ipv6/nd6.c
  ${_l}/netif/ethernet.c
  # lwIP's SNTP client (apps/sntp/sntp.c) inside a file of ours that names its PCB
  "${CMAKE_CURRENT_LIST_DIR}/../platform/lwip/sntp_client.c")
target_include_directories(lwip PRIVATE "${_l}")  # sntp_client.c includes apps/sntp/sntp.c
target_include_directories(lwip SYSTEM PUBLIC "${PROJECT_SOURCE_DIR}/platform/lwip/include" "${_l}/include")
if(PORTCULLIS_RTOS)
  # The tcpip thread and the core lock (api/tcpip.c), on lwIP's own POSIX port, built from
  # LWIP_DIR. Its include dir comes after ours: arch/cc.h stays ours, arch/sys_arch.h is the
  # port's. sys_now() stays ours (firmware/stack/lwip_port.cpp, the board's or the test's
  # clock): the port's is renamed away in its one source file.
  set(_port "${LWIP_DIR}/contrib/ports/unix/port")
  find_package(Threads REQUIRED)
  target_sources(lwip PRIVATE ${_l}/api/tcpip.c "${_port}/sys_arch.c")
  set_source_files_properties("${_port}/sys_arch.c" PROPERTIES COMPILE_DEFINITIONS
                              "sys_now=lwip_unix_port_sys_now_unused")
  target_include_directories(lwip SYSTEM PUBLIC "${_port}/include")
  target_compile_definitions(lwip PUBLIC PORTCULLIS_LWIP_NO_SYS=0 PORTCULLIS_LWIP_CHECK_CORE_LOCKING=1)
  target_link_libraries(lwip PUBLIC Threads::Threads)
  unset(_port)
endif()
# Portcullis's hooks (lwip_hooks.h, LWIP_HOOK_FILENAME in our lwipopts.h) and the path-MTU
# clamp, as for any firmware's lwIP (cmake/lwip_hooks.cmake).
include("${CMAKE_CURRENT_LIST_DIR}/lwip_hooks.cmake")
portcullis_hook_lwip(lwip)
# Third-party code keeps its own warning level; ours is -Werror, lwIP's is not.
target_compile_options(lwip PRIVATE -w)
unset(_l)
