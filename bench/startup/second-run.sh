#!/usr/bin/env bash
# bench/startup/second-run.sh: how soon a keks command's second run gets its start-up cache (JDK 25).
# Each round takes a new KEKS_HOME and times three runs of `keks render -f examples/kafka-manifests`:
# the first (which records what it loads), the second after a pause of PAUSE seconds (a user's next
# command), and a third once every cache build has ended. Prints each round and the medians.
#   bench/startup/second-run.sh [RUNS] [LAUNCHER...]
# RUNS defaults to 5; LAUNCHER to ./keks. Several launchers (copies of ./keks from other commits, placed
# beside it so they run the same build) are measured in turns, round by round.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
shift || true
launchers=("$@")
[ ${#launchers[@]} -gt 0 ] || launchers=(./keks)
pause=${PAUSE:-12}
cd "$root"
./keks --version >/dev/null
out=$(mktemp -d)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f (min %.2f, max %.2f, n=%d)", m, a[1], a[NR], NR}'; }
timed() { # $1 = KEKS_HOME, $2 = launcher: seconds the render took
  local s e
  s=$(date +%s.%N)
  KEKS_HOME=$1 "$2" render -f examples/kafka-manifests >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

for i in $(seq "$runs"); do
  for l in "${launchers[@]}"; do
    home=$(mktemp -d)
    first=$(timed "$home" "$l")
    sleep "$pause"
    second=$(timed "$home" "$l")
    while compgen -G "$home/cache/aot/*.lock" >/dev/null; do sleep 1; done
    third=$(timed "$home" "$l")
    # the cache's name carries the JDK's version: keks-VERSION-COMMAND-FINGERPRINT.aot
    jdk=$(find "$home/cache/aot" -name 'keks-*.aot' 2>/dev/null | head -n 1 | sed 's|.*/keks-\([^-]*\)-.*|\1|')
    rm -rf "$home"
    key=$(echo "$l" | tr -c '[:alnum:]' '_')
    echo "$l round $i: first $first s, second $second s, third $third s"
    echo "$first" >> "$out/$key.first"; echo "$second" >> "$out/$key.second"; echo "$third" >> "$out/$key.third"
  done
done
echo
for l in "${launchers[@]}"; do
  key=$(echo "$l" | tr -c '[:alnum:]' '_')
  echo "$l: first $(median < "$out/$key.first") s; second $(median < "$out/$key.second") s; third $(median < "$out/$key.third") s"
done
echo "JDK: ${jdk:-(no start-up cache: JDK older than 25)}; cores: $(nproc); commit: $(git rev-parse --short HEAD); pause: $pause s"
rm -rf "$out"
