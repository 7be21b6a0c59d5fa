#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/schema/schema_test.sh SAMPLES: the documents the firmware's encoders write
# (portcullis_schema_samples) are valid against docs/schema/status.schema.json and
# event.schema.json, and broken copies of them are not.
set -uo pipefail
samples="${1:?usage: schema_test.sh SAMPLES}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
/usr/bin/python3 -c 'import jsonschema' 2> /dev/null || {
  echo "SKIP: python3-jsonschema missing (tools/bootstrap)"
  exit 77
}
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$samples" "$dir" || {
  echo "FAIL: portcullis_schema_samples"
  exit 1
}
rc=0
/usr/bin/python3 "$root/tests/schema/validate.py" --mutations "$root/docs/schema/status.schema.json" \
  "$dir"/status-*.json || rc=1
/usr/bin/python3 "$root/tests/schema/validate.py" --mutations "$root/docs/schema/event.schema.json" \
  "$dir"/event-*.json || rc=1
printf '{"state":"online"}' > "$dir/state-online.json"
printf '{"state":"offline"}' > "$dir/state-offline.json"
/usr/bin/python3 "$root/tests/schema/validate.py" "$root/docs/schema/event.schema.json" \
  "$dir"/state-*.json || rc=1
exit "$rc"
