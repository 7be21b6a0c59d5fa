# SPDX-License-Identifier: Apache-2.0
# Shared by the lab test scripts (sourced): root check, the lab instance, the board's
# lab.conf, PASS/FAIL bookkeeping.
# shellcheck shell=bash

_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tools/lib/boards.sh
source "$_LIB_ROOT/tools/lib/boards.sh"

# portcullis-fleet: the one CTest built (PORTCULLIS_FLEET), else the host preset's.
# shellcheck disable=SC2034 # for the scripts that source this
readonly FLEET="${PORTCULLIS_FLEET:-$_LIB_ROOT/build/host/tools/fleet/portcullis-fleet}"

# Exits 77 (CTest: skipped) unless root: namespaces and TAP devices need it.
require_root() { # TEST-NAME
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "SKIP: $1 needs root (network namespace, TAP device)"
    exit 77
  fi
}

# The script's lab instance (PORTCULLIS_LAB_INSTANCE, tools/lab): CTest gives each lab test
# its own. A named instance is claimed for the script's whole run with /tmp/<namespace>.lock
# (flock, held on fd 7 until the script exits), so that a run from another checkout with the
# same instance name waits instead of stopping this one's lab. The default instance is not
# locked here: its callers hold /tmp/portcullis-lab.lock, as they always have.
readonly INSTANCE_LOCK_BOUND=600
claim_lab_instance() {
  local name="${PORTCULLIS_LAB_INSTANCE:-}" lock
  [[ -n "$name" ]] || return 0
  lock="/tmp/portcullis-lab_$name.lock"
  exec 7>"$lock"
  if ! flock -n 7; then
    echo "INFO: lab instance $name is in use (lock $lock): waiting up to ${INSTANCE_LOCK_BOUND} s"
    flock -w "$INSTANCE_LOCK_BOUND" 7 || {
      echo "FAIL: lab instance $name stayed in use for ${INSTANCE_LOCK_BOUND} s (lock $lock)"
      exit 1
    }
  fi
}

# board_conf BOARD KEY: KEY of boards/BOARD/lab.conf (tools/lib/boards.sh), or exit 1.
board_conf() {
  lab_conf_read "$_LIB_ROOT/boards/$1/lab.conf" || {
    echo "FAIL: boards/$1/lab.conf is not valid (above)" >&2
    exit 1
  }
  printf '%s' "${LAB_CONF[$2]}"
}

PASSED=0
FAILED=0
WORK="" # a script's scratch folder (mktemp -d after sourcing this), removed by lab_finish
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

# One curl as the management host, from the lab namespace: mTLS with the lab's PKI ($PKI_DIR,
# and $LAB for tools/lab, both set by the calling script); the caller bounds it
# (--max-time) and decides on retries.
mgmt_curl_once() { # curl args...
  "$LAB" exec curl -sS --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/mgmt.crt" \
    --key "$PKI_DIR/mgmt.key" "$@"
}

# mgmt_curl_once bounded to 20 s and retried a few times (a probe is retried, never the test).
mgmt_curl() { # curl args...
  local i
  for i in 1 2 3; do
    if mgmt_curl_once --max-time 20 "$@"; then
      return 0
    fi
    sleep "$i"
  done
  return 1
}

# The CMake preset tools/lab builds BOARD in: $PORTCULLIS_LAB_PRESET when set (the rtos build
# runs these scripts against host-linux in RTOS mode), else the board's own (its lab.conf).
board_preset_of() { # BOARD
  if [[ -n "${PORTCULLIS_LAB_PRESET:-}" ]]; then
    printf '%s' "$PORTCULLIS_LAB_PRESET"
  else
    board_conf "$1" PRESET
  fi
}

# lab_up DESCRIPTION [tools/lab start args...]: starts the lab with $WANT_BOARD (both set by
# the calling script, with $LAB) and takes its KEY=VALUE lines (DEVICE_IPV4, MGMT_PORT, ...)
# as shell variables; PASS DESCRIPTION, or FAIL and exit 1 (the script's EXIT trap stops the
# lab).
lab_up() {
  local desc="$1" lines
  shift
  lines="$("$LAB" start --board "$WANT_BOARD" "$@")" || {
    fail "tools/lab start --board $WANT_BOARD $*"
    exit 1
  }
  eval "$lines"
  pass "$desc"
}

# OUT: an identity record for DEVICE-ID from PKI's fleet CA (tools/pki provision, with any
# further options), or FAIL and exit.
provision_record() { # PKI DEVICE-ID OUT [OPTION...]
  local pki="$1" id="$2" out="$3"
  shift 3
  "$_LIB_ROOT/tools/pki" provision "$pki" --device-id "$id" "$@" "$out" >/dev/null 2>"$out.log" || {
    fail "tools/pki provision $pki --device-id $id: $(tail -n 3 "$out.log")"
    exit 1
  }
}

# The common end of a lab script's EXIT trap: stops the lab, removes $WORK when the script
# made one, prints the tally.
lab_finish() {
  "$LAB" stop >/dev/null 2>&1 || true
  [[ -n "$WORK" ]] && rm -rf "$WORK"
  echo "$PASSED passed, $FAILED failed"
}

# The push's broker in the lab: mosquitto in the namespace on $BROKER:$BROKER_PORT with TLS and
# client certificates required (set by the calling script, with $WORK, $PKI_DIR and $LAB). Its
# configuration is $WORK/mosquitto.conf, with EXTRA lines (persistence, say) at the end.
# `user root`: mosquitto started as root would switch to its own user, which cannot read the
# build's PKI folder (keys are root-only, mode 0600).
# shellcheck disable=SC2120 # the extra lines are optional
lab_broker_conf() { # [EXTRA-LINE...]; BROKER_CERT/BROKER_KEY: another certificate
  {
    cat <<EOF
user root
per_listener_settings false
allow_anonymous false
log_dest file $WORK/broker.log
log_type all
listener $BROKER_PORT $BROKER
cafile $PKI_DIR/ca.crt
certfile ${BROKER_CERT:-$PKI_DIR/broker.crt}
keyfile ${BROKER_KEY:-$PKI_DIR/broker.key}
require_certificate true
use_identity_as_username true
acl_file $_LIB_ROOT/deploy/mosquitto/portcullis.acl
EOF
    printf '%s\n' "$@"
  } >"$WORK/mosquitto.conf"
}
# Starts it (with lab_broker_conf's defaults if no configuration was written) and waits until
# it listens (bounded: 5 s). Sets BROKER_PID: call it in the script's own shell, not in `check`.
start_broker() {
  [[ -f "$WORK/mosquitto.conf" ]] || lab_broker_conf
  "$LAB" exec mosquitto -c "$WORK/mosquitto.conf" >>"$WORK/broker.out" 2>&1 &
  BROKER_PID=$!
  local i
  for i in $(seq 1 50); do
    "$LAB" exec ss -ltn | grep -q "$BROKER:$BROKER_PORT" && return 0
    sleep 0.1
  done
  return 1
}
stop_broker() {
  [[ -n $BROKER_PID ]] || return 0
  kill "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}

# Waits (bounded: SECONDS, checked each second) until the device's console has a line
# matching the extended regex PATTERN; status 0 when it came.
console_within() { # PATTERN SECONDS
  local _
  for _ in $(seq 1 "$2"); do
    grep -Eq -- "$1" "$CONSOLE_LOG" && return 0
    sleep 1
  done
  grep -Eq -- "$1" "$CONSOLE_LOG"
}

# A copy of PKI_DIR's NAME certificate (its key, subject and extensions, signed by the same CA)
# valid only from START to END (openssl's YYYYMMDDHHMMSSZ): OUT.crt, with NAME's key at OUT.key.
# For probes that a peer checks validity dates (tools/pki makes only current certificates).
dated_copy() { # NAME START END OUT
  local name="$1" start="$2" end="$3" out="$4" d
  d="$(mktemp -d)"
  touch "$d/index.txt"
  openssl rand -hex 16 >"$d/serial"
  printf '%s\n' "[ca]" "default_ca = c" "[c]" "database = $d/index.txt" "new_certs_dir = $d" \
    "serial = $d/serial" "default_md = sha256" "policy = p" "copy_extensions = copyall" \
    "unique_subject = no" "[p]" "organizationName = optional" \
    "organizationalUnitName = optional" "commonName = optional" >"$d/ca.cnf"
  openssl x509 -in "$PKI_DIR/$name.crt" -x509toreq -signkey "$PKI_DIR/$name.key" \
    -copy_extensions copyall -out "$d/req.csr" >/dev/null 2>&1 &&
    openssl ca -batch -config "$d/ca.cnf" -cert "$PKI_DIR/ca.crt" -keyfile "$PKI_DIR/ca.key" \
      -in "$d/req.csr" -startdate "$start" -enddate "$end" -preserveDN -notext \
      -out "$out.crt" >"$d/log" 2>&1 &&
    cp -- "$PKI_DIR/$name.key" "$out.key"
  local rc=$?
  ((rc == 0)) || cat "$d/log" >&2
  rm -rf -- "$d"
  return "$rc"
}
