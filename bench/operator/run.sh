#!/usr/bin/env bash
# bench/operator: the keks operator's resident memory and reconciliation time, for the seed cluster
# and for ten copies of it, with the JVM options and environment of its Helm chart. The API server is
# the fabric8 mock server; every copy is backed by one real local seed cluster (keks up -d), so each
# reconciliation observes real Kafka. Prints one line per run and the medians.
#   bench/operator/run.sh [RUNS]     (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
cd "$root"
./mvnw -B -q install -DskipTests -pl operator -am >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
# the chart's JVM options, read from its values so the two cannot drift apart
java_opts=$(sed -n 's/^javaOptions: "\(.*\)"$/\1/p' deploy/helm/keks-operator/values.yaml)
cp_file=$(mktemp)
./mvnw -B -q dependency:build-classpath -pl operator -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
bench_cp="operator/target/test-classes:operator/target/classes:$(cat "$cp_file")"
operator_cp="operator/target/keks-operator/lib/*:operator/target/test-classes"
export KEKS_HOME
KEKS_HOME=$(mktemp -d)
out=$(mktemp)
cleanup() { ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$KEKS_HOME" "$cp_file"; }
trap cleanup EXIT
./keks up -d --port-shift 14000 >/dev/null
echo "== operator JVM options: $java_opts (MALLOC_ARENA_MAX=2)"
for run in $(seq "$runs"); do
  for n in 1 10; do
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=2 "$java" -cp "$bench_cp" io.keks.operator.bench.OperatorBench "$n" \
      "$KEKS_HOME/clusters/cluster/client.properties" examples "$operator_cp" $java_opts 2>/dev/null \
      | grep '^clusters=' | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1])]
for n in ("1", "10"):
    r = [x for x in rows if x["clusters"] == n]
    for key in ("rss_mib_median", "mean_reconcile_ms", "ready_s"):
        v = sorted(float(x[key]) for x in r)
        print(f"clusters={n} {key}: median {statistics.median(v):.1f} (min {v[0]:.1f}, max {v[-1]:.1f}, n={len(v)})")
PY
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
