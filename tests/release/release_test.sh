#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/release/release_test.sh CASE [ARGS...]: what a packager checks before shipping.
#   license                  LICENSE is the Apache License 2.0 and every source file of ours
#                            (C/C++, linker scripts, CMake, shell and Python, scripts with a
#                            shebang) names it in an SPDX line within its first three lines
#   changelog VERSION        CHANGELOG.md has an Unreleased section or one for VERSION
#   versions VERSION TOOL... each TOOL --version prints "<name> VERSION" on stdout, exit 0
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
case="${1:?usage: release_test.sh license|changelog VERSION|versions VERSION TOOL...}"
shift
tag='SPDX-License-Identifier: Apache-2.0'

# Our files: git's list in a checkout, else everything but build output and fetched sources.
our_files() {
  if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    git -C "$root" ls-files
  else
    (cd "$root" && find . -type f -not -path './build/*' -not -path './.deps/*' \
      -not -path './.lab/*' -not -path './.git/*' | sed 's|^\./||')
  fi
}

# Does FILE need an SPDX line? Code, yes; data (policies, corpora, configs, docs), no.
is_code() {
  local f="$1" base="${1##*/}"
  [[ "$f" == tests/fuzz/corpus/* ]] && return 1
  case "$base" in
    *.cpp | *.hpp | *.h | *.c | *.ld | *.ld.in | *.cmake | *.sh | *.py | CMakeLists.txt) return 0 ;;
    *.*) return 1 ;;
  esac
  [[ "$(head -c2 "$root/$f" 2> /dev/null)" == '#!' ]]
}

case "$case" in
  license)
    if ! head -n 3 "$root/LICENSE" | grep -q 'Apache License' ||
      ! head -n 3 "$root/LICENSE" | grep -q 'Version 2.0, January 2004'; then
      echo "FAIL: LICENSE is not the Apache License 2.0"
      exit 1
    fi
    checked=0 missing=0
    while IFS= read -r f; do
      is_code "$f" || continue
      checked=$((checked + 1))
      if ! head -n 3 "$root/$f" | grep -qF "$tag"; then
        echo "FAIL: $f: no '$tag' in its first three lines"
        missing=$((missing + 1))
      fi
    done < <(our_files)
    if ((checked < 100)); then
      echo "FAIL: only $checked source files found: is $root the repository?"
      exit 1
    fi
    ((missing == 0)) || exit 1
    echo "PASS: LICENSE is Apache-2.0; $checked source files carry its SPDX line"
    ;;
  changelog)
    version="${1:?changelog VERSION}"
    log="$root/CHANGELOG.md"
    if grep -qE "^## \[(Unreleased|${version//./\\.})\]" "$log" 2> /dev/null; then
      echo "PASS: CHANGELOG.md has a section for $version or Unreleased"
    else
      echo "FAIL: CHANGELOG.md has no '## [Unreleased]' or '## [$version]' section"
      exit 1
    fi
    ;;
  versions)
    version="${1:?versions VERSION TOOL...}"
    shift
    failed=0
    for tool in "$@"; do
      name="${tool##*/}"
      out="$("$tool" --version 2> /dev/null)"
      rc=$?
      if [[ $rc -eq 0 && "$out" == "$name $version" ]]; then
        echo "PASS: $name --version: $out"
      else
        echo "FAIL: $name --version: exit $rc, '$out' (want '$name $version')"
        failed=1
      fi
    done
    exit "$failed"
    ;;
  *)
    echo "FAIL: unknown case $case"
    exit 2
    ;;
esac
