#!/usr/bin/env bash
# bench/startup: seconds from `keks up -d` of the seed cluster (3 controllers, 3 brokers, test-topic)
# until it returns ready (test-topic made), and until one record has been produced and consumed back,
# against a hand start of the same six Kafka JVMs (hand-start.sh) until every broker started and until
# a 12 x 3 topic is made with kafka-topics, measured in the same run after an untimed hand start.
# Prints one line per run and the medians.
#   bench/startup/run.sh [RUNS]          (default 5; needs a built keks: ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
cd "$root"
./keks --version >/dev/null
java=$(find /usr/lib/jvm -maxdepth 3 -path '*/bin/java' | sort | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
lib="$root/kafka-bundle/target/kafka/4.4.0"
# both clusters stay below the ephemeral port range (32768 on Linux): no TCP self-connects
shift_ports=12000
out=$(mktemp -d)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (min %.1f, max %.1f, n=%d)", m, a[1], a[NR], NR}'; }

one_keks_run() { # $1 = KEKS_HOME; prints the seconds until up -d returned, and until the record was read back
  local start up end
  start=$(date +%s.%N)
  KEKS_HOME=$1 ./keks up -d --port-shift $shift_ports >/dev/null
  up=$(date +%s.%N)
  echo bench | KEKS_HOME=$1 ./keks produce test-topic 2>/dev/null
  KEKS_HOME=$1 ./keks consume test-topic --from-beginning --max-messages 1 >/dev/null 2>&1
  end=$(date +%s.%N)
  KEKS_HOME=$1 ./keks down --delete-data >/dev/null
  echo "$(echo "$up - $start" | bc) $(echo "$end - $start" | bc)"
}

echo "== keks up -d, first use (empty KEKS_HOME: no start-up caches yet)"
for i in $(seq "$runs"); do
  home=$(mktemp -d); read -r u t < <(one_keks_run "$home"); rm -rf "$home"
  echo "run $i: ready $u s, record read back $t s"; echo "$t" >> "$out/cold"
done
echo "== keks up -d, second cluster (a new KEKS_HOME with one cluster before it: each command's start-up cache is built now)"
for i in $(seq "$runs"); do
  home=$(mktemp -d); one_keks_run "$home" >/dev/null; read -r u t < <(one_keks_run "$home")
  while compgen -G "$home/cache/aot/*.lock" >/dev/null; do sleep 1; done
  rm -rf "$home"
  echo "run $i: ready $u s, record read back $t s"; echo "$t" >> "$out/second"; echo "$u" >> "$out/second-up"
done
echo "== keks up -d, later clusters (KEKS_HOME keeps its start-up caches; each cluster is new)"
# two clusters first: on JDK 25 a command's first run records its classes, the second builds its
# cache in the background; wait for those builds so they do not share the CPU with the runs timed
home=$(mktemp -d); one_keks_run "$home" >/dev/null; one_keks_run "$home" >/dev/null
while compgen -G "$home/cache/aot/*.lock" >/dev/null; do sleep 1; done
for i in $(seq "$runs"); do
  read -r u t < <(one_keks_run "$home")
  echo "run $i: ready $u s, record read back $t s"; echo "$t" >> "$out/warm"; echo "$u" >> "$out/warm-up"
done
rm -rf "$home"
echo "== baseline: hand start of the same six nodes, then kafka-topics --create (bench/startup/hand-start.sh)"
TOPIC=test-topic bench/startup/hand-start.sh "$lib" "$java" 23000 >/dev/null   # untimed: the page cache warmed
for i in $(seq "$runs"); do
  # (hand-start.sh says on its stdout why it failed: show that, not only the exit)
  lines=$(TOPIC=test-topic bench/startup/hand-start.sh "$lib" "$java" 23000) || { echo "hand start $i failed: $lines" >&2; exit 1; }
  t=$(echo "$lines" | sed -n 's/six nodes started in \([0-9.]*\) s/\1/p')
  c=$(echo "$lines" | sed -n 's/six nodes started and test-topic created in \([0-9.]*\) s/\1/p')
  echo "run $i: started $t s, topic created $c s"; echo "$t" >> "$out/hand"; echo "$c" >> "$out/hand-topic"
done
echo
echo "keks up -d + produce + consume, first use: median $(median < "$out/cold") s"
echo "keks up -d + produce + consume, second:    median $(median < "$out/second") s"
echo "keks up -d until ready, second cluster:    median $(median < "$out/second-up") s"
echo "keks up -d + produce + consume, later:     median $(median < "$out/warm") s"
echo "keks up -d until ready, later:             median $(median < "$out/warm-up") s"
echo "hand start of six JVMs until started:      median $(median < "$out/hand") s"
echo "hand start until test-topic created:       median $(median < "$out/hand-topic") s"
python3 - "$out/warm-up" "$out/hand-topic" <<'PY'
import statistics, sys
keks, hand = ([float(l) for l in open(p)] for p in sys.argv[1:3])
r = [k / h for k, h in zip(keks, hand)]
print(f"keks ready / hand start with topic, run by run: median {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f}, n={len(r)});"
      f" of the medians {statistics.median(keks) / statistics.median(hand):.2f}")
PY
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
rm -rf "$out"
