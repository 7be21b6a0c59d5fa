# SPDX-License-Identifier: Apache-2.0
# One configure of the whole project with a given policy, as a user would run it, in the
# scratch folder BINARY_DIR (host board, no tests: only configure-time work happens).
#
#   cmake -DSOURCE_DIR=repo -DBINARY_DIR=dir -DPOLICY=file -DGENERATOR=gen
#         [-DLWIP_DIR=... -DMBEDTLS_DIR=... -DHOST_CXX=...]
#         -DEXPECT_ERROR="LINE: reason"    configure must fail, printing POLICY:LINE: reason
#                                           on a line of its own (column 0, unwrapped)
#       | -DEXPECT_DIGEST=hex               configure must succeed and generate the header
#                                           for POLICY with this digest
#       | -DEXPECT_REBUILD_ERROR="LINE: reason"   configure with POLICY must succeed; then
#                                           the policy copied to the scratch folder gets a
#                                           bad line and the next build must fail with it
#       | -DBOARD_DEFINITIONS="NAME=VALUE;..." -DEXPECT_SETTINGS_ERROR="text"
#                                           the board's tuning (PORTCULLIS_BOARD_DEFINITIONS,
#                                           as a board.cmake sets it) must stop the configure
#                                           with a CMake error containing text
#       | -DCACHE_SETTING=NAME=VALUE            a setting given on the configure line, as a
#         (-DEXPECT_SETTINGS_ERROR="text"       user would; then either the configure fails
#          | -DEXPECT_DEFINITION=NAME=VALUE)    with text, or every target compiles with the
#                                           definition (build.ninja). The entry is removed
#                                           from the scratch cache afterwards.
#         -P configure_test.cmake

foreach(var IN ITEMS SOURCE_DIR BINARY_DIR POLICY GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "configure_test.cmake: ${var} not set")
  endif()
endforeach()

set(policy "${POLICY}")
if(DEFINED EXPECT_REBUILD_ERROR)
  # Edited below, so work on a copy.
  file(MAKE_DIRECTORY "${BINARY_DIR}")
  set(policy "${BINARY_DIR}/edited.allow")
  file(COPY_FILE "${POLICY}" "${policy}")
endif()

# Always given (empty by default), so one test's tuning never stays in the shared scratch cache.
set(args -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}" -DPORTCULLIS_BOARD=host-linux
         -DPORTCULLIS_TESTS=OFF -DPORTCULLIS_SANITIZE=OFF "-DPORTCULLIS_POLICY=${policy}"
         "-DPORTCULLIS_BOARD_DEFINITIONS=${BOARD_DEFINITIONS}")
foreach(var IN ITEMS LWIP_DIR MBEDTLS_DIR)
  if(${var})
    list(APPEND args "-D${var}=${${var}}")
  endif()
endforeach()
if(HOST_CXX)
  list(APPEND args "-DPORTCULLIS_HOST_CXX=${HOST_CXX}")
endif()
if(DEFINED CACHE_SETTING)
  list(APPEND args "-D${CACHE_SETTING}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" ${args} RESULT_VARIABLE result
                OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(DEFINED EXPECT_DEFINITION AND result EQUAL 0)
  file(READ "${BINARY_DIR}/build.ninja" ninja)  # before the clean-up below rewrites it
endif()
if(DEFINED CACHE_SETTING)
  # The other tests share this scratch cache: leave no user setting behind.
  string(REGEX REPLACE "=.*" "" setting_name "${CACHE_SETTING}")
  list(POP_BACK args)
  execute_process(COMMAND "${CMAKE_COMMAND}" ${args} "-U${setting_name}"
                  RESULT_VARIABLE cleanup_result OUTPUT_QUIET ERROR_QUIET)
  if(NOT cleanup_result EQUAL 0)
    message(FATAL_ERROR "could not configure again without ${setting_name}")
  endif()
endif()

# The message must stand on a line of its own, exactly.
function(expect_line text where)
  string(FIND "\n${where}\n" "\n${text}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected the line\n${text}\nin this output:\n${where}")
  endif()
endfunction()

if(DEFINED EXPECT_SETTINGS_ERROR)
  if(result EQUAL 0)
    message(FATAL_ERROR "configure with PORTCULLIS_BOARD_DEFINITIONS=${BOARD_DEFINITIONS} "
                        "${CACHE_SETTING} succeeded; expected it to fail:\n${output}")
  endif()
  string(REGEX REPLACE "[ \n]+" " " flat "${output}")  # CMake wraps its messages
  string(FIND "${flat}" "${EXPECT_SETTINGS_ERROR}" at)
  string(FIND "${flat}" "CMake Error" error_at)
  if(at EQUAL -1 OR error_at EQUAL -1)
    message(FATAL_ERROR "expected a CMake error with\n${EXPECT_SETTINGS_ERROR}\nin:\n${output}")
  endif()
  message(STATUS "configure failed as expected: ${EXPECT_SETTINGS_ERROR}")
  return()
endif()

if(DEFINED EXPECT_ERROR)
  if(result EQUAL 0)
    message(FATAL_ERROR "configure with ${policy} succeeded; expected it to fail:\n${output}")
  endif()
  expect_line("${policy}:${EXPECT_ERROR}" "${output}")
  # And it is CMake's fatal error that carries it, not some other failure.
  expect_line("   ${policy}:${EXPECT_ERROR}" "${output}")
  message(STATUS "configure failed as expected: ${policy}:${EXPECT_ERROR}")
  return()
endif()

if(NOT result EQUAL 0)
  message(FATAL_ERROR "configure with ${policy} failed:\n${output}")
endif()

if(DEFINED EXPECT_DEFINITION)
  string(REGEX MATCHALL "DEFINES = [^\n]*" defines "${ninja}")
  list(LENGTH defines compiled)
  string(REGEX MATCHALL "DEFINES = [^\n]*-D${EXPECT_DEFINITION}( |$)[^\n]*" with "${ninja}")
  list(LENGTH with with_count)
  if(compiled EQUAL 0 OR NOT with_count EQUAL compiled)
    message(FATAL_ERROR "${with_count} of ${compiled} compile steps in build.ninja define "
                        "${EXPECT_DEFINITION}; expected all")
  endif()
  message(STATUS "all ${compiled} compile steps define ${EXPECT_DEFINITION}")
endif()

if(DEFINED EXPECT_DIGEST)
  set(header "${BINARY_DIR}/generated/portcullis/policy/compiled_policy.hpp")
  if(NOT EXISTS "${header}")
    message(FATAL_ERROR "configure did not generate ${header}")
  endif()
  file(READ "${header}" generated)
  file(READ "${policy}" text)
  foreach(expected IN ITEMS "\"${policy}\"" "R\"policy(${text})policy\""
                            "kPolicyDigest = \"${EXPECT_DIGEST}\"")
    string(FIND "${generated}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${header} lacks\n${expected}\n:\n${generated}")
    endif()
  endforeach()
  message(STATUS "configured; ${header} has the policy and digest ${EXPECT_DIGEST}")
endif()

if(DEFINED EXPECT_REBUILD_ERROR)
  file(APPEND "${policy}" "allow tcp 0\n")
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --target portcullis_policy
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(result EQUAL 0)
    message(FATAL_ERROR "the build after editing ${policy} succeeded; expected the check "
                        "to re-run and fail:\n${output}")
  endif()
  expect_line("${policy}:${EXPECT_REBUILD_ERROR}" "${output}")
  message(STATUS "editing the policy re-ran the check: ${policy}:${EXPECT_REBUILD_ERROR}")
endif()
