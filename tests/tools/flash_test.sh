#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/tools/flash_test.sh CASE: checks tools/flash on a machine without a board, each case
# asserting exit status and message.
#   usage           no BOARD or an unknown option: usage, exit 2
#   qemu_board      qemu-* boards: "runs in QEMU: use tools/lab start --board BOARD", exit 2
#   host_board      host-linux: a Linux process, nothing to flash, exit 2
#   unknown_board   the list of known boards, exit 2
#   dry_run         the exact openocd command (stock board config, the ELF), nothing run
#   missing_elf     the cmake commands that build the ELF (the device preset), exit 1, OpenOCD
#                   not run
#   lab_image       an image whose banner names a lab build ("0.1.0+lab") refused (exit 1, the
#                   device preset's commands, OpenOCD not run), in the dry run too; programmed
#                   with --lab-image, with a warning; a device image's banner is not refused
#   no_openocd      OpenOCD missing: run tools/bootstrap, exit 1
#   no_probe        the real openocd with no probe: "no debug probe found" and OpenOCD's line
#   target_silent   the real openocd on a JTAG chain that does not answer (dummy adapter)
#   identity        --identity FILE: the record programmed at 0x3E800 (dry run and a
#                   stand-in session); a file that is no record, or too big, refused
#   outcomes        OpenOCD's verdicts from a stand-in openocd printing OpenOCD 0.12's lines:
#                   success, verify failed, programming failed, probe not accessible
# The ELF is a stub in a scratch --build-dir: every run here fails before OpenOCD reads it, and
# the stand-in never does. Exit 0 when every check of CASE holds; each failure is printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly FLASH="$ROOT/tools/flash"
readonly BOARD="lm3s6965evb"
CASE="${1:?usage: flash_test.sh usage|qemu_board|host_board|unknown_board|dry_run|missing_elf|lab_image|no_openocd|no_probe|target_silent|outcomes|seed|identity}"
readonly CASE

WORK="$(mktemp -d)"
readonly WORK
trap 'rm -rf -- "$WORK"' EXIT
readonly DIR="$WORK/build"
readonly ELF="$DIR/boards/$BOARD/portcullis-$BOARD.elf"
FAILED=0

fail() {
  printf 'FAIL: %s\n' "$*"
  FAILED=1
}
pass() { printf 'ok: %s\n' "$*"; }

# run ARGS...: tools/flash, bounded; sets RC, OUT (stdout) and ERR (stderr).
run() {
  RC=0
  timeout 30 "$FLASH" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT="$(cat "$WORK/out")"
  ERR="$(cat "$WORK/err")"
}
status_is() { # DESCRIPTION EXPECTED
  if [[ "$RC" == "$2" ]]; then pass "$1: exit $RC"; else fail "$1: exit $RC, expected $2; stderr: $ERR"; fi
}
says() { # DESCRIPTION TEXT WHERE(out|err): WHERE holds TEXT (a fixed string) on one of its lines
  local text
  if [[ "$3" == out ]]; then text="$OUT"; else text="$ERR"; fi
  if grep -qF -- "$2" <<<"$text"; then pass "$1"; else fail "$1: no '$2' in std$3:"$'\n'"$text"; fi
}
stub_elf() { # [BANNER]: the boot banner's string among the stub's bytes
  mkdir -p "$(dirname "$ELF")"
  printf '\177ELF stub: never programmed\n\0%s\0' "${1:-}" >"$ELF"
}
# A stand-in openocd: records its arguments one a line and prints what OpenOCD 0.12 prints in
# the situation FAKE_OPENOCD_MODE names.
fake_openocd() {
  mkdir -p "$WORK/bin"
  cat >"$WORK/bin/openocd" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_OPENOCD_ARGS"
for a in "$@"; do # a seed log to program: its size and mode while OpenOCD runs
  case "$a" in
    "program "*" 0x3F800 verify")
      f="${a#program }"
      stat -c '%s %a' "${f% 0x3F800 verify}" >"$FAKE_OPENOCD_ARGS.seed" 2>/dev/null || true
      ;;
  esac
done
printf 'Open On-Chip Debugger 0.12.0\nLicensed under GNU GPL v2\n'
case "$FAKE_OPENOCD_MODE" in
  success)
    printf '%s\n' 'Info : lm3s6965.cpu: hardware has 6 breakpoints, 4 watchpoints' \
      '** Programming Started **' 'Info : Padding image section 0 at 0x0001f75c with 4 bytes' \
      '** Programming Finished **' '** Verify Started **' \
      'verified 128860 bytes in 1.352165s (93.065 KiB/s)' '** Verified OK **' \
      '** Resetting Target **' 'shutdown command invoked'
    exit 0 ;;
  verify)
    printf '%s\n' '** Programming Started **' '** Programming Finished **' '** Verify Started **' \
      'checksum mismatch - attempting binary compare' \
      'diff 0 address 0x00000400. Was 0xff instead of 0x10' \
      'No more differences found.' '** Verify Failed **' 'shutdown command invoked'
    exit 1 ;;
  program)
    printf '%s\n' '** Programming Started **' \
      'Error: flash write failed at address 0x0' 'Error: error writing to flash at address 0x00000000 at offset 0x00000000' \
      '** Programming Failed **' 'shutdown command invoked'
    exit 1 ;;
  access)
    printf '%s\n' 'Error: libusb_open() failed with LIBUSB_ERROR_ACCESS' \
      "Error: unable to open ftdi device with vid 0403, pid bcd9, description 'Stellaris Evaluation Board', serial '*' at bus location '*'" \
      '** OpenOCD init failed **' 'shutdown command invoked'
    exit 1 ;;
esac
exit 1
EOF
  chmod +x "$WORK/bin/openocd"
  export FAKE_OPENOCD_ARGS="$WORK/openocd.args"
}
need_openocd() {
  command -v openocd >/dev/null 2>&1 || {
    fail "openocd is not installed: run tools/bootstrap"
    exit 1
  }
}

case "$CASE" in
  usage)
    run
    status_is "no BOARD" 2
    says "no BOARD: asks for one" "flash: ERROR: which BOARD?" err
    says "no BOARD: prints the usage" "usage: tools/flash BOARD [--build-dir DIR] [--seed] [--identity FILE] [--lab-image] [--dry-run]" err
    run "$BOARD" --bogus
    status_is "unknown option" 2
    says "unknown option: named" "flash: ERROR: unknown option: --bogus" err
    run "$BOARD" --build-dir
    status_is "--build-dir without DIR" 2
    run --help
    status_is "--help" 0
    says "--help: usage on stdout" "usage: tools/flash BOARD [--build-dir DIR] [--seed] [--identity FILE] [--lab-image] [--dry-run]" out
    ;;
  qemu_board)
    for b in qemu-mps2-an385 qemu-some-other-machine; do
      run "$b" --build-dir "$DIR"
      status_is "$b" 2
      says "$b: points to tools/lab" "flash: $b runs in QEMU: use tools/lab start --board $b" err
    done
    ;;
  host_board)
    run host-linux
    status_is "host-linux" 2
    says "host-linux: nothing to flash" \
      "flash: host-linux is a Linux process, nothing to flash: use tools/lab start --board host-linux" err
    ;;
  unknown_board)
    run stm32-nonesuch
    status_is "unknown board" 2
    says "unknown board: lists the known ones" \
      "flash: unknown board 'stm32-nonesuch'; known boards: lm3s6965evb, qemu-mps2-an385, host-linux (flashable: lm3s6965evb)" err
    ;;
  dry_run)
    run "$BOARD" --dry-run
    status_is "dry run, default build folder" 0
    says "dry run: the stock config and the device preset's ELF" \
      "openocd -f board/ek-lm3s6965.cfg -c \"program $ROOT/build/$BOARD-device/boards/$BOARD/portcullis-$BOARD.elf verify reset exit\"" out
    stub_elf
    fake_openocd
    RC=0
    OUT="$(cd "$WORK" && OPENOCD="$WORK/bin/openocd" timeout 30 "$FLASH" --dry-run "$BOARD" --build-dir build 2>"$WORK/err")" || RC=$?
    ERR="$(cat "$WORK/err")"
    status_is "dry run, relative --build-dir" 0
    if [[ "$OUT" == "$WORK/bin/openocd -f board/ek-lm3s6965.cfg -c \"program $ELF verify reset exit\"" ]]; then
      pass "dry run: exactly the command, ELF under the absolute --build-dir"
    else
      fail "dry run printed: $OUT"
    fi
    if [[ ! -e "$FAKE_OPENOCD_ARGS" && ! -e "$DIR/flash.log" ]]; then
      pass "dry run: OpenOCD not run, no log written"
    else
      fail "dry run ran OpenOCD or wrote $DIR/flash.log"
    fi
    ;;
  missing_elf)
    fake_openocd
    OPENOCD="$WORK/bin/openocd" run "$BOARD" --build-dir "$DIR"
    status_is "missing ELF" 1
    says "missing ELF: named" "flash: $BOARD firmware not built: $ELF is missing. Build it with:" err
    says "missing ELF: how to configure (the device image)" "cd $ROOT && cmake --preset $BOARD-device -B $DIR" err
    says "missing ELF: how to build" "cmake --build $DIR --target portcullis-$BOARD" err
    if [[ -e "$FAKE_OPENOCD_ARGS" ]]; then fail "missing ELF: OpenOCD was run"; else pass "missing ELF: OpenOCD not run"; fi
    mkdir -p "$DIR" && : >"$DIR/CMakeCache.txt"
    OPENOCD="$WORK/bin/openocd" run "$BOARD" --build-dir "$DIR"
    status_is "missing ELF in a configured folder" 1
    if grep -qF "cmake --preset" <<<"$ERR"; then
      fail "configured folder: still says to configure"
    else
      pass "configured folder: only the build command"
    fi
    ;;
  lab_image)
    fake_openocd
    export OPENOCD="$WORK/bin/openocd"
    for banner in "portcullis 0.1.0+lab on " "portcullis 0.1.0+nofilter.lab on "; do
      stub_elf "$banner"
      rm -f "$FAKE_OPENOCD_ARGS"
      FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR"
      status_is "lab image '$banner'" 1
      says "lab image: refused, named" "flash: refused: $ELF is a lab image (firmware ${banner:11:-4})" err
      says "lab image: how to build the device image" "cmake --preset $BOARD-device" err
      says "lab image: how to flash a lab bench board" "tools/flash $BOARD --lab-image" err
      if [[ -e "$FAKE_OPENOCD_ARGS" ]]; then fail "lab image: OpenOCD was run"; else pass "lab image: OpenOCD not run"; fi
    done
    run "$BOARD" --build-dir "$DIR" --dry-run
    status_is "lab image, dry run" 1
    says "lab image, dry run: refused" "flash: refused: $ELF is a lab image" err
    FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR" --lab-image
    status_is "lab image with --lab-image" 0
    says "--lab-image: warned" "flash: warning: $ELF is a lab image (firmware 0.1.0+nofilter.lab): keep this board on the isolated lab bench" err
    says "--lab-image: programmed" "flash: $BOARD programmed, verified and reset" err
    for banner in "portcullis 0.1.0 on " "portcullis 0.1.0+nofilter on " "portcullis 0.1.0+label on "; do
      stub_elf "$banner"
      FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR"
      status_is "not a lab image: '$banner'" 0
      if grep -qF "lab image" <<<"$ERR"; then fail "'$banner': called a lab image: $ERR"; else pass "'$banner': not called a lab image"; fi
    done
    ;;
  no_openocd)
    stub_elf
    OPENOCD="$WORK/nonexistent/openocd" run "$BOARD" --build-dir "$DIR"
    status_is "no OpenOCD" 1
    says "no OpenOCD: run tools/bootstrap" \
      "flash: ERROR: OpenOCD not found ($WORK/nonexistent/openocd): run tools/bootstrap as root" err
    ;;
  no_probe)
    need_openocd
    # Never program the stub into a real EK-LM3S6965 that happens to be plugged in.
    for d in /sys/bus/usb/devices/*; do
      if [[ "$(cat "$d/idVendor" 2>/dev/null)" == 0403 && "$(cat "$d/idProduct" 2>/dev/null)" == bcd9 ]]; then
        echo "skipped: a Stellaris evaluation board (USB 0403:bcd9) is connected"
        exit 77
      fi
    done
    stub_elf
    run "$BOARD" --build-dir "$DIR"
    status_is "no probe" 1
    says "no probe: one clear line" \
      "flash: no debug probe found: connect the board's USB debug port (the EK-LM3S6965's on-board FTDI FT2232, USB 0403:bcd9" err
    says "no probe: OpenOCD's own line" \
      "flash: OpenOCD: Error: unable to open ftdi device with vid 0403, pid bcd9, description 'Stellaris Evaluation Board'" err
    if grep -qF '** OpenOCD init failed **' "$DIR/flash.log" 2>/dev/null &&
      grep -qF "# openocd -f board/ek-lm3s6965.cfg -c \"program $ELF verify reset exit\"" "$DIR/flash.log"; then
      pass "no probe: OpenOCD's full log and its command in $DIR/flash.log"
    else
      fail "no probe: $DIR/flash.log lacks OpenOCD's output or the command"
    fi
    ;;
  target_silent)
    need_openocd
    # The real openocd with the board config swapped for the dummy adapter and the same
    # stock target config: a JTAG chain where nothing answers, as with a dead or locked CPU.
    mkdir -p "$WORK/bin"
    cat >"$WORK/bin/openocd" <<'EOF'
#!/usr/bin/env bash
args=()
while (($# > 0)); do
  if [[ "$1" == -f && "${2:-}" == board/ek-lm3s6965.cfg ]]; then
    args+=(-c "adapter driver dummy" -c "adapter speed 500" -c "transport select jtag"
      -c "set CHIPNAME lm3s6965" -c "set WORKAREASIZE 0x5000" -f target/stellaris.cfg)
    shift 2
  else
    args+=("$1")
    shift
  fi
done
exec openocd "${args[@]}"
EOF
    chmod +x "$WORK/bin/openocd"
    stub_elf
    OPENOCD="$WORK/bin/openocd" run "$BOARD" --build-dir "$DIR"
    status_is "target silent" 1
    says "target silent: named" "flash: target not responding: the probe is there but the $BOARD's CPU does not answer over JTAG" err
    says "target silent: OpenOCD's line" "flash: OpenOCD: Error: lm3s6965.cpu: IR capture error" err
    ;;
  outcomes)
    stub_elf
    fake_openocd
    export OPENOCD="$WORK/bin/openocd"
    FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR"
    status_is "success" 0
    says "success: reported" "flash: $BOARD programmed, verified and reset: verified 128860 bytes" err
    if [[ "$(cat "$FAKE_OPENOCD_ARGS")" == "-f"$'\n'"board/ek-lm3s6965.cfg"$'\n'"-c"$'\n'"program $ELF verify reset exit" ]]; then
      pass "success: OpenOCD ran with the stock config and 'program ELF verify reset exit'"
    else
      fail "success: OpenOCD's arguments were: $(cat "$FAKE_OPENOCD_ARGS")"
    fi
    if grep -qF '** Verified OK **' "$DIR/flash.log"; then pass "success: log kept"; else fail "success: no log"; fi
    FAKE_OPENOCD_MODE=verify run "$BOARD" --build-dir "$DIR"
    status_is "verify failed" 1
    says "verify failed: named" "flash: verify failed: the flash does not hold what was written" err
    says "verify failed: OpenOCD's line" "flash: OpenOCD: checksum mismatch - attempting binary compare" err
    FAKE_OPENOCD_MODE=program run "$BOARD" --build-dir "$DIR"
    status_is "programming failed" 1
    says "programming failed: named" "flash: programming failed: OpenOCD could not erase or write the flash" err
    says "programming failed: OpenOCD's line" "flash: OpenOCD: Error: flash write failed at address 0x0" err
    FAKE_OPENOCD_MODE=access run "$BOARD" --build-dir "$DIR"
    status_is "probe not accessible" 1
    says "probe not accessible: named" "flash: debug probe found but not accessible to $(id -un): Debian's openocd udev rules give the plugdev group access" err
    says "probe not accessible: OpenOCD's line" "flash: OpenOCD: Error: libusb_open() failed with LIBUSB_ERROR_ACCESS" err
    ;;
  identity)
    stub_elf
    fake_openocd
    export OPENOCD="$WORK/bin/openocd"
    printf 'x' >"$WORK/der" # the record's fields are not what tools/flash checks
    /usr/bin/python3 "$ROOT/tools/lib/identity_record.py" "$WORK/dev.id" --device-id sensor-1 \
      --cert "$WORK/der" --key "$WORK/der" --ca "$WORK/der"
    run "$BOARD" --build-dir "$DIR" --identity "$WORK/dev.id" --dry-run
    status_is "dry run with --identity" 0
    says "dry run: the record in the identity region, then the image" \
      "-c \"program $WORK/dev.id 0x3E800 verify\" -c \"program $ELF verify reset exit\"" out
    FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR" --identity "$WORK/dev.id"
    status_is "success with --identity" 0
    if [[ "$(cat "$FAKE_OPENOCD_ARGS")" == "-f"$'\n'"board/ek-lm3s6965.cfg"$'\n'"-c"$'\n'"program $WORK/dev.id 0x3E800 verify"$'\n'"-c"$'\n'"program $ELF verify reset exit" ]]; then
      pass "success: the record, then the image, in one OpenOCD session"
    else
      fail "OpenOCD's arguments: $(tr '\n' ' ' <"$FAKE_OPENOCD_ARGS")"
    fi
    says "success: says how to see it" "portcullis: identity <its id>" err
    printf 'not a record' >"$WORK/bad.id"
    run "$BOARD" --build-dir "$DIR" --identity "$WORK/bad.id" --dry-run
    status_is "a file that is no record" 1
    says "names what is wrong" "not an identity record" err
    head -c 5000 /dev/zero >"$WORK/big.id"
    run "$BOARD" --build-dir "$DIR" --identity "$WORK/big.id" --dry-run
    status_is "a file larger than the region" 1
    says "names the size" "5000 bytes, more than the 4096-byte identity region" err
    run "$BOARD" --build-dir "$DIR" --identity "$WORK/missing.id" --dry-run
    status_is "a missing file" 1
    ;;
  seed)
    stub_elf
    fake_openocd
    export OPENOCD="$WORK/bin/openocd"
    run "$BOARD" --build-dir "$DIR" --seed --dry-run
    status_is "dry run with --seed" 0
    says "dry run: the seed log first, at the end of flash" \
      "-c \"program $DIR/seed-log.bin 0x3F800 verify\" -c \"program $ELF verify reset exit\"" out
    if [[ ! -e "$DIR/seed-log.bin" ]]; then pass "dry run: no seed made"; else fail "dry run made a seed"; fi
    FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR" --seed
    status_is "success with --seed" 0
    if [[ "$(cat "$FAKE_OPENOCD_ARGS")" == "-f"$'\n'"board/ek-lm3s6965.cfg"$'\n'"-c"$'\n'"program $DIR/seed-log.bin 0x3F800 verify"$'\n'"-c"$'\n'"program $ELF verify reset exit" ]]; then
      pass "success: the seed log, then the image, in one OpenOCD session"
    else
      fail "success: OpenOCD's arguments were: $(cat "$FAKE_OPENOCD_ARGS")"
    fi
    if [[ "$(cat "$FAKE_OPENOCD_ARGS.seed" 2>/dev/null)" == "2048 600" ]]; then
      pass "OpenOCD got a 2 KiB seed log, mode 0600"
    else
      fail "the seed log OpenOCD got: '$(cat "$FAKE_OPENOCD_ARGS.seed" 2>/dev/null)'"
    fi
    if [[ ! -e "$DIR/seed-log.bin" ]]; then pass "the seed is deleted afterwards"; else fail "seed-log.bin left behind"; fi
    says "success: says how to see it" "entropy seed log generation 0" err
    FAKE_OPENOCD_MODE=success run "$BOARD" --build-dir "$DIR"
    if ! grep -q seed-log "$FAKE_OPENOCD_ARGS"; then
      pass "without --seed the seed log is left alone"
    else
      fail "the image alone programmed a seed log"
    fi
    ;;
  *)
    echo "unknown case: $CASE" >&2
    exit 2
    ;;
esac
exit "$FAILED"
