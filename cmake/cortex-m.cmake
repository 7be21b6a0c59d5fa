# Flags every Cortex-M board shares, for our code and third-party code alike.
# Included from a board's board.cmake after it sets PORTCULLIS_CPU_FLAGS.
add_compile_options(${PORTCULLIS_CPU_FLAGS} -ffunction-sections -fdata-sections
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-rtti>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-threadsafe-statics>
                    $<$<COMPILE_LANGUAGE:CXX>:-fno-use-cxa-atexit>)
add_link_options(${PORTCULLIS_CPU_FLAGS})
