#!/usr/bin/env bash
# bench/roll: a full `keks roll` of the seed cluster (3 controllers, 3 brokers) under a steady
# acks=all idempotent produce load, against the sum of rolling each node alone (`keks roll NODE`:
# the safety check, the restart and the wait until the node is back and caught up), and produce
# latency during the full roll against the 30 s before the first roll.
# Roll times are the supervisor's own (roll.json: from taking up the request to done), so the
# keks command's JVM start is counted in neither.
#   bench/roll/run.sh [RUNS]     (default 3; needs a built keks: ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
rate=${RATE:-1000}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
export KEKS_HOME
KEKS_HOME=$(mktemp -d)
out=$(mktemp -d)
cleanup() { touch "$out/stop"; ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$KEKS_HOME"; }
trap cleanup EXIT

# the supervisor's window of the last roll, in epoch seconds; fails unless it finished cleanly
last_roll() {
  python3 - "$KEKS_HOME/clusters/cluster/roll.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r["phase"] != "Done":
    sys.exit("the roll did not finish: " + str(r.get("failure")))
print(r["startedAt"] / 1000, r["finishedAt"] / 1000)
PY
}

./keks up -d --port-shift 12000 >/dev/null
echo "== seed cluster up; producing $rate records/s (acks=all, idempotent) to test-topic"
"$java" -cp "cli/target/keks/lib/*" bench/roll/Load.java "$KEKS_HOME/clusters/cluster/client.properties" test-topic "$rate" \
  "$out/latency" "$out/stop" &
sleep 20   # producer and JIT warm-up
start=$(date +%s.%N); sleep 30; echo "baseline $start $(date +%s.%N)" >> "$out/windows"
nodes=$(./keks status -o json | python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(sys.stdin)["nodes"]))')
for run in $(seq "$runs"); do
  for n in $nodes; do
    ./keks roll "$n" >/dev/null
    read -r s e < <(last_roll)
    cp "$KEKS_HOME/clusters/cluster/roll.json" "$out/single$run-$n.json"
    echo "single$run-$n $s $e" >> "$out/windows"
    echo "run $run: $n alone: $(python3 -c "print(round($e - $s, 1))") s"
    sleep 5
  done
  ./keks roll > "$out/roll-$run.log"
  read -r s e < <(last_roll)
  cp "$KEKS_HOME/clusters/cluster/roll.json" "$out/full$run.json"
  echo "full$run $s $e" >> "$out/windows"
  echo "run $run: full roll: $(python3 -c "print(round($e - $s, 1))") s"
  sleep 5
done
touch "$out/stop"; wait
echo
python3 bench/roll/stats.py "$out/latency" "$out/windows" "$out"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
