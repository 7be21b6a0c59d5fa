# SPDX-License-Identifier: Apache-2.0
# Both readers of boards/<board>/lab.conf (tools/lib/boards.sh and cmake/lab_conf.cmake) on
# one file:
#   cmake -DSOURCE_DIR=repo -DFILE=conf -DEXPECT_ERROR="LINE: reason" -P conf_test.cmake
#       both refuse FILE, each printing exactly FILE:LINE: reason on a line of its own
#       (EXPECT_ERROR=" reason" for FILE: reason, a file-wide error)
#   cmake -DSOURCE_DIR=repo -DFILE=conf -DEXPECT_OK=1 -P conf_test.cmake
#       both accept FILE and read the same values
#   cmake -DSOURCE_DIR=repo -DFILE=conf -DREAD=1 -P conf_test.cmake
#       (internal) the CMake reader alone: KEY=VALUE lines on stdout

cmake_minimum_required(VERSION 3.25)
foreach(var IN ITEMS SOURCE_DIR FILE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "conf_test.cmake: ${var} not set")
  endif()
endforeach()
include("${SOURCE_DIR}/cmake/lab_conf.cmake")

if(READ)
  portcullis_lab_conf("${FILE}" conf)
  foreach(key IN LISTS PORTCULLIS_LAB_CONF_KEYS)
    string(REPLACE ";" " " value "${conf_${key}}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${key}=${value}")
  endforeach()
  return()
endif()

execute_process(COMMAND bash -c "source \"$1\" && lab_conf_read \"$2\" && for k in $LAB_CONF_KEYS; do printf '%s=%s\\n' \"$k\" \"\${LAB_CONF[$k]}\"; done"
                        _ "${SOURCE_DIR}/tools/lib/boards.sh" "${FILE}"
                RESULT_VARIABLE bash_rc OUTPUT_VARIABLE bash_out ERROR_VARIABLE bash_err)
execute_process(COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${SOURCE_DIR}" "-DFILE=${FILE}" -DREAD=1
                        -P "${CMAKE_CURRENT_LIST_FILE}"
                RESULT_VARIABLE cmake_rc OUTPUT_VARIABLE cmake_out ERROR_VARIABLE cmake_err)

if(EXPECT_OK)
  if(NOT bash_rc EQUAL 0)
    message(FATAL_ERROR "tools/lib/boards.sh refused ${FILE}:\n${bash_err}")
  endif()
  if(NOT cmake_rc EQUAL 0)
    message(FATAL_ERROR "cmake/lab_conf.cmake refused ${FILE}:\n${cmake_err}")
  endif()
  if(NOT bash_out STREQUAL cmake_out)
    message(FATAL_ERROR "the readers disagree on ${FILE}:\nbash:\n${bash_out}\ncmake:\n${cmake_out}")
  endif()
  message(STATUS "both readers accept ${FILE}:\n${bash_out}")
  return()
endif()

if(NOT DEFINED EXPECT_ERROR)
  message(FATAL_ERROR "conf_test.cmake: EXPECT_ERROR or EXPECT_OK")
endif()
set(want "${FILE}:${EXPECT_ERROR}")
if(bash_rc EQUAL 0)
  message(FATAL_ERROR "tools/lib/boards.sh accepted ${FILE}; expected: ${want}")
endif()
if(NOT bash_err STREQUAL "${want}\n")
  message(FATAL_ERROR "tools/lib/boards.sh on ${FILE}: expected exactly\n${want}\ngot\n${bash_err}")
endif()
if(cmake_rc EQUAL 0)
  message(FATAL_ERROR "cmake/lab_conf.cmake accepted ${FILE}; expected: ${want}")
endif()
string(FIND "\n${cmake_err}\n" "\n${want}\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "cmake/lab_conf.cmake on ${FILE}: expected the line\n${want}\nin\n${cmake_err}")
endif()
message(STATUS "both readers refuse ${FILE}: ${want}")
