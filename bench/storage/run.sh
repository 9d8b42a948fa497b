#!/usr/bin/env bash
# bench/storage/run.sh: how long a user waits for `keks plan`, whole processes until the plan is printed, against
# `keks --version` (the same launcher and JVM start, no planning) measured in the same run, alternating.
# Each of docs/storage.md's four worked examples, plus -o yaml of the first; RUNS rounds (default 9), medians.
#   bench/storage/run.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-9}
cd "$root"
./keks --version >/dev/null
plans=(
  "--write-mbps 1.2 --retention 7d"
  "--write-mbps 20 --retention 30d --read-fanout 1"
  "--write-mbps 100 --retention 2d --priority latency --replication-factor 2"
  "--write-mbps 200 --retention 1d --priority latency"
  "--write-mbps 1.2 --retention 7d -o yaml"
)
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A times
for _ in $(seq "$runs"); do
  times[version]+="$(ms ./keks --version) "
  for i in "${!plans[@]}"; do
    # shellcheck disable=SC2086
    times[$i]+="$(ms ./keks plan ${plans[$i]}) "
  done
done
base=$(tr ' ' '\n' <<<"${times[version]}" | grep . | median)
printf '%-78s %8s %8s\n' "command (median of $runs, ms)" "median" "ratio"
printf '%-78s %8s %8s\n' "keks --version (baseline)" "$base" "1.00"
for i in "${!plans[@]}"; do
  m=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | median)
  printf '%-78s %8s %8.2f\n' "keks plan ${plans[$i]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {print a / b}')"
done
