#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/device_image_test.sh BOARD IMAGE LAB_IMAGE PKI_DIR: the board's device image (its
# *-device preset, what tools/flash programs), IMAGE, booted in the lab with tools/lab --image on
# an identity record `tools/pki provision` made from PKI_DIR's fleet CA without a MAC and with
# a broker, checked from the host side:
#   - it is no lab image: its banner and its status name the firmware without the build tag
#     lab, and IMAGE holds neither the lab image's banner nor the test hook's command nor the
#     lab's broker name, which LAB_IMAGE (an image with the lab services: the positive control)
#     holds; it pushes to the broker its record names;
#   - it took its MAC from the board (QEMU gives the NIC's to the LM3S6965's user registers and
#     to the LAN9118's EEPROM, as the factory does on real boards): neither the image nor the
#     record names one, and the lab's DHCP server leased that MAC its address;
#   - tools/flash takes it and refuses LAB_IMAGE (dry runs), on a board tools/flash programs;
#   - the poll answers over mutual TLS (IPv4 and its SLAAC IPv6 address), its record's id;
#     portcullis-fleet, without --allow-lab-image, finds it healthy (no lab image);
#   - none of the lab's addresses: 2001:db8::2 does not answer while its SLAAC address does.
# Prints PASS/FAIL per check; exits non-zero on any failure, 77 (CTest: skipped) unless root.
# Every packet goes to the device inside the lab's namespace; every probe is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/device_image_test.sh BOARD IMAGE LAB_IMAGE PKI_DIR}"
readonly IMAGE="${2:?}"
readonly LAB_IMAGE="${3:?}"
readonly PKI="${4:?}"
readonly DEVICE_ID="device-image-1"
readonly HOOK="portcullis-lab: open rogue tcp listener "
readonly LAB_BROKER="broker.portcullis.test" # the lab image's built-in broker
readonly RECORD_BROKER="mqtt.fleet.test"      # the record's: the only one a device image has
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3

# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_device_image_$WANT_BOARD"
claim_lab_instance
trap lab_finish EXIT
for f in "$IMAGE" "$LAB_IMAGE"; do
  [[ -f "$f" ]] || {
    fail "no image $f (the build_device_image test and the host build make them)"
    exit 1
  }
done
WORK="$(mktemp -d)"

# ---- the image itself -------------------------------------------------------------------
if grep -aqF -- "$HOOK" "$LAB_IMAGE" && ! grep -aqF -- "$HOOK" "$IMAGE"; then
  pass "the device image holds no test hook (its command is in the lab's image, not in this one)"
else
  fail "the test hook's command: in $LAB_IMAGE: $(grep -acF -- "$HOOK" "$LAB_IMAGE"), in $IMAGE: $(grep -acF -- "$HOOK" "$IMAGE")"
fi
if grep -aqF -- "$LAB_BROKER" "$LAB_IMAGE" && ! grep -aqF -- "$LAB_BROKER" "$IMAGE"; then
  pass "the device image names no broker of the lab's ($LAB_BROKER is in the lab's image, not in this one)"
else
  fail "$LAB_BROKER: in $LAB_IMAGE: $(grep -acF -- "$LAB_BROKER" "$LAB_IMAGE"), in $IMAGE: $(grep -acF -- "$LAB_BROKER" "$IMAGE")"
fi
banner="$(grep -aoE 'portcullis [0-9]+\.[0-9]+\.[0-9]+[^ ]* on ' "$IMAGE" | head -n 1 || true)"
if [[ "$banner" =~ ^portcullis\ [0-9]+\.[0-9]+\.[0-9]+\ on\ $ ]]; then
  pass "its banner names no build tag: '$banner'"
else
  fail "its banner: '$banner'"
fi
flash_rc=0
"$ROOT/tools/flash" "$WANT_BOARD" --build-dir "$(dirname "$(dirname "$(dirname "$IMAGE")")")" \
  --dry-run >/dev/null 2>"$WORK/flash.err" || flash_rc=$?
if ((flash_rc == 0)); then
  pass "tools/flash takes it (dry run)"
  # And refuses a real lab image (its banner as the build writes it), put where it looks.
  mkdir -p "$WORK/lab-build/boards/$WANT_BOARD"
  cp "$LAB_IMAGE" "$WORK/lab-build/boards/$WANT_BOARD/portcullis-$WANT_BOARD.elf"
  flash_rc=0
  "$ROOT/tools/flash" "$WANT_BOARD" --build-dir "$WORK/lab-build" --dry-run >/dev/null \
    2>"$WORK/flash.err" || flash_rc=$?
  if ((flash_rc == 1)) && grep -q "refused: .* is a lab image (firmware [0-9.]*+lab)" "$WORK/flash.err"; then
    pass "tools/flash refuses the lab's image (dry run): $(grep -o 'firmware [^)]*' "$WORK/flash.err")"
  else
    fail "tools/flash on the lab's image: exit $flash_rc, $(cat "$WORK/flash.err")"
  fi
elif ((flash_rc == 2)) && grep -q "runs in QEMU" "$WORK/flash.err"; then
  echo "INFO: $WANT_BOARD is not flashed (tools/flash: $(cat "$WORK/flash.err"))"
else
  fail "tools/flash --dry-run refused it: $(cat "$WORK/flash.err")"
fi

# ---- booted: its MAC from the board, its addresses from the network ----------------------
provision_record "$PKI" "$DEVICE_ID" "$WORK/identity.bin" --broker "$RECORD_BROKER"
PORTCULLIS_LAB_IDENTITY="$WORK/identity.bin" \
  lab_up "the device image boots in the lab (tools/lab --image, a record without a MAC)" \
  --image "$IMAGE" --policy "$ROOT/boards/$WANT_BOARD/policy.allow"
if console_within "^portcullis [0-9]+\.[0-9]+\.[0-9]+ on $WANT_BOARD" 1; then
  pass "its console's banner names no build tag"
else
  fail "no 'portcullis <version> on $WANT_BOARD' banner on its console: $(head -n 3 "$CONSOLE_LOG")"
fi
if grep -q "DHCPACK.*$DEVICE_IPV4 $DEVICE_MAC" "$DHCP_LOG" && console_within "ipv4 $DEVICE_IPV4 mask [0-9.]+ by dhcp" 1; then
  pass "the board's own MAC $DEVICE_MAC took $DEVICE_IPV4 from the lab's DHCP server"
else
  fail "no DHCP lease for $DEVICE_MAC in $DHCP_LOG, or no 'ipv4 $DEVICE_IPV4 mask ... by dhcp' on its console"
fi

# The poll with the management side of the fleet CA the record came from (tools/lab named the
# board build's), to ADDRESS by the device's name (its certificate's DNS name is its id).
PKI_DIR="$PKI"
poll() { # ADDRESS (an IPv6 one in brackets)
  mgmt_curl --connect-to "$DEVICE_ID:$MGMT_PORT:$1:$MGMT_PORT" "https://$DEVICE_ID:$MGMT_PORT/v1/status"
}
if poll "$DEVICE_IPV4" >"$WORK/status.json" &&
  "$PY" - "$WORK/status.json" "$DEVICE_ID" "$WANT_BOARD" "$RECORD_BROKER" <<'PYEOF'; then
import json, sys
s = json.load(open(sys.argv[1]))
d = s["device"]
assert d["id"] == sys.argv[2] and d["board"] == sys.argv[3], d
assert "+" not in d["firmware"], d["firmware"]
# The record's broker (nothing listens there in this lab: it only has to be the one tried).
assert s["push"]["enabled"] and s["push"]["broker"] == sys.argv[4] + ":8883", s["push"]
PYEOF
  pass "the poll answers over mutual TLS: its record's id, firmware $("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["device"]["firmware"])' "$WORK/status.json"), the push to its record's broker $RECORD_BROKER"
else
  fail "/v1/status over IPv4: '$(head -c 300 "$WORK/status.json" 2>/dev/null)'"
fi
# What a fleet's poll says of it: no lab image, so no finding (the lab's own images are one
# without --allow-lab-image: lab_fleet_*).
rc=0
"$LAB" exec "$FLEET" --pki "$PKI" --timeout 20 "$DEVICE_ID@$DEVICE_IPV4:$MGMT_PORT" >"$WORK/fleet.out" 2>&1 || rc=$?
sed 's/^/    | /' "$WORK/fleet.out"
check "portcullis-fleet (no --allow-lab-image) finds it healthy: exit 0, no lab image" \
  bash -c "test $rc -eq 0 && grep -q '^1 of 1 device(s) OK' '$WORK/fleet.out' && ! grep -qi 'lab image' '$WORK/fleet.out'"
if poll "[$DEVICE_IPV6]" >/dev/null; then
  pass "the poll answers at its SLAAC address $DEVICE_IPV6"
else
  fail "no /v1/status at [$DEVICE_IPV6]:$MGMT_PORT"
fi
# The lab image's static 2001:db8::2 is not there: neighbour discovery finds no one (the
# policy answers ping, and the SLAAC address does).
if "$LAB" exec ping -6 -c 1 -W 2 "$DEVICE_IPV6" >/dev/null 2>&1 &&
  ! "$LAB" exec ping -6 -c 2 -W 2 2001:db8::2 >/dev/null 2>&1; then
  pass "2001:db8::2 (the lab image's static address) does not answer; $DEVICE_IPV6 does"
else
  fail "ping: $DEVICE_IPV6 silent, or 2001:db8::2 answered"
fi
((FAILED == 0))
