#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/entropy_test.sh BOARD: the same image booted twice is two different random
# streams (security review findings 2 and 3), and a device without a usable seed refuses TLS.
# The second boot is also another device: one image, two identity records (issue 15).
#   - Boot 1 on the build's identity record, boot 2 on a record `tools/pki provision` made for
#     another id and MAC (the DHCP lease goes to that MAC; tools/lab places the record in the board's identity region: QEMU's loader at the
#     lab.conf's IDENTITY_ADDR, host-linux --identity): each poll reports its own device.id,
#     and each handshake presents that device's certificate (CN). The image file holds no
#     private key (the build's device key is not in it).
#   - A boot on a blank identity region (zeros, as never provisioned) says so on the console,
#     serves no TLS on the mgmt port, and still filters and keys lwIP (ping answers; no
#     "PREDICTABLE" line); one on the build's record with a payload byte flipped says it is
#     corrupt (checksum) and serves no TLS either.
#   - Two boots of BOARD (each QEMU boot with its own fresh seed record from tools/lab, as
#     each real device has its own), two mutual-TLS handshakes each with `openssl s_client
#     -msg`: the four ServerHello randoms and the four ECDHE public keys are all different.
#   - The lab records the device's NIC from power-on (PORTCULLIS_LAB_PCAP: QEMU's filter-dump,
#     or a sniffer started before host-linux): the first SYN the device sends (its push to the
#     absent broker) has another source port and another initial sequence number on the second
#     boot (one QEMU image used to give 54591 / 6509 every time).
#   - QEMU boards: the first SYN's port is the first number lwIP draws, from a key that is
#     the DRBG's first output: on qemu-mps2-an385 (no other source) a third boot on boot 1's
#     record gives boot 1's port again, so the record is what decides; on lm3s6965evb the
#     ADC noise enters too, and the same record gives another port
#     (and this test can tell a repeated stream: the randoms above cannot, since the agent
#     draws from the DRBG at every loop turn and a poll lands at another place in it).
#   - QEMU boards: a boot on an absent (all-zero) record says so on the console, serves no
#     TLS, and still filters: ping answers (the positive control), the mgmt port does not.
#   - lm3s6965evb: the ADC noise source (temperature sensor, timer-triggered) gave bytes to
#     the seeding (console), as on the real part; QEMU's values are a fixed sequence.
#   - lm3s6965evb: a boot on a seed log in flash (tools/pki seed log, placed where tools/flash
#     --seed puts it on the EK-LM3S6965) and no RAM record reads the log (generation 0),
#     drives the flash controller to append the next generation, finds that it did not stick
#     (QEMU 7.2 leaves the controller unimplemented) and refuses TLS rather than use the seed
#     twice: the console says so, ping answers, the mgmt port serves nothing.
# Packets stay in the lab namespace; every probe is bounded in count and time.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/entropy_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
readonly PARSE="$ROOT/tests/lab/entropy.py"
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_entropy_$WANT_BOARD"
claim_lab_instance

WORK="$(mktemp -d)"
trap lab_finish EXIT
QEMU=1
[[ "$(board_conf "$WANT_BOARD" KIND)" == qemu ]] || QEMU=0

# One mutual-TLS handshake as the management host; its ServerHello random and ECDHE key.
handshake() { # OUT-PREFIX
  local i
  for i in 1 2 3; do
    if "$LAB" exec timeout 20 openssl s_client -connect "$DEVICE_IPV4:$MGMT_PORT" -tls1_2 \
      -CAfile "$PKI_DIR/ca.crt" -cert "$PKI_DIR/mgmt.crt" -key "$PKI_DIR/mgmt.key" -msg \
      </dev/null >"$1.txt" 2>&1 && "$PY" "$PARSE" handshake "$1.txt" >"$1.keys"; then
      return 0
    fi
    sleep "$i"
  done
  return 1
}

# The device's first SYN in the capture of boot $1 (QEMU's, or tools/lab's recorder on
# host-linux); waits (bounded) for the push's connect.
first_syn() { # BOOT
  local syn="" i
  for i in $(seq 1 20); do
    syn="$("$PY" "$PARSE" first-syn "$WORK/boot$1.pcap" 2>/dev/null)" && break
    sleep 0.5
  done
  printf '%s' "$syn"
}

# The status's device.id and the certificate's CN a handshake saw, as "ID CN".
device_and_cn() { # HANDSHAKE-OUTPUT
  local id cn
  id="$(mgmt_curl "https://$DEVICE_IPV4:$MGMT_PORT/v1/status" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["device"]["id"])')" || id="?"
  cn="$(sed -n 's/^subject=.*CN *= *\([^,]*\).*$/\1/p' "$1" | head -n 1)"
  printf '%s %s' "$id" "${cn:-?}"
}

# A device that must serve no TLS and still filter (WHY names the boot in the messages): the
# mgmt port gives no TLS, and ping (the positive control) answers.
no_tls_still_filters() { # WHY
  if mgmt_curl_once --max-time 5 -o /dev/null "https://$DEVICE_IPV4:$MGMT_PORT/v1/status"; then
    fail "$1: the mgmt port served TLS"
  else
    pass "$1: no TLS on the mgmt port"
  fi
  if "$LAB" exec ping -c 1 -W 2 "$DEVICE_IPV4" >/dev/null; then
    pass "$1: the device still answers ping (the filter runs without TLS)"
  else
    fail "$1: the device does not answer ping"
  fi
}

# Boot 2's device: the same image, another record (tools/pki provision, signed by the lab's CA).
readonly OTHER_ID="second-$WANT_BOARD"
readonly OTHER_MAC="02:00:5e:00:53:07" # its own; the lab's DHCP reserves .2 for it too
declare -a IDENTITY_FOR=("" "" "$WORK/second.bin")

declare -a RANDOMS=() POINTS=() SYNS=()
for boot in 1 2; do
  export PORTCULLIS_LAB_PCAP="$WORK/boot$boot.pcap"
  if ((boot == 2)); then
    "$ROOT/tools/pki" provision "$PKI_DIR" --device-id "$OTHER_ID" --mac "$OTHER_MAC" \
      "${IDENTITY_FOR[2]}" >/dev/null 2>"$WORK/provision.err" ||
      fail "tools/pki provision $OTHER_ID: $(tail -n 1 "$WORK/provision.err")"
    export PORTCULLIS_LAB_IDENTITY="${IDENTITY_FOR[2]}"
  fi
  lab_up "boot $boot of $WANT_BOARD (device answers ping)"
  unset PORTCULLIS_LAB_IDENTITY
  if ((boot == 1)); then
    cp "$("$LAB" dir)/image/identity.bin" "$WORK/build-identity.bin" # what this boot took
    BUILD_ID="$(openssl x509 -in "$PKI_DIR/device.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=.*CN=\([^,]*\).*$/\1/')"
    # The image is the same for every device: no key of any device is in it.
    openssl pkey -in "$PKI_DIR/device.key" -outform DER -out "$WORK/key.der" 2>/dev/null
    image="$(find "$("$LAB" dir)/image" -maxdepth 1 -type f -name 'portcullis-*' | head -n 1)"
    if [[ -s "$WORK/key.der" && -f "$image" ]] && "$PY" -c '
import sys
key = open(sys.argv[1], "rb").read()
image = open(sys.argv[2], "rb").read()
at = key.find(bytes.fromhex("0201010420"))  # ECPrivateKey: version 1, the 32-byte scalar
scalar = key[at + 5:at + 37] if at >= 0 else key
sys.exit(key in image or scalar in image)' "$WORK/key.der" "$image"; then
      pass "the image ($(basename "$image")) holds no device key; the device's identity is its record"
    else
      fail "the image ${image:-?} holds the build's device key (or the key or image is missing)"
    fi
  fi

  if ((QEMU)); then
    cp "$("$LAB" dir)/seed-record.bin" "$WORK/boot$boot.rec" # what tools/lab gave this boot
  fi
  if [[ "$WANT_BOARD" == lm3s6965evb && $boot == 1 ]]; then
    # The ADC driver ran on the emulated part and its bytes went into the seeding.
    if grep -Eq "^portcullis: entropy noise [1-9][0-9]* B" "$CONSOLE_LOG"; then
      pass "the ADC noise source fed the seeding: $(grep -m1 'entropy noise' "$CONSOLE_LOG")"
    else
      fail "no 'entropy noise N B' line: the ADC noise source gave nothing"
    fi
  fi
  for poll in 1 2; do
    if handshake "$WORK/boot$boot-$poll"; then
      read -r r p <"$WORK/boot$boot-$poll.keys"
      RANDOMS+=("$r")
      POINTS+=("$p")
      pass "boot $boot, handshake $poll: ServerHello random ${r:0:16}..., ECDHE key ${p:0:18}..."
    else
      fail "boot $boot, handshake $poll: no TLS handshake with the device"
      tail -n 5 "$WORK/boot$boot-$poll.txt" | sed 's/^/    /'
    fi
  done
  want_id="$BUILD_ID"
  ((boot == 2)) && want_id="$OTHER_ID"
  seen="$(device_and_cn "$WORK/boot$boot-1.txt")"
  if [[ "$seen" == "$want_id $want_id" ]]; then
    pass "boot $boot is device $want_id: its status says so and its certificate's CN too"
  else
    fail "boot $boot should be device $want_id (status id, certificate CN): got $seen"
  fi
  if ((boot == 2)); then
    # Its own MAC from the record: the lab's DHCP server leased the address to that MAC.
    if grep -Eq "DHCPACK\([^)]*\) $DEVICE_IPV4 $OTHER_MAC" "$DHCP_LOG"; then
      pass "boot 2 took its record's MAC: dnsmasq acknowledged $DEVICE_IPV4 to $OTHER_MAC"
    else
      fail "boot 2 did not use its record's MAC $OTHER_MAC: $(grep -m1 DHCPACK "$DHCP_LOG" || echo 'no DHCPACK')"
    fi
  fi
  syn="$(first_syn "$boot")"
  if [[ -n "$syn" ]]; then
    SYNS+=("$syn")
    pass "boot $boot: the device's first SYN: source port and ISN $syn"
  else
    fail "boot $boot: no SYN from the device in its capture from power-on"
  fi
  "$LAB" stop >/dev/null
done
unset PORTCULLIS_LAB_PCAP

distinct() { # VALUES...: all different
  [[ $# -ge 1 && "$(printf '%s\n' "$@" | sort -u | wc -l)" -eq $# ]]
}
if ((${#RANDOMS[@]} == 4)) && distinct "${RANDOMS[@]}"; then
  pass "the 4 ServerHello randoms of two boots are all different"
else
  fail "ServerHello randoms repeat across boots or are missing: ${RANDOMS[*]}"
fi
if ((${#POINTS[@]} == 4)) && distinct "${POINTS[@]}"; then
  pass "the 4 ECDHE public keys of two boots are all different"
else
  fail "ECDHE public keys repeat across boots or are missing"
fi
if ((${#SYNS[@]} == 2)) && [[ "${SYNS[0]% *}" != "${SYNS[1]% *}" &&
  "${SYNS[0]#* }" != "${SYNS[1]#* }" ]]; then
  pass "the first SYN of each boot has its own source port and ISN (${SYNS[0]} / ${SYNS[1]})"
else
  fail "the first SYNs of two boots share their source port or ISN: ${SYNS[*]}"
fi
if ((QEMU)); then
  # The control: boot 1's record once more (as a QEMU warm reset or a device whose write-back
  # failed would) gives boot 1's first port again.
  PORTCULLIS_LAB_PCAP="$WORK/boot3.pcap" PORTCULLIS_LAB_SEED_RECORD="$WORK/boot1.rec" \
    lab_up "boot 3 on boot 1's seed record again (device answers ping)"
  syn="$(first_syn 3)"
  if [[ "$WANT_BOARD" == lm3s6965evb ]]; then
    # The ADC noise goes into the seeding too: a replayed record is not a replayed stream.
    # (QEMU's conversion values are one fixed sequence; which of them the driver reads
    # depends on the host's timing, so the bytes differ from boot to boot, as a rule: two
    # boots read the same ones in one of five runs here, and repeat the stream. A stream
    # the noise did not enter repeats boot 1's port at every replay, so up to three replays
    # tell the two apart.)
    replay=3
    while :; do
      if [[ -n "$syn" && ${#SYNS[@]} -ge 1 && "${syn% *}" != "${SYNS[0]% *}" ]]; then
        pass "boot 1's record again gives another first port (${syn% *}, boot 1 ${SYNS[0]% *}): the ADC noise separates them"
        break
      fi
      if ((replay >= 5)); then
        fail "boot 1's record again gave first SYN '$syn', boot 1 had '${SYNS[0]:-}', $((replay - 2)) times: the ADC noise did not count"
        break
      fi
      echo "INFO: boot $replay on boot 1's record gave first SYN '$syn' like boot 1: it read the same ADC values; once more"
      "$LAB" stop >/dev/null
      replay=$((replay + 1))
      PORTCULLIS_LAB_PCAP="$WORK/boot$replay.pcap" PORTCULLIS_LAB_SEED_RECORD="$WORK/boot1.rec" \
        lab_up "boot $replay on boot 1's seed record again (device answers ping)"
      syn="$(first_syn "$replay")"
    done
  elif [[ -n "$syn" && ${#SYNS[@]} -ge 1 && "${syn% *}" == "${SYNS[0]% *}" ]]; then
    pass "boot 1's record again gives boot 1's first port (${syn% *}): the record decides"
  else
    fail "boot 1's record again gave first SYN '$syn', boot 1 had '${SYNS[0]:-}'"
  fi
  "$LAB" stop >/dev/null

  # A device nobody provisioned: no seed, no TLS; the filter still runs.
  head -c 64 /dev/zero >"$WORK/absent.rec"
  PORTCULLIS_LAB_SEED_RECORD="$WORK/absent.rec" lab_up "boot on an absent seed record (ping answers)"
  if grep -q "entropy seed record absent" "$CONSOLE_LOG" && grep -q "TLS init" "$CONSOLE_LOG"; then
    pass "the console says the seed record is absent and TLS was refused"
  else
    fail "no console line about the absent seed record"
    tail -n 10 "$CONSOLE_LOG" | sed 's/^/    /'
  fi
  no_tls_still_filters "absent seed record"
fi
if [[ "$WANT_BOARD" == lm3s6965evb ]]; then
  "$LAB" stop >/dev/null
  "$ROOT/tools/pki" seed log "$WORK/seed.log" 2>/dev/null
  PORTCULLIS_LAB_SEED_LOG="$WORK/seed.log" PORTCULLIS_LAB_SEED_RECORD="$WORK/absent.rec" \
    lab_up "boot on a flash seed log, no RAM record (ping answers)"
  if grep -q "entropy seed log generation 0" "$CONSOLE_LOG" &&
    grep -q "entropy seed log was not rewritten: TLS refused" "$CONSOLE_LOG"; then
    pass "the flash seed log was read, its write-back did not stick, TLS was refused"
  else
    fail "no console lines about the flash seed log"
    tail -n 10 "$CONSOLE_LOG" | sed 's/^/    /'
  fi
  no_tls_still_filters "seed log not rewritten"
fi

# A device nobody provisioned with an identity (a blank region, as erased flash or zeros), and
# one whose record is damaged: each says so, serves no TLS, and still filters with lwIP keyed
# from its seed.
head -c 4096 /dev/zero >"$WORK/blank-identity.bin"
"$PY" -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[100] ^= 0x01  # inside the payload (the certificate): the CRC no longer holds
open(sys.argv[2], "wb").write(b)' "$WORK/build-identity.bin" "$WORK/corrupt-identity.bin"
for kind in blank corrupt; do
  "$LAB" stop >/dev/null
  PORTCULLIS_LAB_IDENTITY="$WORK/$kind-identity.bin" lab_up "boot on a $kind identity region (ping answers)"
  said="none (blank)"
  [[ $kind == corrupt ]] && said="corrupt (checksum)"
  if grep -qF "identity record $said: no TLS, no status endpoint, no push" "$CONSOLE_LOG" &&
    grep -q "no device credentials: no status endpoint" "$CONSOLE_LOG" &&
    ! grep -q "PREDICTABLE" "$CONSOLE_LOG"; then
    pass "$kind record: the console says 'identity record $said', no endpoint, no push; lwIP is keyed"
  else
    fail "$kind record: no console lines about the identity record (or lwIP unkeyed)"
    tail -n 12 "$CONSOLE_LOG" | sed 's/^/    /'
  fi
  no_tls_still_filters "$kind identity record"
done
((FAILED == 0))
