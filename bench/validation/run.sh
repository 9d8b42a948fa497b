#!/usr/bin/env bash
# bench/validation: what checking manifests against Kafka's own config definitions costs a user, timed as whole
# `keks render` processes of the seed's manifests, alternating this checkout with another commit's build.
#   bench/validation/run.sh BASE_REV [RUNS]     (default 10 runs each)
# Prints one line per run and the medians. BASE_REV is built in a temporary worktree (a minute or two).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:?give the commit to compare with, e.g. 82cdeec}
runs=${2:-10}
cd "$root"
./keks --version >/dev/null
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q "$work/base" "$base"
(cd "$work/base" && ./keks --version >/dev/null)
mkdir -p "$work/home-base" "$work/home-head"
one() { # which keks home
  local start end
  start=$(date +%s.%N)
  KEKS_HOME=$3 "$2" render -f "$root/examples/kafka-manifests" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$1 $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}')"
}
# untimed: each side builds its start-up cache
for _ in 1 2; do one base "$work/base/keks" "$work/home-base" >/dev/null; one head "$root/keks" "$work/home-head" >/dev/null; done
for _ in $(seq "$runs"); do
  one base "$work/base/keks" "$work/home-base"
  one head "$root/keks" "$work/home-head"
done | tee "$work/times"
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for who in ("base", "head"):
    v = sorted(float(r[1]) for r in rows if r[0] == who)
    print(f"{who}: median {statistics.median(v):.3f} s (min {v[0]:.3f}, max {v[-1]:.3f}, n={len(v)})")
PY
