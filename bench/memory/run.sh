#!/usr/bin/env bash
# bench/memory: the resident memory of the whole local seed cluster at rest (examples/kafka-manifests with
# examples/kafka-topics.yaml, on the default heap cap): its six nodes, and the supervisor that also runs the lag
# exporter and the dashboard; read from /proc after the cluster has been ready for REST seconds. Baseline, in the
# same run: the same six nodes started by hand with plain `java -Xmx512m kafka.Kafka` (bench/startup/hand-start.sh).
#   bench/memory/run.sh [RUNS] [REST]     (default 5 runs, 60 s at rest)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
rest=${2:-60}
cd "$root"
./keks --version >/dev/null
java=$(find /usr/lib/jvm -maxdepth 3 -path '*/bin/java' | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | sort | tail -n1)
lib="$root/kafka-bundle/target/kafka/4.4.0"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f (min %.0f, max %.0f, n=%d)", m, a[1], a[NR], NR}'; }
rss() { awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$1/status"; }

for i in $(seq "$runs"); do
  home=$(mktemp -d)
  KEKS_HOME=$home ./keks up -d --port-shift 14000 -f examples/kafka-manifests -f examples/kafka-topics.yaml >/dev/null
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
  echo "run $i keks: $total MB (controllers $controllers, brokers $brokers, supervisor and exporter $supervisor)"
  echo "$total" >> "$out/keks"; echo "$controllers" >> "$out/keks-c"; echo "$brokers" >> "$out/keks-b"; echo "$supervisor" >> "$out/keks-s"
  KEKS_HOME=$home ./keks down --delete-data >/dev/null
  rm -rf "$home"
  line=$(REST_SECONDS=$rest bench/startup/hand-start.sh "$lib" "$java" 24000 | grep '^resident')
  echo "run $i by hand: $line"
  echo "$line" | sed -n 's/.*rest: \([0-9]*\) MB.*/\1/p' >> "$out/hand"
done
echo
echo "keks seed cluster at rest, all processes: median $(median < "$out/keks") MB"
echo "  controllers $(median < "$out/keks-c") MB; brokers $(median < "$out/keks-b") MB; supervisor $(median < "$out/keks-s") MB"
echo "six nodes started by hand (-Xmx512m):     median $(median < "$out/hand") MB"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
