#!/usr/bin/env bash
# bench/quorum/run.sh: controllers 3 -> 5 -> 3 on the seed cluster (each run a fresh cluster), under what a client
# does (bench/quorum/Pause.java: an acks=all idempotent producer at 200 records/s, and a topic created every 250 ms).
# Per run: 20 s of quiet (the baseline), `keks apply` of the controller pool grown to 5, 5 s, `keks apply` of it
# shrunk back to 3 with the active controller among the two that leave (strimzi.io/remove-node-ids), 5 s. Reported: the time of each apply and, from its output, of each controller added or
# removed; the longest gap between two acknowledgements and the slowest topic creation in each window (quiet,
# grow, shrink); producer errors, and acknowledged records missing when the topic is read back.
#   bench/quorum/run.sh [RUNS]   (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
work=$(mktemp -d)
export KEKS_HOME
cleanup() { touch "$work/stop"; [ -n "${KEKS_HOME:-}" ] && ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
out=$work/results

manifests() { # $1 = dir, $2 = controller replicas, $3 = node ids to remove first ("" for none)
  mkdir -p "$1"
  cp examples/kafka-manifests/*.yaml "$1/"
  python3 - "$1/kafka-cluster.yaml" "$2" "${3:-}" <<'PY'
import re, sys
p, replicas, remove = sys.argv[1], sys.argv[2], sys.argv[3]
docs = open(p).read().split("---\n")
hits = 0
for i, d in enumerate(docs):
    if "kind: KafkaNodePool" in d and "name: controller" in d:
        docs[i] = re.sub(r"(?m)^  replicas: 3$", "  replicas: " + replicas, d, count=1)
        if remove:
            docs[i] = docs[i].replace("  name: controller\n", "  name: controller\n  annotations:\n"
                                      "    strimzi.io/remove-node-ids: \"[" + remove + "]\"\n", 1)
        hits += 1
assert hits == 1, "the example's controller pool is not where this script expects it"
open(p, "w").write("---\n".join(docs))
PY
}

now() { date +%s%3N; }

one() { # $1 = run
  local run=$1 dir=$work/run-$1
  KEKS_HOME=$work/home-$run
  manifests "$dir/start" 3
  manifests "$dir/five" 5
  ./keks up -d --port-shift 17000 -f "$dir/start" >/dev/null
  cat > "$dir/topic.yaml" <<YAML
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: bench-topic
  labels: {strimzi.io/cluster: cluster}
spec:
  partitions: 12
  replicas: 3
  config: {min.insync.replicas: 2}
YAML
  ./keks apply -f "$dir/topic.yaml" >/dev/null
  local props=$KEKS_HOME/clusters/cluster/client.properties
  rm -f "$work/stop"
  "$java" -cp "cli/target/keks/lib/*" bench/quorum/Pause.java "$props" bench-topic 200 "$dir/pause" "$work/stop" &
  local probe=$!
  sleep 5
  local t0 t1 t2 t3 t4
  t0=$(now); sleep 20; t1=$(now)
  ./keks apply -f "$dir/five" > "$dir/grow.log"
  t2=$(now)
  local active other
  active=$(./keks status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["activeController"])')
  other=$([ "$active" = 7 ] && echo 6 || echo 7)
  manifests "$dir/three" 3 "$active, $other"
  sleep 5; t3=$(now)
  ./keks apply -f "$dir/three" > "$dir/shrink.log"
  t4=$(now); sleep 5
  touch "$work/stop"
  wait "$probe"
  local checked
  checked=$("$java" -cp "cli/target/keks/lib/*" bench/rebalance/Guard.java verify "$props" bench-topic "$dir/pause.acked")
  python3 - "$dir" "$run" "$t0" "$t1" "$t2" "$t3" "$t4" "$checked" >> "$out" <<'PY'
import re, sys
d, run, t0, t1, t2, t3, t4, checked = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8]), sys.argv[8]
acks, creates = [], []
for line in open(d + "/pause.events"):
    f = line.split()
    if f[0] == "ack":
        acks.append(int(f[1]))
    else:
        creates.append((int(f[1]), int(f[2])))
acks.sort()
def window(a, b):
    inside = [t for t in acks if a <= t <= b]
    gap = max((y - x for x, y in zip([a] + inside, inside + [b])), default=b - a)
    lat = [l for s, l in creates if a <= s <= b]
    slowest = "failed" if -1 in lat else max(lat, default=0)
    return f"{gap} {slowest}"
grow = [float(x) for x in re.findall(r"votes in the metadata quorum \(voters now \[[^]]*\], ([0-9.]+) s\)", open(d + "/grow.log").read())]
shrink = [float(x) for x in re.findall(r"no longer votes \(voters now \[[^]]*\], ([0-9.]+) s\)", open(d + "/shrink.log").read())]
print(f"run={run} grow_s={(t2 - t1) / 1000:.1f} shrink_s={(t4 - t3) / 1000:.1f} add_each_s={','.join(map(str, grow))}"
      f" remove_each_s={','.join(map(str, shrink))} quiet={window(t0, t1).replace(' ', '/')}"
      f" growing={window(t1, t2).replace(' ', '/')} shrinking={window(t3, t4).replace(' ', '/')} {checked}")
PY
  ./keks down --delete-data >/dev/null
  tail -n 1 "$out"
}

for run in $(seq "$runs"); do
  one "$run"
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
med = lambda xs: statistics.median(xs)
def col(key, i):
    return [int(r[key].split("/")[i]) if r[key].split("/")[i] != "failed" else float("inf") for r in rows]
adds = [float(x) for r in rows for x in r["add_each_s"].split(",") if x]
removes = [float(x) for r in rows for x in r["remove_each_s"].split(",") if x]
print(f"n={len(rows)} runs; apply 3->5 median {med([float(r['grow_s']) for r in rows]):.1f} s,"
      f" 5->3 median {med([float(r['shrink_s']) for r in rows]):.1f} s;"
      f" per controller added median {med(adds):.1f} s (n={len(adds)}), removed median {med(removes):.1f} s (n={len(removes)})")
for w in ("quiet", "growing", "shrinking"):
    print(f"{w:9}: longest gap between acknowledgements median {med(col(w, 0))} ms (max {max(col(w, 0))});"
          f" slowest topic creation median {med(col(w, 1))} ms (max {max(col(w, 1))})")
print(f"producer errors {sum(int(r['errors']) for r in rows)}, acknowledged records missing {sum(int(r['missing']) for r in rows)}")
PY
echo "java: $java; cores: $(nproc); commit: $(git rev-parse --short HEAD)"
