# SPDX-License-Identifier: Apache-2.0
# Options shared by every target of ours (not by lwIP or Mbed TLS, which keep quieter flags).

add_library(portcullis_warnings INTERFACE)
target_compile_options(portcullis_warnings INTERFACE -Wall -Wextra -Werror -Wshadow
                                                     -Wnon-virtual-dtor -Wundef)

# Agent code: no exceptions, no RTTI, on every platform.
add_library(portcullis_agent_options INTERFACE)
target_link_libraries(portcullis_agent_options INTERFACE portcullis_warnings)
target_compile_options(portcullis_agent_options
                       INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)

# Emits .bin and .hex beside an ELF and prints its size after each link.
function(portcullis_firmware_outputs target)
  add_custom_command(
    TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${target}> $<TARGET_FILE_DIR:${target}>/${target}.bin
    COMMAND ${CMAKE_OBJCOPY} -O ihex $<TARGET_FILE:${target}> $<TARGET_FILE_DIR:${target}>/${target}.hex
    COMMAND ${CMAKE_SIZE} --format=berkeley $<TARGET_FILE:${target}>
    COMMENT "${target}: .bin, .hex and size (text = flash code+rodata, data = flash+RAM, bss = RAM)"
    VERBATIM)
endfunction()

# The library's names, as a library user sees them (docs/integration.md): one alias for each of
# its targets this build has. Our build and cmake/library.cmake both call it.
function(portcullis_add_aliases)
  foreach(pair IN ITEMS filter:portcullis_stack report:portcullis_report policy:portcullis_policy_rules
                        lwip_clock:portcullis_lwip_clock c:portcullis_c agent:portcullis_agent
                        mgmt:portcullis_mgmt identity:portcullis_identity
                        port_posix:portcullis_port_posix port_cortex_m:portcullis_port_cortex_m)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 target)
    if(TARGET ${target} AND NOT TARGET Portcullis::${name})
      add_library(Portcullis::${name} ALIAS ${target})
    endif()
  endforeach()
endfunction()
