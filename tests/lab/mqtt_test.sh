#!/usr/bin/env bash
# tests/lab/mqtt_test.sh BOARD: the device's MQTT/TLS push against a real mosquitto broker in
# the lab namespace (192.0.2.1:8883, TLS, client certificates required):
#   - the retained status arrives (valid JSON, the build's policy digest) and the device's own
#     status endpoint says the push is connected: the outbound connection passed the filter;
#   - an nmap sweep from the namespace produces a `scanner` event naming 192.0.2.1 within a
#     few seconds, seen by mosquitto_sub and by `portcullis-fleet watch`;
#   - with the broker stopped, a rogue listener (the lab services' test hook) becomes a
#     violation; after the broker restarts the queued `violation` event is delivered, to a
#     persistent mosquitto_sub session and to `portcullis-fleet watch`.
# Every packet stays in the lab namespace.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/mqtt_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly FLEET="${PORTCULLIS_FLEET:-$ROOT/build/host/tools/fleet/portcullis-fleet}"
readonly POLICY="$ROOT/tests/lab/policies/scan.allow"
readonly BROKER=192.0.2.1
readonly BROKER_PORT=8883
readonly ROGUE_PORT=4444
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_mqtt_$WANT_BOARD"

for tool in mosquitto mosquitto_sub nmap curl; do
  command -v "$tool" >/dev/null || {
    fail "$tool missing (tools/bootstrap installs it)"
    exit 1
  }
done
if [[ ! -x $FLEET ]]; then
  fail "$FLEET not built (cmake --build --preset host --target portcullis-fleet)"
  exit 1
fi

WORK="$(mktemp -d)"
BROKER_PID=""
finish() {
  if [[ -n $BROKER_PID ]]; then kill "$BROKER_PID" 2>/dev/null || true; fi
  lab_finish
}
trap finish EXIT

lab_up "lab up with scan.allow (device answers ping)" --policy "$POLICY"

# ---- the broker ------------------------------------------------------------------------------
mkdir -p "$WORK/db"
# `user root`: mosquitto started as root would switch to its own user, which cannot read the
# build's PKI folder (keys are root-only, mode 0600).
cat >"$WORK/mosquitto.conf" <<EOF
user root
per_listener_settings false
allow_anonymous false
persistence true
persistence_location $WORK/db/
autosave_interval 1
log_dest file $WORK/broker.log
log_type all
listener $BROKER_PORT $BROKER
cafile $PKI_DIR/ca.crt
certfile $PKI_DIR/broker.crt
keyfile $PKI_DIR/broker.key
require_certificate true
use_identity_as_username true
EOF
start_broker() {
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
# Not through `check`, which runs its command in a subshell: BROKER_PID must reach this shell.
if start_broker; then
  pass "mosquitto listens on $BROKER:$BROKER_PORT (TLS, client certificates required)"
else
  fail "mosquitto did not start"
  cat "$WORK/broker.out" >&2 || true
  exit 1
fi

sub() { # mosquitto_sub in the namespace with the management certificate
  "$LAB" exec mosquitto_sub -h "$BROKER" -p "$BROKER_PORT" --cafile "$PKI_DIR/ca.crt" \
    --cert "$PKI_DIR/mgmt.crt" --key "$PKI_DIR/mgmt.key" "$@"
}
status_json() {
  mgmt_curl_once --max-time 10 "https://$DEVICE_IPV4:$MGMT_PORT/v1/status"
}

# ---- the retained status -----------------------------------------------------------------------
# The device tries at boot and backs off up to a minute while no broker is there: allow that.
if sub -t 'portcullis/+/status' -C 1 -W 90 -v >"$WORK/status.msg" 2>"$WORK/status.err"; then
  pass "a status message arrives on portcullis/<id>/status"
else
  fail "no status message within 90 s"
  { sed 's/^/    | /' "$WORK/status.err" "$WORK/broker.log" || true; } | tail -n 30
fi
PRESET="$(board_preset_of "$WANT_BOARD")"
digest="$("$ROOT/build/$PRESET/policy-tool/portcullis-policy" digest "$POLICY" 2>/dev/null || true)"
check "the status message is the status document with the build's policy digest" \
  "$PY" - "$WORK/status.msg" "$digest" <<'EOF'
import json, sys
topic, _, payload = open(sys.argv[1]).read().partition(" ")
doc = json.loads(payload)
assert topic == "portcullis/%s/status" % doc["device"]["id"], topic
want = sys.argv[2].strip()
assert len(want) == 64 and doc["policy"]["digest"] == want, (doc["policy"]["digest"], want)
assert "listening" in doc and "counters" in doc, doc.keys()
EOF
# A new subscriber gets the last status at once: it was published retained.
check "the status is retained (a later subscriber gets it at once)" \
  sub -t 'portcullis/+/status' -C 1 -W 5 --retained-only
status_json >"$WORK/device-status.json" 2>&1 || true
check "the device reports the push connected (its outbound TLS connection passed the filter)" \
  "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; assert p["connected"] is True and p["connects"] >= 1, p' \
  "$WORK/device-status.json"

# ---- a scan becomes a scanner event ------------------------------------------------------------
# A persistent session (clean session off, QoS 1) so the broker also keeps events for it while
# it is away; registered now, before anything is published.
sub -c -i lab-events -q 1 -t 'portcullis/+/events' -C 1 -W 1 >/dev/null 2>&1 || true
sub -c -i lab-events -q 1 -t 'portcullis/+/events' -C 1 -W 60 -v >"$WORK/scan-event.msg" 2>&1 &
sub_pid=$!
# watch with a persistent session too: the same session collects the violation event below
# while watch is not running.
"$LAB" exec "$FLEET" watch --pki "$PKI_DIR" --session lab-watch --count 2 --timeout 60 \
  "$BROKER:$BROKER_PORT" >"$WORK/watch-scan.out" 2>&1 &
watch_pid=$!
sleep 1 # both subscribed before the scan (mosquitto_sub has no "subscribed" signal)
t0=$(date +%s%N)
"$LAB" exec nmap -n -Pn -sS -p 1-200 --max-retries 0 -T4 "$DEVICE_IPV4" >"$WORK/nmap.out" 2>&1 || true
if wait "$sub_pid"; then
  t1=$(date +%s%N)
  pass "a scanner event arrives ($(((t1 - t0) / 1000000)) ms after the sweep began)"
else
  fail "no scanner event within 60 s"
fi
sed 's/^/    | /' "$WORK/scan-event.msg" | head -n 3
check "the event is a scanner naming 192.0.2.1" "$PY" - "$WORK/scan-event.msg" <<'EOF'
import json, sys
topic, _, payload = open(sys.argv[1]).read().partition(" ")
e = json.loads(payload)
assert topic.endswith("/events"), topic
assert e["type"] == "scanner" and e["src"] == "192.0.2.1", e
assert e["distinct_ports"] >= 1 and e["seq"] >= 1, e
EOF
wait "$watch_pid" && watch_rc=0 || watch_rc=$?
sed 's/^/    | /' "$WORK/watch-scan.out" | tail -n 20
check "portcullis-fleet watch saw the status and the scanner event (exit 0)" test "$watch_rc" -eq 0
check "watch printed the scanner event naming 192.0.2.1" grep -Eq '^EVENT .* scanner src 192\.0\.2\.1 ' "$WORK/watch-scan.out"

# ---- nothing lost while the broker is away -------------------------------------------------------
stop_broker
check "broker stopped" bash -c "! $LAB exec ss -ltn | grep -q '$BROKER:$BROKER_PORT'"
answer="$("$LAB" exec "$PY" - "$DEVICE_IPV4" "$ROGUE_PORT" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for _ in range(3):
    s.sendto(b"portcullis-lab: open rogue tcp listener " + sys.argv[2].encode(), (sys.argv[1], 5683))
    try:
        print(s.recv(64).decode().strip())
        break
    except socket.timeout:
        pass
EOF
)" || true
check "the lab hook opened a rogue listener on tcp/$ROGUE_PORT" test "$answer" = opened
violation_seen() {
  local i
  for i in $(seq 1 20); do
    status_json >"$WORK/violation-status.json" 2>/dev/null &&
      "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(v["port"]==int(sys.argv[2]) for v in d["violations"])' \
        "$WORK/violation-status.json" "$ROGUE_PORT" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
check "the audit reports the violation while the broker is away" violation_seen
check "the push is disconnected meanwhile" \
  "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; assert p["connected"] is False and p["events_queued"] >= 1, p' \
  "$WORK/violation-status.json"

if start_broker; then
  pass "broker restarted"
else
  fail "broker did not restart"
fi
# Up to three messages: the retained status of before (when watch is back before the device),
# the device's fresh status and the queued event; the timeout covers the case where the
# device was back first and the old status never comes.
"$LAB" exec "$FLEET" watch --pki "$PKI_DIR" --session lab-watch --count 3 --timeout 30 \
  "$BROKER:$BROKER_PORT" >"$WORK/watch-violation.out" 2>&1 &
watch_pid=$!
if sub -c -i lab-events -q 1 -t 'portcullis/+/events' -C 1 -W 90 -v >"$WORK/violation-event.msg" 2>&1; then
  pass "an event arrives after the broker is back"
else
  fail "no event within 90 s of the broker's return"
fi
check "it is the violation on tcp/$ROGUE_PORT (action closed)" "$PY" - "$WORK/violation-event.msg" "$ROGUE_PORT" <<'EOF'
import json, sys
topic, _, payload = open(sys.argv[1]).read().partition(" ")
e = json.loads(payload)
assert e["type"] == "violation" and e["port"] == int(sys.argv[2]) and e["proto"] == "tcp", e
assert e["action"] == "closed", e
EOF
wait "$watch_pid" && watch_rc=0 || watch_rc=$?
sed 's/^/    | /' "$WORK/watch-violation.out" | tail -n 20
check "portcullis-fleet watch saw the violation event" grep -Eq "^EVENT .* violation tcp/$ROGUE_PORT closed" "$WORK/watch-violation.out"
status_json >"$WORK/final-status.json" 2>&1 || true
check "the device counts the event acknowledged and none dropped" \
  "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; assert p["connected"] is True and p["events_published"] >= 2 and p["events_dropped"] == 0 and p["events_queued"] == 0, p' \
  "$WORK/final-status.json"

((FAILED == 0))
