#!/usr/bin/env bash
# bench/roll/by-rack.sh: rolling the brokers of a cluster of 6 brokers over 3 racks (and 3 controllers) one at a time,
# against `--by-rack` (the two brokers of a rack restarted together), under a steady acks=all idempotent producer.
# The cluster is the seed's with 6 broker replicas (zone-a, zone-b, zone-c in turn) and test-topic (12 x 3, one replica
# per rack, min.insync.replicas 2). Each run rolls the six brokers both ways, which of the two goes first alternating.
# Both are `keks roll` of the six brokers, the restart a configuration change that needs one makes. Roll times are
# the supervisor's own (roll.json: from taking up the request to done). At the end every record the producer saw
# acknowledged is read back from the topic.
#   bench/roll/by-rack.sh [RUNS]     (default 5; needs a built keks: ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
rate=${RATE:-1000}
cd "$root"
./keks --version >/dev/null
java=$(find /usr/lib/jvm -maxdepth 3 -path '*/bin/java' | sort | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
export KEKS_HOME
KEKS_HOME=$(mktemp -d)
out=$(mktemp -d)
cleanup() { touch "$out/stop"; ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$KEKS_HOME" "$out"; }
trap cleanup EXIT

mkdir -p "$out/manifests"
cp examples/kafka-manifests/*.yaml "$out/manifests/"
python3 - "$out/manifests/kafka-cluster.yaml" <<'PY'
import re, sys
path = sys.argv[1]
s = open(path).read()
# the broker pool is the last document
head, sep, brokers = s.rpartition("kind: KafkaNodePool")
brokers, n = re.subn(r"replicas: 3\n", "replicas: 6\n", brokers, count=1)
assert n == 1 and "name: broker" in brokers, "the broker pool was not found"
open(path, "w").write(head + sep + brokers)
PY

last_roll() { # the supervisor's window of the last roll, in epoch seconds; fails unless it finished cleanly
  python3 - "$KEKS_HOME/clusters/cluster/roll.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r["phase"] != "Done":
    sys.exit("the roll did not finish: " + str(r.get("failure")))
print(r["startedAt"] / 1000, r["finishedAt"] / 1000)
PY
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (min %.1f, max %.1f, n=%d)", m, a[1], a[NR], NR}'; }

./keks up -d --port-shift 12000 -f "$out/manifests" -f examples/kafka-topics.yaml >/dev/null
brokers=$(./keks status -o json | python3 -c '
import json, sys
nodes = [n for n in json.load(sys.stdin)["nodes"] if "broker" in n["roles"]]
assert len(nodes) == 6 and len({n["rack"] for n in nodes}) == 3, "expected 6 brokers over 3 racks"
print(" ".join(n["name"] for n in nodes))')
echo "== 3 controllers and 6 brokers over 3 racks up; producing $rate records/s (acks=all, idempotent) to test-topic"
"$java" -cp "cli/target/keks/lib/*" bench/roll/Load.java "$KEKS_HOME/clusters/cluster/client.properties" test-topic "$rate" \
  "$out/latency" "$out/stop" &
load=$!
sleep 20   # producer and JIT warm-up
roll() { # $1 = label, then keks roll's options
  local label=$1; shift
  # shellcheck disable=SC2086
  ./keks roll "$@" $brokers > "$out/$label.log"
  read -r s e < <(last_roll)
  python3 -c "print(round($e - $s, 1))" >> "$out/$label"
  echo "$label $s $e" >> "$out/windows"
  echo "run $run: $label: $(tail -n1 "$out/$label") s"
  sleep 5
}
for run in $(seq "$runs"); do
  if [ $((run % 2)) -eq 1 ]; then roll one-at-a-time; roll by-rack --by-rack; else roll by-rack --by-rack; roll one-at-a-time; fi
  grep -q "in this order: .*+" "$out/by-rack.log" || { echo "the roll by rack did not restart a rack's brokers together:"; cat "$out/by-rack.log"; exit 1; }
done
touch "$out/stop"; wait "$load"
echo
paste -d' ' "$out/one-at-a-time" "$out/by-rack" | awk '{print $2 / $1}' > "$out/ratio"
echo "one broker at a time: median $(median < "$out/one-at-a-time") s"
echo "by rack:              median $(median < "$out/by-rack") s"
python3 - "$out/ratio" <<'PY'
import statistics, sys
r = [float(l) for l in open(sys.argv[1])]
print(f"by rack / one at a time, per run: median {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f}, n={len(r)})")
PY
python3 - "$out/latency" "$out/windows" <<'PY'
import sys
samples = [l.split() for l in open(sys.argv[1])]
print(f"producer: {sum(1 for s in samples if s[2] == '0')} records acknowledged, {sum(1 for s in samples if s[2] != '0')} errors")
for label in ("one-at-a-time", "by-rack"):
    ws = [(float(a) * 1000, float(b) * 1000) for n, a, b in (l.split() for l in open(sys.argv[2])) if n == label]
    lat = sorted(float(s[1]) for s in samples if any(a <= int(s[0]) < b for a, b in ws))
    print(f"produce latency during {label}: p50 {lat[len(lat) // 2]:.0f} ms, p99 {lat[int(len(lat) * 0.99)]:.0f} ms, max {lat[-1]:.0f} ms")
PY
"$java" -cp "cli/target/keks/lib/*" bench/roll/Verify.java "$KEKS_HOME/clusters/cluster/client.properties" test-topic "$out/latency"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
