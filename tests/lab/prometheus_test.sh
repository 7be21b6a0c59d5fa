#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/prometheus_test.sh BOARD: a real Prometheus (Debian's package) scrapes the
# device's /metrics over mutual TLS from inside the lab namespace, and its HTTP API returns
# the portcullis_ series. Prometheus listens on the namespace's loopback only; the scrape
# interval is 2 s and the wait for results is bounded.
set -euo pipefail

readonly WANT_BOARD="${1:?usage: tests/lab/prometheus_test.sh BOARD}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly LAB="$ROOT/tools/lab"
readonly PY=/usr/bin/python3
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"
require_root "lab_prometheus_$WANT_BOARD"
claim_lab_instance
command -v prometheus >/dev/null || {
  fail "prometheus is not installed (tools/bootstrap installs it)"
  exit 1
}

WORK="$(mktemp -d)"
PROM_PID=""
finish() {
  [[ -n "$PROM_PID" ]] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
  lab_finish
}
trap finish EXIT

lab_up "lab up (device answers ping)"

cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  scrape_timeout: 2s
scrape_configs:
  - job_name: portcullis
    scheme: https
    tls_config:
      ca_file: $PKI_DIR/ca.crt
      cert_file: $PKI_DIR/mgmt.crt
      key_file: $PKI_DIR/mgmt.key
    static_configs:
      - targets: ["$DEVICE_IPV4:$MGMT_PORT"]
YAML
"$LAB" exec prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address=127.0.0.1:9090 >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

query() { # PROMQL -> the API's JSON
  "$LAB" exec curl -s --max-time 5 --get --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query
}
# up == 1: Prometheus scraped the target over mTLS (bounded wait: 60 s).
up=""
for _ in $(seq 30); do
  up="$(query 'up{job="portcullis"}' | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null || true)"
  [[ "$up" == 1 ]] && break
  sleep 2
done
if [[ "$up" == 1 ]]; then
  pass "Prometheus scrapes the device over mutual TLS (up == 1)"
else
  fail "Prometheus never scraped the device (up=${up:-none})"
  tail -n 20 "$WORK/prometheus.log" | sed 's/^/    /'
fi
for series in portcullis_packets_received_total portcullis_policy_info portcullis_listening portcullis_violations_total; do
  n="$(query "$series" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["result"]))' 2>/dev/null || echo 0)"
  if ((n > 0)); then pass "Prometheus API returns $series ($n series)"; else fail "Prometheus API has no $series"; fi
done
names="$(query '{__name__=~".+",job="portcullis"}' | "$PY" -c 'import json,sys; print(" ".join(sorted({r["metric"]["__name__"] for r in json.load(sys.stdin)["data"]["result"]})))' 2>/dev/null || true)"
check "every scraped series but Prometheus' own is portcullis_" bash -c "! tr ' ' '\n' <<<'$names' | grep -v -E '^(portcullis_|up$|scrape_)' | grep -q ."

((FAILED == 0))
