# SPDX-License-Identifier: Apache-2.0
# find_package(Portcullis) (docs/integration.md). Set PORTCULLIS_LWIP_TARGET to your lwIP
# library target first; the library's targets (Portcullis::filter, ::report, ::policy,
# ::lwip_clock, ::c) are then built in your project with your toolchain and your lwipopts.h
# (library.cmake), beside portcullis_add_policy() and portcullis_hook_lwip().
if(NOT PORTCULLIS_LWIP_TARGET OR NOT TARGET "${PORTCULLIS_LWIP_TARGET}")
  set(Portcullis_FOUND FALSE)
  set(Portcullis_NOT_FOUND_MESSAGE
      "set PORTCULLIS_LWIP_TARGET to your lwIP library target (defined before find_package)")
  return()
endif()
if(NOT PORTCULLIS_BINARY_DIR)
  set(PORTCULLIS_BINARY_DIR "${CMAKE_BINARY_DIR}/_portcullis")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/library.cmake")
