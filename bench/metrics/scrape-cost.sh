#!/usr/bin/env bash
# bench/metrics/scrape-cost.sh: the CPU each node's JMX exporter agent spends per scrape, with keks' metrics
# ConfigMap as it is (its includeObjectNames list) and without that list (the agent then reads every MBean).
# For each variant: one seed cluster, 100,000 records produced first (so request histograms hold samples), then
# each node scraped N times; prints per node the CPU milliseconds per scrape (from /proc), the wall time per
# scrape, and how many series and bytes a scrape returns.
#   bench/metrics/scrape-cost.sh [N]     (default 10 scrapes per node; needs a built keks: ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-10}
cd "$root"
./keks --version >/dev/null
java=$(find /usr/lib/jvm -maxdepth 3 -path "*/bin/java" | sort | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/all-mbeans"
cp examples/kafka-manifests/* "$work/all-mbeans/"
python3 - "$work/all-mbeans/kafka-metrics.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s, n = re.subn(r"    includeObjectNames:\n(      - .*\n)+", "", s)
assert n == 1, "includeObjectNames not found in the example"
open(sys.argv[1], "w").write(s)
PY
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for variant in listed all-mbeans; do
  manifests=examples/kafka-manifests
  [ "$variant" = all-mbeans ] && manifests="$work/all-mbeans"
  export KEKS_HOME="$work/home-$variant"
  ./keks up -d --port-shift 13000 -f "$manifests" -f examples/kafka-topics.yaml >/dev/null
  "$java" -cp "cli/target/keks/lib/*" bench/metrics/Produce.java "$KEKS_HOME/clusters/cluster/client.properties" test-topic 100000 1024 >/dev/null
  sleep 5
  echo "== $variant"
  ./keks status -o json | python3 -c 'import json, sys
for n in json.load(sys.stdin)["nodes"]: print(n["id"], n["pid"], n["metricsUrl"])' > "$work/nodes"
  while read -r id pid url; do
    curl -s "$url" > "$work/body"
    series=$(grep -vc '^#' "$work/body"); bytes=$(wc -c < "$work/body")
    a=$(cpu "$pid"); t0=$(date +%s%N)
    for _ in $(seq "$n"); do curl -s -o /dev/null "$url"; done
    t1=$(date +%s%N); b=$(cpu "$pid")
    echo "node $id: $(( (b - a) * 1000 / tick / n )) ms CPU per scrape, $(( (t1 - t0) / 1000000 / n )) ms wall, $series series, $bytes B"
  done < "$work/nodes"
  ./keks down --delete-data >/dev/null
done
echo "commit: $(git rev-parse --short HEAD); cores: $(nproc)"
