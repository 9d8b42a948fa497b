#!/usr/bin/env bash
# bench/rebalance: the rebalance planner on made-up clusters, keks against kafka-reassign-partitions'
# own assignment code on the same input, each run a fresh JVM. Prints one line per run and the medians.
#   bench/rebalance/run.sh [RUNS]     (default 5)
# Cases: 10,000 partitions x RF 3 on 12 brokers in 3 racks with 3 empty brokers added (sizes skewed
# between topics), and the stretch case: 333,334 partitions x RF 3 (a million replicas) on 190 brokers
# in 10 racks with 10 added, planned with a 1 GB heap.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
cd "$root"
./keks --version >/dev/null
./mvnw -B -q -o test-compile -pl engine >/dev/null 2>&1 || ./mvnw -B -q test-compile -pl engine >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
kafka_version=$(sed -n 's/.*<kafka.version>\(.*\)<\/kafka.version>.*/\1/p' pom.xml | head -n1)
tools=$HOME/.m2/repository/org/apache/kafka/kafka-tools/$kafka_version/kafka-tools-$kafka_version.jar
[ -f "$tools" ] || ./mvnw -B -q dependency:get -Dartifact="org.apache.kafka:kafka-tools:$kafka_version" -Dtransitive=false >/dev/null
cp="engine/target/classes:engine/target/test-classes:model/target/classes:$(ls kafka-bundle/target/kafka/"$kafka_version"/*.jar | tr '\n' ':')$tools"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

one() { # label who args...
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  line=$("$java" -Xmx1g -cp "$cp" bench/rebalance/Planner.java "$@")
  end=$(date +%s.%N)
  echo "case=$label process_s=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}') $line" | tee -a "$out"
}

for run in $(seq "$runs"); do
  one 10k keks 12 3 3 10000 100 3 "$run"
  one 10k kafka 12 3 3 10000 100 3 "$run"
  one 1M keks 190 10 10 333334 1000 3 "$run"
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
for case in ("10k", "1M"):
    for who in ("keks", "kafka"):
        r = [x for x in rows if x["case"] == case and x["who"] == who]
        if not r:
            continue
        cells = []
        for key in ("plan_s", "process_s", "heap_mb", "replicas_max_mean", "leaders_max_mean", "bytes_max_mean", "rack_broken",
                    "moved_gb", "moved_over_netflow", "moved_over_mean_bound", "moved_over_band_bound"):
            v = sorted(float(x[key]) for x in r)
            cells.append(f"{key} {statistics.median(v):.4g} ({v[0]:.4g}-{v[-1]:.4g})")
        print(f"{case} {who} n={len(r)}: " + ", ".join(cells))
PY
