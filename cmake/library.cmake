# SPDX-License-Identifier: Apache-2.0
# Portcullis as a library of a firmware that has its own lwIP (docs/integration.md): the
# targets below, compiled in the firmware's own build (its toolchain, its CPU flags, its
# lwIP target and lwipopts.h: lwIP's structures change with its options, so nothing of ours is
# compiled apart from them). Two ways in, the same targets:
#   add_subdirectory(portcullis)    with PORTCULLIS_LWIP_TARGET set (CMakeLists.txt)
#   find_package(Portcullis)        after `cmake --install`, with PORTCULLIS_LWIP_TARGET set
#                                   (PortcullisConfig.cmake includes this file)
# Input:
#   PORTCULLIS_LWIP_TARGET  the firmware's lwIP library target (required)
#   PORTCULLIS_MBEDTLS_TARGET  the firmware's Mbed TLS 3.6 library target, compiled with its own
#                           config file (optional: without it, no Portcullis::agent)
#   PORTCULLIS_SETTINGS     NAME=VALUE settings of the modules (optional; checked: an unknown
#                           name stops the configure; the headers check the ranges)
#   PORTCULLIS_BINARY_DIR   where the modules are built (default <current binary dir>/portcullis)
# Targets:
#   Portcullis::filter      the early filter: classifier, InputFilter, lwIP's input hooks,
#                           listener audit, lwIP's RFC 6528 ISNs and keyed LWIP_RAND
#   Portcullis::report      counters, scan detector, blocked log, JSON and metrics encoders
#   Portcullis::policy      the policy grammar, parser and table (portcullis_add_policy()
#                           compiles a policy file into a target of the firmware's)
#   Portcullis::lwip_clock  sys_now() from a hal::Clock, for a firmware without its own
#   Portcullis::agent       the whole agent (filter, audit, status endpoint over mutual TLS,
#                           push) attached to the firmware's lwIP and netif, with its C interface
#                           (portcullis/agent.h); compiled in the target that links it, with that
#                           target's policy. Needs PORTCULLIS_MBEDTLS_TARGET.
#   Portcullis::mgmt        the TLS status endpoint and the MQTT push (the agent brings them)
#   Portcullis::identity    the identity record's parser (firmware/identity)
#   Portcullis::c           the C interface (portcullis/portcullis.h), compiled in the target
#                           that links it, with that target's compiled policy
#   Portcullis::port_posix, Portcullis::port_cortex_m, the ports of the C interface we have
#                           (ports/README.md; ESP-IDF: ports/esp-idf, untested)
# Functions: portcullis_add_policy() (cmake/policy.cmake), portcullis_hook_lwip()
# (cmake/lwip_hooks.cmake), which this file calls on PORTCULLIS_LWIP_TARGET.

if(TARGET Portcullis::filter)
  return()  # defined already (find_package twice, or add_subdirectory and find_package)
endif()
if(NOT PORTCULLIS_LWIP_TARGET)
  message(FATAL_ERROR "Portcullis: set PORTCULLIS_LWIP_TARGET to your lwIP library target before "
                      "add_subdirectory() or find_package() (docs/integration.md)")
endif()
if(NOT TARGET ${PORTCULLIS_LWIP_TARGET})
  message(FATAL_ERROR "Portcullis: PORTCULLIS_LWIP_TARGET '${PORTCULLIS_LWIP_TARGET}' is not a "
                      "target: define your lwIP library first (docs/integration.md)")
endif()
get_target_property(_portcullis_imported ${PORTCULLIS_LWIP_TARGET} IMPORTED)
if(_portcullis_imported)
  message(FATAL_ERROR "Portcullis: '${PORTCULLIS_LWIP_TARGET}' is an imported (prebuilt) lwIP: "
                      "Portcullis's hooks are compiled into lwIP's own sources, so lwIP must be "
                      "built in this project (docs/integration.md)")
endif()
unset(_portcullis_imported)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12)
  message(FATAL_ERROR "Portcullis needs GCC 12 or later (C++20), not ${CMAKE_CXX_COMPILER_VERSION}")
elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
  message(FATAL_ERROR "Portcullis needs Clang 14 or later (C++20), not ${CMAKE_CXX_COMPILER_VERSION}")
endif()

get_filename_component(_portcullis_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(NOT PORTCULLIS_BINARY_DIR)
  set(PORTCULLIS_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}/portcullis")
endif()
if(NOT DEFINED PORTCULLIS_POLICY_TOOL)
  set(PORTCULLIS_POLICY_TOOL "${PORTCULLIS_BINARY_DIR}/policy-tool/portcullis-policy")
endif()
set(PORTCULLIS_PACKAGE ON)

include("${_portcullis_root}/cmake/portcullis.cmake")
include("${_portcullis_root}/cmake/policy.cmake")
include("${_portcullis_root}/cmake/lwip_hooks.cmake")
include("${_portcullis_root}/cmake/settings.cmake")

set(_portcullis_dirs firmware/base hal firmware/policy firmware/filter firmware/report firmware/stack
                     firmware/c ports/posix ports/cortex-m)
if(PORTCULLIS_MBEDTLS_TARGET)
  if(NOT TARGET ${PORTCULLIS_MBEDTLS_TARGET})
    message(FATAL_ERROR "Portcullis: PORTCULLIS_MBEDTLS_TARGET '${PORTCULLIS_MBEDTLS_TARGET}' is not a "
                        "target: define your Mbed TLS library first (docs/integration.md)")
  endif()
  # What the agent needs of the platform: the stack_use() declaration (agent_c.cpp gives a weak
  # "not measured" one).
  add_library(portcullis_platform_api INTERFACE)
  target_include_directories(portcullis_platform_api INTERFACE "${_portcullis_root}/platform/include")
  if(Portcullis_VERSION)
    set(PORTCULLIS_VERSION_STRING "${Portcullis_VERSION}")  # find_package: the package's
  else()
    set(PORTCULLIS_VERSION_STRING "${PROJECT_VERSION}")  # add_subdirectory: our project's
  endif()
  list(APPEND _portcullis_dirs firmware/identity platform/mbedtls firmware/mgmt firmware/app)
endif()
foreach(_portcullis_dir IN LISTS _portcullis_dirs)
  string(REPLACE "/" "-" _portcullis_bin "${_portcullis_dir}")
  # EXCLUDE_FROM_ALL: the firmware builds what it links, nothing more.
  add_subdirectory("${_portcullis_root}/${_portcullis_dir}" "${PORTCULLIS_BINARY_DIR}/${_portcullis_bin}"
                   EXCLUDE_FROM_ALL)
endforeach()
unset(_portcullis_dir)
unset(_portcullis_dirs)
unset(_portcullis_bin)

# The settings reach every module and every user of their headers alike (they size members).
# A library user's firmware always filters (PORTCULLIS_FILTER=0 is our measurement baseline).
target_compile_definitions(portcullis_base INTERFACE PORTCULLIS_FILTER=1)
if(PORTCULLIS_SETTINGS)
  portcullis_check_board_definitions("${PORTCULLIS_SETTINGS}" "PORTCULLIS_SETTINGS")
  target_compile_definitions(portcullis_base INTERFACE ${PORTCULLIS_SETTINGS})
endif()

portcullis_hook_lwip(${PORTCULLIS_LWIP_TARGET})

# lwIP's and Mbed TLS's headers are third-party code to our targets, whatever way the firmware
# declared them: compiled with our warnings (-Wundef and -Werror) they would fail on theirs.
# A folder given as -isystem too is a system folder to GCC and Clang.
foreach(_portcullis_target IN ITEMS portcullis_stack portcullis_lwip_clock portcullis_tls portcullis_http
                                    portcullis_mgmt)
  if(TARGET ${_portcullis_target})
    foreach(_portcullis_dep IN ITEMS PORTCULLIS_LWIP_TARGET PORTCULLIS_MBEDTLS_TARGET)
      if(${_portcullis_dep})
        # The target's own folders (not what it links: lwIP links Portcullis back).
        get_target_property(_portcullis_dirs ${${_portcullis_dep}} INTERFACE_INCLUDE_DIRECTORIES)
        if(_portcullis_dirs)
          target_include_directories(${_portcullis_target} SYSTEM PRIVATE ${_portcullis_dirs})
        endif()
      endif()
    endforeach()
  endif()
endforeach()
unset(_portcullis_target)
unset(_portcullis_dirs)
unset(_portcullis_dep)

portcullis_add_aliases()
unset(_portcullis_root)
