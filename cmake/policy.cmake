# The port policy at configure time (firmware/policy/README.md).
#
# 1. Builds the host tool tools/policy/portcullis_policy.cpp with the host C++ compiler
#    (in a cross build CMAKE_CXX_COMPILER is the Arm one), once, and again only when its
#    sources change: it is the firmware's own parser header run on the host.
# 2. Runs `portcullis-policy check PORTCULLIS_POLICY`: a bad policy stops CMake with
#    FILE:LINE: reason.
# 3. Generates ${PORTCULLIS_POLICY_GENERATED_DIR}/portcullis/policy/compiled_policy.hpp, in
#    which the target compiler parses the same text again (firmware/policy/CMakeLists.txt
#    puts that folder on portcullis_policy's include path).
# Editing the policy file or the parser re-runs all of this on the next build.

find_program(PORTCULLIS_HOST_CXX NAMES c++ g++ clang++ NO_CMAKE_FIND_ROOT_PATH
             DOC "Host C++20 compiler for the policy tool run at configure time")
if(NOT PORTCULLIS_HOST_CXX)
  message(FATAL_ERROR "no host C++ compiler (c++, g++ or clang++) for the policy tool: "
                      "pass -DPORTCULLIS_HOST_CXX=/path/to/c++")
endif()

get_filename_component(_policy_file "${PORTCULLIS_POLICY}" ABSOLUTE)
set(_policy_include "${PROJECT_SOURCE_DIR}/firmware/policy/include")
set(_base_include "${PROJECT_SOURCE_DIR}/firmware/base/include")
set(_policy_tool_sources "${PROJECT_SOURCE_DIR}/tools/policy/portcullis_policy.cpp")
foreach(header IN ITEMS policy parser canonical sha256 digest)
  list(APPEND _policy_tool_sources "${_policy_include}/portcullis/policy/${header}.hpp")
endforeach()
list(APPEND _policy_tool_sources "${_base_include}/portcullis/base/fixed_text.hpp")
set(PORTCULLIS_POLICY_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated")
set(PORTCULLIS_POLICY_TOOL "${PROJECT_BINARY_DIR}/policy-tool/portcullis-policy")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                                       "${_policy_file}" ${_policy_tool_sources})

# A stamp of the sources and the compiler decides whether the cached tool is current.
set(_policy_stamp "${PORTCULLIS_HOST_CXX}")
foreach(source IN LISTS _policy_tool_sources)
  file(SHA256 "${source}" _hash)
  string(APPEND _policy_stamp ";${_hash}")
endforeach()
set(_policy_stamp_file "${PORTCULLIS_POLICY_TOOL}.stamp")
set(_policy_old_stamp "")
if(EXISTS "${_policy_stamp_file}" AND EXISTS "${PORTCULLIS_POLICY_TOOL}")
  file(READ "${_policy_stamp_file}" _policy_old_stamp)
endif()
if(NOT _policy_old_stamp STREQUAL _policy_stamp)
  message(STATUS "Building the policy tool with ${PORTCULLIS_HOST_CXX}")
  file(MAKE_DIRECTORY "${PROJECT_BINARY_DIR}/policy-tool")
  execute_process(
    COMMAND "${PORTCULLIS_HOST_CXX}" -std=c++20 -O2 -Wall -Wextra -I "${_policy_include}" -I "${_base_include}"
            "${PROJECT_SOURCE_DIR}/tools/policy/portcullis_policy.cpp"
            -o "${PORTCULLIS_POLICY_TOOL}.tmp"
    RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output
    ERROR_VARIABLE _output)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "building the policy tool with ${PORTCULLIS_HOST_CXX} failed "
                        "(a C++20 compiler is needed):\n${_output}")
  endif()
  file(RENAME "${PORTCULLIS_POLICY_TOOL}.tmp" "${PORTCULLIS_POLICY_TOOL}")
  file(WRITE "${_policy_stamp_file}" "${_policy_stamp}")
endif()

execute_process(
  COMMAND "${PORTCULLIS_POLICY_TOOL}" check "${_policy_file}"
  RESULT_VARIABLE _result
  OUTPUT_QUIET
  ERROR_VARIABLE _error
  ERROR_STRIP_TRAILING_WHITESPACE)
if(NOT _result EQUAL 0)
  # CMake re-wraps error text at spaces; a line that starts with a blank is left as is. The
  # NOTICE copy stands at column 0 for editors that jump to FILE:LINE.
  message(NOTICE "${_error}")
  message(FATAL_ERROR " ${_error}")
endif()

set(_policy_header "${PORTCULLIS_POLICY_GENERATED_DIR}/portcullis/policy/compiled_policy.hpp")
file(MAKE_DIRECTORY "${PORTCULLIS_POLICY_GENERATED_DIR}/portcullis/policy")
execute_process(
  COMMAND "${PORTCULLIS_POLICY_TOOL}" header "${_policy_file}" "${_policy_header}.tmp"
  RESULT_VARIABLE _result
  ERROR_VARIABLE _error)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "generating ${_policy_header} failed: ${_error}")
endif()
# Only a real change touches the header, so re-running CMake rebuilds nothing needlessly.
file(COPY_FILE "${_policy_header}.tmp" "${_policy_header}" ONLY_IF_DIFFERENT)
file(REMOVE "${_policy_header}.tmp")

execute_process(COMMAND "${PORTCULLIS_POLICY_TOOL}" digest "${_policy_file}"
                OUTPUT_VARIABLE PORTCULLIS_POLICY_DIGEST OUTPUT_STRIP_TRAILING_WHITESPACE)
message(STATUS "Policy ${_policy_file}: digest ${PORTCULLIS_POLICY_DIGEST}")
