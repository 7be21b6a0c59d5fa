#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/adversarial_test.sh BOARD: boots BOARD with policies/scan.allow (tcp 22, tcp 8080
# from the lab nets, udp 5683, mgmt 8443; lab services listen there) and attacks it from the lab
# namespace with hand-made frames (scapy, tests/lab/adversarial.py), sniffing the TAP for every
# frame the device sends:
#   link      frames that never reach the filter (another unicast MAC, unknown ethertype, IP
#             version 5 / IPv4 in an IPv6 frame, a runt, an 802.1Q tag): no reply, not counted
#             as drops (the unicast to another MAC is, on boards whose NIC does not filter it)
#   barrage   tiny, header-splitting and overlapping IPv4 fragments; IPv4 options (record
#             route, timestamp, LSRR, a bogus one); IHL and total-length lies; bad IP, TCP and
#             UDP checksums; TCP/UDP header lies; unknown protocols; IPv6 extension chains
#             (walked, refused, too long), an atomic fragment and a fragment splitting the TCP
#             header; all 256 TCP flag bytes (IPv4) and the 64 classic ones (IPv6) to a closed
#             port and to an allowed port without a connection; source ports 20/53/67/88 and
#             stack-client look-alikes; spoofed sources inside the allowed prefixes and LAND
#             (the device's own address as source); SYNs to allowed ports from or to addresses
#             no connection can have (loopback, unspecified, broadcast, multicast); ICMP and
#             ICMPv6 errors quoting flows that do not exist, off-link neighbour discovery;
#             broadcast and multicast destinations
# Asserted: nothing answers a probe that must stay unanswered (no RST, no ICMP, no ARP or
# neighbour solicitation for a spoofed source, nothing); the positive controls in the same run
# (SYNs to 22 with options, extension headers or PSH/URG/ECE/CWR) get their SYN-ACK; the status
# counters read over mutual TLS before and after each phase account for every probe (exactly
# per drop reason where the lab's own traffic cannot add any); afterwards a plain SYN to 22
# still gets a SYN-ACK, UDP 5683 still echoes, the status poll and ping still work.
# Packets stay in the lab namespace; each phase sends under 1000 frames at most 500 a second.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/adversarial_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly PROBES="$ROOT/tests/lab/adversarial.py"
readonly POLICY="$ROOT/tests/lab/policies/scan.allow"
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_adversarial_$WANT_BOARD"
claim_lab_instance

if ! "$PY" -c 'import scapy.all' >/dev/null 2>&1; then
  fail "python3-scapy is not installed (tools/bootstrap installs it)"
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi

WORK="$(mktemp -d)"
trap lab_finish EXIT

# Seconds since the given $SECONDS value, for the timing lines.
since() { echo "$((SECONDS - $1)) s"; }
T_START=$SECONDS

# run_checks CMD...: runs CMD; its PASS:/FAIL: lines count as checks, INFO: lines are shown.
# A CMD that fails without saying why is one failure.
run_checks() {
  local out rc=0 line fails=0
  out="$("$@" 2>&1)" || rc=$?
  while IFS= read -r line; do
    case "$line" in
      PASS:\ *) pass "${line#PASS: }" ;;
      FAIL:\ *)
        fail "${line#FAIL: }"
        fails=$((fails + 1))
        ;;
      INFO:\ *) echo "$line" ;;
      *) [[ $rc -eq 0 ]] || echo "    $line" ;;
    esac
  done <<<"$out"
  if ((rc != 0 && fails == 0)); then
    fail "$* exited $rc"
  fi
  return 0
}

lab_up "lab up with scan.allow (device answers ping)" --policy "$POLICY"
echo "INFO: lab start took $(since "$T_START")"
readonly BASE="https://$DEVICE_IPV4:$MGMT_PORT"
PRESET="$(board_preset_of "$WANT_BOARD")"
readonly TOOL="$ROOT/build/$PRESET/policy-tool/portcullis-policy"

# GET /v1/status over mutual TLS into FILE; retried a few times (the poll, never the test).
status() { # FILE
  local i
  for i in 1 2 3; do
    if mgmt_curl_once --max-time 20 -o "$1" "$BASE/v1/status" &&
      "$PY" -m json.tool "$1" >/dev/null 2>&1; then
      return 0
    fi
    sleep "$i"
  done
  return 1
}
# A phase: status before, the probes (inside the namespace), status after, the accounting.
phase() { # NAME SUBCOMMAND-ARGS...
  local name="$1" t0=$SECONDS
  shift
  if ! status "$WORK/$name.before.json"; then
    fail "$name: GET /v1/status before the probes"
    return 0
  fi
  run_checks "$LAB" exec "$PY" "$PROBES" "$@" --board "$WANT_BOARD" --iface "$LAB_TAP" \
    --out "$WORK/$name.json"
  if ! status "$WORK/$name.after.json"; then
    fail "$name: GET /v1/status after the probes"
    return 0
  fi
  if [[ -s "$WORK/$name.json" ]]; then
    run_checks "$PY" "$PROBES" account --phase "$name" "$WORK/$name.before.json" \
      "$WORK/$name.after.json" "$WORK/$name.json"
  else
    fail "$name: the probes left no results"
  fi
  echo "INFO: phase $name took $(since "$t0")"
}

t0=$SECONDS
if status "$WORK/first.json"; then
  pass "GET /v1/status over mutual TLS"
else
  fail "GET /v1/status over mutual TLS"
fi
check "the device enforces scan.allow in stealth mode (policy digest and mode)" \
  "$PY" - "$WORK/first.json" "$("$TOOL" digest "$POLICY")" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))["policy"]
assert p["digest"] == sys.argv[2] and p["mode"] == "stealth", p
PYEOF

phase link link --repeat 10
# The security review's remote wedge: a Packet Too Big below 1280 about a live connection.
# The device must go on answering, and a poll must come back within a bound. Before the
# barrage, whose SYNs from spoofed sources leave half-open connections holding lwIP's PCBs
# for a while (the RTOS run could not open this phase's connection after it).
phase ptb ptb
t0=$SECONDS
if mgmt_curl_once --max-time 10 -o /dev/null "$BASE/v1/status"; then
  pass "a poll right after the Packet Too Big probes answers within 10 s ($(since "$t0"))"
else
  fail "no poll answer within 10 s after the Packet Too Big probes"
fi
phase barrage barrage

# ---- afterwards: allowed ports unaffected ------------------------------------------------------
t0=$SECONDS
run_checks "$LAB" exec "$PY" "$PROBES" alive --iface "$LAB_TAP"
if status "$WORK/last.json"; then
  pass "GET /v1/status over mutual TLS still works after the barrage"
else
  fail "GET /v1/status over mutual TLS after the barrage"
fi
if "$LAB" exec ping -c 1 -W 2 "$DEVICE_IPV4" >/dev/null && "$LAB" exec ping -6 -c 1 -W 2 "$DEVICE_IPV6" >/dev/null; then
  pass "device still answers ping (IPv4 and IPv6)"
else
  fail "device no longer answers ping"
fi
echo "INFO: checks after the barrage took $(since "$t0")"
echo "INFO: $WANT_BOARD: $(since "$T_START") in all (lab start included)"

((FAILED == 0))
