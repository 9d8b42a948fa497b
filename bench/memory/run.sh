#!/usr/bin/env bash
# bench/memory: the resident memory of the whole local seed cluster at rest (examples/kafka-manifests with
# examples/kafka-topics.yaml, on the default heap cap): its six nodes, and the supervisor that also runs the lag
# exporter and the dashboard; read from /proc after the cluster has been ready for REST seconds. Then, on the same
# cluster, produce throughput (bench/metrics/Produce.java), to show what the memory saved costs under load.
# Three variants per run, in turn:
#   keks      - keks as it is;
#   keks-full - keks with the nodes' sizing before heaps it sizes started small: -Xms equal to -Xmx (512m), and
#               Kafka's default 128 MB log cleaner map (log.cleaner.dedupe.buffer.size) on every broker;
#   hand      - the same six nodes started by hand with plain `java -Xmx512m kafka.Kafka`
#               (bench/startup/hand-start.sh), memory only.
#   bench/memory/run.sh [RUNS] [REST] [RECORDS]     (default 5 runs, 45 s at rest, 300,000 records of 1 KB)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
rest=${2:-45}
records=${3:-300000}
cd "$root"
./keks --version >/dev/null
java=$(find /usr/lib/jvm -maxdepth 3 -path '*/bin/java' | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | sort | tail -n1)
lib="$root/kafka-bundle/target/kafka/4.4.0"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the previous sizing's cleaner map, as a config the manifest names
mkdir -p "$out/full"
cp examples/kafka-manifests/*.yaml "$out/full/"
python3 - "$out/full/kafka-cluster.yaml" <<'PY'
import sys
path = sys.argv[1]
s = open(path).read()
anchor = "      min.insync.replicas: 2\n"
assert anchor in s, "min.insync.replicas not found in the example"
open(path, "w").write(s.replace(anchor, anchor + "      log.cleaner.dedupe.buffer.size: 134217728\n", 1))
PY

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f (min %.0f, max %.0f, n=%d)", m, a[1], a[NR], NR}'; }
rss() { awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$1/status"; }

keks_run() { # $1 = label, $2 = manifests directory, $3 = extra node JVM options
  local label=$1 manifests=$2 home
  home=$(mktemp -d)
  KEKS_NODE_JVM_OPTS=$3 KEKS_HOME=$home ./keks up -d --port-shift 14000 -f "$manifests" -f examples/kafka-topics.yaml >/dev/null
  sleep "$rest"
  read -r controllers brokers < <(KEKS_HOME=$home ./keks status -o json | python3 -c '
import json, sys
c = b = 0
for n in json.load(sys.stdin)["nodes"]:
    kb = next(int(l.split()[1]) for l in open("/proc/%d/status" % n["pid"]) if l.startswith("VmRSS:"))
    if "broker" in n["roles"]: b += kb
    else: c += kb
print(c // 1024, b // 1024)')
  supervisor=$(rss "$(cat "$home/clusters/cluster/supervisor.pid")")
  total=$((controllers + brokers + supervisor))
  rate=$("$java" -cp "cli/target/keks/lib/*" bench/metrics/Produce.java "$home/clusters/cluster/client.properties" test-topic "$records" 1024 \
    | sed -n 's/.*: \([0-9]*\) records\/s.*/\1/p')
  echo "run $i $label: $total MB (controllers $controllers, brokers $brokers, supervisor and exporter $supervisor); then $rate records/s"
  echo "$total" >> "$out/$label"; echo "$controllers" >> "$out/$label-c"; echo "$brokers" >> "$out/$label-b"
  echo "$supervisor" >> "$out/$label-s"; echo "$rate" >> "$out/$label-rate"
  KEKS_HOME=$home ./keks down --delete-data >/dev/null
  rm -rf "$home"
}

for i in $(seq "$runs"); do
  keks_run keks examples/kafka-manifests ""
  keks_run keks-full "$out/full" "-Xms512m"
  line=$(REST_SECONDS=$rest bench/startup/hand-start.sh "$lib" "$java" 24000 | grep '^resident')
  echo "run $i by hand: $line"
  echo "$line" | sed -n 's/.*rest: \([0-9]*\) MB.*/\1/p' >> "$out/hand"
done
echo
for label in keks keks-full; do
  echo "$label at rest, all processes: median $(median < "$out/$label") MB"
  echo "  controllers $(median < "$out/$label-c") MB; brokers $(median < "$out/$label-b") MB; supervisor $(median < "$out/$label-s") MB"
  echo "  then produce: median $(median < "$out/$label-rate") records/s"
done
echo "six nodes started by hand (-Xmx512m): median $(median < "$out/hand") MB"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
