#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/pki/pki_test.sh CASE: checks tools/pki in a scratch folder with openssl.
#   chain        device/mgmt/broker chain to ca.crt for their purpose; other-client does not
#   names        subjects, EKUs and SANs (curl verifies the device by address)
#   keys         P-256 keys, 0600; certificates 0644; validity periods
#   idempotent   a second create changes no file; --force makes a new CA and new leaves
#   renew        a new device id, an expiring or foreign leaf is made again, the rest is kept
#   check        `check` accepts a good folder and names what is wrong in a bad one (a
#                leaf in another role (OU) included)
#   usage        bad arguments and bad device ids are refused
#   seed         `seed record` / `seed log`: the firmware's layout, 0600, a fresh seed each time
#   provision    one device's identity record: read back by the device's parser with Mbed TLS
#                (certificate and key belong together and chain to the CA), 0600, the
#                device's pair kept per id and reused, --force and bad arguments
# Exit 0 when every check of CASE holds; each failure is printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly PKI="$ROOT/tools/pki"
readonly ID="portcullis-test-7"
CASE="${1:?usage: pki_test.sh chain|names|keys|idempotent|renew|check|usage|seed|provision}"
readonly CASE

WORK="$(mktemp -d)"
readonly WORK
trap 'rm -rf -- "$WORK"' EXIT
readonly DIR="$WORK/pki"
FAILED=0

fail() {
  printf 'FAIL: %s\n' "$*"
  FAILED=1
}
pass() { printf 'ok: %s\n' "$*"; }
expect() { # DESCRIPTION COMMAND...: the command succeeds
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
refuse() { # DESCRIPTION COMMAND...: the command fails
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then fail "$what"; else pass "$what"; fi
}
same() { # DESCRIPTION ACTUAL EXPECTED
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}

create() { "$PKI" create "$DIR" --device-id "$ID" "$@" 2>/dev/null; }
# shellcheck disable=SC2317 # called through expect/refuse
verify() { # CA CERT PURPOSE
  openssl verify -CAfile "$DIR/$1.crt" -purpose "$3" "$DIR/$2.crt"
}
ext() { # CERT EXTENSION -> "[critical ]VALUE" on one line
  local text critical
  text="$(openssl x509 -in "$DIR/$1.crt" -noout -ext "$2")"
  critical="$(head -n 1 <<<"$text" | sed -n 's/^[^:]*: *critical$/critical /p')"
  printf '%s%s' "$critical" "$(tail -n +2 <<<"$text" | sed 's/^ *//' | tr -d '\n')"
}
check_that() { # DESCRIPTION CONDITION...: the condition (a command) holds
  local what="$1"
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
subject() { openssl x509 -in "$DIR/$1.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
fingerprint() { # every file's checksum and mtime, in name order
  (cd "$DIR" && for f in *.crt *.key; do
    printf '%s %s %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %Y.%y "$f")"
  done)
}
days_left() { # CERT -> whole days until notAfter
  local end
  end="$(openssl x509 -in "$DIR/$1.crt" -noout -enddate | sed 's/^notAfter=//')"
  echo $((($(date -d "$end" +%s) - $(date +%s)) / 86400))
}

case "$CASE" in
  chain)
    create
    expect "device.crt chains to ca.crt as a TLS server" verify ca device sslserver
    expect "device.crt chains to ca.crt as a TLS client (MQTT push)" verify ca device sslclient
    expect "mgmt.crt chains to ca.crt as a TLS client" verify ca mgmt sslclient
    expect "broker.crt chains to ca.crt as a TLS server" verify ca broker sslserver
    refuse "mgmt.crt is no TLS server certificate" verify ca mgmt sslserver
    refuse "broker.crt is no TLS client certificate" verify ca broker sslclient
    refuse "other-client.crt does not chain to ca.crt" verify ca other-client sslclient
    refuse "device.crt does not chain to other-ca.crt" verify other-ca device sslserver
    expect "other-client.crt chains to other-ca.crt" verify other-ca other-client sslclient
    same "other-ca.crt has the fleet CA's name" "$(subject other-ca)" "$(subject ca)"
    refuse "ca.crt and other-ca.crt are different keys" cmp -s \
      <(openssl x509 -in "$DIR/ca.crt" -noout -pubkey) <(openssl x509 -in "$DIR/other-ca.crt" -noout -pubkey)
    same "ca.crt is a CA for leaves only" "$(ext ca basicConstraints)" "critical CA:TRUE, pathlen:0"
    same "device.crt is no CA" "$(ext device basicConstraints)" "critical CA:FALSE"
    ;;
  names)
    create
    same "device subject holds the device id" "$(subject device)" "CN=$ID,OU=device,O=Portcullis"
    same "device EKU" "$(ext device extendedKeyUsage)" \
      "TLS Web Server Authentication, TLS Web Client Authentication"
    same "device SAN: its id and the lab addresses" "$(ext device subjectAltName)" \
      "DNS:$ID, IP Address:192.0.2.2, IP Address:2001:DB8:0:0:0:0:0:2"
    same "device key usage" "$(ext device keyUsage)" "critical Digital Signature"
    same "mgmt EKU" "$(ext mgmt extendedKeyUsage)" "TLS Web Client Authentication"
    same "mgmt subject" "$(subject mgmt)" "CN=portcullis-mgmt,OU=management,O=Portcullis"
    same "broker EKU" "$(ext broker extendedKeyUsage)" "TLS Web Server Authentication"
    same "broker SAN: its name and the lab host's addresses" "$(ext broker subjectAltName)" \
      "DNS:broker.portcullis.test, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1"
    same "other-client EKU" "$(ext other-client extendedKeyUsage)" "TLS Web Client Authentication"
    # What curl does: verify the device's certificate by its address and by its id.
    for host in 192.0.2.2 2001:db8::2; do
      expect "verifies for IP $host" openssl verify -CAfile "$DIR/ca.crt" -verify_ip "$host" \
        "$DIR/device.crt"
    done
    expect "verifies for host name $ID" openssl verify -CAfile "$DIR/ca.crt" -verify_hostname "$ID" \
      "$DIR/device.crt"
    refuse "does not verify for another address" openssl verify -CAfile "$DIR/ca.crt" \
      -verify_ip 192.0.2.3 "$DIR/device.crt"
    "$PKI" create "$WORK/other" --device-id board-9 --device-ip 10.0.0.9 2>/dev/null
    same "--device-ip replaces the lab addresses" \
      "$(openssl x509 -in "$WORK/other/device.crt" -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//')" \
      "DNS:board-9, IP Address:10.0.0.9"
    ;;
  keys)
    create
    for name in ca device mgmt broker other-ca other-client; do
      same "$name.key is 0600" "$(stat -c %a "$DIR/$name.key")" 600
      same "$name.crt is 0644" "$(stat -c %a "$DIR/$name.crt")" 644
      check_that "$name.key is P-256" grep -q "NIST CURVE: P-256" \
        <(openssl pkey -in "$DIR/$name.key" -noout -text 2>/dev/null)
      check_that "$name.crt is signed with ECDSA-SHA256" grep -q "ecdsa-with-SHA256" \
        <(openssl x509 -in "$DIR/$name.crt" -noout -text)
    done
    ca_days="$(days_left ca)"
    check_that "the CA lasts 10 years ($ca_days days left)" test "$ca_days" -ge 3640 -a "$ca_days" -le 3650
    leaf_days="$(days_left device)"
    check_that "leaves last 2 years ($leaf_days days left)" test "$leaf_days" -ge 725 -a "$leaf_days" -le 730
    leftovers="$(find "$DIR" -name '.tmp.*' | wc -l)"
    same "no temporary files are left" "$leftovers" 0
    ;;
  idempotent)
    create
    before="$(fingerprint)"
    sleep 1.1 # a rewrite would show in the mtimes
    create
    same "a second create changes no file" "$(fingerprint)" "$before"
    ca_before="$(sha256sum <"$DIR/ca.crt")"
    create --force
    check_that "--force makes a new CA" test "$(sha256sum <"$DIR/ca.crt")" != "$ca_before"
    expect "after --force the device still chains to the (new) CA" verify ca device sslserver
    ;;
  renew)
    create
    ca_before="$(sha256sum <"$DIR/ca.crt")"
    mgmt_before="$(sha256sum <"$DIR/mgmt.crt")"
    "$PKI" create "$DIR" --device-id portcullis-test-8 2>/dev/null
    same "a new device id keeps the CA" "$(sha256sum <"$DIR/ca.crt")" "$ca_before"
    same "a new device id keeps mgmt.crt" "$(sha256sum <"$DIR/mgmt.crt")" "$mgmt_before"
    same "a new device id remakes device.crt" "$(subject device)" \
      "CN=portcullis-test-8,OU=device,O=Portcullis"
    # An expiring mgmt certificate (same key, same CA, 5 days left) is made again.
    openssl req -new -key "$DIR/mgmt.key" -subj "/CN=portcullis-mgmt" -out "$WORK/m.csr" 2>/dev/null
    openssl x509 -req -in "$WORK/m.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -days 5 \
      -set_serial 7 -out "$DIR/mgmt.crt" 2>/dev/null
    "$PKI" create "$DIR" --device-id portcullis-test-8 2>/dev/null
    days="$(days_left mgmt)"
    check_that "an expiring mgmt.crt is made again ($days days left)" test "$days" -gt 700
    # A leaf signed by another CA (someone copied files around) is made again.
    cp "$DIR/other-client.crt" "$DIR/mgmt.crt"
    cp "$DIR/other-client.key" "$DIR/mgmt.key"
    "$PKI" create "$DIR" --device-id portcullis-test-8 2>/dev/null
    expect "a foreign mgmt.crt is replaced by one of ca.crt" verify ca mgmt sslclient
    same "the CA survived all of it" "$(sha256sum <"$DIR/ca.crt")" "$ca_before"
    ;;
  check)
    create
    expect "check accepts what create made" "$PKI" check "$DIR" --device-id "$ID"
    refuse "check refuses another device id" "$PKI" check "$DIR" --device-id someone-else
    chmod 0644 "$DIR/device.key"
    out="$("$PKI" check "$DIR" 2>&1 || true)"
    check_that "check names a readable key" grep -q "device.key: mode 644, expected 600" <<<"$out"
    chmod 0600 "$DIR/device.key"
    cp "$DIR/mgmt.key" "$DIR/broker.key"
    out="$("$PKI" check "$DIR" 2>&1 || true)"
    check_that "check names a wrong key" grep -q "broker: key does not match certificate" <<<"$out"
    rm "$DIR/broker.key"
    refuse "check refuses a missing key" "$PKI" check "$DIR"
    create
    # A management certificate of the fleet CA, with its key and EKU, but in the device's role
    # (OU): the device refuses it as a management client, so check says so and create
    # makes it again.
    openssl req -new -key "$DIR/mgmt.key" -subj "/O=Portcullis/OU=device/CN=portcullis-mgmt" \
      -out "$WORK/m.csr" 2>/dev/null
    openssl x509 -req -in "$WORK/m.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -days 700 \
      -set_serial 9 -extfile <(printf 'extendedKeyUsage = clientAuth\n') -out "$DIR/mgmt.crt" 2>/dev/null
    expect "the wrong-role mgmt.crt chains as a TLS client" verify ca mgmt sslclient
    out="$("$PKI" check "$DIR" 2>&1 || true)"
    check_that "check names a leaf in the wrong role" \
      grep -q "mgmt: subject OU is 'device', expected 'management'" <<<"$out"
    create
    same "create makes it again in its role" "$(subject mgmt)" "CN=portcullis-mgmt,OU=management,O=Portcullis"
    expect "check accepts the result" "$PKI" check "$DIR" --device-id "$ID"
    ;;
  usage)
    set +e
    "$PKI" >/dev/null 2>&1
    same "no arguments: usage, status 2" "$?" 2
    "$PKI" create "$DIR" >/dev/null 2>&1
    same "create without --device-id: status 2" "$?" 2
    "$PKI" create "$DIR" --device-id 'bad id' >/dev/null 2>&1
    same "a device id with a space: status 1" "$?" 1
    "$PKI" create "$DIR" --device-id '-lead' >/dev/null 2>&1
    same "a device id starting with '-': status 1" "$?" 1
    "$PKI" create "$DIR" --device-id "$(printf 'a%.0s' {1..65})" >/dev/null 2>&1
    same "a 65-character device id: status 1" "$?" 1
    "$PKI" frobnicate >/dev/null 2>&1
    same "an unknown command: status 2" "$?" 2
    "$PKI" --help >/dev/null 2>&1
    same "--help: status 0" "$?" 0
    check_that "refused runs made no key" test ! -e "$DIR/ca.key"
    set -e
    ;;
  seed)
    mkdir -p "$DIR"
    expect "seed record writes a file" "$PKI" seed record "$DIR/a.rec"
    expect "seed record again" "$PKI" seed record "$DIR/b.rec"
    expect "seed log writes a file" "$PKI" seed log "$DIR/c.log"
    same "a record is 64 bytes" "$(stat -c %s "$DIR/a.rec")" 64
    same "a log is 2048 bytes" "$(stat -c %s "$DIR/c.log")" 2048
    same "records are 0600" "$(stat -c %a "$DIR/a.rec") $(stat -c %a "$DIR/c.log")" "600 600"
    same "magic and generation 0" "$(head -c 16 "$DIR/a.rec" | xxd -p)" \
      "$(printf 'PCSEED01' | xxd -p)0000000000000000"
    same "the check is SHA-256 of the first 48 bytes" "$(tail -c 16 "$DIR/a.rec" | xxd -p)" \
      "$(head -c 48 "$DIR/a.rec" | sha256sum | cut -c1-32)"
    check_that "two records hold different seeds" \
      test "$(head -c 48 "$DIR/a.rec" | xxd -p)" != "$(head -c 48 "$DIR/b.rec" | xxd -p)"
    same "the log's slot 0 is a record" "$(tail -c 16 <(head -c 64 "$DIR/c.log") | xxd -p)" \
      "$(head -c 48 "$DIR/c.log" | sha256sum | cut -c1-32)"
    same "the rest of the log is erased flash" \
      "$(tail -c 1984 "$DIR/c.log" | tr -d '\377' | wc -c)" 0
    set +e
    "$PKI" seed frob "$DIR/x" >/dev/null 2>&1
    same "an unknown seed kind: status 2" "$?" 2
    "$PKI" seed record "$DIR" >/dev/null 2>&1
    same "a folder as OUT: status 1" "$?" 1
    set -e
    ;;
  provision)
    readonly DUMP="${PORTCULLIS_IDENTITY_DUMP:?set by tests/pki/CMakeLists.txt}"
    create
    out="$("$PKI" provision "$DIR" --device-id sensor-1 --broker broker.example.test \
      --time-server 192.0.2.123 --mac 02:00:5E:00:53:07 "$WORK/sensor-1.id" 2>/dev/null)"
    same "stdout: id, file, size, SHA-256" "$out" \
      "sensor-1 $WORK/sensor-1.id $(stat -c %s "$WORK/sensor-1.id") $(sha256sum "$WORK/sensor-1.id" | cut -c1-64)"
    same "the record is 0600 (it holds the key)" "$(stat -c %a "$WORK/sensor-1.id")" 600
    cert_sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
    same "the device's parser and Mbed TLS read it: id, broker, time server, MAC, its certificate" \
      "$("$DUMP" "$WORK/sensor-1.id")" \
      "valid sensor-1 broker.example.test 192.0.2.123 02:00:5e:00:53:07 $(cert_sha "$DIR/devices/sensor-1/device.crt")"
    same "the certificate names the device" \
      "$(openssl x509 -in "$DIR/devices/sensor-1/device.crt" -noout -subject -nameopt RFC2253)" \
      "subject=CN=sensor-1,OU=device,O=Portcullis"
    "$PKI" provision "$DIR" --device-id sensor-2 "$WORK/sensor-2.id" >/dev/null 2>&1
    same "a second device: its own id and certificate, no settings" \
      "$("$DUMP" "$WORK/sensor-2.id")" \
      "valid sensor-2 - - - $(cert_sha "$DIR/devices/sensor-2/device.crt")"
    before="$(cert_sha "$DIR/devices/sensor-1/device.crt")"
    "$PKI" provision "$DIR" --device-id sensor-1 "$WORK/again.id" >/dev/null 2>&1
    same "provisioning again keeps the device's certificate" \
      "$(cert_sha "$DIR/devices/sensor-1/device.crt")" "$before"
    "$PKI" provision "$DIR" --device-id sensor-1 --force "$WORK/again.id" >/dev/null 2>&1
    check_that "--force makes a new one" \
      test "$(cert_sha "$DIR/devices/sensor-1/device.crt")" != "$before"
    printf 'PCID\x02' >"$WORK/bad.id"
    refuse "the dump refuses another version" "$DUMP" "$WORK/bad.id"
    set +e
    "$PKI" provision "$DIR" --device-id 'bad/id' "$WORK/x.id" >/dev/null 2>&1
    same "a bad device id: status 1" "$?" 1
    for reserved in portcullis-mgmt portcullis-broker Portcullis-MGMT; do
      "$PKI" provision "$DIR" --device-id "$reserved" "$WORK/x.id" >/dev/null 2>&1
      same "device id $reserved (a role's CN, which a broker's ACL may name): status 1" "$?" 1
    done
    "$PKI" provision "$DIR" --device-id d --broker 'not a host' "$WORK/x.id" >/dev/null 2>&1
    same "a bad broker: status 1" "$?" 1
    "$PKI" provision "$DIR" --device-id d --mac 03:00:5e:00:53:07 "$WORK/x.id" >/dev/null 2>&1
    same "a multicast MAC: status 1" "$?" 1
    "$PKI" provision "$WORK/nothing" --device-id d "$WORK/x.id" >/dev/null 2>&1
    same "no fleet CA: status 1" "$?" 1
    "$PKI" provision "$DIR" "$WORK/x.id" >/dev/null 2>&1
    same "no device id: status 2" "$?" 2
    set -e
    check_that "nothing written for a refused provision" test ! -e "$WORK/x.id"
    ;;
  *)
    printf 'unknown case %s\n' "$CASE" >&2
    exit 2
    ;;
esac
exit "$FAILED"
