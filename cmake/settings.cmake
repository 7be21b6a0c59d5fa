# SPDX-License-Identifier: Apache-2.0
# The board's tuning (PORTCULLIS_BOARD_DEFINITIONS, NAME=VALUE each) is checked against the
# settings the code has, so that a misspelled key stops the configure instead of silently
# leaving the default in place. The code's settings are the headers' own: every
#   #ifndef PORTCULLIS_NAME
#   #define PORTCULLIS_NAME <default>
# in firmware/ and platform/ (each with its range static_assert beside it). Include guards
# define no value and are not settings.

# portcullis_known_settings(OUT): the names, sorted.
function(portcullis_known_settings out)
  file(GLOB_RECURSE headers "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../firmware/*.h"
       "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../firmware/*.hpp"
       "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../platform/*.h"
       "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../platform/*.hpp")
  set(names "")
  foreach(header IN LISTS headers)
    file(READ "${header}" text)
    string(REPLACE ";" "," text "${text}")  # a list separator in a comment would split it
    string(REGEX MATCHALL
           "#ifndef PORTCULLIS_[A-Z0-9_]+[^\n]*\n#define PORTCULLIS_[A-Z0-9_]+ [^\n]+" blocks
           "${text}")
    foreach(block IN LISTS blocks)
      string(REGEX REPLACE "^#ifndef (PORTCULLIS_[A-Z0-9_]+).*" "\\1" name "${block}")
      list(APPEND names "${name}")
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# Settings that our own CMake sets from other options (a user sets those options instead).
set(PORTCULLIS_SETTINGS_SET_BY_CMAKE PORTCULLIS_FILTER PORTCULLIS_TLS_CLIENT_SESSIONS
    PORTCULLIS_LWIP_NO_SYS PORTCULLIS_LWIP_CHECK_CORE_LOCKING)

# portcullis_settings_with_overrides(DEFINITIONS OUT): DEFINITIONS (the board's, checked)
# with each setting a user gave on the configure line (-DPORTCULLIS_AUDIT_CLOSE=0: a cache
# entry) in place of the board's value. FATAL_ERROR for a value that is not a decimal number.
function(portcullis_settings_with_overrides definitions out)
  portcullis_known_settings(known)
  list(REMOVE_ITEM known ${PORTCULLIS_SETTINGS_SET_BY_CMAKE})
  set(result "")
  foreach(entry IN LISTS definitions)
    string(REGEX REPLACE "=.*" "" name "${entry}")
    if(NOT DEFINED CACHE{${name}} OR name IN_LIST PORTCULLIS_SETTINGS_SET_BY_CMAKE)
      list(APPEND result "${entry}")
    endif()
  endforeach()
  foreach(name IN LISTS known)
    if(DEFINED CACHE{${name}})
      if(NOT "$CACHE{${name}}" MATCHES "^[0-9]+$")
        message(FATAL_ERROR "-D${name}=$CACHE{${name}}: a setting is a decimal number (the "
                            "header that defines it checks the range)")
      endif()
      list(APPEND result "${name}=$CACHE{${name}}")
      message(STATUS "Setting from the configure line: ${name}=$CACHE{${name}}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# portcullis_check_board_definitions(DEFINITIONS ORIGIN): FATAL_ERROR naming ORIGIN (the
# board file) for an entry that is not NAME=VALUE with VALUE a decimal number, a NAME the
# code does not have, or a NAME given twice. Ranges are the headers' static_asserts.
function(portcullis_check_board_definitions definitions origin)
  portcullis_known_settings(known)
  set(seen "")
  foreach(entry IN LISTS definitions)
    if(NOT entry MATCHES "^(PORTCULLIS_[A-Z0-9_]+)=([0-9]+)$")
      message(FATAL_ERROR "${origin}: PORTCULLIS_BOARD_DEFINITIONS: '${entry}' is not "
                          "PORTCULLIS_NAME=<decimal number>")
    endif()
    set(name "${CMAKE_MATCH_1}")
    if(NOT name IN_LIST known)
      string(REPLACE ";" " " known_text "${known}")
      message(FATAL_ERROR "${origin}: PORTCULLIS_BOARD_DEFINITIONS: unknown setting '${name}' "
                          "(a misspelled key would silently keep the default). The settings "
                          "are: ${known_text}")
    endif()
    if(name IN_LIST seen)
      message(FATAL_ERROR "${origin}: PORTCULLIS_BOARD_DEFINITIONS: '${name}' given twice")
    endif()
    list(APPEND seen "${name}")
  endforeach()
endfunction()
