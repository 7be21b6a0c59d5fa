# SPDX-License-Identifier: Apache-2.0
# Flags every Cortex-M board shares, for our code and third-party code alike.
# Included from a board's board.cmake after it sets PORTCULLIS_CPU_FLAGS.
add_compile_options(${PORTCULLIS_CPU_FLAGS} -ffunction-sections -fdata-sections
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-rtti>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-threadsafe-statics>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-use-cxa-atexit>)
add_link_options(${PORTCULLIS_CPU_FLAGS})

# Link-time optimization: the whole image (our code, lwIP, Mbed TLS) is optimized as one
# unit at link time, which saves about 10 KiB of flash on the AN385 image (136.2 -> 125.6 KiB
# measured). Per-object sizes and link-map attribution need it off: tests/bench/footprint
# configures its own build with -DPORTCULLIS_LTO=OFF.
option(PORTCULLIS_LTO "Link-time optimization of firmware images" ON)
if(PORTCULLIS_LTO)
  set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
endif()
