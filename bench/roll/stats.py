"""Summarises bench/roll: produce latency per time window and roll times from run.sh's files."""
import glob
import json
import os
import statistics
import sys

def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]

samples = []
with open(sys.argv[1]) as f:
    for line in f:
        t, lat, err = line.split()[:3]
        samples.append((int(t), float(lat), int(err)))
windows = []  # (name, start_ms, end_ms)
with open(sys.argv[2]) as f:
    for line in f:
        name, start, end = line.split()
        windows.append((name, int(float(start) * 1000), int(float(end) * 1000)))

errors = sum(s[2] for s in samples)
print(f"records acknowledged: {sum(1 for s in samples if not s[2])}, producer errors: {errors}")
base = [s[1] for s in samples if any(w[0] == "baseline" and w[1] <= s[0] < w[2] for w in windows)]
print(f"baseline (no roll): n={len(base)} p50={pct(base, 50):.1f} ms p99={pct(base, 99):.1f} ms max={max(base):.1f} ms")
ratios, p99s = [], []
for name, start, end in windows:
    if not name.startswith("full"):
        continue
    during = [s[1] for s in samples if start <= s[0] < end]
    singles = [e - s for n, s, e in windows if n.startswith("single" + name[4:] + "-")]
    total = (end - start) / 1000
    ratio = total / (sum(singles) / 1000)
    ratios.append(ratio)
    p99s.append(pct(during, 99))
    print(f"{name}: full roll {total:.1f} s, sum of {len(singles)} single-node rolls {sum(singles) / 1000:.1f} s,"
          f" ratio {ratio:.2f}; produce p99 during it {pct(during, 99):.1f} ms (p50 {pct(during, 50):.1f}, max {max(during):.1f})")
print(f"median ratio {statistics.median(ratios):.2f} (n={len(ratios)}); median p99 during full rolls"
      f" {statistics.median(p99s):.1f} ms against {pct(base, 99):.1f} ms before")

# the fixed cost of a change: from the supervisor taking up the request to its first restart
# (manifests and Kafka's config definitions read, an Admin client opened, the delta worked out)
def setup_seconds(path):
    r = json.load(open(path))
    first = next(e["time"] for e in r["events"] if e["message"].startswith("restarting "))
    return (first - r["startedAt"]) / 1000

singles = [setup_seconds(p) for p in sorted(glob.glob(os.path.join(sys.argv[3], "single*.json")))]
fulls = [setup_seconds(p) for p in sorted(glob.glob(os.path.join(sys.argv[3], "full*.json")))]
print(f"set-up before the first restart: single-node rolls median {statistics.median(singles):.2f} s"
      f" (min {min(singles):.2f}, max {max(singles):.2f}, n={len(singles)}), full rolls median {statistics.median(fulls):.2f} s")
