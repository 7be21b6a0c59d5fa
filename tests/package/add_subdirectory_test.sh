#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/package/add_subdirectory_test.sh SCRATCH LWIP_DIR MBEDTLS_DIR: configures and builds
# tests/package/add_subdirectory, a customer project that takes this tree in with
# add_subdirectory(), for the host board. Passes when it configures, its program builds against
# Portcullis's policy and classifier targets and prints the board's mgmt port, and Portcullis's
# generated files (policy header, the build's identity record) are in Portcullis's own binary
# folder (SCRATCH/portcullis), none in the customer's top one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="${1:?usage: add_subdirectory_test.sh SCRATCH LWIP_DIR MBEDTLS_DIR}"
lwip="${2:?}"
mbedtls="${3:?}"
rm -rf -- "$scratch"
fail() {
  echo "FAIL: $*"
  exit 1
}
cmake -S "$ROOT/tests/package/add_subdirectory" -B "$scratch" -G Ninja \
  -DPORTCULLIS_SOURCE="$ROOT" -DLWIP_DIR="$lwip" -DMBEDTLS_DIR="$mbedtls" >"$scratch.log" 2>&1 ||
  { tail -n 20 "$scratch.log"; fail "the customer project does not configure"; }
echo "PASS: a customer project configures with add_subdirectory(portcullis)"
cmake --build "$scratch" --target customer_firmware >>"$scratch.log" 2>&1 ||
  { tail -n 20 "$scratch.log"; fail "the customer's program does not build"; }
want="$(sed -n 's/^mgmt \([0-9]*\).*/\1/p' "$ROOT/boards/host-linux/policy.allow" | head -n 1)"
got="$("$scratch/customer_firmware")"
[[ "$got" == "mgmt ${want:-0}" ]] || fail "the program printed '$got', the board's policy says mgmt ${want:-0}"
echo "PASS: the customer's program uses the compiled policy ($got)"
[[ -f "$scratch/portcullis/identity.bin" && -d "$scratch/portcullis/generated" ]] ||
  fail "Portcullis's generated files are not in its own binary folder ($scratch/portcullis)"
[[ ! -e "$scratch/identity.bin" && ! -e "$scratch/generated" && ! -e "$scratch/pki" ]] ||
  fail "Portcullis wrote into the customer's top binary folder"
echo "PASS: Portcullis's generated files stay in its own binary folder"
rm -rf -- "$scratch" "$scratch.log"
