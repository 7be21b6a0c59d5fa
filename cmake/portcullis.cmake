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
