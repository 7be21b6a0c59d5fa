# SPDX-License-Identifier: Apache-2.0
# Runs portcullis-policy once and compares exit status, stdout and stderr exactly.
#
#   cmake -DTOOL=exe -DARGS="check;file" -DEXPECT_RC=N [-DEXPECT_STDOUT=text |
#         -DEXPECT_STDOUT_FILE=file] [-DEXPECT_STDERR=text] [-DSTDIN=file] -P tool_test.cmake
# Unset expectations for stdout/stderr mean "empty".

if(DEFINED STDIN)  # -DSTDIN=file: the tool's standard input
  execute_process(COMMAND "${TOOL}" ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err INPUT_FILE "${STDIN}")
else()
  execute_process(COMMAND "${TOOL}" ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
endif()
if(DEFINED EXPECT_STDOUT_FILE)
  file(READ "${EXPECT_STDOUT_FILE}" EXPECT_STDOUT)
endif()
foreach(what IN ITEMS rc out err)
  set(expected_rc "${EXPECT_RC}")
  set(expected_out "${EXPECT_STDOUT}")
  set(expected_err "${EXPECT_STDERR}")
  if(NOT "${${what}}" STREQUAL "${expected_${what}}")
    message(FATAL_ERROR "portcullis-policy ${ARGS}: ${what} is\n[${${what}}]\nexpected\n"
                        "[${expected_${what}}]")
  endif()
endforeach()
