#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/mqtt_test.sh BOARD: the device's MQTT/TLS push against a real mosquitto broker in
# the lab namespace (192.0.2.1:8883, TLS, client certificates required):
#   - a broker whose certificate expired yesterday is refused once the device knows the time
#     (SNTP): a certificate_expired alert in the broker's log, the push not connected;
#   - the retained status arrives (valid JSON, the build's policy digest) and the device's own
#     status endpoint says the push is connected: the outbound connection passed the filter;
#   - an nmap sweep from the namespace produces a `scanner` event naming 192.0.2.1 within a
#     few seconds, seen by mosquitto_sub and by `portcullis-fleet watch`;
#   - with the broker stopped, a rogue listener (the lab services' test hook) becomes a
#     violation; after the broker restarts the queued `violation` event is delivered, to a
#     persistent mosquitto_sub session and to `portcullis-fleet watch`;
#   - with every list of the status full (spoofed IPv6 scanners, more rogue listeners), the
#     next pushed status still fits the board's MQTT payload: shortened (fewer list entries,
#     totals whole, counted in /metrics) when the full document is larger, as on the boards
#     sized for 64 KiB (boards/common/memory-64k.cmake), and whole when it fits;
#   - a hostile broker (tests/lab/hostile_broker.py) sees a well-formed CONNECT (with its last
#     will), the birth message and a whole streamed status publish, then sends a PUBLISH: the
#     device hangs up and counts it;
#   - liveness: back on the real broker, the device's retained state is online (its birth
#     message); the device stopped (SIGTERM to QEMU or the process, no goodbye), the broker
#     publishes its last will (offline) within 1.5 keep-alives, and `portcullis-fleet watch`
#     shows it.
# Every packet stays in the lab namespace.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/mqtt_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly POLICY="$ROOT/tests/lab/policies/scan.allow"
readonly BROKER=192.0.2.1
readonly BROKER_PORT=8883
readonly ROGUE_PORT=4444
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_mqtt_$WANT_BOARD"
claim_lab_instance

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

# ---- a broker with an expired certificate -----------------------------------------------------
# broker.crt's subject, names and key, valid until yesterday (after the image's floor date, so
# only the time from SNTP tells). The device asks the time before its first connection.
if dated_copy broker "$(date -u -d '-2 days' +%Y%m%d%H%M%SZ)" "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" \
  "$WORK/broker-expired"; then
  BROKER_CERT="$WORK/broker-expired.crt" BROKER_KEY="$WORK/broker-expired.key" lab_broker_conf
  if start_broker; then
    refused=0
    for _ in $(seq 1 60); do
      grep -q "alert certificate expired" "$WORK/broker.log" 2>/dev/null && refused=1 && break
      sleep 0.5
    done
    if ((refused)); then
      pass "the device refused the broker's expired certificate (certificate_expired alert in mosquitto's log)"
    else
      fail "no certificate_expired alert from the device within 30 s"
      tail -n 10 "$WORK/broker.log" 2>/dev/null | sed 's/^/    | /'
    fi
    mgmt_curl -o "$WORK/expired-broker.json" "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" || true
    check "the device knows the time, and its push is not connected and counts the failure" \
      "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["push"]; assert d["device"]["time_known"] is True and p["connected"] is False and p["connect_failures"] >= 1 and p["waiting_for_time"] is False, d' \
      "$WORK/expired-broker.json"
    stop_broker
  else
    fail "mosquitto with the expired certificate did not start"
  fi
  rm -f -- "$WORK/mosquitto.conf" "$WORK/broker.log"
else
  fail "making an expired copy of broker.crt (openssl ca)"
fi

# ---- the broker ------------------------------------------------------------------------------
mkdir -p "$WORK/db"
lab_broker_conf "persistence true" "persistence_location $WORK/db/" "autosave_interval 1"
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
# valid_payload SCHEMA MSGFILE: the payload of mosquitto_sub -v's "TOPIC PAYLOAD" is valid
# against docs/schema/SCHEMA.
valid_payload() {
  "$PY" -c 'import sys; open(sys.argv[2], "w").write(open(sys.argv[1]).read().partition(" ")[2])' \
    "$2" "$2.json" && "$PY" "$ROOT/tests/schema/validate.py" "$ROOT/docs/schema/$1" "$2.json"
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
check "the pushed status is valid against docs/schema/status.schema.json" \
  valid_payload status.schema.json "$WORK/status.msg"
# A new subscriber gets the last status at once: it was published retained.
check "the status is retained (a later subscriber gets it at once)" \
  sub -t 'portcullis/+/status' -C 1 -W 5 --retained-only
status_json >"$WORK/device-status.json" 2>&1 || true
check "the device reports the push connected (its outbound TLS connection passed the filter)" \
  "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; assert p["connected"] is True and p["connects"] >= 1, p' \
  "$WORK/device-status.json"
metric() { # NAME: its value in /metrics now
  mgmt_curl "https://$DEVICE_IPV4:$MGMT_PORT/metrics" 2>/dev/null | awk -v n="$1" '$1 == n {print $2}'
}
# Nothing blocked, scanned or violated yet: the status is small and goes out whole. (Later,
# after a sweep, a 64 KiB board's ordinary document is already near its payload: there the
# counter is compared with its value before the lists are filled.)
trimmed="$(metric portcullis_push_status_trimmed_total)"
check "the statuses pushed so far went out whole (portcullis_push_status_trimmed_total ${trimmed:-?})" \
  test "$trimmed" = 0

# ---- a scan becomes a scanner event ------------------------------------------------------------
# A persistent session (clean session off, QoS 1) so the broker also keeps events for it while
# it is away; registered now, before anything is published.
sub -c -i lab-events -q 1 -t 'portcullis/+/events' -C 1 -W 1 >/dev/null 2>&1 || true
# subscribed CLIENT-ID...: waits (bounded: 20 s) until the broker has acknowledged a
# subscription of each client since its log had $log_mark lines (neither mosquitto_sub nor
# watch says when it is subscribed; the broker does).
subscribed() {
  local i id missing
  for ((i = 0; i < 200; i++)); do
    missing=0
    for id in "$@"; do
      tail -n +"$((log_mark + 1))" "$WORK/broker.log" | grep -q "Sending SUBACK to $id\$" || missing=1
    done
    ((missing == 0)) && return 0
    sleep 0.1
  done
  return 1
}
log_mark=$(wc -l <"$WORK/broker.log")
sub -c -i lab-events -q 1 -t 'portcullis/+/events' -C 1 -W 60 -v >"$WORK/scan-event.msg" 2>&1 &
sub_pid=$!
# watch with a persistent session too: the same session collects the violation event below
# while watch is not running.
"$LAB" exec "$FLEET" watch --pki "$PKI_DIR" --allow-lab-image --session lab-watch --count 2 --timeout 60 \
  "$BROKER:$BROKER_PORT" >"$WORK/watch-scan.out" 2>&1 &
watch_pid=$!
# Both subscribed before the scan, or the scanner event could pass them by.
if ! subscribed lab-events lab-watch; then
  fail "mosquitto_sub (lab-events) and portcullis-fleet watch (lab-watch) subscribed within 20 s"
fi
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
check "the scanner event is valid against docs/schema/event.schema.json" \
  valid_payload event.schema.json "$WORK/scan-event.msg"
wait "$watch_pid" && watch_rc=0 || watch_rc=$?
sed 's/^/    | /' "$WORK/watch-scan.out" | tail -n 20
check "portcullis-fleet watch saw the status and the scanner event (exit 0)" test "$watch_rc" -eq 0
check "watch printed the scanner event naming 192.0.2.1" grep -Eq '^EVENT .* scanner src 192\.0\.2\.1 ' "$WORK/watch-scan.out"

# open_rogue PORT: asks the lab services' test hook (lab images only) to open a TCP listener
# the policy does not allow; prints its answer ("opened"), or nothing.
open_rogue() {
  "$LAB" exec "$PY" - "$DEVICE_IPV4" "$1" <<'EOF' || true
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
}

# ---- nothing lost while the broker is away -------------------------------------------------------
stop_broker
check "broker stopped" bash -c "! $LAB exec ss -ltn | grep -q '$BROKER:$BROKER_PORT'"
answer="$(open_rogue "$ROGUE_PORT")"
check "the lab hook opened a rogue listener on tcp/$ROGUE_PORT" test "$answer" = opened
violation_seen() { # PORT: the status lists a violation on tcp/PORT (bounded: 20 polls)
  local i
  for i in $(seq 1 20); do
    status_json >"$WORK/violation-status.json" 2>/dev/null &&
      "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(v["port"]==int(sys.argv[2]) for v in d["violations"])' \
        "$WORK/violation-status.json" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
check "the audit reports the violation while the broker is away" violation_seen "$ROGUE_PORT"
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
"$LAB" exec "$FLEET" watch --pki "$PKI_DIR" --allow-lab-image --session lab-watch --count 3 --timeout 30 \
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
check "the violation event is valid against docs/schema/event.schema.json" \
  valid_payload event.schema.json "$WORK/violation-event.msg"
wait "$watch_pid" && watch_rc=0 || watch_rc=$?
sed 's/^/    | /' "$WORK/watch-violation.out" | tail -n 20
check "portcullis-fleet watch saw the violation event" grep -Eq "^EVENT .* violation tcp/$ROGUE_PORT closed" "$WORK/watch-violation.out"
# The broker forwards the event before its PUBACK reaches the device: poll until the device
# counts it (bounded: 10 polls, half a second apart).
acknowledged() {
  status_json >"$WORK/final-status.json" 2>&1 &&
    "$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["push"]; assert p["connected"] is True and p["events_published"] >= 2 and p["events_dropped"] == 0 and p["events_queued"] == 0, p' \
      "$WORK/final-status.json"
}
for _ in $(seq 1 10); do
  acknowledged 2>/dev/null && break
  sleep 0.5
done
check "the device counts the event acknowledged and none dropped" acknowledged

# ---- a status larger than the MQTT payload is pushed shortened -----------------------------------
# Fill every list of the status: six scanners from long spoofed IPv6 sources of the lab prefix
# (13 closed ports each: above the threshold of 12), whose probes also fill the recent blocked
# attempts, and five more rogue listeners (violations). The full document (a poll) is then
# larger than a 64 KiB board's 2944-byte payload; the host board has the default 4096 bytes.
t_fill=$SECONDS
# The board's PORTCULLIS_MQTT_PAYLOAD_MAX: its board.cmake's, or that of a sizing file it
# includes from boards/common, or the module's default.
board_payload_max() {
  local files=("$ROOT/boards/$WANT_BOARD/board.cmake") f value
  for f in $(grep -oP 'include\(\$\{(?:CMAKE|PROJECT)_SOURCE_DIR\}/\Kboards/common/[^)]+' "${files[0]}"); do
    files+=("$ROOT/$f")
  done
  value=$(grep -hoP 'PORTCULLIS_MQTT_PAYLOAD_MAX=\K[0-9]+' "${files[@]}" | tail -n 1)
  [[ -n $value ]] || value=$DEFAULT_PAYLOAD_MAX
  echo "$value"
}
DEFAULT_PAYLOAD_MAX=$(grep -oP '#define PORTCULLIS_MQTT_PAYLOAD_MAX \K[0-9]+' \
  "$ROOT/firmware/mgmt/include/portcullis/mgmt/settings.hpp")
PAYLOAD_MAX=$(board_payload_max)
trimmed_before="$(metric portcullis_push_status_trimmed_total)"
check "portcullis_push_status_trimmed_total read before the lists are filled (${trimmed_before:-none})" \
  test -n "$trimmed_before"
"$LAB" exec "$PY" - "$DEVICE_IPV6" "$LAB_TAP" <<'EOF' >"$WORK/scanners.out" 2>&1 || true
import logging, sys
logging.getLogger("scapy").setLevel(logging.ERROR)
import scapy.all as s
s.conf.verb = 0
mac = "02:00:5e:00:53:02"
frames = []
for n in range(6):
    src = "2001:db8::ffff:ffff:ffff:ff%02x" % (0x10 + n)
    for port in range(30000 + 20 * n, 30000 + 20 * n + 13):
        frames.append(s.Ether(dst=mac) / s.IPv6(src=src, dst=sys.argv[1]) /
                      s.TCP(sport=40000 + n, dport=port, flags="S"))
s.sendp(frames, iface=sys.argv[2], inter=0.005)
print("sent", len(frames))
EOF
for port in 4445 4446 4447 4448 4449; do
  open_rogue "$port" >/dev/null
  # One listener at a time: the next opens once the audit has closed and reported this one.
  violation_seen "$port" || fail "the audit reports the rogue listener on tcp/$port"
done
full_doc() { # until the poll shows all six scanners and the new violations (bounded)
  local i
  for i in $(seq 1 20); do
    status_json >"$WORK/full-status.json" 2>/dev/null &&
      "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["violations_total"] >= 6 and sum(x["src"].startswith("2001:db8::ffff:") for x in d["scanners"]) >= 4, d["scanners"]' \
        "$WORK/full-status.json" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
check "the status lists the spoofed scanners and 6 violations" full_doc
full_size=$(stat -c %s "$WORK/full-status.json")
echo "INFO: the full status document is $full_size bytes; the MQTT payload holds $PAYLOAD_MAX"
if ((PAYLOAD_MAX < DEFAULT_PAYLOAD_MAX)); then
  check "$WANT_BOARD: the full document is larger than its $PAYLOAD_MAX-byte payload" \
    test "$full_size" -gt "$PAYLOAD_MAX"
fi
# The next status rendered after the poll above: the device pushes one at once when it
# connects again, so the broker is restarted (rather than waiting for the 30 s period).
echo "INFO: lists filled in $((SECONDS - t_fill)) s"
t_push=$SECONDS
stop_broker
start_broker || fail "broker did not restart"
# found_pushed: the first complete status message in pushed.msgs rendered after the poll.
found_pushed() {
  "$PY" - "$WORK/pushed.msgs" "$WORK/full-status.json" "$WORK/pushed.json" <<'EOF'
import json, sys
after = json.load(open(sys.argv[2]))["device"]["uptime_ms"]
for line in open(sys.argv[1]):
    payload = line.partition(" ")[2]
    try:
        doc = json.loads(payload)
    except ValueError:
        continue  # a line still being written (or broken: then no status is found)
    if doc["device"]["uptime_ms"] > after:
        open(sys.argv[3], "w").write(payload.rstrip("\n"))
        sys.exit(0)
sys.exit(1)
EOF
}
pushed_after() { # waits on the subscription's output, bounded by its own -W 45
  sub -t 'portcullis/+/status' -C 5 -W 45 -v >"$WORK/pushed.msgs" 2>/dev/null &
  local sub_pid=$! rc=1
  while kill -0 "$sub_pid" 2>/dev/null; do
    if found_pushed; then
      rc=0
      break
    fi
    sleep 0.2
  done
  kill "$sub_pid" 2>/dev/null || true
  wait "$sub_pid" 2>/dev/null || true
  ((rc == 0)) || found_pushed
}
if pushed_after; then
  pass "a status pushed after the lists were filled arrives (valid JSON, $((SECONDS - t_push)) s)"
  trimmed="$(metric portcullis_push_status_trimmed_total)"
  check "the pushed status fits the payload and keeps the totals whole" \
    "$PY" - "$WORK/pushed.json" "$WORK/full-status.json" "$PAYLOAD_MAX" <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
pushed, full = json.loads(raw), json.load(open(sys.argv[2]))
assert len(raw) <= int(sys.argv[3]), (len(raw), sys.argv[3])
assert pushed["violations_total"] >= full["violations_total"]
assert pushed["counters"]["rx_total"] >= full["counters"]["rx_total"]
assert pushed["counters"]["dropped_total"] >= full["counters"]["dropped_total"]
EOF
  entries() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["recent_blocked"]) + len(d["scanners"]) + len(d["violations"]))' "$1"; }
  echo "INFO: list entries: $(entries "$WORK/full-status.json") polled, $(entries "$WORK/pushed.json") pushed ($(stat -c %s "$WORK/pushed.json") bytes); push_status_trimmed_total ${trimmed:-?}"
  if ((full_size > PAYLOAD_MAX)); then
    check "larger than the payload: pushed with fewer list entries" \
      test "$(entries "$WORK/pushed.json")" -lt "$(entries "$WORK/full-status.json")"
    check "and counted in portcullis_push_status_trimmed_total ($trimmed_before before)" \
      test "${trimmed:-0}" -gt "${trimmed_before:-0}"
  else
    check "within the payload: pushed whole (every list entry)" \
      test "$(entries "$WORK/pushed.json")" -eq "$(entries "$WORK/full-status.json")"
    check "and portcullis_push_status_trimmed_total did not move ($trimmed_before before)" \
      test "${trimmed:-x}" = "$trimmed_before"
  fi
else
  fail "no status pushed within 45 s of the lists being filled"
fi


# ---- a broker that breaks the protocol --------------------------------------------------------
# The device's own MQTT client on the wire: a hostile broker (tests/lab/hostile_broker.py)
# checks the CONNECT and a whole status publish (streamed in slices after its announced
# length), acknowledges it, then sends a PUBLISH the device never subscribed to: the device
# must hang up, and count it as a lost connection.
push_field() { # FIELD: push.FIELD in a fresh poll
  status_json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["push"][sys.argv[1]])' "$1"
}
device_id="$(status_json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["device"]["id"])')"
disconnects_before="$(push_field disconnects)"
protocol_errors_before="$(push_field protocol_errors)"
published_before="$(push_field status_published)"
stop_broker
if "$LAB" exec "$PY" "$ROOT/tests/lab/hostile_broker.py" --listen "$BROKER" --port "$BROKER_PORT" \
  --ca "$PKI_DIR/ca.crt" --cert "$PKI_DIR/broker.crt" --key "$PKI_DIR/broker.key" \
  --client-id "$device_id" --device "$DEVICE_IPV4" --timeout 90 >"$WORK/hostile.json" 2>&1; then
  pass "hostile broker: CONNECT and a whole streamed status; a broker PUBLISH ends the connection ($(cat "$WORK/hostile.json"))"
else
  fail "hostile broker: $(cat "$WORK/hostile.json")"
fi
check "the device counts the acknowledged status, the lost connection and the protocol error" \
  "$PY" -c 'import sys; d, p, e, d0, p0, e0 = map(int, sys.argv[1:]); assert d > d0 and p > p0 and e == e0 + 1, sys.argv[1:]' \
  "$(push_field disconnects)" "$(push_field status_published)" "$(push_field protocol_errors)" \
  "$disconnects_before" "$published_before" "$protocol_errors_before"

# ---- liveness: the birth message and the last will -----------------------------------------------
readonly STATE_TOPIC="portcullis/$device_id/status/state"
if start_broker; then
  up=0
  for _ in $(seq 1 60); do
    [[ "$(push_field connected 2>/dev/null)" == True ]] && up=1 && break
    sleep 1
  done
  ((up)) || fail "the push did not reconnect to the real broker within 60 s"
  check "the device's retained state is online (its birth message)" \
    bash -c '[[ "$1" == "{\"state\":\"online\"}" ]]' _ \
    "$(sub -t "$STATE_TOPIC" -C 1 -W 5 --retained-only 2>/dev/null)"
  log_mark=$(wc -l <"$WORK/broker.log")
  sub -i lab-state -t "$STATE_TOPIC" -C 2 -W 60 >"$WORK/state.msg" 2>&1 &
  state_pid=$!
  subscribed lab-state || fail "the broker did not acknowledge the state subscription"
  # Stopped without a goodbye: the device's process (QEMU, or host-linux itself) ended with
  # SIGTERM, as tools/lab stop does (host-linux stops lwIP and says so; the rtos run checks
  # that), and no MQTT DISCONNECT is sent.
  kill -TERM "$(cat "$("$LAB" dir)/device.pid")"
  t_stop=$SECONDS
  wait "$state_pid" || true
  if grep -qx '{"state":"offline"}' "$WORK/state.msg" &&
    "$PY" "$ROOT/tests/schema/validate.py" --lines "$ROOT/docs/schema/event.schema.json" "$WORK/state.msg"; then
    pass "the broker published the device's last will, offline, $((SECONDS - t_stop)) s after it stopped (keep-alive 15 s; the state messages valid against event.schema.json)"
  else
    fail "no offline state within 60 s of the device stopping: $(tr '\n' ' ' <"$WORK/state.msg")"
  fi
  "$LAB" exec "$FLEET" watch --pki "$PKI_DIR" --allow-lab-image --silent-after 0 --timeout 3 "$BROKER:$BROKER_PORT" \
    >"$WORK/watch-offline.out" 2>&1 || true
  check "portcullis-fleet watch shows the device offline" \
    grep -qx "STATE $device_id offline" "$WORK/watch-offline.out"
else
  fail "the real broker did not start again"
fi

((FAILED == 0))
