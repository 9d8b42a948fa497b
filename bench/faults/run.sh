#!/usr/bin/env bash
# bench/faults: a seeded random campaign of faults against the seed cluster (3 controllers, 3 brokers) run by
# `keks up -d`, under a steady acks=all idempotent producer and a consumer group that commits as it reads:
# kill -9 of a broker, of the active controller, of two brokers at once, of the supervisor (then `keks up -d`),
# of the supervisor in the middle of a `keks roll` (then `keks up -d`), and SIGSTOP of a broker (20 s) or of the
# active controller (15 s). After each fault it waits until the cluster has been Ready for 20 s, then 5-15 s more.
# It stops once both MINUTES and FAULTS are reached, reads the topic back and prints what held.
#   bench/faults/run.sh [SEED] [MINUTES] [FAULTS]    (defaults: 1, 30, 50; RATE=500 records/s; needs ./keks --version)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seed=${1:-1}
minutes=${2:-30}
faults=${3:-50}
rate=${RATE:-500}
cd "$root"
./keks --version >/dev/null
java=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -n1)
export KEKS_HOME
KEKS_HOME=$(mktemp -d)
cleanup() { ./keks down --delete-data >/dev/null 2>&1 || true; rm -rf "$KEKS_HOME"; }
trap cleanup EXIT

./keks up -d --port-shift 13000 >/dev/null
echo "== seed cluster up; seed $seed, at least $faults faults over at least $minutes minutes, $rate records/s"
"$java" -cp "cli/target/keks/lib/*" bench/faults/Soak.java "$root/keks" "$KEKS_HOME/clusters/cluster/client.properties" \
  "$seed" "$minutes" "$faults" "$rate"
echo "java: $java ($("$java" -version 2>&1 | head -n1)); cores: $(nproc); commit: $(git rev-parse --short HEAD)"
