#!/usr/bin/env bash
# bench/rebalance/real.sh: brokers 3 -> 4 on the seed cluster with PARTITIONS partitions (x 3 replicas) holding MB
# megabytes, under an acks=all idempotent producer (bench/rebalance/Guard.java, 200 records/s), each run a fresh
# cluster, the two ways alternating:
#   keks     keks apply of the broker pool grown to 4, with spec.cruiseControl.autoRebalance add-brokers and a
#            template of replicationThrottle THROTTLE: broker 6 starts and joins, then its share is moved onto it;
#            timed until keks apply returns, when broker 6 holds its share
#   by-hand  the same apply without autoRebalance (broker 6 only starts and joins), then the moves keks would make
#            (its proposal of an add-brokers KafkaRebalance, not approved) handed to kafka-reassign-partitions
#            --execute --throttle THROTTLE and timed until --verify reports every partition complete
# After each run: producer errors, and acknowledged records missing when the topic is read back.
#   bench/rebalance/real.sh [RUNS] [PARTITIONS] [MB] [THROTTLE_BYTES_PER_S]   (default 3 1000 500 20971520)
# WAYS="keks" runs one way only; CONCURRENCY sets the template's concurrentPartitionMovementsPerBroker (default 5,
# Cruise Control's; kafka-reassign-partitions moves every partition at once). When the producer saw errors, the
# node logs are kept under KEEP_DIR (/tmp).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
partitions=${2:-1000}
mb=${3:-500}
throttle=${4:-20971520}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
kafka_version=$(sed -n 's/.*<kafka.version>\(.*\)<\/kafka.version>.*/\1/p' pom.xml | head -n1)
tools=$HOME/.m2/repository/org/apache/kafka/kafka-tools/$kafka_version/kafka-tools-$kafka_version.jar
[ -f "$tools" ] || ./mvnw -B -q dependency:get -Dartifact="org.apache.kafka:kafka-tools:$kafka_version" -Dtransitive=false >/dev/null
kafka_cp="kafka-bundle/target/kafka/$kafka_version/*:$tools"
work=$(mktemp -d)
export KEKS_HOME
cleanup() { touch "$work/stop"; [ -n "${KEKS_HOME:-}" ] && ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
out=$work/results

manifests() { # $1 = dir, $2 = with or without autoRebalance, $3 = broker replicas
  mkdir -p "$1"
  cp examples/kafka-manifests/*.yaml "$1/"
  python3 - "$1/kafka-cluster.yaml" "$2" "$3" <<'PY'
import re, sys
p, mode, replicas = sys.argv[1], sys.argv[2], sys.argv[3]
s = open(p).read()
auto = "  cruiseControl:\n    autoRebalance:\n      - mode: add-brokers\n"
assert auto in s, "the example's autoRebalance is not where this script expects it"
s = s.replace(auto, auto + "        template: {name: grow}\n" if mode == "with" else "  cruiseControl: {}\n")
docs = s.split("---\n")
for i, d in enumerate(docs):
    if "kind: KafkaNodePool" in d and "name: broker" in d:
        docs[i] = re.sub(r"(?m)^  replicas: 3$", "  replicas: " + replicas, d, count=1)
open(p, "w").write("---\n".join(docs))
PY
  cat > "$1/rebalance-template.yaml" <<YAML
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaRebalance
metadata:
  name: grow
  labels: {strimzi.io/cluster: cluster}
  annotations: {strimzi.io/rebalance-template: "true"}
spec:
  replicationThrottle: $throttle
  concurrentPartitionMovementsPerBroker: ${CONCURRENCY:-5}
YAML
}

one() { # $1 = keks or by-hand, $2 = run
  local way=$1 run=$2
  KEKS_HOME=$work/home-$way-$run
  local dir=$work/$way-$run
  manifests "$dir/three" "$([ "$way" = keks ] && echo with || echo without)" 3
  manifests "$dir/four" "$([ "$way" = keks ] && echo with || echo without)" 4
  ./keks up -d --port-shift 16000 -f "$dir/three" >/dev/null
  cat > "$dir/topic.yaml" <<YAML
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: bench-topic
  labels: {strimzi.io/cluster: cluster}
spec:
  partitions: $partitions
  replicas: 3
  config: {min.insync.replicas: 2}
YAML
  ./keks apply -f "$dir/topic.yaml" >/dev/null
  local props=$KEKS_HOME/clusters/cluster/client.properties
  "$java" -cp "cli/target/keks/lib/*" bench/metrics/Produce.java "$props" bench-topic $((mb * 1024)) 1024 >/dev/null
  rm -f "$work/stop"
  "$java" -cp "cli/target/keks/lib/*" bench/rebalance/Guard.java produce "$props" bench-topic 200 "$dir/acked" "$work/stop" &
  local guard=$!
  sleep 10
  local start end seconds
  if [ "$way" = keks ]; then
    start=$(date +%s.%N)
    ./keks apply -f "$dir/four" > "$dir/apply.log"
    end=$(date +%s.%N)
    seconds=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}')
    moved=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["optimizationResult"]["numReplicaMovements"])' \
      "$KEKS_HOME/clusters/cluster/rebalances/cluster-auto-rebalancing-add-brokers.json")
    echo "way=keks run=$run total_s=$seconds apply_s=$seconds moves_s=- replica_moves=$moved" >> "$out.$run"
  else
    start=$(date +%s.%N)
    ./keks apply -f "$dir/four" > "$dir/apply.log"
    local joined
    joined=$(date +%s.%N)
    # the moves keks would make, as a proposal nobody approves (the planning is not timed)
    cat > "$dir/plan.yaml" <<YAML
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaRebalance
metadata:
  name: plan
  labels: {strimzi.io/cluster: cluster}
spec: {mode: add-brokers, brokers: [6]}
YAML
    ./keks apply -f "$dir/plan.yaml" >/dev/null
    python3 - "$KEKS_HOME/clusters/cluster/rebalances/plan.json" "$dir/reassign.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
moves = [{"topic": m["topic"], "partition": m["partition"], "replicas": m["replicas"]} for m in s["proposal"]]
json.dump({"version": 1, "partitions": moves}, open(sys.argv[2], "w"))
PY
    local bootstrap
    bootstrap=$(sed -n 's/^bootstrap.servers=//p' "$props")
    local moving_start
    moving_start=$(date +%s.%N)
    "$java" -cp "$kafka_cp" org.apache.kafka.tools.reassign.ReassignPartitionsCommand --bootstrap-server "$bootstrap" \
      --command-config "$props" --reassignment-json-file "$dir/reassign.json" --execute --throttle "$throttle" > "$dir/execute.log"
    until "$java" -cp "$kafka_cp" org.apache.kafka.tools.reassign.ReassignPartitionsCommand --bootstrap-server "$bootstrap" \
        --command-config "$props" --reassignment-json-file "$dir/reassign.json" --verify > "$dir/verify.log" 2>&1 \
        && ! grep -q "still in progress" "$dir/verify.log"; do
      sleep 1
    done
    end=$(date +%s.%N)
    moved=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["optimizationResult"]["numReplicaMovements"])' \
      "$KEKS_HOME/clusters/cluster/rebalances/plan.json")
    echo "way=by-hand run=$run total_s=$(awk -v s="$start" -v e="$end" -v j="$joined" -v m="$moving_start" \
      'BEGIN {printf "%.1f apply_s=%.1f moves_s=%.1f", (j - s) + (e - m), j - s, e - m}') replica_moves=$moved" >> "$out.$run"
  fi
  sleep 5
  touch "$work/stop"
  wait "$guard"
  echo "way=$way run=$run $("$java" -cp "cli/target/keks/lib/*" bench/rebalance/Guard.java verify "$props" bench-topic "$dir/acked")" \
    >> "$out.$run"
  if [ -s "$dir/acked.errors" ]; then
    # what the producer saw and the nodes logged, kept for a look after the run
    local keep
    keep=${KEEP_DIR:-/tmp}/rebalance-$way-$run-$(date +%s)
    mkdir -p "$keep"
    cp "$dir"/*.log "$dir/acked.errors" "$keep/" 2>/dev/null || true
    for n in "$KEKS_HOME"/clusters/cluster/nodes/*/; do cp "$n/kafka.log" "$keep/node-$(basename "$n").log" 2>/dev/null || true; done
    echo "producer errors: logs kept in $keep" >&2
  fi
  ./keks down --delete-data >/dev/null
  tail -n 2 "$out.$run"
}

for run in $(seq "$runs"); do
  for way in ${WAYS:-keks by-hand}; do
    one "$way" "$run"
  done
done
cat "$out".* > "$out"
python3 - "$out" <<'PY'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
for way in ("keks", "by-hand"):
    timed = [r for r in rows if r["way"] == way and "total_s" in r]
    checked = [r for r in rows if r["way"] == way and "missing" in r]
    if not timed:
        continue
    t = sorted(float(r["total_s"]) for r in timed)
    print(f"{way}: until broker 6 holds its share median {statistics.median(t):.1f} s ({t[0]:.1f}-{t[-1]:.1f}, n={len(t)});"
          f" replica moves {[r['replica_moves'] for r in timed]};"
          f" apply {[r['apply_s'] for r in timed]} moves {[r['moves_s'] for r in timed]};"
          f" producer errors {sum(int(r['errors']) for r in checked)}, acknowledged records missing {sum(int(r['missing']) for r in checked)}")
PY
echo "java: $java; cores: $(nproc); commit: $(git rev-parse --short HEAD); partitions $partitions x 3, $mb MB, throttle $throttle B/s," \
  "concurrentPartitionMovementsPerBroker ${CONCURRENCY:-5}"
