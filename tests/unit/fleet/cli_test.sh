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
expect_dir_refused() { # DESCRIPTION ARGS...
  local desc="$1" out rc
  shift
  out="$("$fleet" "$@" 2>&1)"
  rc=$?
  if [[ $rc -eq 2 && "$out" == "portcullis-fleet: $dir: cannot read: not a regular file" ]]; then
    echo "PASS: $desc"
  else
    echo "FAIL: $desc: exit $rc, '$out'"
    failed=1
  fi
}
expect_dir_refused "--expect-policy DIR" --pki "$pki" --expect-policy "$dir" 127.0.0.1:1
expect_dir_refused "--file DIR" --pki "$pki" --file "$dir"
expect_dir_refused "--ca DIR" --ca "$dir" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" 127.0.0.1:1
expect_dir_refused "watch --ca DIR" watch --ca "$dir" --cert "$pki/mgmt.crt" --key "$pki/mgmt.key" \
  127.0.0.1:1
exit "$failed"
