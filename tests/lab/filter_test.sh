#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/filter_test.sh BOARD: boots BOARD with the test's own policies and scans it with
# nmap from the lab namespace. Asserts (not prints) what a scanner sees:
#   stealth (policies/scan.allow): a SYN scan of all 65535 TCP ports finds exactly the
#   allowed ports with a listener open (the lab services and the status endpoint on the
#   mgmt port) and every other port filtered, a source-restricted rule
#   stays filtered for other sources; FIN, NULL, Xmas and ACK scans get no answer from any
#   port (not even an allowed one); a UDP scan finds no closed port; IPv6 likewise.
#   reject (policies/reject.allow): closed ports answer a SYN with RST and UDP with port
#   unreachable, while ACK probes still learn nothing.
# Each negative check stands beside a positive one of the same run (a port that must
# answer does). Packets stay in the lab namespace; scans are bounded in rate and time. An
# allowed port a fast scan found silent is probed once more, alone, only when the device
# counted frames lost before its filter (probe_missing).
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/filter_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"

# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_filter_$WANT_BOARD"
claim_lab_instance

expect_eq() { # DESCRIPTION WANT GOT
  if [[ "$2" == "$3" ]]; then
    pass "$1 ($3)"
  else
    fail "$1: want [$2], got [$3]"
  fi
}
trap lab_finish EXIT

# nmap's grepable output -> "PORT/STATE" lines, plus "ignored STATE COUNT".
scan() { # nmap args...
  local out
  out="$("$LAB" exec nmap -n -Pn --max-retries 1 --host-timeout 300s -oG - "$@")" || {
    echo "nmap failed: $out" >&2
    return 1
  }
  printf '%s\n' "$out" | awk -F'\t' '
    /^Host: / {
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Ports: /) {
          n = split(substr($i, 8), ps, ", ")
          for (j = 1; j <= n; j++) { split(ps[j], f, "/"); print f[1] "/" f[2] }
        }
        if ($i ~ /^Ignored State: /) {
          s = substr($i, 16); sub(/ \(/, " ", s); sub(/\)/, "", s); print "ignored " s
        }
      }
    }'
}
# Ports of STATE in a scan's lines, sorted, space-separated.
ports_in() { # STATE LINES
  printf '%s\n' "$2" | awk -F/ -v s="$1" '$2 == s { print $1 }' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
ignored() { # LINES -> "STATE COUNT" or empty
  printf '%s\n' "$2" | awk -v s="$1" '$1 == "ignored" && $2 == s { print $3 }'
}
# Ports answering in any way other than silence (closed, unfiltered, open).
answering() { # LINES
  printf '%s\n' "$1" | awk -F/ '$2 == "open" || $2 == "closed" || $2 == "unfiltered" { print $1 }' |
    sort -n | tr '\n' ' ' | sed 's/ $//'
}
outside() { # ALLOWED-LIST PORTS -> ports of PORTS not in ALLOWED-LIST
  local p out=""
  for p in $2; do
    [[ " $1 " == *" $p "* ]] || out+="$p "
  done
  printf '%s' "${out% }"
}
# Positive check beside a silent scan: the device is up and answering.
still_alive() {
  if "$LAB" exec ping -c 1 -W 2 "$DEVICE_IPV4" >/dev/null && "$LAB" exec ping -6 -c 1 -W 2 "$DEVICE_IPV6" >/dev/null; then
    pass "device still answers ping (IPv4 and IPv6) after the silent scans"
  else
    fail "device no longer answers ping"
  fi
}

# A scan at thousands of probes a second may leave a slow build (the RTOS one under
# ThreadSanitizer) no receive buffer: frames wait for lwIP's thread, and what arrives
# meanwhile is lost before the filter, the SYN and nmap's one retry of an allowed port
# included. That is no verdict of the filter's, and the device counts it (rx_frames_dropped).
# So a port of WANT missing from OPEN is probed again, alone, when the device says it lost
# frames; prints the ports that answer then. Lost nothing, or silent again: none (the check
# fails).
probe_missing() { # WANT OPEN ADDRESS
  local missing lost family=()
  missing="$(outside "$2" "$1")"
  [[ -n "$missing" ]] || return 0
  [[ "$3" == *:* ]] && family=(-6)
  lost="$(mgmt_curl -o - "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["rx_frames_dropped_total"])')" ||
    lost=""
  [[ "$lost" =~ ^[0-9]+$ ]] || lost=0
  echo "INFO: no SYN-ACK from $3 port $missing; the device lost $lost frames before the filter" >&2
  ((lost > 0)) || return 0
  echo "INFO: $3 port $missing probed again, alone" >&2
  ports_in open "$(scan "${family[@]}" -sS -p "${missing// /,}" "$3")"
}

# The ports of two space-separated lists, sorted, space-separated.
merged() { # PORTS PORTS
  tr ' ' '\n' <<<"$1 $2" | awk NF | sort -n | tr '\n' ' ' | sed 's/ $//'
}

start_lab() { # POLICY
  lab_up "lab up with $(basename "$1") (device answers ping)" --policy "$1"
}

# The reject policy first, then scan.allow: the lab tests of a board that come after this one
# (adversarial, mqtt, flood: tests/lab/CMakeLists.txt) boot scan.allow too, so the build
# folder changes policy once less.
# ---- reject ---------------------------------------------------------------------------
# 11 probes each: inside the reject rate limiter's burst, so every closed port answers.
start_lab "$ROOT/tests/lab/policies/reject.allow"
lines="$(scan -sS -p 20-30 "$DEVICE_IPV4")"
expect_eq "reject SYN scan: the allowed port is open" "22" "$(ports_in open "$lines")"
expect_eq "reject SYN scan: every other port answers closed (RST)" "20 21 23 24 25 26 27 28 29 30" \
  "$(ports_in closed "$lines")"
for kind in A F; do
  lines="$(scan "-s$kind" -p 20-30 "$DEVICE_IPV4")"
  expect_eq "reject -s$kind scan: no port answers (closed cannot be told from filtered)" "" \
    "$(answering "$lines")"
done
still_alive
lines="$(scan -sU -p 160-165 "$DEVICE_IPV4")"
expect_eq "reject UDP scan: closed ports answer port unreachable" "160 161 162 163 164 165" \
  "$(ports_in closed "$lines")"
"$LAB" stop >/dev/null

# ---- stealth --------------------------------------------------------------------------
start_lab "$ROOT/tests/lab/policies/scan.allow"
readonly ALLOWED_TCP="22 2222 8080 8443"

readonly OPEN_TCP="22 8080 8443" # the allowed ports with a listener (lab services, mgmt)
t0=$SECONDS
lines="$(scan -sS -p- --min-rate 4000 "$DEVICE_IPV4")"
echo "INFO: SYN scan of 65535 TCP ports took $((SECONDS - t0)) s"
open="$(ports_in open "$lines")"
filtered="$(ignored filtered "$lines")"
again="$(probe_missing "$OPEN_TCP" "$open" "$DEVICE_IPV4")"
if [[ -n "$again" ]]; then
  open="$(merged "$open" "$again")"
  [[ "$filtered" =~ ^[0-9]+$ ]] && filtered=$((filtered - $(wc -w <<<"$again")))
fi
expect_eq "IPv4 SYN scan: open ports are the allowed ones with a listener (lab services, mgmt)" \
  "$OPEN_TCP" "$open"
expect_eq "IPv4 SYN scan: no closed port" "" "$(ports_in closed "$lines")"
expect_eq "IPv4 SYN scan: every other port filtered" "65532" "$filtered"
expect_eq "IPv4 SYN scan: the rule for 198.51.100.0/24 keeps 2222 filtered for 192.0.2.1" "" \
  "$(printf '%s\n' "$lines" | awk -F/ '$1 == 2222 { print $2 }')"

readonly PROBE_PORTS="1-1024,2222,5683,8080,8443,30000-30100"
# Probes that open no connection get nothing, not even from allowed ports: an allow rule
# admits connection attempts; other segments must belong to a connection.
for kind in F N X A; do
  lines="$(scan "-s$kind" -p "$PROBE_PORTS" --min-rate 1000 "$DEVICE_IPV4")"
  expect_eq "IPv4 -s$kind scan: no port answers" "" "$(answering "$lines")"
done
still_alive

lines="$(scan -sU -p 1-200,5683,5684 --min-rate 500 "$DEVICE_IPV4")"
expect_eq "IPv4 UDP scan: no closed port" "" "$(ports_in closed "$lines")"
expect_eq "IPv4 UDP scan: the allowed port echoes (open)" "5683" "$(ports_in open "$lines")"

lines="$(scan -6 -sS -p 1-1024,2222,8080,8443,40000-40100 --min-rate 2000 "$DEVICE_IPV6")"
open="$(ports_in open "$lines")"
again="$(probe_missing "$OPEN_TCP" "$open" "$DEVICE_IPV6")"
[[ -z "$again" ]] || open="$(merged "$open" "$again")"
expect_eq "IPv6 SYN scan: open ports" "$OPEN_TCP" "$open"
expect_eq "IPv6 SYN scan: no closed port" "" "$(ports_in closed "$lines")"
expect_eq "IPv6 SYN scan: no other port answers" "" "$(outside "$ALLOWED_TCP" "$(answering "$lines")")"
for kind in F A; do
  lines="$(scan -6 "-s$kind" -p 1-1024,8080,8443 --min-rate 1000 "$DEVICE_IPV6")"
  expect_eq "IPv6 -s$kind scan: no port answers" "" "$(answering "$lines")"
done
still_alive
lines="$(scan -6 -sU -p 1-100,5683 --min-rate 500 "$DEVICE_IPV6")"
expect_eq "IPv6 UDP scan: no closed port" "" "$(ports_in closed "$lines")"
expect_eq "IPv6 UDP scan: the allowed port echoes" "5683" "$(ports_in open "$lines")"

[[ $FAILED -eq 0 ]]
