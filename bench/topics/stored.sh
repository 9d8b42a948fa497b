#!/usr/bin/env bash
# bench/topics/stored.sh: keks' own share of an apply of 10,000 KafkaTopics, without Kafka. The seed
# cluster's manifests are stored (never started), then `keks apply -f` of 10,000 KafkaTopics is timed
# from the command's start to its end: JVM start, reading and checking the file, the model, and
# storing the manifests; the command stops there ("not running"). Each run gets a fresh copy of one
# home whose start-up cache of the apply command is already built. With a second keks checkout (built),
# the two alternate run by run, for a before/after comparison on the same machine at the same time.
#   bench/topics/stored.sh [RUNS] [OTHER_CHECKOUT]     (default 11 runs; prints each run and the medians)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-11}
other=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$root/bench/topics/manifests.py" 10000 > "$work/topics.yaml"
head -n 40 "$work/topics.yaml" | sed 's/bench-/warm-/' > "$work/warm.yaml"

checkouts=("$root")
[ -n "$other" ] && checkouts+=("$(cd "$other" && pwd)")
for i in "${!checkouts[@]}"; do
  home="$work/home-$i"
  KEKS_HOME=$home "${checkouts[$i]}/keks" apply -f "$root/examples/kafka-manifests/" >/dev/null
  # the apply command's start-up cache: recorded on its first use, built in the background on its second
  KEKS_HOME=$home "${checkouts[$i]}/keks" apply -f "$work/warm.yaml" >/dev/null
  KEKS_HOME=$home "${checkouts[$i]}/keks" apply -f "$work/warm.yaml" >/dev/null
  for _ in $(seq 120); do
    ls "$home"/cache/aot/*-apply-*.lock >/dev/null 2>&1 || break
    sleep 1
  done
done

for run in $(seq "$runs"); do
  for i in "${!checkouts[@]}"; do
    rm -rf "$work/run"; cp -a "$work/home-$i" "$work/run"
    t0=$(date +%s.%N)
    KEKS_HOME="$work/run" "${checkouts[$i]}/keks" apply -f "$work/topics.yaml" >/dev/null
    t1=$(date +%s.%N)
    python3 -c "import sys; print(f'run {sys.argv[1]} {sys.argv[2]}: {float(sys.argv[4]) - float(sys.argv[3]):.3f} s')" \
      "$run" "${checkouts[$i]}" "$t0" "$t1"
  done
done | tee "$work/out"
for c in "${checkouts[@]}"; do
  grep " $c: " "$work/out" | awk '{print $(NF-1)}' | sort -n \
    | awk -v c="$c" '{a[NR]=$1} END {printf "median %s: %.3f s over %d runs\n", c, a[int((NR+1)/2)], NR}'
done
