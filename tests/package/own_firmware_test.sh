#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/package/own_firmware_test.sh BUILD_DIR SCRATCH LWIP_DIR MBEDTLS_DIR: Portcullis adopted by a
# customer's own lwIP firmware (examples/own-firmware, docs/integration.md), both ways in:
#   1. `cmake --install BUILD_DIR --prefix SCRATCH/stage`, and the install tree holds the
#      library only: nothing of the lab (lab services, lab addresses), the boards, the tests,
#      the host tools or anyone's credentials;
#   2. the example configured with find_package(Portcullis) against that prefix and built for
#      qemu-mps2-an385 with its own toolchain file, lwIP target and lwipopts.h:
#      SCRATCH/package/own-firmware.elf (what lab_own_firmware boots);
#   3. the same example with add_subdirectory(<this tree>) instead (SCRATCH/subdirectory);
#   4. in both images, lwIP's hooks are Portcullis's and the firmware's own hook is chained;
#   5. the example's own code is C (Portcullis's C interface), and the C headers are plain C99.
# Prints PASS/FAIL per check and each image's size; exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:?usage: own_firmware_test.sh BUILD_DIR SCRATCH LWIP_DIR MBEDTLS_DIR}"
scratch="${2:?}"
lwip="${3:?}"
mbedtls="${4:?}"
readonly EXAMPLE="$ROOT/examples/own-firmware"
failed=0
pass() { echo "PASS: $*"; }
fail() {
  echo "FAIL: $*"
  failed=1
}
rm -rf -- "$scratch"
mkdir -p -- "$scratch"

# 1. The install tree.
if cmake --install "$build" --prefix "$scratch/stage" >"$scratch/install.log" 2>&1; then
  pass "cmake --install into a staging prefix"
else
  tail -n 20 "$scratch/install.log"
  fail "cmake --install $build failed"
  exit 1
fi
share="$scratch/stage/share/portcullis"
[[ -f "$share/cmake/PortcullisConfig.cmake" && -f "$share/cmake/PortcullisConfigVersion.cmake" ]] &&
  pass "PortcullisConfig.cmake and its version file are installed" ||
  fail "no PortcullisConfig.cmake / PortcullisConfigVersion.cmake under $share/cmake"
# Lab-only things by name and by content: the lab services, the boards and their lab network,
# the tests and their hooks, the lab and host tools, keys and certificates, the lab addresses.
bad_names="$(cd "$scratch/stage" && find . \( -path '*/boards*' -o -path '*/tests*' -o -name '*lab*' \
  -o -path '*/tools/lab*' -o -path '*/tools/fleet*' -o -path '*/tools/pki*' -o -name '*test*' \
  -o -name '*.key' -o -name '*.crt' -o -name '*.der' -o -name '*.pem' -o -name '*credentials*' \
  -o -path '*/platform/cortex-m*' -o -path '*/platform/posix*' -o -name 'provisioned_seed*' \
  -o -path '*/platform/mbedtls/probe*' \) -print)"
[[ -z "$bad_names" ]] && pass "the install tree has no lab, board, test, tool or credential files" ||
  fail "lab-only files in the install tree: $bad_names"
bad_text="$(grep -rlE --exclude='*.md' 'class LabServices|LabServices::|192\.0\.2\.|2001:db8:|BEGIN (EC |RSA )?PRIVATE KEY' \
  "$scratch/stage" || true)"
[[ -z "$bad_text" ]] && pass "no lab services, lab addresses or private keys in the installed text" ||
  fail "lab-only text in: $bad_text"
# (Documentation may use the documentation ranges in its examples; code and build files may not.)

# 2, 3. The example, each way in.
build_example() { # NAME cmake-args...
  local name="$1"
  shift
  if cmake -S "$EXAMPLE" -B "$scratch/$name" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$EXAMPLE/toolchain-arm-none-eabi.cmake" -DLWIP_DIR="$lwip" -DMBEDTLS_DIR="$mbedtls" "$@" \
    >"$scratch/$name.log" 2>&1 && cmake --build "$scratch/$name" >>"$scratch/$name.log" 2>&1; then
    pass "examples/own-firmware builds with $name ($(arm-none-eabi-size -B "$scratch/$name/own-firmware.elf" | awk 'NR == 2 { print "text " $1 ", data " $2 ", bss " $3 }'))"
  else
    tail -n 25 "$scratch/$name.log"
    fail "examples/own-firmware does not build with $name"
    return 1
  fi
}
build_example package -DOWN_PORTCULLIS=package -DCMAKE_PREFIX_PATH="$scratch/stage" || true
build_example subdirectory -DOWN_PORTCULLIS=subdirectory -DPORTCULLIS_SOURCE="$ROOT" || true
if grep -q "Portcullis_DIR:PATH=$scratch/stage/share/portcullis/cmake" "$scratch/package/CMakeCache.txt" 2>/dev/null; then
  pass "find_package(Portcullis) found the staged package"
else
  fail "find_package(Portcullis) did not take $scratch/stage"
fi

# 4. lwIP calls Portcullis's hooks, which call the firmware's own.
for name in package subdirectory; do
  elf="$scratch/$name/own-firmware.elf"
  [[ -f "$elf" ]] || continue
  syms="$(arm-none-eabi-nm "$elf")"
  if grep -q " T portcullis_ip4_input_hook$" <<<"$syms" && grep -q " T own_ip4_input_hook$" <<<"$syms" &&
    grep -q " T portcullis_tcp_isn$" <<<"$syms" && grep -q " T portcullis_agent_attach$" <<<"$syms"; then
    pass "$name: Portcullis's input and ISN hooks, its C interface and the firmware's own hook are linked"
  else
    fail "$name: missing portcullis_ip4_input_hook, portcullis_tcp_isn, portcullis_agent_attach or own_ip4_input_hook"
  fi
done
# 5. A C code base: the example's own sources are C, and the C header is plain C99.
own_cxx="$(find "$EXAMPLE" -name '*.cpp' -o -name '*.cc' -o -name '*.hpp')"
[[ -z "$own_cxx" ]] && pass "the example's own code is C only (it calls Portcullis through portcullis/portcullis.h)" ||
  fail "C++ sources in the example: $own_cxx"
printf '#include "portcullis/agent.h"\n#include "portcullis/portcullis.h"\nint main(void) { struct portcullis_status s; portcullis_read_status(&s); portcullis_agent_poll(); return (int)s.listeners; }\n' \
  >"$scratch/c99.c"
if out="$(cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I "$share/firmware/c/include" \
  -I "$share/firmware/app/include" "$scratch/c99.c" 2>&1)"; then
  pass "portcullis/agent.h, portcullis/portcullis.h and portcullis/port.h compile as C99 with -pedantic -Werror"
else
  fail "the C headers are not plain C99: $out"
fi
# Without an lwIP target named, the package refuses with the way to name it.
mkdir -p "$scratch/unnamed"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(unnamed C CXX)\nfind_package(Portcullis REQUIRED)\n' \
  >"$scratch/unnamed/CMakeLists.txt"
if out="$(cmake -S "$scratch/unnamed" -B "$scratch/unnamed/build" -DCMAKE_PREFIX_PATH="$scratch/stage" 2>&1)"; then
  fail "find_package(Portcullis) without PORTCULLIS_LWIP_TARGET configured"
elif grep -q "set PORTCULLIS_LWIP_TARGET to your lwIP library target" <<<"$out"; then
  pass "find_package(Portcullis) without an lwIP target says to name it"
else
  fail "find_package(Portcullis) without an lwIP target failed otherwise: $(tail -n 5 <<<"$out")"
fi
exit "$failed"
