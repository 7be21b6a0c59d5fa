#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tools/tidy on a one-file tree with our .clang-tidy: a source that breaks a house rule is a
# finding (exit 1, naming the check), the same source fixed is clean (exit 0). So the style
# test of the real tree (style_clang_tidy) cannot pass because tidy checked nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/firmware/demo" "$work/build"
cp "$root/.clang-tidy" "$work/.clang-tidy"
src="$work/firmware/demo/demo.cpp"
cat >"$work/build/compile_commands.json" <<JSON
[{"directory": "$work/build", "file": "$src",
  "command": "c++ -std=c++20 -c $src -o demo.o"}]
JSON
fail() { echo "FAIL: $*"; exit 1; }

cat >"$src" <<'CPP'
namespace demo {
class Counter {
 public:
  int value() const { return count; }
 private:
  int count = 0;  // a private member without the trailing underscore
};
int* nothing() { return 0; }  // a null pointer spelled 0
}  // namespace demo
CPP
set +e
out=$("$root/tools/tidy" --source-root "$work" "$work/build" 2>&1)
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a source breaking the rules: exit $rc, expected 1: $out"
grep -q "readability-identifier-naming" <<<"$out" || fail "no naming finding: $out"
grep -q "modernize-use-nullptr" <<<"$out" || fail "no nullptr finding: $out"

cat >"$src" <<'CPP'
namespace demo {
class Counter {
 public:
  int value() const { return count_; }
 private:
  int count_ = 0;
};
int* nothing() { return nullptr; }
}  // namespace demo
CPP
out=$("$root/tools/tidy" --source-root "$work" "$work/build" 2>&1) || fail "clean source: $out"
grep -q "1 files clean" <<<"$out" || fail "clean source, unexpected output: $out"
echo "PASS"
