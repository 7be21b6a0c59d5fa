#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reads the device's Prometheus /metrics files for tests/lab/flood_test.sh.

  flood_metrics.py value FILE NAME [LABEL=VALUE...]   the sample's value (0 when absent)
  flood_metrics.py total FILE NAME                    the sum of NAME's samples, all labels
  flood_metrics.py pools FILE                          lwIP pool use, one "NAME used/size peak failures" a line
  flood_metrics.py same-pools BEFORE AFTER             exit 0 when no pool and not the heap has
      more in use than before (a leak); fewer is the device's own traffic (the push's connect
      attempt, caught by BEFORE) having ended
  flood_metrics.py failures-explained BEFORE AFTER     exit 0 when every pool allocation that
      failed in between is a frame the netif counted: PBUF_POOL failures = rx no_buffer drops,
      TCPIP_MSG_INPKT failures <= input_refused drops, no other pool failed
"""
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = SAMPLE.match(line)
            if not m:
                raise SystemExit(f"{path}: not an exposition line: {line!r}")
            labels = tuple(sorted(LABEL.findall(m.group(2) or "")))
            out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(s, name, **labels):
    return s.get((name, tuple(sorted(labels.items()))), 0.0)


def pools(s):
    names = sorted({dict(l)["pool"] for (n, l) in s if n == "portcullis_lwip_pool_used"})
    if not names:
        raise SystemExit("no portcullis_lwip_pool_used samples: lwIP stats missing from /metrics")
    return {p: (int(value(s, "portcullis_lwip_pool_used", pool=p)),
                int(value(s, "portcullis_lwip_pool_size", pool=p)),
                int(value(s, "portcullis_lwip_pool_peak", pool=p)),
                int(value(s, "portcullis_lwip_pool_failures_total", pool=p))) for p in names}


def main(argv):
    if len(argv) >= 3 and argv[0] == "value":
        labels = dict(a.split("=", 1) for a in argv[3:])
        v = value(samples(argv[1]), argv[2], **labels)
        print(int(v) if v == int(v) else v)
        return 0
    if len(argv) == 3 and argv[0] == "total":
        print(int(sum(v for (n, _), v in samples(argv[1]).items() if n == argv[2])))
        return 0
    if len(argv) == 2 and argv[0] == "pools":
        for p, (used, size, peak, failures) in pools(samples(argv[1])).items():
            print(f"{p} {used}/{size} peak {peak} failures {failures}")
        return 0
    if len(argv) == 3 and argv[0] == "same-pools":
        before, after = pools(samples(argv[1])), pools(samples(argv[2]))
        diff = [f"{p}: used {before[p][0]} -> {after.get(p, (None,))[0]}"
                for p in before
                if after.get(p, (None,))[0] is None or after[p][0] > before[p][0]]
        heap = [value(samples(a), "portcullis_lwip_heap_used_bytes") for a in argv[1:]]
        if heap[1] > heap[0]:
            diff.append(f"heap used {int(heap[0])} -> {int(heap[1])} B")
        print("; ".join(diff) if diff else "no pool and not the heap above its use before")
        return 1 if diff else 0
    if len(argv) == 3 and argv[0] == "failures-explained":
        b, a = samples(argv[1]), samples(argv[2])
        pb, pa = pools(b), pools(a)
        delta = {p: pa[p][3] - pb.get(p, (0, 0, 0, 0))[3] for p in pa}
        def drops(s, reason):
            return value(s, "portcullis_rx_frames_dropped_total", reason=reason)
        nobuf = int(drops(a, "no_buffer") - drops(b, "no_buffer"))
        refused = int(drops(a, "input_refused") - drops(b, "input_refused"))
        bad = [f"{p} +{d}" for p, d in delta.items()
               if d and p not in ("PBUF_POOL", "TCPIP_MSG_INPKT")]
        if delta.get("PBUF_POOL", 0) != nobuf:
            bad.append(f"PBUF_POOL +{delta.get('PBUF_POOL', 0)} but {nobuf} no_buffer drops")
        if delta.get("TCPIP_MSG_INPKT", 0) > refused:
            bad.append(f"TCPIP_MSG_INPKT +{delta['TCPIP_MSG_INPKT']} but {refused} refused drops")
        failed = sum(delta.values())
        print("; ".join(bad) if bad else
              f"{failed} failed allocations, each a counted frame drop "
              f"({nobuf} no buffer, {refused} refused)")
        return 1 if bad else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
