#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/fleet_test.sh BOARD: portcullis-fleet against a lab device, from the lab
# namespace: a healthy device with its own policy exits 0 and shows the digest (MATCH); the
# digest of another policy file exits 1 (a finding) with MISMATCH; --json parses; an address
# with nothing behind it exits 3 (unreachable) with a clear message; a client certificate
# from another CA exits 3 with a certificate message. The lab's device runs a lab image (its
# firmware version says +lab): a finding (exit 1) unless --allow-lab-image, which every other
# poll here gives. Packets stay in the lab namespace.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/fleet_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_fleet_$WANT_BOARD"
claim_lab_instance

if [[ ! -x $FLEET ]]; then
  fail "$FLEET not built (cmake --build --preset host --target portcullis-fleet)"
  exit 1
fi

WORK="$(mktemp -d)"
trap lab_finish EXIT

lab_up "lab up (device answers ping)"
readonly POLICY="$ROOT/boards/$WANT_BOARD/policy.allow"
readonly OTHER_POLICY="$ROOT/tests/lab/policies/reject.allow"
readonly TARGET="$DEVICE_IPV4:$MGMT_PORT"

# run NAME ARGS...: the poller in the namespace; stdout+stderr to $WORK/NAME.out, exit status
# to $WORK/NAME.rc (never aborts the script).
run() {
  local name="$1" rc=0
  shift
  "$LAB" exec "$FLEET" "$@" >"$WORK/$name.out" 2>&1 || rc=$?
  echo "$rc" >"$WORK/$name.rc"
  sed 's/^/    | /' "$WORK/$name.out"
}
rc_of() { cat "$WORK/$1.rc"; }

# ---- a lab image, as a fleet's poll sees it -------------------------------------------------
run labimage --pki "$PKI_DIR" --expect-policy "$POLICY" "$TARGET"
check "lab image without --allow-lab-image: exit 1 (a finding)" test "$(rc_of labimage)" -eq 1
check "lab image: the problem names it and its firmware version" \
  grep -Eq '^   problem: +lab image \(firmware [0-9.]+\+([a-z]+\.)*lab\): ' "$WORK/labimage.out"
check "lab image: the rest is healthy (digest MATCH, no violation)" \
  bash -c "grep -q '  MATCH\$' '$WORK/labimage.out' && ! grep -q 'violation reported' '$WORK/labimage.out'"

# ---- healthy device, its own policy (the lab polling its own lab image) --------------------
run good --pki "$PKI_DIR" --allow-lab-image --expect-policy "$POLICY" "$TARGET"
check "healthy device, own policy: exit 0" test "$(rc_of good)" -eq 0
check "table shows MATCH" grep -Eq 'digest: +[0-9a-f]{64}  MATCH$' "$WORK/good.out"
check "table does not say MISMATCH" bash -c "! grep -q MISMATCH '$WORK/good.out'"
check "table shows a 64-hex digest" grep -Eq 'digest: +[0-9a-f]{64}' "$WORK/good.out"
check "table lists the mgmt port as listening and allowed" grep -Eq "tcp/$MGMT_PORT allowed=yes" "$WORK/good.out"
check "table still names the lab image" grep -q 'LAB IMAGE' "$WORK/good.out"

# ---- a different policy file ---------------------------------------------------------------
run other --pki "$PKI_DIR" --allow-lab-image --expect-policy "$OTHER_POLICY" "$TARGET"
check "other policy: exit 1 (a finding)" test "$(rc_of other)" -eq 1
check "other policy: says MISMATCH" grep -q 'MISMATCH' "$WORK/other.out"

# ---- --json --------------------------------------------------------------------------------
rc=0
"$LAB" exec "$FLEET" --pki "$PKI_DIR" --allow-lab-image --json --expect-policy "$POLICY" "$TARGET" >"$WORK/fleet.json" 2>"$WORK/json.err" || rc=$?
check "--json: exit 0" test "$rc" -eq 0
check "--json output parses (python3 -m json.tool)" "$PY" -m json.tool "$WORK/fleet.json"
check "--json carries the device's status document and a digest match" "$PY" - "$WORK/fleet.json" "$MGMT_PORT" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True, d
dev = d["devices"][0]
assert dev["answered"] and dev["digest_match"] is True and dev["lab_image"] is True, dev
assert len(dev["status"]["policy"]["digest"]) == 64, dev
assert {"proto": "tcp", "port": int(sys.argv[2]), "allowed": True} in dev["status"]["listening"]
PYEOF

# ---- nothing at the address ----------------------------------------------------------------
start=$SECONDS
run unreachable --pki "$PKI_DIR" --timeout 3 "192.0.2.99:$MGMT_PORT"
check "unreachable host: exit 3 (unreachable)" test "$(rc_of unreachable)" -eq 3
check "unreachable host: clear message" grep -Eq '192\.0\.2\.99.*(no answer|cannot connect)' "$WORK/unreachable.out"
check "unreachable host: bounded by --timeout" test $((SECONDS - start)) -le 20

# ---- a client certificate from another CA --------------------------------------------------
run otherca --ca "$PKI_DIR/ca.crt" --cert "$PKI_DIR/other-client.crt" --key "$PKI_DIR/other-client.key" "$TARGET"
check "client certificate from another CA: exit 3 (unreachable)" test "$(rc_of otherca)" -eq 3
check "client certificate from another CA: certificate message" grep -q 'certificate problem' "$WORK/otherca.out"

# ---- one healthy and one unreachable in one run --------------------------------------------
run mixed --pki "$PKI_DIR" --allow-lab-image --timeout 3 "$TARGET" "192.0.2.99:$MGMT_PORT"
check "mixed fleet: exit 3 (one unreachable, no finding)" test "$(rc_of mixed)" -eq 3
check "mixed fleet: 1 of 2 OK" grep -q '^1 of 2 device(s) OK' "$WORK/mixed.out"

((FAILED == 0))
