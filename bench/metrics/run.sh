#!/usr/bin/env bash
# bench/metrics: produce throughput on the seed cluster with every node's JMX Prometheus exporter
# agent (examples/kafka-manifests as they are) against the same cluster without it (metricsConfig
# removed), alternating, a fresh cluster per run. While the agent runs, every node and the lag
# exporter are scraped every 15 s, as Prometheus would. Prints one line per run and the medians.
#   bench/metrics/run.sh [RUNS] [RECORDS] [SIZE]     (default 5 runs of 500,000 records of 1024 B)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
records=${2:-500000}
size=${3:-1024}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the same manifests without metricsConfig (and so without the agent)
mkdir -p "$work/without"
cp examples/kafka-manifests/kafka-cluster.yaml "$work/without/"
python3 - "$work/without/kafka-cluster.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s, n = re.subn(r"    # every node serves Prometheus metrics.*?\n    metricsConfig:\n(      .*\n)+", "", s)
assert n == 1, "metricsConfig not found in the example"
open(p, "w").write(s)
PY
shift_ports=13000

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f (min %.0f, max %.0f, n=%d)", m, a[1], a[NR], NR}'; }

one_run() { # $1 = label, $2.. = manifests
  local label=$1; shift
  local home="$work/home-$label"
  local args=()
  for m in "$@"; do args+=(-f "$m"); done
  KEKS_HOME=$home ./keks up -d --port-shift $shift_ports "${args[@]}" -f examples/kafka-topics.yaml >/dev/null
  local scraper=""
  if [ "$label" = with ]; then
    urls=$(KEKS_HOME=$home ./keks status -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join([n["metricsUrl"] for n in d["nodes"]] + [d["exporterUrl"]]))')
    # shellcheck disable=SC2086
    (while true; do for u in $urls; do curl -s -o /dev/null "$u" || true; done; sleep 15; done) &
    scraper=$!
  fi
  line=$("$java" -cp "cli/target/keks/lib/*" bench/metrics/Produce.java "$home/clusters/cluster/client.properties" test-topic "$records" "$size")
  if [ -n "$scraper" ]; then kill "$scraper"; wait "$scraper" 2>/dev/null || true; fi
  KEKS_HOME=$home ./keks down --delete-data >/dev/null
  rm -rf "$home"
  echo "$line"
}

echo "== $runs runs each of $records records of $size B, acks=all, to test-topic (12 partitions, 3 replicas)"
for i in $(seq "$runs"); do
  for label in with without; do
    if [ "$label" = with ]; then line=$(one_run with examples/kafka-manifests); else line=$(one_run without "$work/without"); fi
    echo "run $i $label agent: $line"
    echo "$line" | sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p' >> "$work/rate-$label"
  done
done
echo
echo "with the metrics agent:    median $(median < "$work/rate-with") records/s"
echo "without the metrics agent: median $(median < "$work/rate-without") records/s"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
