#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/status_test.sh BOARD: the mutual-TLS status endpoint, seen by real clients from
# the lab namespace: curl with the management certificate gets /v1/status JSON matching the
# build's policy and /metrics in Prometheus format; no client certificate, one from another
# CA, or the device's own certificate (no management one) fails the handshake; 404/405 as
# the contract says; the drop counters account for an nmap scan; a flood of handshakes and a
# one-byte-a-second client do not stop a well-behaved poll. Packets stay in the lab
# namespace; everything is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/status_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_status_$WANT_BOARD"
claim_lab_instance

WORK="$(mktemp -d)"
trap lab_finish EXIT

lab_up "lab up (device answers ping)"
readonly BASE="https://$DEVICE_IPV4:$MGMT_PORT"
readonly POLICY="$ROOT/boards/$WANT_BOARD/policy.allow"
PRESET="$(board_preset_of "$WANT_BOARD")"
readonly TOOL="$ROOT/build/$PRESET/policy-tool/portcullis-policy"

mcurl() { mgmt_curl "$@"; } # lib.sh: mTLS as the management host, retried

# ---- /v1/status --------------------------------------------------------------------------
if mcurl -o "$WORK/status.json" -w '%{http_code} %{content_type}\n' "$BASE/v1/status" >"$WORK/status.meta"; then
  pass "GET /v1/status with the management certificate ($(cat "$WORK/status.meta"))"
else
  fail "GET /v1/status with the management certificate"
fi
check "status is 200 application/json" grep -q '^200 application/json' "$WORK/status.meta"
check "status is valid JSON" "$PY" -m json.tool "$WORK/status.json"
check "status is valid against docs/schema/status.schema.json (schema_version 1.0)" \
  "$PY" "$ROOT/tests/schema/validate.py" "$ROOT/docs/schema/status.schema.json" "$WORK/status.json"
digest="$("$TOOL" digest "$POLICY")"
check "policy.digest is the digest of $POLICY" "$PY" - "$WORK/status.json" "$digest" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["policy"]["digest"] == sys.argv[2], doc["policy"]["digest"]
PYEOF
"$TOOL" canonical "$POLICY" >"$WORK/canonical.txt"
check "policy.mode, echo and rules are the build's policy (portcullis-policy canonical)" \
  "$PY" - "$WORK/status.json" "$WORK/canonical.txt" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))["policy"]
lines = [f"mode {p['mode']}", f"echo {'on' if p['echo'] else 'off'}"]
for r in p["rules"]:
    ports = str(r["first"]) if r["first"] == r["last"] else f"{r['first']}-{r['last']}"
    head = f"mgmt {ports}" if r["mgmt"] else f"allow {r['proto']} {ports}"
    lines.append(head + (" from " + ",".join(r["from"]) if r["from"] else ""))
want = open(sys.argv[2]).read().split("\n")
want = [l for l in want if l]
assert lines == want, (lines, want)
PYEOF
check "document has every contract field; the firmware names a lab image" "$PY" - "$WORK/status.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("id", "board", "firmware", "uptime_ms"): assert k in d["device"], k
# The lab boots lab images, and a lab image says so (tools/flash refuses it for a device).
assert "lab" in d["device"]["firmware"].partition("+")[2].split("."), d["device"]["firmware"]
for k in ("digest", "mode", "rules"): assert k in d["policy"], k
for k in ("rx_total", "passed_total", "dropped_total", "dropped_by_reason"): assert k in d["counters"], k
for k in ("listening", "top_dropped_ports", "recent_blocked", "scanners", "violations"):
    assert isinstance(d[k], list), k
for k in ("stack_bytes", "stack_peak_bytes", "tls_arena_bytes", "tls_arena_peak_bytes"):
    assert isinstance(d["memory"][k], int), k
PYEOF
check "memory: the TLS arena was used, the stack measured (0: not measured on a KIND=process board)" \
  "$PY" - "$WORK/status.json" "$(board_conf "$WANT_BOARD" KIND)" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))["memory"]
assert 0 < m["tls_arena_peak_bytes"] <= m["tls_arena_bytes"], m
if sys.argv[2] == "process":
    assert m["stack_bytes"] == 0 and m["stack_peak_bytes"] == 0, m
else:
    assert 0 < m["stack_peak_bytes"] < m["stack_bytes"], m
PYEOF
check "listening has the mgmt port, allowed, and nothing not allowed" "$PY" - "$WORK/status.json" "$MGMT_PORT" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
ls = d["listening"]
assert {"proto": "tcp", "port": int(sys.argv[2]), "allowed": True} in ls, ls
assert all(l["allowed"] for l in ls), ls
PYEOF

# ---- who may not connect -----------------------------------------------------------------
check "no client certificate: the handshake fails" bash -c "! '$LAB' exec curl -sS --max-time 20 --cacert '$PKI_DIR/ca.crt' '$BASE/v1/status'"
check "a client certificate from another CA: the handshake fails" bash -c "! '$LAB' exec curl -sS --max-time 20 --cacert '$PKI_DIR/ca.crt' --cert '$PKI_DIR/other-client.crt' --key '$PKI_DIR/other-client.key' '$BASE/v1/status'"
# A device's own certificate (the fleet CA's, with EKU clientAuth for the push, OU=device) is
# no management certificate: one device key read out must not poll every device. The
# device refuses it with an access_denied alert; mgmt.crt still polls in the same run.
refused_as_mgmt() { # CERT KEY: curl fails with the device's access_denied alert
  local out
  if out="$("$LAB" exec curl -sS -o /dev/null -w 'HTTP %{http_code}' --max-time 20 \
    --cacert "$PKI_DIR/ca.crt" --cert "$1" --key "$2" \
    "$BASE/v1/status" 2>&1)"; then
    echo "curl got an answer: $out"
    return 1
  fi
  grep -qi 'access denied' <<<"$out" || {
    echo "curl failed without the access_denied alert: $out"
    return 1
  }
}
if [[ -f "$PKI_DIR/device.crt" && -f "$PKI_DIR/device.key" ]]; then
  check "the device's own certificate as a management client: refused (access_denied)" \
    refused_as_mgmt "$PKI_DIR/device.crt" "$PKI_DIR/device.key"
else
  fail "the device's certificate is not in PKI_DIR ($PKI_DIR/device.crt, device.key: cmake/credentials.cmake)"
fi
check "the management certificate still polls after that refusal" \
  mgmt_curl -o /dev/null "$BASE/v1/status"

# ---- /metrics and errors -----------------------------------------------------------------
mcurl -o "$WORK/metrics.txt" "$BASE/metrics" || true
check "metrics carry portcullis_ series" grep -q '^portcullis_packets_received_total ' "$WORK/metrics.txt"
check "every sample is portcullis_" bash -c "! grep -v '^#' '$WORK/metrics.txt' | grep -v '^portcullis_' | grep -q ."
http_code() { mgmt_curl_once -o /dev/null -w '%{http_code}' --max-time 20 "$@" 2>/dev/null; }
check "unknown path: 404" test "$(http_code "$BASE/nope")" == 404
check "other method: 405" test "$(http_code -X POST "$BASE/v1/status")" == 405

# ---- counters after a scan ---------------------------------------------------------------
# Each probe is a closed_port drop, or a frame lost before the filter and counted as such
# (rx_frames_dropped: no receive buffer free, e.g. the RTOS build's tcpip thread behind).
counted() { # STATUS-JSON -> closed_port drops + frames dropped before the filter
  "$PY" -c 'import json,sys; c = json.load(open(sys.argv[1]))["counters"]; print(c["dropped_by_reason"].get("closed_port", 0) + c.get("rx_frames_dropped", 0))' "$1" 2>/dev/null || echo 0
}
before="$(counted "$WORK/status.json")"
"$LAB" exec nmap -n -Pn -sS -p 1000-1999 --max-retries 0 --min-rate 2000 --host-timeout 120s "$DEVICE_IPV4" >/dev/null
mcurl -o "$WORK/after.json" "$BASE/v1/status" || true
after="$(counted "$WORK/after.json")"
if ((after - before >= 1000)); then
  pass "closed_port drops + frames dropped before the filter grew by >= the 1000 probes nmap sent ($before -> $after)"
else
  fail "closed_port drops + frames dropped before the filter grew by $((after - before)), want >= 1000"
fi

# ---- session resumption (platform/tls_session_cache.hpp) ----------------------------------
# openssl s_client as a management client that keeps its session: a poll, then a poll
# offering that session. The build's PORTCULLIS_TLS_SESSION_CACHE (the value the image was
# compiled with) says whether the device resumes it or answers with a full handshake.
sessions_kept="$(grep -o 'PORTCULLIS_TLS_SESSION_CACHE=[0-9]*' "$ROOT/build/$PRESET/compile_commands.json" | head -n 1 | cut -d= -f2)"
tls_poll() { # OUT [s_client args...]: GET /v1/status over one TLS connection, retried
  local out="$1" i
  shift
  for i in 1 2 3; do
    if printf 'GET /v1/status HTTP/1.1\r\nHost: device\r\n\r\n' |
      "$LAB" exec timeout 30 openssl s_client -connect "$DEVICE_IPV4:$MGMT_PORT" -tls1_2 \
        -CAfile "$PKI_DIR/ca.crt" -cert "$PKI_DIR/mgmt.crt" -key "$PKI_DIR/mgmt.key" \
        -verify_return_error -ign_eof "$@" >"$out" 2>&1 && grep -q '^HTTP/1.1 200' "$out"; then
      return 0
    fi
    sleep "$i"
  done
  return 1
}
check "a poll with openssl s_client keeps its session" tls_poll "$WORK/sess1.txt" -sess_out "$WORK/session.pem"
check "the first poll was a full handshake" grep -q '^New, TLSv1.2' "$WORK/sess1.txt"
check "a second poll offering the session is answered (200)" tls_poll "$WORK/sess2.txt" -sess_in "$WORK/session.pem"
if [[ "${sessions_kept:-}" =~ ^[1-9] ]]; then
  check "the device resumed the session (PORTCULLIS_TLS_SESSION_CACHE=$sessions_kept)" grep -q '^Reused, TLSv1.2' "$WORK/sess2.txt"
else
  check "the device keeps no sessions (PORTCULLIS_TLS_SESSION_CACHE=${sessions_kept:-unset}): a full handshake" grep -q '^New, TLSv1.2' "$WORK/sess2.txt"
fi

# ---- abuse does not stop a good poll -----------------------------------------------------
"$LAB" exec bash -c "for i in \$(seq 50); do timeout 15 openssl s_client -connect $DEVICE_IPV4:$MGMT_PORT -quiet </dev/null >/dev/null 2>&1 & done; wait" &
flood=$!
"$LAB" exec timeout 30 bash -c "exec 3<>/dev/tcp/$DEVICE_IPV4/$MGMT_PORT; for i in \$(seq 25); do printf x >&3 || exit 0; sleep 1; done" >/dev/null 2>&1 &
slow=$!
ok=0
for _ in $(seq 10); do
  if mgmt_curl_once -o /dev/null --max-time 10 "$BASE/v1/status" 2>/dev/null; then
    ok=1
    break
  fi
  sleep 2
done
wait "$flood" "$slow" 2>/dev/null || true
if ((ok)); then pass "a poll succeeds during 50 concurrent handshakes and a one-byte-a-second client"; else fail "no poll succeeded under load"; fi

((FAILED == 0))
