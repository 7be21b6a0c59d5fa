#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/unit/fleet/poll_tls_test.sh FLEET PKI_DIR: the poller's TLS against a real peer,
# openssl s_server on 127.0.0.1 (a free high port) demanding our client certificate and
# serving a status document from files (-WWW). Every case has its positive twin in the run:
#   - a CA bundle (another CA first, the fleet CA second, as during a CA rotation) trusts the
#     device: OK, exit 0 (a decoder that kept only the first certificate refused it);
#   - with https_proxy set in the environment the poll still goes straight to the device;
#   - the certificates from PORTCULLIS_PKI_DIR, from --config FILE, the CA and the targets
#     from stdin ("-");
#   - a server presenting the broker's certificate (OU=broker) or the management client's
#     (EKU clientAuth only) is no device: certificate problem, exit 3 (unreachable);
#   - a response over 256 KiB is cut off with one line.
set -uo pipefail
fleet="${1:?usage: poll_tls_test.sh FLEET PKI_DIR}"
pki="${2:?}"
for tool in openssl /usr/bin/python3; do
  command -v "$tool" > /dev/null || {
    echo "SKIP: $tool missing"
    exit 77
  }
done
dir="$(mktemp -d)"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2> /dev/null
    wait "$server_pid" 2> /dev/null
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$dir"' EXIT
failed=0
pass() { echo "PASS: $*"; }
fail() {
  echo "FAIL: $*"
  failed=1
}

device_id="$(openssl x509 -in "$pki/device.crt" -noout -subject -nameopt RFC2253 |
  sed -n 's/^subject=.*CN=\([^,]*\).*$/\1/p')"
mkdir -p "$dir/www/v1" "$dir/big/v1"
cat > "$dir/www/v1/status" << JSON
{"device":{"id":"$device_id","board":"test"},"policy":{"digest":"$(printf '%064d' 0)"},
 "listening":[],"counters":{"violations_total":0},"violations":[]}
JSON
head -c $((300 * 1024)) /dev/zero | tr '\0' ' ' > "$dir/big/v1/status"
# A response that announces more than the limit (s_server -HTTP sends the file as it is).
mkdir -p "$dir/announced/v1"
printf 'HTTP/1.0 200 ok\r\nContent-Type: application/json\r\nContent-Length: 300000\r\n\r\n{}' \
  > "$dir/announced/v1/status"
cat "$pki/other-ca.crt" "$pki/ca.crt" > "$dir/bundle.crt"

# serve NAME CERT KEY WWW: s_server in WWW on a free port ($port), our client certificate required.
serve() {
  stop_server
  port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  (cd "$4" && exec openssl s_server -quiet "${SERVE_MODE:--WWW}" -accept "127.0.0.1:$port" -cert "$2" -key "$3" \
    -CAfile "$pki/ca.crt" -Verify 1 > "$dir/$1.server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 100); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then return 0; fi
    sleep 0.05
  done
  fail "$1: openssl s_server did not start"
  return 1
}

# poll NAME ARGS...: the poller's output in $dir/NAME.out, exit status in $rc.
poll() {
  local name="$1"
  shift
  rc=0
  "$fleet" --timeout 5 "$@" > "$dir/$name.out" 2>&1 || rc=$?
  sed 's/^/    | /' "$dir/$name.out"
}

if serve device "$pki/device.crt" "$pki/device.key" "$dir/www"; then
  poll bundle --ca "$dir/bundle.crt" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" \
    "$device_id@127.0.0.1:$port"
  if [[ $rc -eq 0 ]] && grep -q '^1 of 1 device(s) OK' "$dir/bundle.out"; then
    pass "a CA bundle (another CA, then the fleet CA) trusts the device: OK, exit 0"
  else
    fail "a CA bundle: exit $rc"
  fi
  rc=0
  https_proxy="http://127.0.0.1:1" HTTPS_PROXY="http://127.0.0.1:1" ALL_PROXY="http://127.0.0.1:1" \
    "$fleet" --timeout 5 --pki "$pki" "$device_id@127.0.0.1:$port" > "$dir/proxy.out" 2>&1 || rc=$?
  if [[ $rc -eq 0 ]]; then
    pass "https_proxy in the environment: polled directly, exit 0"
  else
    fail "https_proxy in the environment: exit $rc"
    sed 's/^/    | /' "$dir/proxy.out"
  fi
  # Where the certificates and targets come from: the environment, a config file, stdin.
  expect_ok() { # DESCRIPTION: $rc and $dir/$name.out of the last run
    if [[ $rc -eq 0 ]] && grep -q '^1 of 1 device(s) OK' "$dir/$name.out"; then
      pass "$1"
    else
      fail "$1: exit $rc"
      sed 's/^/    | /' "$dir/$name.out"
    fi
  }
  name=env rc=0
  PORTCULLIS_PKI_DIR="$pki" "$fleet" --timeout 5 "$device_id@127.0.0.1:$port" > "$dir/$name.out" 2>&1 || rc=$?
  expect_ok "PORTCULLIS_PKI_DIR names the certificates"
  printf 'pki = "%s"\ntimeout = 5\n' "$pki" > "$dir/fleet.toml"
  name=config rc=0
  "$fleet" --config "$dir/fleet.toml" "$device_id@127.0.0.1:$port" > "$dir/$name.out" 2>&1 || rc=$?
  expect_ok "--config FILE (pki = DIR) names the certificates"
  name=stdin-hosts rc=0
  printf '# from stdin\n%s\n' "$device_id@127.0.0.1:$port" |
    "$fleet" --pki "$pki" --file - > "$dir/$name.out" 2>&1 || rc=$?
  expect_ok "--file - reads the targets from stdin"
  name=stdin-ca rc=0
  "$fleet" --ca - --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" "$device_id@127.0.0.1:$port" \
    < "$dir/bundle.crt" > "$dir/$name.out" 2>&1 || rc=$?
  expect_ok "--ca - reads the CA bundle from stdin"
fi

# expect_unreachable NAME CERT WWW TARGET MESSAGE DESCRIPTION: a server with CERT (its key
# beside it) is polled as TARGET (PORT: the server's port); the poll fails with MESSAGE and exit 3.
expect_unreachable() {
  serve "$1" "$2" "${2%.crt}.key" "$3" || return 0
  poll "$1" --pki "$pki" "${4/:PORT/:$port}"
  if [[ $rc -eq 3 ]] && grep -qF "$5" "$dir/$1.out"; then
    pass "$6, exit 3"
  else
    fail "$6: exit $rc"
  fi
}
# The broker's certificate names 192.0.2.1: ask for that name, connect to the loopback.
expect_unreachable broker "$pki/broker.crt" "$dir/www" "192.0.2.1@127.0.0.1:PORT" \
  "certificate problem: the device's certificate is not of its role" \
  "a server with the broker's certificate (OU=broker) is refused: not of its role"
expect_unreachable mgmt "$pki/mgmt.crt" "$dir/www" "portcullis-mgmt@127.0.0.1:PORT" \
  "certificate problem: the device's certificate" \
  "a server with the management client's certificate (EKU clientAuth) is refused"
expect_unreachable big "$pki/device.crt" "$dir/big" "$device_id@127.0.0.1:PORT" \
  "response larger than 262144 bytes" "a response over 256 KiB: cut off in one line"
SERVE_MODE=-HTTP expect_unreachable announced "$pki/device.crt" "$dir/announced" \
  "$device_id@127.0.0.1:PORT" "response larger than 262144 bytes" \
  "a Content-Length over 256 KiB: refused before the body, in one line"
exit "$failed"
