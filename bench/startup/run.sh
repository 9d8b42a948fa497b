#!/usr/bin/env bash
# bench/startup: seconds from `keks up -d` of the seed cluster (3 controllers, 3 brokers, test-topic)
# until one record has been produced and consumed back, against a hand start of the same six
# Kafka JVMs (hand-start.sh) measured in the same run. Prints one line per run and the medians.
#   bench/startup/run.sh [RUNS]          (default 5; needs a built keks: ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
lib="$root/kafka-bundle/target/kafka/4.4.0"
# both clusters stay below the ephemeral port range (32768 on Linux): no TCP self-connects
shift_ports=12000
out=$(mktemp -d)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (min %.1f, max %.1f, n=%d)", m, a[1], a[NR], NR}'; }

one_keks_run() { # $1 = KEKS_HOME
  local start end
  start=$(date +%s.%N)
  KEKS_HOME=$1 ./keks up -d --port-shift $shift_ports >/dev/null
  echo bench | KEKS_HOME=$1 ./keks produce test-topic 2>/dev/null
  KEKS_HOME=$1 ./keks consume test-topic --from-beginning --max-messages 1 >/dev/null 2>&1
  end=$(date +%s.%N)
  KEKS_HOME=$1 ./keks down --delete-data >/dev/null
  echo "$end - $start" | bc
}

echo "== keks up -d, first use (empty KEKS_HOME: no start-up caches yet)"
for i in $(seq "$runs"); do
  home=$(mktemp -d); t=$(one_keks_run "$home"); rm -rf "$home"
  echo "run $i: $t s"; echo "$t" >> "$out/cold"
done
echo "== keks up -d, later clusters (KEKS_HOME keeps its start-up caches; each cluster is new)"
# two clusters first: on JDK 25 a command's first run records its classes, the second builds its
# cache in the background; wait for those builds so they do not share the CPU with the runs timed
home=$(mktemp -d); one_keks_run "$home" >/dev/null; one_keks_run "$home" >/dev/null
while compgen -G "$home/cache/aot/*.lock" >/dev/null; do sleep 1; done
for i in $(seq "$runs"); do
  t=$(one_keks_run "$home"); echo "run $i: $t s"; echo "$t" >> "$out/warm"
done
rm -rf "$home"
echo "== baseline: hand start of the same six nodes (bench/startup/hand-start.sh)"
for i in $(seq "$runs"); do
  t=$(bench/startup/hand-start.sh "$lib" "$java" 23000 | sed -n 's/six nodes started in \([0-9.]*\) s/\1/p')
  echo "run $i: $t s"; echo "$t" >> "$out/hand"
done
echo
echo "keks up -d + produce + consume, first use: median $(median < "$out/cold") s"
echo "keks up -d + produce + consume, later:     median $(median < "$out/warm") s"
echo "hand start of six JVMs until started:      median $(median < "$out/hand") s"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
rm -rf "$out"
