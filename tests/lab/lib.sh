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

# curl as the management host: mTLS with the lab's PKI ($PKI_DIR, and $LAB for tools/lab,
# both set by the calling script), bounded in time; retried a few times (a probe is
# retried, never the test).
mgmt_curl() { # curl args...
  local i
  for i in 1 2 3; do
    if "$LAB" exec curl -sS --max-time 20 --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/mgmt.crt" \
      --key "$PKI_DIR/mgmt.key" "$@"; then
      return 0
    fi
    sleep "$i"
  done
  return 1
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
