# Shared by the lab test scripts (sourced): root check and PASS/FAIL bookkeeping.
# shellcheck shell=bash

# Exits 77 (CTest: skipped) unless root: namespaces and TAP devices need it.
require_root() { # TEST-NAME
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "SKIP: $1 needs root (network namespace, TAP device)"
    exit 77
  fi
}

PASSED=0
FAILED=0
pass() {
  echo "PASS: $*"
  PASSED=$((PASSED + 1))
}
fail() {
  echo "FAIL: $*"
  FAILED=$((FAILED + 1))
}
# check DESCRIPTION CMD... : PASS when CMD succeeds; its output is shown only on failure.
check() {
  local desc="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    pass "$desc"
  else
    fail "$desc"
    [[ -n "$out" ]] && printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
  fi
  return 0
}

# The CMake preset tools/lab builds BOARD in: $PORTCULLIS_LAB_PRESET when set (the rtos build
# runs these scripts against host-linux in RTOS mode), else the board's own.
board_preset_of() { # BOARD
  if [[ -n "${PORTCULLIS_LAB_PRESET:-}" ]]; then
    printf '%s' "$PORTCULLIS_LAB_PRESET"
  elif [[ "$1" == host-linux ]]; then
    printf 'host'
  else
    printf '%s' "$1"
  fi
}
