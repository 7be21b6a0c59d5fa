# SPDX-License-Identifier: Apache-2.0
# portcullis_hook_lwip(<lwip-target>): readies the firmware's lwIP library target for
# Portcullis's hooks (docs/integration.md). The firmware's lwipopts.h names the hook file
# (#define LWIP_HOOK_FILENAME "portcullis/stack/lwip_hooks.h"); this
# - puts that file's folder on <lwip-target>'s include path (lwIP's own sources include it);
# - renames lwIP's three reads of the IPv6 path MTU (ip6.c, ip6_frag.c and tcp.c, found among
#   <lwip-target>'s sources) to portcullis_nd6_destination_mtu(), which holds a Packet Too Big's
#   MTU to [1280, the link's MTU] (lwIP 2.2.1's fragmenter loops forever for 48..55): a
#   compile definition on those files, no change to lwIP's text;
# - links <lwip-target> to portcullis_stack (INTERFACE), since lwIP now calls into it (the
#   input hooks' filter, the TCP ISN, the path MTU), so any link order of the firmware works.
# The reference boards' lwIP (cmake/lwip.cmake) goes through it like a customer's.

function(portcullis_hook_lwip lwip_target)
  if(NOT TARGET ${lwip_target})
    message(FATAL_ERROR "portcullis_hook_lwip: no target '${lwip_target}' (your lwIP library)")
  endif()
  get_filename_component(root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  target_include_directories(${lwip_target} PRIVATE "${root}/firmware/stack/include")
  get_target_property(sources ${lwip_target} SOURCES)
  set(renamed "")
  foreach(source IN LISTS sources)
    get_filename_component(name "${source}" NAME)
    if(name MATCHES "^(ip6|ip6_frag|tcp)\\.c$")
      set_source_files_properties("${source}" TARGET_DIRECTORY ${lwip_target}
                                  PROPERTIES COMPILE_DEFINITIONS
                                  "nd6_get_destination_mtu=portcullis_nd6_destination_mtu")
      list(APPEND renamed "${name}")
    endif()
  endforeach()
  list(LENGTH renamed count)
  if(count LESS 3)
    message(WARNING "portcullis_hook_lwip(${lwip_target}): found ${renamed} among its sources, "
                    "not all of ip6.c, ip6_frag.c and tcp.c: the IPv6 path MTU is not held to "
                    "[1280, link MTU] in the others (an lwIP without IPv6 needs none)")
  endif()
  target_link_libraries(${lwip_target} INTERFACE portcullis_stack)
endfunction()
