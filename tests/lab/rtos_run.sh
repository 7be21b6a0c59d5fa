#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one lab script against BOARD (the rtos build's board, host-linux) built in the rtos
# preset: lwIP with NO_SYS=0, its tcpip thread and the core lock (the agent's main loop and
# lwIP's thread both live), all under ThreadSanitizer. The script's own checks must pass, and no process it started (the
# device, portcullis-fleet) may have written a ThreadSanitizer report, and the last device
# must have stopped cleanly on the lab's SIGTERM (lwIP stopped before the agent's statics go).
#   tests/lab/rtos_run.sh SCRIPT [BOARD]   (e.g. smoke_test.sh; CTest runs it from the rtos
#   build, with the lab instance in PORTCULLIS_LAB_INSTANCE; BOARD defaults to host-linux)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
script="${1:?usage: tests/lab/rtos_run.sh SCRIPT [BOARD]}"
board="${2:-host-linux}"
state="$("$ROOT/tools/lab" dir)" || exit 1 # this lab instance's folder
reports="$state/tsan"
rm -rf -- "$reports"
mkdir -p -- "$reports"
export PORTCULLIS_LAB_PRESET=rtos
# log_path: one file per reporting process, so a report from the device (whose stderr is the
# lab console, restarted by every `tools/lab start`) is never lost.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/unit/tsan.supp:log_path=$reports/report"
bash "$ROOT/tests/lab/$script" "$board"
rc=$?
if compgen -G "$reports/report.*" >/dev/null; then
  echo "FAIL: ThreadSanitizer reported (lwIP NO_SYS=0, tcpip thread):"
  head -n 80 "$reports"/report.* | sed 's/^/    /'
  exit 1
fi
((rc == 77)) && exit 77
console="$state/console.log"
if grep -q "FATAL" "$console" || ! grep -q "^portcullis: stopped" "$console"; then
  echo "FAIL: the device did not stop cleanly on SIGTERM; last console lines:"
  tail -n 5 "$console" | sed 's/^/    /'
  exit 1
fi
echo "PASS: the device stopped cleanly (lwIP stopped before the agent went)"
echo "PASS: no ThreadSanitizer report from the device or the tools (RTOS mode)"
exit "$rc"
