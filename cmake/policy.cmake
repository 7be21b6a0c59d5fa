# SPDX-License-Identifier: Apache-2.0
# The port policy at configure time (firmware/policy/README.md, docs/integration.md).
#
#   portcullis_add_policy(<target> <policy-file> [PUBLIC|PRIVATE] [GENERATED_DIR <dir>])
#
# compiles a policy file into <target> (a library or the firmware's executable):
# 1. builds the host tool tools/policy/portcullis_policy.cpp with the host C++ compiler
#    (in a cross build CMAKE_CXX_COMPILER is the Arm one), once per build folder, and again
#    only when its sources change: it is the firmware's own parser header run on the host;
# 2. runs `portcullis-policy check FILE`: a bad policy stops CMake with FILE:LINE: reason;
# 3. generates <dir>/portcullis/policy/compiled_policy.hpp (default dir:
#    <target's binary dir>/<target>-policy), in which the target compiler parses the same
#    text again, puts <dir> on <target>'s include path (PRIVATE unless told PUBLIC) and adds
#    firmware/policy/compiled.cpp, which holds the static_asserts, to its sources. <target>'s
#    code then includes "portcullis/policy/compiled.hpp" (policy::kPolicyTable and the rest).
# Editing the policy file or the parser re-runs all of this on the next build. Sets
# PORTCULLIS_POLICY_DIGEST in the caller's scope (the policy's SHA-256, as the device reports).
#
# The tool goes to PORTCULLIS_POLICY_TOOL (default <project binary dir>/policy-tool/
# portcullis-policy).

find_program(PORTCULLIS_HOST_CXX NAMES c++ g++ clang++ NO_CMAKE_FIND_ROOT_PATH
             DOC "Host C++20 compiler for the policy tool run at configure time")
if(NOT PORTCULLIS_HOST_CXX)
  message(FATAL_ERROR "no host C++ compiler (c++, g++ or clang++) for the policy tool: "
                      "pass -DPORTCULLIS_HOST_CXX=/path/to/c++")
endif()
if(NOT DEFINED PORTCULLIS_POLICY_TOOL)
  set(PORTCULLIS_POLICY_TOOL "${PROJECT_BINARY_DIR}/policy-tool/portcullis-policy")
endif()
# The functions below run in their callers' scopes (a firmware's folder, which may not see this
# file's variables): the path goes through a global property.
set_property(GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL "${PORTCULLIS_POLICY_TOOL}")
# Its --version: the package's (find_package sets Portcullis_VERSION), else our project's.
if(Portcullis_VERSION)
  set_property(GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL_VERSION "${Portcullis_VERSION}")
else()
  set_property(GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL_VERSION "${PROJECT_VERSION}")
endif()

# Builds PORTCULLIS_POLICY_TOOL when it is missing or older than its sources.
function(_portcullis_policy_tool)
  get_property(PORTCULLIS_POLICY_TOOL GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL)
  get_property(version GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL_VERSION)
  get_filename_component(root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  set(include "${root}/firmware/policy/include")
  set(base_include "${root}/firmware/base/include")
  set(sources "${root}/tools/policy/portcullis_policy.cpp")
  foreach(header IN ITEMS policy parser canonical sha256 digest)
    list(APPEND sources "${include}/portcullis/policy/${header}.hpp")
  endforeach()
  list(APPEND sources "${base_include}/portcullis/base/fixed_text.hpp")
  set(tools_include "${root}/tools/common/include")
  list(APPEND sources "${tools_include}/portcullis/tools/read_file.hpp")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sources})
  # A stamp of the sources and the compiler decides whether the cached tool is current.
  set(stamp "${PORTCULLIS_HOST_CXX};${version}")
  foreach(source IN LISTS sources)
    file(SHA256 "${source}" hash)
    string(APPEND stamp ";${hash}")
  endforeach()
  set(stamp_file "${PORTCULLIS_POLICY_TOOL}.stamp")
  set(old_stamp "")
  if(EXISTS "${stamp_file}" AND EXISTS "${PORTCULLIS_POLICY_TOOL}")
    file(READ "${stamp_file}" old_stamp)
  endif()
  if(old_stamp STREQUAL stamp)
    return()
  endif()
  message(STATUS "Building the policy tool with ${PORTCULLIS_HOST_CXX}")
  get_filename_component(dir "${PORTCULLIS_POLICY_TOOL}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  execute_process(
    COMMAND "${PORTCULLIS_HOST_CXX}" -std=c++20 -O2 -Wall -Wextra "-DPORTCULLIS_VERSION=\"${version}\""
            -I "${include}" -I "${base_include}" -I "${tools_include}"
            "${root}/tools/policy/portcullis_policy.cpp" -o "${PORTCULLIS_POLICY_TOOL}.tmp"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "building the policy tool with ${PORTCULLIS_HOST_CXX} failed "
                        "(a C++20 compiler is needed):\n${output}")
  endif()
  file(RENAME "${PORTCULLIS_POLICY_TOOL}.tmp" "${PORTCULLIS_POLICY_TOOL}")
  file(WRITE "${stamp_file}" "${stamp}")
endfunction()

function(portcullis_add_policy target file)
  cmake_parse_arguments(PARSE_ARGV 2 arg "PUBLIC;PRIVATE" "GENERATED_DIR" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "portcullis_add_policy(${target} ${file}): unknown arguments "
                        "'${arg_UNPARSED_ARGUMENTS}' (PUBLIC, PRIVATE, GENERATED_DIR <dir>)")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "portcullis_add_policy: no target '${target}' (add_executable or add_library first)")
  endif()
  get_filename_component(policy_file "${file}" ABSOLUTE)
  if(NOT EXISTS "${policy_file}")
    message(FATAL_ERROR "portcullis_add_policy(${target}): policy file not found: ${policy_file}")
  endif()
  set(scope PRIVATE)
  if(arg_PUBLIC)
    set(scope PUBLIC)
  endif()
  set(dir "${arg_GENERATED_DIR}")
  if(NOT dir)
    get_target_property(binary_dir ${target} BINARY_DIR)
    set(dir "${binary_dir}/${target}-policy")
  endif()
  _portcullis_policy_tool()
  get_property(PORTCULLIS_POLICY_TOOL GLOBAL PROPERTY PORTCULLIS_POLICY_TOOL)
  get_filename_component(root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${policy_file}")

  execute_process(
    COMMAND "${PORTCULLIS_POLICY_TOOL}" check "${policy_file}"
    RESULT_VARIABLE result
    OUTPUT_QUIET
    ERROR_VARIABLE error
    ERROR_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0)
    # CMake re-wraps error text at spaces; a line that starts with a blank is left as is. The
    # NOTICE copy stands at column 0 for editors that jump to FILE:LINE.
    message(NOTICE "${error}")
    message(FATAL_ERROR " ${error}")
  endif()

  set(header "${dir}/portcullis/policy/compiled_policy.hpp")
  file(MAKE_DIRECTORY "${dir}/portcullis/policy")
  execute_process(
    COMMAND "${PORTCULLIS_POLICY_TOOL}" header "${policy_file}" "${header}.tmp"
    RESULT_VARIABLE result
    ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "generating ${header} failed: ${error}")
  endif()
  # Only a real change touches the header, so re-running CMake rebuilds nothing needlessly.
  file(COPY_FILE "${header}.tmp" "${header}" ONLY_IF_DIFFERENT)
  file(REMOVE "${header}.tmp")

  execute_process(COMMAND "${PORTCULLIS_POLICY_TOOL}" digest "${policy_file}"
                  OUTPUT_VARIABLE digest OUTPUT_STRIP_TRAILING_WHITESPACE)
  message(STATUS "Policy ${policy_file} (${target}): digest ${digest}")
  set(PORTCULLIS_POLICY_DIGEST "${digest}" PARENT_SCOPE)

  target_sources(${target} PRIVATE "${root}/firmware/policy/compiled.cpp")
  target_include_directories(${target} ${scope} "${dir}")
  target_link_libraries(${target} ${scope} portcullis_policy_rules)
endfunction()
