#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/deploy/mosquitto_acl_test.sh PKI_DIR: deploy/mosquitto's example configuration and ACL
# on a real mosquitto (127.0.0.1, a free port), with the build's certificates: a device (its
# certificate's CN is its id) publishes its own status, state and events, which the management
# client reads; the same device publishing under another device's topics, reading anything,
# and the management client publishing are refused (MQTT 3.1.1 has no negative PUBACK: the
# broker drops the message, so the subscriber that sees the allowed ones must not see these).
set -uo pipefail
pki="${1:?usage: mosquitto_acl_test.sh PKI_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for tool in mosquitto mosquitto_pub mosquitto_sub openssl; do
  command -v "$tool" > /dev/null || {
    echo "SKIP: $tool missing"
    exit 77
  }
done
dir="$(mktemp -d)"
broker_pid="" sub_pid=""
cleanup() {
  [[ -n "$sub_pid" ]] && kill "$sub_pid" 2> /dev/null
  [[ -n "$broker_pid" ]] && kill "$broker_pid" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
failed=0
pass() { echo "PASS: $*"; }
fail() {
  echo "FAIL: $*"
  failed=1
}

port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The example as it is, with this build's paths and a loopback port.
sed -e "s|/etc/portcullis/pki/|$pki/|g" -e "s|/etc/mosquitto/portcullis.acl|$root/deploy/mosquitto/portcullis.acl|" \
  -e "s|^listener 8883$|listener $port 127.0.0.1|" "$root/deploy/mosquitto/portcullis.conf" > "$dir/mosquitto.conf"
printf 'user root\nlog_dest file %s\nlog_type all\n' "$dir/broker.log" >> "$dir/mosquitto.conf"
mosquitto -c "$dir/mosquitto.conf" > "$dir/broker.out" 2>&1 &
broker_pid=$!
for _ in $(seq 50); do
  (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
  sleep 0.1
done

id="$(openssl x509 -in "$pki/device.crt" -noout -subject -nameopt RFC2253 |
  sed -n 's/^subject=.*CN=\([^,]*\).*$/\1/p')"
# The broker's certificate names the lab's address: --insecure skips only that name check
# (the chain to the fleet CA is still verified both ways).
client() { # ROLE TOOL ARGS...: mosquitto_pub/_sub as ROLE (device or mgmt)
  local role="$1" tool="$2"
  shift 2
  "$tool" -h 127.0.0.1 -p "$port" --cafile "$pki/ca.crt" --cert "$pki/$role.crt" \
    --key "$pki/$role.key" --insecure "$@"
}

client mgmt mosquitto_sub -t 'portcullis/#' -v -W 10 > "$dir/mgmt.msgs" 2> "$dir/mgmt.err" &
sub_pid=$!
client device mosquitto_sub -t 'portcullis/#' -v -W 4 > "$dir/device.msgs" 2> "$dir/device.err" &
device_sub=$!
for _ in $(seq 50); do # both subscribed: bounded, 5 s
  (($(grep -c "Received SUBSCRIBE from" "$dir/broker.log" 2> /dev/null || echo 0) >= 2)) && break
  sleep 0.1
done
client device mosquitto_pub -q 1 -t "portcullis/$id/status" -m '{"own":"status"}'
client device mosquitto_pub -q 1 -t "portcullis/$id/status/state" -m '{"state":"online"}'
client device mosquitto_pub -q 1 -t "portcullis/$id/events" -m '{"own":"event"}'
client device mosquitto_pub -q 1 -t "portcullis/other-device/status" -m '{"forged":"status"}'
client device mosquitto_pub -q 1 -t "portcullis/other-device/events" -m '{"forged":"event"}'
client device mosquitto_pub -q 1 -t "portcullis/$id/anything" -m '{"forged":"subtopic"}'
client mgmt mosquitto_pub -q 1 -t "portcullis/$id/events" -m '{"forged":"by mgmt"}'
# The last of the allowed ones marks the end: then nothing else is in flight.
client device mosquitto_pub -q 1 -t "portcullis/$id/events" -m '{"own":"last"}'
for _ in $(seq 50); do
  grep -q '"last"' "$dir/mgmt.msgs" && break
  sleep 0.1
done
kill "$sub_pid" 2> /dev/null
wait "$sub_pid" 2> /dev/null
sub_pid=""
wait "$device_sub" 2> /dev/null
sed 's/^/    mgmt| /' "$dir/mgmt.msgs"

for want in "portcullis/$id/status {\"own\":\"status\"}" "portcullis/$id/status/state {\"state\":\"online\"}" \
  "portcullis/$id/events {\"own\":\"event\"}" "portcullis/$id/events {\"own\":\"last\"}"; do
  if grep -qxF "$want" "$dir/mgmt.msgs"; then
    pass "the device's own publish arrives: $want"
  else
    fail "the device's own publish did not arrive: $want"
  fi
done
if grep -q forged "$dir/mgmt.msgs"; then
  fail "a refused publish arrived: $(grep forged "$dir/mgmt.msgs" | tr '\n' ' ')"
else
  pass "refused: the device under another device's topics and under a topic of its own not in the ACL, the management client publishing"
fi
if [[ -s "$dir/device.msgs" ]]; then
  fail "the device read messages: $(tr '\n' ' ' < "$dir/device.msgs")"
else
  pass "the device reads nothing (its subscription to portcullis/# gets no message)"
fi
grep -q "Denied PUBLISH from" "$dir/broker.log" && pass "mosquitto logged the denied publishes" ||
  fail "mosquitto logged no denied publish"
exit "$failed"
