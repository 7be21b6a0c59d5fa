#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/unit/fleet/watch_mqtt_test.sh FLEET: `portcullis-fleet watch` against a real mosquitto
# on 127.0.0.1 (a random high port; nothing else is contacted), with a throwaway CA, broker
# and client certificates made here and TLS with client certificates required. Checks the
# retained status table, events shown once though published twice, --json lines, malformed
# payloads and topics reported without a crash, --expect-policy MISMATCH, --count against
# --timeout, one-line certificate and connection failures, and a broker that goes away while
# watched: waited for and subscribed to again when it is back. Exit 77 (skipped) without
# mosquitto, mosquitto_pub or openssl.
set -uo pipefail

readonly FLEET="${1:?usage: watch_mqtt_test.sh PORTCULLIS-FLEET}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
readonly ROOT
MOSQUITTO="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
readonly MOSQUITTO
for tool in "$MOSQUITTO" mosquitto_pub openssl; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed (Debian: mosquitto mosquitto-clients openssl)"
    exit 77
  fi
done

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

WORK="$(mktemp -d)"
BROKER_PID=""
finish() {
  if [[ -n $BROKER_PID ]]; then
    kill "$BROKER_PID" 2>/dev/null
    wait "$BROKER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap finish EXIT

# ---- a throwaway PKI: CA, broker (IP 127.0.0.1), client; a foreign CA and its client ----
cd "$WORK" || exit 1
leaf() { # NAME CN EXTENSIONS SIGNER
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -subj "/CN=$2" -out "$1.csr" 2>/dev/null &&
    printf '%s\n' "$3" >"$1.ext" &&
    openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" -CAcreateserial -days 2 \
      -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
for ca in ca other-ca; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca.key" \
    -subj "/CN=watch test $ca" -days 2 -addext basicConstraints=critical,CA:TRUE \
    -out "$ca.crt" 2>/dev/null || {
    echo "FAIL: openssl cannot make a CA"
    exit 1
  }
done
if ! { leaf broker portcullis-broker $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth' ca &&
  leaf misnamed portcullis-broker $'subjectAltName=IP:127.0.0.2\nextendedKeyUsage=serverAuth' ca &&
  leaf mgmt portcullis-mgmt 'extendedKeyUsage=clientAuth' ca &&
  leaf other-client portcullis-mgmt 'extendedKeyUsage=clientAuth' other-ca; }; then
  echo "FAIL: openssl cannot make the certificates"
  exit 1
fi

# ---- the broker, on a free random port (start_broker PORT: on that one again); the next port
# serves a certificate for another address (IP 127.0.0.2: never contacted, only named) ----
start_broker() { # [PORT]
  local attempt
  for attempt in 1 2 3 4 5; do
    PORT="${1:-$((20000 + RANDOM % 40000))}"
    cat >mosquitto.conf <<EOF
listener $PORT 127.0.0.1
cafile $WORK/ca.crt
certfile $WORK/broker.crt
keyfile $WORK/broker.key
require_certificate true
allow_anonymous true
persistence false
log_dest stderr
user $(id -un)
listener $((PORT + 1)) 127.0.0.1
cafile $WORK/ca.crt
certfile $WORK/misnamed.crt
keyfile $WORK/misnamed.key
require_certificate true
EOF
    "$MOSQUITTO" -c mosquitto.conf >broker.log 2>&1 &
    BROKER_PID=$!
    local _
    for _ in $(seq 50); do
      if grep -q "running" broker.log; then return 0; fi
      kill -0 "$BROKER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$BROKER_PID" 2>/dev/null
    wait "$BROKER_PID" 2>/dev/null
    BROKER_PID=""
    echo "    (port $PORT: broker did not start, attempt $attempt)"
    sed 's/^/    | /' broker.log | tail -n 5
  done
  return 1
}
if ! start_broker; then
  echo "FAIL: mosquitto did not start"
  exit 1
fi
echo "broker on 127.0.0.1:$PORT (pid $BROKER_PID)"
readonly BROKER="127.0.0.1:$PORT"
readonly TLS=(--ca ca.crt --cert mgmt.crt --key mgmt.key)

pub() { # TOPIC PAYLOAD [mosquitto_pub options...]
  local topic="$1" payload="$2"
  shift 2
  mosquitto_pub -h 127.0.0.1 -p "$PORT" --cafile ca.crt --cert mgmt.crt --key mgmt.key \
    -q 1 -t "$topic" -m "$payload" "$@"
}

# run_watch NAME ARGS...: portcullis-fleet watch, stdout to NAME.out, stderr to NAME.err, exit
# status to NAME.rc (bounded by `timeout` in case the watch itself hangs).
run_watch() {
  local name="$1" rc=0
  shift
  timeout 60 "$FLEET" watch "$@" >"$name.out" 2>"$name.err" || rc=$?
  echo "$rc" >"$name.rc"
}
# watch_bg NAME ARGS...: the same in the background; returns once it is subscribed.
watch_bg() {
  local name="$1"
  shift
  (run_watch "$name" "$@") &
  WATCH_PID=$!
  local _
  for _ in $(seq 100); do
    if grep -q "watching" "$name.err" 2>/dev/null; then return 0; fi
    kill -0 "$WATCH_PID" 2>/dev/null || return 0
    sleep 0.1
  done
}
show() { # NAME
  sed 's/^/    out| /' "$1.out"
  sed 's/^/    err| /' "$1.err"
}
expect() { # NAME RC DESCRIPTION PATTERN...: exit status RC and each pattern in stdout+stderr
  local name="$1" want_rc="$2" desc="$3" ok=1 rc
  shift 3
  rc="$(cat "$name.rc")"
  if [[ $rc != "$want_rc" ]]; then
    ok=0
    echo "    exit status $rc, wanted $want_rc"
  fi
  local pattern
  for pattern in "$@"; do
    if ! grep -qF -- "$pattern" "$name.out" "$name.err"; then
      ok=0
      echo "    missing: $pattern"
    fi
  done
  if ((ok)); then pass "$desc"; else
    fail "$desc"
    show "$name"
  fi
}
count_lines() { # NAME PATTERN
  grep -cF -- "$2" "$1.out"
}

readonly DEV=portcullis-qemu-mps2-an385
readonly DIGEST=3f1c9a0be4d2785c6e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f
status_doc() { # VIOLATIONS_TOTAL
  printf '{"device":{"id":"%s","board":"qemu-mps2-an385","firmware":"0.1.0","uptime_ms":12000},' "$DEV"
  printf '"policy":{"digest":"%s","mode":"enforce","rules":[{"proto":"tcp","port":8443,"mgmt":true}]},' "$DIGEST"
  printf '"listening":[{"proto":"tcp","port":8443,"allowed":true}],"violations_total":%s,' "$1"
  printf '"violations":[],"counters":{"rx_total":10,"dropped_total":2,"violations_total":0}}'
}
scanner() { # SEQ UPTIME
  printf '{"device":"%s","seq":%s,"type":"scanner","uptime_ms":%s,"src":"192.0.2.1","distinct_ports":25,"first_ms":12000,"last_ms":12345}' \
    "$DEV" "$1" "$2"
}

# ---- 1: the retained status, as a table ----
pub "portcullis/$DEV/status" "$(status_doc 0)" -r
run_watch retained "${TLS[@]}" --count 1 --timeout 10 "$BROKER"
expect retained 0 "retained status shown as a table, exit 0" \
  "== $DEV  OK  (retained)" "   id:         $DEV" "   listening:  tcp/8443 allowed=yes" \
  "1 of 1 status message(s) OK, 0 event(s)"

# ---- 2: events once each, duplicates and junk not counted ----
watch_bg events "${TLS[@]}" --count 4 --timeout 20 "$BROKER"
pub "portcullis/$DEV/events" "$(scanner 1 12341)"
pub "portcullis/$DEV/events" "$(scanner 2 12342)"
pub "portcullis/$DEV/events" "$(scanner 2 12342)" # at-least-once: a redelivery
pub "portcullis/$DEV/events" 'not json at all'
pub "portcullis/$DEV/events" '{"device":"someone-else","seq":9,"type":"scanner"}'
pub "portcullis//events" "$(scanner 5 1)"
pub "portcullis/$DEV/metrics" 'ignored'
pub "portcullis/$DEV/events" \
  '{"device":"'"$DEV"'","seq":3,"type":"violation","uptime_ms":12400,"proto":"tcp","port":4444,"action":"closed"}'
wait "$WATCH_PID"
expect events 0 "events shown once each; retained status counted; junk on stderr" \
  "== $DEV  OK  (retained)" \
  "EVENT $DEV #1 scanner src 192.0.2.1 distinct_ports 25 at 12341 ms" \
  "EVENT $DEV #2 scanner src 192.0.2.1 distinct_ports 25 at 12342 ms" \
  "EVENT $DEV #3 violation tcp/4444 closed at 12400 ms" \
  "portcullis/$DEV/events: not an event: not JSON" \
  "portcullis/$DEV/events: not an event: it names device someone-else" \
  "portcullis//events: no device id in the topic" \
  "1 of 1 status message(s) OK, 3 event(s)"
if [[ "$(count_lines events "#2 scanner")" == 1 ]]; then
  pass "the redelivered event #2 is shown once"
else
  fail "the redelivered event #2 is shown once"
  show events
fi

# ---- 3: --json, one object a line ----
watch_bg json "${TLS[@]}" --json --count 2 --timeout 20 "$BROKER"
pub "portcullis/$DEV/events" "$(scanner 7 13000)"
wait "$WATCH_PID"
expect json 0 "--json: a status line and an event line" \
  '{"topic":"portcullis/'"$DEV"'/status","device":"'"$DEV"'","kind":"status","retained":true,"verdict":{"ok":true,' \
  '{"topic":"portcullis/'"$DEV"'/events","device":"'"$DEV"'","kind":"event","event":{"device":"'"$DEV"'","seq":7,'
# Two messages and the broker's line ({"kind":"broker",...,"state":"watching"}), nothing else.
if [[ "$(wc -l <json.out)" == 3 ]] && ! grep -q '^[^{]' json.out &&
  grep -q '^{"kind":"broker","broker":"'"$BROKER"'","state":"watching"}$' json.out; then
  pass "--json prints JSON lines only on stdout"
else
  fail "--json prints JSON lines only on stdout"
  show json
fi
if command -v python3 >/dev/null; then
  if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' json.out; then
    pass "--json lines parse as JSON"
  else
    fail "--json lines parse as JSON"
  fi
fi

# ---- 4: verdicts: a digest that does not match, a violation ----
run_watch mismatch "${TLS[@]}" --expect-policy "$ROOT/boards/host-linux/policy.allow" --count 1 \
  --timeout 10 "$BROKER"
expect mismatch 1 "--expect-policy with another digest: MISMATCH, exit 1" \
  "== $DEV  FAIL  (retained)" "MISMATCH (expected " "problem:    policy digest MISMATCH"
pub "portcullis/$DEV/status" "$(status_doc 2)" -r
run_watch violation "${TLS[@]}" --count 1 --timeout 10 "$BROKER"
expect violation 1 "a status reporting violations fails, exit 1" \
  "== $DEV  FAIL  (retained)" "problem:    violation reported"
pub "portcullis/$DEV/status" "{broken" -r
run_watch broken "${TLS[@]}" --count 1 --timeout 10 "$BROKER"
expect broken 1 "a status that is no JSON fails with a clear line, exit 1" \
  "== $DEV  FAIL  (retained)" "portcullis/$DEV/status: the status is not JSON"

# ---- 5: --timeout before --count ----
mosquitto_pub -h 127.0.0.1 -p "$PORT" --cafile ca.crt --cert mgmt.crt --key mgmt.key -q 1 \
  -t "portcullis/$DEV/status" -n -r # clears the retained status
run_watch timeout "${TLS[@]}" --count 5 --timeout 2 "$BROKER"
expect timeout 3 "--timeout before --count: exit 3" "timed out after 2 s with 0 of 5 message(s)"
run_watch quiet "${TLS[@]}" --timeout 1 "$BROKER"
expect quiet 0 "--timeout without --count, nothing arrived: exit 0" \
  "0 of 0 status message(s) OK, 0 event(s)"

# ---- 6: certificate and connection failures, one line each ----
run_watch foreign_client --ca ca.crt --cert other-client.crt --key other-client.key --timeout 10 \
  "$BROKER"
expect foreign_client 3 "a client certificate from another CA: certificate problem, exit 3" \
  "$BROKER: certificate problem: the broker refused the TLS handshake: our client certificate other-client.crt is not signed by the CA ca.crt"
run_watch foreign_ca --ca other-ca.crt --cert mgmt.crt --key mgmt.key --timeout 10 "$BROKER"
expect foreign_ca 3 "a broker certificate from another CA: certificate problem, exit 3" \
  "certificate problem: the broker's certificate is not signed by the trusted CA (--ca)"
run_watch wrong_name "${TLS[@]}" --timeout 10 "127.0.0.1:$((PORT + 1))"
expect wrong_name 3 "a broker certificate for another address: certificate problem, exit 3" \
  "certificate problem: the broker's certificate does not name 127.0.0.1"
run_watch wrong_key --ca ca.crt --cert mgmt.crt --key other-client.key "$BROKER"
expect wrong_key 2 "a key that is not the certificate's: exit 2" \
  "other-client.key is not the private key of mgmt.crt"

# ---- 7: the broker goes away while watched ----
stop_broker() {
  kill "$BROKER_PID" 2>/dev/null
  wait "$BROKER_PID" 2>/dev/null
  BROKER_PID=""
}
# wait_for NAME PATTERN COUNT: until PATTERN is in NAME.err COUNT times (bounded: 30 s).
wait_for() {
  local _
  for _ in $(seq 300); do
    (($(grep -cF -- "$2" "$1.err" 2>/dev/null || true) >= $3)) && return 0
    sleep 0.1
  done
  return 1
}
# ---- liveness: the retained state (birth, last will) and a device gone silent ----
# A device's retained "offline" (what the broker publishes as its last will), another's
# "online" (its birth message), then nothing: both go silent after --silent-after 2.
pub "portcullis/$DEV/status/state" '{"state":"offline"}' -r
pub "portcullis/dev-2/status/state" '{"state":"online"}' -r
run_watch liveness "${TLS[@]}" --silent-after 2 --timeout 4 "$BROKER"
expect liveness 0 "retained states shown (not counted), then each device silent once" \
  "STATE $DEV offline" "STATE dev-2 online" "SILENT $DEV nothing for 2 s" \
  "SILENT dev-2 nothing for 2 s" "0 of 0 status message(s) OK, 0 event(s)"
if [[ "$(count_lines liveness "SILENT $DEV")" == 1 ]]; then
  pass "a silent device is reported once"
else
  fail "SILENT $DEV shown $(count_lines liveness "SILENT $DEV") times"
fi
run_watch liveness-json "${TLS[@]}" --json --silent-after 0 --timeout 2 "$BROKER"
expect liveness-json 0 "--json: the state as a line of its own; --silent-after 0: never silent" \
  '{"topic":"portcullis/'"$DEV"'/status/state","device":"'"$DEV"'","kind":"state","state":"offline","retained":true}'
if grep -q SILENT liveness-json.out; then
  fail "--silent-after 0 still reported a silent device"
else
  pass "--silent-after 0 reports no silent device"
fi
pub "portcullis/$DEV/status/state" '' -r # clear the retained states for the phases below
pub "portcullis/dev-2/status/state" '' -r

# Not back before --timeout: the watch says so and fails.
watch_bg gone "${TLS[@]}" --timeout 4 "$BROKER"
stop_broker
wait "$WATCH_PID"
expect gone 3 "broker lost and not back before --timeout: says so, exit 3" \
  "$BROKER: connection to the broker lost" "; connecting again in 1 s" \
  "$BROKER: not back before the watch ended (cannot connect: Connection refused)"
# Back on the same port: connected and subscribed to again; what is published then arrives.
if start_broker "$PORT"; then
  watch_bg back "${TLS[@]}" --count 1 --timeout 40 "$BROKER"
  stop_broker
  wait_for back "connecting again in" 2 # at least one refused try while it was away
  if start_broker "$PORT" && wait_for back "watching" 2; then
    pub "portcullis/$DEV/events" "$(scanner 9 15000)"
  fi
  wait "$WATCH_PID"
  expect back 0 "broker back: watch connects again, subscribes again and shows the next event" \
    "; connecting again in 1 s" "cannot connect: Connection refused; connecting again in 2 s" \
    "on $BROKER again" "EVENT $DEV #9 scanner src 192.0.2.1 distinct_ports 25 at 15000 ms" \
    "0 of 0 status message(s) OK, 1 event(s)"
else
  fail "mosquitto did not start again on port $PORT"
fi

stop_broker
run_watch refused "${TLS[@]}" --timeout 10 "$BROKER"
expect refused 3 "no broker: cannot connect, exit 3" "$BROKER: cannot connect: Connection refused"
# --json says it on stdout too: a consumer of the lines is not left with nothing.
run_watch refused-json "${TLS[@]}" --json --timeout 10 "$BROKER"
expect refused-json 3 "no broker, --json: a broker line on stdout, exit 3" \
  '{"kind":"broker","broker":"'"$BROKER"'","state":"failed","error":"cannot connect: Connection refused"}'
if grep -q '"kind":"broker"' refused-json.out; then
  pass "--json: the broker line is on stdout"
else
  fail "--json: no broker line on stdout"
fi

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
