#!/usr/bin/env bash
# bench/metrics: what serving metrics costs on the seed cluster, three ways, alternating, a fresh cluster per run:
#   agent    - every node's JMX Prometheus exporter agent (examples/kafka-manifests as they are);
#   reporter - Strimzi's metrics reporter inside Kafka (metricsConfig type strimziMetricsReporter, every series);
#   none     - metricsConfig removed (the baseline).
# Per run: the seconds `keks up -d` takes until the cluster is ready, the resident memory of the six nodes once
# it is, and produce throughput (bench/metrics/Produce.java). While metrics are served, every node and the lag
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
# the same manifests without metricsConfig, and with the reporter instead of the agent
mkdir -p "$work/none" "$work/reporter"
cp examples/kafka-manifests/kafka-cluster.yaml "$work/none/"
cp examples/kafka-manifests/kafka-cluster.yaml "$work/reporter/"
python3 - "$work/none/kafka-cluster.yaml" "$work/reporter/kafka-cluster.yaml" <<'PY'
import re, sys
block = r"    # every node serves Prometheus metrics.*?\n    metricsConfig:\n(      .*\n)+"
for path, replacement in ((sys.argv[1], ""), (sys.argv[2], "    metricsConfig:\n      type: strimziMetricsReporter\n")):
    s = open(path).read()
    s, n = re.subn(block, replacement, s)
    assert n == 1, "metricsConfig not found in the example"
    open(path, "w").write(s)
PY
shift_ports=13000

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (min %.1f, max %.1f, n=%d)", m, a[1], a[NR], NR}'; }

one_run() { # $1 = label, $2 = manifests directory
  local label=$1 manifests=$2
  local home="$work/home-$label"
  local t0 t1
  t0=$(date +%s.%N)
  KEKS_HOME=$home ./keks up -d --port-shift $shift_ports -f "$manifests" -f examples/kafka-topics.yaml >/dev/null
  t1=$(date +%s.%N)
  local status
  status=$(KEKS_HOME=$home ./keks status -o json)
  # the six nodes' resident memory once ready, in MB
  local rss
  rss=$(echo "$status" | python3 -c '
import json, sys
total = 0
for n in json.load(sys.stdin)["nodes"]:
    for line in open("/proc/%d/status" % n["pid"]):
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
print(round(total / 1024))')
  local scraper=""
  if [ "$label" != none ]; then
    urls=$(echo "$status" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join([n["metricsUrl"] for n in d["nodes"]] + [d["exporterUrl"]]))')
    # shellcheck disable=SC2086
    (while true; do for u in $urls; do curl -s -o /dev/null "$u" || true; done; sleep 15; done) &
    scraper=$!
  fi
  line=$("$java" -cp "cli/target/keks/lib/*" bench/metrics/Produce.java "$home/clusters/cluster/client.properties" test-topic "$records" "$size")
  if [ -n "$scraper" ]; then kill "$scraper"; wait "$scraper" 2>/dev/null || true; fi
  KEKS_HOME=$home ./keks down --delete-data >/dev/null
  rm -rf "$home"
  awk -v a="$t0" -v b="$t1" -v r="$rss" -v l="$line" 'BEGIN { printf "up %.1f s, nodes %s MB resident, %s\n", b - a, r, l }'
}

echo "== $runs runs each of $records records of $size B, acks=all, to test-topic (12 partitions, 3 replicas)"
for i in $(seq "$runs"); do
  for label in agent reporter none; do
    case $label in
      agent) line=$(one_run agent examples/kafka-manifests) ;;
      *) line=$(one_run "$label" "$work/$label") ;;
    esac
    echo "run $i $label: $line"
    echo "$line" | sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p' >> "$work/rate-$label"
    echo "$line" | sed -n 's/^up \([0-9.]*\) s.*/\1/p' >> "$work/up-$label"
    echo "$line" | sed -n 's/.*nodes \([0-9]*\) MB.*/\1/p' >> "$work/rss-$label"
  done
done
echo
for label in agent reporter none; do
  echo "$label: produce $(median < "$work/rate-$label") records/s; up $(median < "$work/up-$label") s; nodes $(median < "$work/rss-$label") MB"
done
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
