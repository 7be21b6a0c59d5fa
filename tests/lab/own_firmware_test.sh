#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/own_firmware_test.sh BOARD IMAGE POLICY PKI_DIR: a customer's own firmware that
# adopted Portcullis's agent (examples/own-firmware, built by the package_own_firmware test)
# booted in the lab with tools/lab --image, on an identity record `tools/pki provision` made for
# it from PKI_DIR's fleet CA, checked from the host side:
#   - it came up its own way: its address by DHCP (dnsmasq's lease to its MAC), SLAAC for IPv6;
#   - the poll answers: curl with the management certificate gets /v1/status (its record's id,
#     its board name, its policy's digest, its listeners) and /metrics; without a client
#     certificate the handshake is refused;
#   - nmap (IPv4 and IPv6) finds its one allowed port open and every other port filtered: the
#     forgotten telnet listener included, which the listener audit also closed (console);
#   - its echo service answers through the filter (the positive check beside the scan);
#   - its own input hook, chained behind Portcullis's, still runs: its count grows with the
#     echo exchange, and by less than the probes a scan sent to closed ports (dropped packets
#     never reach it).
# Prints PASS/FAIL per check; exits non-zero on any failure, 77 (CTest: skipped) unless root.
# Every packet goes to the device inside the lab's namespace; every probe is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/own_firmware_test.sh BOARD IMAGE POLICY}"
readonly IMAGE="${2:?}"
readonly POLICY="${3:?}"
readonly PKI="${4:?}"
readonly DEVICE_ID="own-firmware-1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly SCAN_PORTS="1-200" # 199 closed ports and the echo port (7); telnet (23) among them

# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_own_firmware_$WANT_BOARD"
claim_lab_instance
PASSED=0
FAILED=0
trap lab_finish EXIT
[[ -f "$IMAGE" ]] || {
  fail "no image $IMAGE (the package_own_firmware test builds it)"
  exit 1
}
WORK="$(mktemp -d)"
provision_record "$PKI" "$DEVICE_ID" "$WORK/identity.bin"

PORTCULLIS_LAB_IDENTITY="$WORK/identity.bin" \
  lab_up "the firmware of its own boots in the lab (tools/lab --image, its identity record placed)" \
  --image "$IMAGE" --policy "$POLICY"
if grep -q "DHCPACK.*$DEVICE_IPV4 $DEVICE_MAC" "$DHCP_LOG" && console_within "own-firmware: ipv4 $DEVICE_IPV4 by dhcp" 1; then
  pass "its own DHCP client took $DEVICE_IPV4 from the lab's server"
else
  fail "no DHCP lease for $DEVICE_MAC in $DHCP_LOG, or no 'ipv4 $DEVICE_IPV4 by dhcp' on its console"
fi

# The last count its own hook printed (0 before the first line).
own_count() {
  sed -n 's/^own-firmware: own hook saw \([0-9]*\) IPv4 packets$/\1/p' "$CONSOLE_LOG" | tail -n 1 | grep . || echo 0
}
# Waits (bounded: 10 s) until the printed count stops moving, then prints it.
settled_count() {
  local last now _
  last="$(own_count)"
  for _ in $(seq 1 10); do
    sleep 1
    now="$(own_count)"
    [[ "$now" == "$last" ]] && break
    last="$now"
  done
  printf '%s' "$last"
}

# The poll, as a management host makes it (retried: the device may still be handshaking),
# with the management side of the fleet CA its record came from.
PKI_DIR="$PKI"
poll() { # PATH -> body on stdout
  mgmt_curl "https://$DEVICE_IPV4:$MGMT_PORT$1"
}
want_digest="$("$ROOT/build/host/policy-tool/portcullis-policy" digest "$POLICY" 2>/dev/null || true)"
if status="$(poll /v1/status)" && /usr/bin/python3 -c '
import json, sys
s = json.loads(sys.argv[1])
listening = {(l["proto"], l["port"], l["allowed"]) for l in s["listening"]}
assert s["device"]["id"] == sys.argv[2], s["device"]
assert s["device"]["board"] == "own-firmware", s["device"]
assert s["policy"]["digest"] == sys.argv[3], s["policy"]["digest"]
assert ("tcp", 7, True) in listening and ("tcp", int(sys.argv[4]), True) in listening, listening
assert not any(l[1] == 23 for l in listening), listening
' "$status" "$DEVICE_ID" "$want_digest" "$MGMT_PORT"; then
  pass "the poll answers over mutual TLS: /v1/status names $DEVICE_ID, its board and its policy's digest, listeners 7 and $MGMT_PORT"
else
  fail "/v1/status: '${status:0:300}'"
fi
metrics="$(poll /metrics || true)"
if grep -q '^portcullis_packets_received_total ' <<<"$metrics"; then
  pass "/metrics answers with portcullis_ series"
else
  fail "/metrics has no portcullis_packets_received_total"
fi
if "$LAB" exec curl -sS --max-time 20 --cacert "$PKI/ca.crt" "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" >/dev/null 2>&1; then
  fail "a client without a certificate got /v1/status"
else
  pass "a client without a certificate is refused"
fi

before_echo="$(settled_count)"
reply="$("$LAB" exec timeout 5 bash -c "exec 3<>/dev/tcp/$DEVICE_IPV4/7; printf 'portcullis-echo\n' >&3; head -c 15 <&3" 2>/dev/null || true)"
if [[ "$reply" == "portcullis-echo" ]]; then
  pass "its echo service on tcp 7 answers through the filter"
else
  fail "tcp 7 echo answered '$reply'"
fi
after_echo="$(settled_count)"
if ((after_echo > before_echo)); then
  pass "its own input hook still runs behind Portcullis's ($before_echo -> $after_echo packets)"
else
  fail "its own hook's count did not grow with the echo exchange ($before_echo -> $after_echo)"
fi

scan4="$("$LAB" exec nmap -n -Pn -sS -p "$SCAN_PORTS" --max-retries 1 -T4 --host-timeout 60s -oG - "$DEVICE_IPV4" 2>&1 || true)"
open4="$(grep -o '[0-9]*/open/tcp' <<<"$scan4" | cut -d/ -f1 | tr '\n' ' ')"
if [[ "$open4" == "7 " ]] && grep -q "Ignored State: filtered (199)" <<<"$scan4"; then
  pass "nmap (IPv4, tcp $SCAN_PORTS): only 7 open, the other 199 filtered (telnet's forgotten listener too)"
else
  fail "nmap (IPv4): open '$open4'; $(grep -E 'Ports|Ignored' <<<"$scan4" | head -n 2)"
fi
after_scan="$(settled_count)"
# The scan sent at least 199 probes to closed ports (more with retries) and two to port 7 (a
# SYN and the RST that ends the half-open probe): those two may reach the hook.
if ((after_scan - after_echo <= 10)); then
  pass "the firmware's hook saw $((after_scan - after_echo)) packets of the scan: the dropped ones never reached it"
else
  fail "the firmware's hook saw $((after_scan - after_echo)) packets of a scan whose closed-port probes Portcullis drops"
fi

scan6="$("$LAB" exec nmap -6 -n -Pn -sS -p 1-30 --max-retries 1 -T4 --host-timeout 60s -oG - "$DEVICE_IPV6" 2>&1 || true)"
open6="$(grep -o '[0-9]*/open/tcp' <<<"$scan6" | cut -d/ -f1 | tr '\n' ' ')"
if [[ "$open6" == "7 " ]] && grep -q "Ignored State: filtered (29)" <<<"$scan6"; then
  pass "nmap (IPv6 $DEVICE_IPV6, tcp 1-30): only 7 open, the rest filtered"
else
  fail "nmap (IPv6): open '$open6'; $(grep -E 'Ports|Ignored' <<<"$scan6" | head -n 2)"
fi

if grep -q "portcullis: violation: tcp 23 closed" "$CONSOLE_LOG"; then
  pass "the listener audit closed the forgotten telnet listener (tcp 23) and the agent said so"
else
  fail "no 'portcullis: violation: tcp 23 closed' on the console"
fi
dropped="$(poll /v1/status | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["dropped_total"])' 2>/dev/null || echo 0)"
if ((dropped >= 199)); then
  pass "the status counts the scans' drops ($dropped dropped)"
else
  fail "the status counts $dropped drops after scans of 199 + 29 closed ports"
fi
((FAILED == 0))
