#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/smoke_test.sh BOARD: boot BOARD with tools/lab and check it from the host side of
# the lab: the tools/lab contract keys (and the instance's names: PORTCULLIS_LAB_INSTANCE),
# IPv4 and IPv6 ping, ARP, TCP to a closed port (filtered), and that `tools/lab stop` leaves
# nothing of this instance behind. Prints PASS/FAIL per check; exits non-zero on any
# failure, 77 (CTest: skipped) when not run as root.
#
# Every packet goes to the device inside the lab's namespace (192.0.2.0/24, 2001:db8::/64);
# every probe is bounded in count and time.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/smoke_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly EXPECTED_MAC="02:00:5e:00:53:02"
readonly KEYS=(LAB_NETNS DEVICE_IPV4 DEVICE_IPV6 HOST_IPV4 HOST_IPV6 MGMT_PORT PKI_DIR BOARD CONSOLE_LOG LAB_TAP)

# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_smoke_$WANT_BOARD"
claim_lab_instance
STATE="$("$LAB" dir)"
readonly STATE
# The instance's names, as tools/lab's contract gives them.
if [[ -n "${PORTCULLIS_LAB_INSTANCE:-}" ]]; then
  readonly WANT_NETNS="portcullis-lab_$PORTCULLIS_LAB_INSTANCE"
else
  readonly WANT_NETNS="portcullis-lab"
fi
TAP_NAME="" # the instance's TAP (LAB_TAP), once start has said it

# Processes still running a device on this instance's TAP (looked at, never signalled).
device_processes() {
  local f pid cmd
  [[ -n "$TAP_NAME" ]] || return 0
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    cmd="$(tr '\0' ' ' <"$f" 2>/dev/null)" || continue
    if [[ "$cmd" =~ (qemu-system-arm|portcullis-).*(ifname=|--tap\ )${TAP_NAME}(,|\ |$) ]]; then
      printf '%s %s\n' "$pid" "$cmd"
    fi
  done
}
netns_gone() { # exactly this instance's namespace (another lab's may be running)
  ! ip netns list | awk '{ print $1 }' | grep -qxF "$WANT_NETNS"
}

# A zombie waiting for its new parent (init) to reap it counts as gone.
process_gone() {
  local st
  [[ -r "/proc/$1/stat" ]] || return 0
  st="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [[ -z "$st" || "$st" == "Z" || "$st" == "X" ]] || {
    echo "still running: $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)"
    return 1
  }
}

no_device_processes() {
  local left
  left="$(device_processes)"
  [[ -z "$left" ]] || {
    printf '%s\n' "$left"
    return 1
  }
}

STARTED=0
STOPPED=0
DEVICE_PID=""
stop_and_verify() {
  STOPPED=1
  if [[ -f "$STATE/device.pid" ]]; then DEVICE_PID="$(cat "$STATE/device.pid")"; fi
  check "tools/lab stop succeeds" "$LAB" stop
  check "no namespace $WANT_NETNS after stop" netns_gone
  if [[ -n "$TAP_NAME" ]]; then
    check "no TAP $TAP_NAME left in the root namespace" bash -c "! ip link show '$TAP_NAME' >/dev/null 2>&1"
  fi
  check "no device.pid in $STATE after stop" test ! -e "$STATE/device.pid"
  if [[ -n "$DEVICE_PID" ]]; then
    check "device process $DEVICE_PID is gone" process_gone "$DEVICE_PID"
  fi
  check "no QEMU/host device process on ${TAP_NAME:-the TAP} remains" no_device_processes
  check "tools/lab stop is idempotent" "$LAB" stop
}

# Runs on every exit path: normal end, failure, INT/TERM (called directly from those traps).
finish() {
  local rc="$1"
  trap - EXIT INT TERM
  if ((STOPPED == 0)); then stop_and_verify; fi
  if ((FAILED > 0 || rc != 0)); then
    if ((FAILED == 0)); then fail "smoke test aborted (exit $rc)"; fi
    # (When start itself failed, tools/lab has already shown the console.)
    if ((STARTED)) && [[ -s "$STATE/console.log" ]]; then
      echo "--- last lines of the device console:"
      tail -n 20 "$STATE/console.log" | sed 's/^/    | /'
    fi
  fi
  echo "lab_smoke_$WANT_BOARD: $PASSED passed, $FAILED failed"
  ((FAILED == 0)) || exit 1
  exit 0
}
trap 'finish $?' EXIT
trap 'finish 130' INT
trap 'finish 143' TERM

echo "lab_smoke_$WANT_BOARD: starting the lab"
if ! OUT="$("$LAB" start --board "$WANT_BOARD")"; then
  fail "tools/lab start --board $WANT_BOARD"
  exit 1
fi
pass "tools/lab start --board $WANT_BOARD"
STARTED=1

# stdout must be KEY=VALUE lines only, so that eval "$(tools/lab start)" is safe.
BAD_LINES="$(grep -Ev '^[A-Z][A-Z0-9_]*=' <<<"$OUT" || true)"
if [[ -z "$BAD_LINES" ]]; then
  pass "start printed only KEY=VALUE lines"
else
  fail "start printed only KEY=VALUE lines (also: $BAD_LINES)"
  exit 1
fi
for key in "${KEYS[@]}"; do unset "$key"; done
eval "$OUT"
for key in "${KEYS[@]}"; do
  if [[ -n "${!key:-}" ]]; then
    pass "key $key=${!key}"
  else
    fail "key $key present and non-empty"
  fi
done
if [[ "${BOARD:-}" == "$WANT_BOARD" ]]; then
  pass "BOARD is $WANT_BOARD"
else
  fail "BOARD is $WANT_BOARD (got '${BOARD:-}')"
fi
check "PKI_DIR is a directory" test -d "${PKI_DIR:-/nonexistent}"
is_absolute_file() { [[ "$1" == /* && -f "$1" ]]; }
check "CONSOLE_LOG is an absolute path to a file" is_absolute_file "${CONSOLE_LOG:-}"
check "CONSOLE_LOG is in the instance's folder ($STATE)" test "${CONSOLE_LOG:-}" == "$STATE/console.log"
check "LAB_NETNS is the instance's namespace $WANT_NETNS" test "${LAB_NETNS:-}" == "$WANT_NETNS"
tap_name_ok() { # fits IFNAMSIZ; the default instance keeps pctap0
  local want='^pclab[0-9a-f]{8}$'
  [[ -n "${PORTCULLIS_LAB_INSTANCE:-}" ]] || want='^pctap0$'
  [[ "$1" =~ $want && ${#1} -le 15 ]]
}
check "LAB_TAP '${LAB_TAP:-}' is the instance's TAP (at most 15 characters)" tap_name_ok "${LAB_TAP:-}"
check "LAB_TAP is in the lab namespace, not the root one" \
  bash -c "'$LAB' exec ip link show '${LAB_TAP:-none}' && ! ip link show '${LAB_TAP:-none}'"
TAP_NAME="${LAB_TAP:-}"
if ((FAILED > 0)); then exit 1; fi

if [[ -s "$STATE/boot_ms" ]]; then
  echo "INFO: boot-to-first-ping $(cat "$STATE/boot_ms") ms ($WANT_BOARD)"
fi

check "ping -c3 $DEVICE_IPV4" "$LAB" exec ping -n -c 3 -W 2 "$DEVICE_IPV4"
check "ping -6 -c3 $DEVICE_IPV6" "$LAB" exec ping -6 -n -c 3 -W 2 "$DEVICE_IPV6"

NEIGH="$("$LAB" exec ip neigh show "$DEVICE_IPV4" 2>&1 || true)"
if grep -qi "lladdr $EXPECTED_MAC" <<<"$NEIGH"; then
  pass "ARP: $DEVICE_IPV4 is at $EXPECTED_MAC"
else
  fail "ARP: $DEVICE_IPV4 is at $EXPECTED_MAC (ip neigh: ${NEIGH:-nothing})"
fi

# The board's default policy is stealth and does not allow port 7: the early filter drops
# the SYN before lwIP could answer it, so nmap sees "filtered". The positive counterpart in
# the same run is the ping above: the device is up and reachable.
nmap_filtered() { # FAMILY_FLAG... ADDR
  local out
  out="$("$LAB" exec nmap -n -Pn -sS -p 7 --max-retries 2 --host-timeout 30s "$@" 2>&1)" || {
    printf '%s\n' "$out"
    return 1
  }
  grep -Eq '^7/tcp[[:space:]]+filtered' <<<"$out" || {
    printf '%s\n' "$out"
    return 1
  }
}
check "nmap: TCP port 7 on $DEVICE_IPV4 is filtered (stealth drop)" nmap_filtered "$DEVICE_IPV4"
check "nmap -6: TCP port 7 on $DEVICE_IPV6 is filtered (stealth drop)" nmap_filtered -6 "$DEVICE_IPV6"

stop_and_verify
