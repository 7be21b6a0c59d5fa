#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/lab/prometheus_test.sh BOARD: a real Prometheus (Debian's package) scrapes the
# device's /metrics over mutual TLS from inside the lab namespace, and its HTTP API returns
# the portcullis_ series; `promtool check metrics` finds nothing wrong with a real scrape; the
# rules of deploy/prometheus load and evaluate: the device is scraped twice, once labelled with
# its policy's digest and once with another, and PortcullisPolicyDigestMismatch fires for the
# second target only; PortcullisLabImage fires for the lab's image. Prometheus listens on the namespace's loopback only; the scrape and rule
# interval is 2 s and every wait is bounded.
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

PRESET="$(board_preset_of "$WANT_BOARD")"
digest="$("$ROOT/build/$PRESET/policy-tool/portcullis-policy" digest "$ROOT/boards/$WANT_BOARD/policy.allow" 2>/dev/null || true)"
readonly OTHER_DIGEST=0000000000000000000000000000000000000000000000000000000000000000
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 3s
  scrape_timeout: 3s
  evaluation_interval: 3s
rule_files:
  - $ROOT/deploy/prometheus/portcullis.rules.yml
scrape_configs:
  - job_name: portcullis
    scheme: https
    tls_config:
      ca_file: $PKI_DIR/ca.crt
      cert_file: $PKI_DIR/mgmt.crt
      key_file: $PKI_DIR/mgmt.key
    static_configs:
      - targets: ["$DEVICE_IPV4:$MGMT_PORT"]
        labels: {expected_digest: "$digest"}
      - targets: ["$DEVICE_IPV4:$MGMT_PORT"]
        labels: {expected_digest: "$OTHER_DIGEST"}
YAML
"$LAB" exec prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address=127.0.0.1:9090 >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

query() { # PROMQL -> the API's JSON
  "$LAB" exec curl -s --max-time 5 --get --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query
}
# up == 1: Prometheus scraped the device over mTLS (bounded wait: 60 s). Either of its two
# targets will do here: a board with two TLS sessions may refuse one scrape while it serves
# the other, and each target's own series are checked below.
up=""
for _ in $(seq 30); do
  up="$(query 'max(up{job="portcullis"})' | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null || true)"
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
# (The rules' own series carry the job's label too: the recording rules' portcullis:* and
# ALERTS, ALERTS_FOR_STATE.)
check "every scraped series but Prometheus' own is portcullis_" bash -c "! tr ' ' '\n' <<<'$names' | grep -v -E '^(portcullis_|portcullis:|ALERTS$|ALERTS_FOR_STATE$|up$|scrape_)' | grep -q ."

# A real scrape through Prometheus' own linter. Retried: the device holds few TLS sessions
# and Prometheus scrapes it twice every 2 s (two targets), so a connection may be refused.
if mgmt_curl -o "$WORK/metrics.txt" "https://$DEVICE_IPV4:$MGMT_PORT/metrics"; then
  if promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.out" 2>&1; then
    pass "promtool check metrics: a real scrape has no problem"
  else
    fail "promtool check metrics found problems:"
    sed 's/^/    /' "$WORK/promtool.out"
  fi
else
  fail "GET /metrics for promtool"
fi

# deploy/prometheus's rules, loaded and evaluated by this Prometheus.
rules_health="$("$LAB" exec curl -s --max-time 5 http://127.0.0.1:9090/api/v1/rules | "$PY" -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
print(len(rules), sum(r.get("health") == "ok" for r in rules))' 2>/dev/null || echo "0 0")"
check "Prometheus loaded deploy/prometheus/portcullis.rules.yml (rules, healthy: $rules_health)" \
  bash -c "read -r n ok <<<'$rules_health'; ((n >= 17 && n == ok))"
firing=""
for _ in $(seq 30); do
  firing="$(query 'ALERTS{alertname="PortcullisPolicyDigestMismatch",alertstate="firing"}' | "$PY" -c '
import json, sys
print(" ".join(sorted(r["metric"].get("expected_digest", "?") for r in json.load(sys.stdin)["data"]["result"])))' 2>/dev/null || true)"
  [[ -n "$firing" ]] && break
  sleep 2
done
check "PortcullisPolicyDigestMismatch fires for the target expecting another digest" \
  test "$firing" == "$OTHER_DIGEST"
# The positive twin: the target expecting the policy's digest has its series (bounded: 60 s).
expected_series=0
for _ in $(seq 30); do
  expected_series="$(query "portcullis_policy_info{expected_digest=\"$digest\"}" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["result"]))' 2>/dev/null || echo 0)"
  [[ "$expected_series" == 1 ]] && break
  sleep 2
done
check "the target expecting the policy's digest was scraped too (its portcullis_policy_info)" \
  test "$expected_series" == 1
check "and not for the one expecting the policy's digest ($digest)" \
  bash -c "[[ ${#digest} == 64 && '$firing' != *'$digest'* ]]"
# The lab boots lab images: PortcullisLabImage fires for the device, by the firmware version it
# reports (bounded: 60 s), while the device answers its scrapes (the series above).
lab_image=""
for _ in $(seq 30); do
  lab_image="$(query 'ALERTS{alertname="PortcullisLabImage",alertstate="firing"}' | "$PY" -c '
import json, sys
print(" ".join(sorted({r["metric"].get("firmware", "?") for r in json.load(sys.stdin)["data"]["result"]})))' 2>/dev/null || true)"
  [[ -n "$lab_image" ]] && break
  sleep 2
done
check "PortcullisLabImage fires for the lab's image (firmware '$lab_image')" \
  bash -c "[[ '$lab_image' =~ ^[0-9]+[.][0-9]+[.][0-9]+[+]([^.]*[.])*lab([.].*)?$ ]]"

((FAILED == 0))
