# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The board registry, read by tools/lab, tools/test, tools/demo and the lab test scripts
# (sourced). A board is a lab board when its folder has a lab.conf: KEY=VALUE lines, `#`
# comments and blank lines, nothing else; read as data (never sourced or eval'ed). The same
# rules are in cmake/lab_conf.cmake, which tests/lab/CMakeLists.txt uses. Keys:
#   KIND              qemu (QEMU boots the firmware) or process (a Linux program on the TAP)
#   PRESET            the CMake configure preset that builds the board
#   PLAIN_PRESET      optional: the board with the filter compiled out (tests/bench/flood_baseline)
#   QEMU_MACHINE      qemu only: qemu-system-arm -M
#   QEMU_CPU          qemu only: qemu-system-arm -cpu
#   SEED_RECORD_ADDR  qemu only: where QEMU's loader puts the entropy seed record (the start
#                     of RAM, PORTCULLIS_RAM_ORIGIN; the build checks that they agree)
#   SEED_LOG_ADDR     optional, qemu only: the flash seed log (PORTCULLIS_SEED_LOG_SIZE
#                     bytes at the end of flash; the build checks it)
#   IDENTITY_ADDR     optional, qemu only: where QEMU's loader puts the identity record
#                     (PORTCULLIS_IDENTITY_SIZE bytes of flash before the seed log; the build
#                     checks it). Without it the device boots with no identity
#   SKIP_TESTS        optional: lab tests (tests/lab/NAME_test.sh) not run on this board
#   DEFAULT           optional, yes or no: the board tools/lab and tools/demo boot when
#                     none is named (exactly one board says yes)

LAB_CONF_KEYS="KIND PRESET PLAIN_PRESET QEMU_MACHINE QEMU_CPU SEED_RECORD_ADDR SEED_LOG_ADDR IDENTITY_ADDR SKIP_TESTS DEFAULT"
LAB_CONF_QEMU_KEYS="QEMU_MACHINE QEMU_CPU SEED_RECORD_ADDR SEED_LOG_ADDR IDENTITY_ADDR"
LAB_CONF_VALUE_RE='^([A-Za-z0-9._:/+-]+( [A-Za-z0-9._:/+-]+)*)?$'
LAB_CONF_NAMES_RE='^([a-z0-9_]+( [a-z0-9_]+)*)?$'

# lab_conf_read FILE: validates FILE and fills the associative array LAB_CONF (KEY -> VALUE;
# optional keys absent from FILE are empty, DEFAULT is yes or no). On a bad file prints
# "FILE:LINE: reason" (or "FILE: reason") on stderr and returns 1.
declare -gA LAB_CONF=()
lab_conf_read() {
  local file="$1" line n=0 key value k
  LAB_CONF=()
  local -A seen=()
  [[ -r "$file" ]] || {
    printf '%s: cannot read the board'\''s lab.conf\n' "$file" >&2
    return 1
  }
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
    if [[ ! "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]]; then
      printf '%s:%d: not a KEY=VALUE line: '\''%s'\''\n' "$file" "$n" "$line" >&2
      return 1
    fi
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    if [[ " $LAB_CONF_KEYS " != *" $key "* ]]; then
      printf '%s:%d: unknown key '\''%s'\'' (known: %s)\n' "$file" "$n" "$key" "$LAB_CONF_KEYS" >&2
      return 1
    fi
    if [[ -n "${seen[$key]:-}" ]]; then
      printf '%s:%d: %s given twice (see line %s)\n' "$file" "$n" "$key" "${seen[$key]}" >&2
      return 1
    fi
    seen[$key]=$n
    # Words of letters, digits and ._:/+- separated by single spaces: nothing a shell or
    # CMake would read as anything but text.
    if [[ ! "$value" =~ $LAB_CONF_VALUE_RE ]]; then
      printf '%s:%d: %s: value may hold only words of letters, digits and ._:/+- separated by single spaces: '\''%s'\''\n' \
        "$file" "$n" "$key" "$value" >&2
      return 1
    fi
    local bad=""
    case "$key" in
      KIND) [[ "$value" =~ ^(qemu|process)$ ]] || bad="must be qemu or process" ;;
      PRESET | PLAIN_PRESET | QEMU_MACHINE | QEMU_CPU)
        [[ "$value" =~ ^[A-Za-z0-9._-]+$ ]] || bad="must be one name" ;;
      SEED_RECORD_ADDR | SEED_LOG_ADDR | IDENTITY_ADDR)
        [[ "$value" =~ ^0x[0-9A-Fa-f]{1,8}$ ]] || bad="must be a hexadecimal address (0x...)" ;;
      SKIP_TESTS) [[ "$value" =~ $LAB_CONF_NAMES_RE ]] || bad="must be lab test names (tests/lab/NAME_test.sh)" ;;
      DEFAULT) [[ "$value" =~ ^(yes|no)$ ]] || bad="must be yes or no" ;;
    esac
    if [[ -n "$bad" ]]; then
      printf '%s:%d: %s %s: '\''%s'\''\n' "$file" "$n" "$key" "$bad" "$value" >&2
      return 1
    fi
    LAB_CONF[$key]="$value"
  done <"$file"
  for k in KIND PRESET; do
    [[ -n "${LAB_CONF[$k]:-}" ]] || {
      printf '%s: missing key %s\n' "$file" "$k" >&2
      return 1
    }
  done
  for k in $LAB_CONF_QEMU_KEYS; do
    if [[ "${LAB_CONF[KIND]}" == qemu ]]; then
      if [[ "$k" != SEED_LOG_ADDR && "$k" != IDENTITY_ADDR && -z "${LAB_CONF[$k]:-}" ]]; then
        printf '%s: missing key %s (KIND=qemu boards need it)\n' "$file" "$k" >&2
        return 1
      fi
    elif [[ -n "${seen[$k]:-}" ]]; then
      printf '%s:%d: %s is for KIND=qemu boards only\n' "$file" "${seen[$k]}" "$k" >&2
      return 1
    fi
  done
  for k in $LAB_CONF_KEYS; do
    LAB_CONF[$k]="${LAB_CONF[$k]:-}"
  done
  LAB_CONF[DEFAULT]="${LAB_CONF[DEFAULT]:-no}"
  return 0
}

# lab_boards ROOT: the lab boards (folders of ROOT/boards with a lab.conf), one a line,
# sorted.
lab_boards() {
  local f
  for f in "$1"/boards/*/lab.conf; do
    [[ -f "$f" ]] || continue
    f="${f%/lab.conf}"
    printf '%s\n' "${f##*/}"
  done | LC_ALL=C sort
}

# lab_default_board ROOT: the board whose lab.conf says DEFAULT=yes; an error unless
# exactly one does.
lab_default_board() {
  local b found=()
  while read -r b; do
    lab_conf_read "$1/boards/$b/lab.conf" || return 1
    if [[ "${LAB_CONF[DEFAULT]}" == yes ]]; then found+=("$b"); fi
  done < <(lab_boards "$1")
  if ((${#found[@]} != 1)); then
    printf 'boards/*/lab.conf: exactly one board must say DEFAULT=yes (found: %s)\n' \
      "${found[*]:-none}" >&2
    return 1
  fi
  printf '%s' "${found[0]}"
}
