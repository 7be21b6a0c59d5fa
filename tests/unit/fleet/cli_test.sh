#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/unit/fleet/cli_test.sh FLEET PKI_DIR: portcullis-fleet given a directory where it wants a
# file (--expect-policy, --file, --ca, and watch's --ca) says so in one line and exits 2 (usage),
# as tools/README.md documents; it aborted with an uncaught ios_failure (exit 134) before. Every
# case fails before the tool would connect anywhere (the targets are 127.0.0.1:1 regardless).
set -uo pipefail
fleet="${1:?usage: cli_test.sh FLEET PKI_DIR}"
pki="${2:?}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
failed=0
# expect_line DESCRIPTION LINE ARGS...: the tool given ARGS says LINE alone and exits 2.
expect_line() {
  local desc="$1" want="$2" out rc
  shift 2
  out="$("$fleet" "$@" 2>&1)"
  rc=$?
  if [[ $rc -eq 2 && "$out" == "$want" ]]; then
    echo "PASS: $desc"
  else
    echo "FAIL: $desc: exit $rc, '$out'"
    failed=1
  fi
}
expect_dir_refused() { # DESCRIPTION ARGS...
  local desc="$1"
  shift
  expect_line "$desc" "portcullis-fleet: $dir: cannot read: not a regular file" "$@"
}
expect_dir_refused "--expect-policy DIR" --pki "$pki" --expect-policy "$dir" 127.0.0.1:1
expect_dir_refused "--file DIR" --pki "$pki" --file "$dir"
expect_dir_refused "--ca DIR" --ca "$dir" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" 127.0.0.1:1
expect_dir_refused "watch --ca DIR" watch --ca "$dir" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" \
  127.0.0.1:1
# Not a certificate or key at all: one line naming the file, exit 2, before any connection.
printf 'not a certificate\n' > "$dir/garbage.pem"
expect_line "--ca with no certificate in it" \
  "portcullis-fleet: $dir/garbage.pem: no certificate in it (PEM or DER)" \
  --ca "$dir/garbage.pem" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" 127.0.0.1:1
expect_line "--key with no key in it" \
  "portcullis-fleet: $dir/garbage.pem: no private key in it (PEM or DER; encrypted keys are not supported)" \
  --ca "$pki/ca.crt" --cert "$pki/mgmt.crt" --key "$dir/garbage.pem" 127.0.0.1:1
expect_line "--key not the certificate's" \
  "portcullis-fleet: $pki/device.key is not the private key of $pki/mgmt.crt" \
  --ca "$pki/ca.crt" --cert "$pki/mgmt.crt" --key "$pki/device.key" 127.0.0.1:1
exit "$failed"
