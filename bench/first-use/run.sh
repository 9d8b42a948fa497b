#!/usr/bin/env bash
# bench/first-use: seconds a new user waits for the README's first command to build keks, from a
# fresh copy of these sources (no build output) until `./keks --version` has printed its line, with
# JAVA_HOME unset and the machine's Java older than 21 first on PATH when there is one. The baseline,
# measured in the same run in alternation: the Maven build the launcher runs inside,
# `./mvnw -B -q -DskipTests package` with JAVA_HOME naming the newest JDK, in another fresh copy.
# Both use this machine's ~/.m2 (warm: nothing is downloaded), unless --cold is given: then each run
# gets an empty Maven repository and wrapper home of its own, so Maven and every dependency are
# downloaded as on a new machine.
#   bench/first-use/run.sh [RUNS] [--cold]      (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
cold=${2:-}
cd "$root"

jdks() {
  local release version
  for release in /usr/lib/jvm/*/release; do
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1)
    [ -n "$version" ] && printf '%s %s\n' "$version" "$(dirname "$release")"
  done | sort -n -u -k1,1
}
older=$(jdks | awk '$1 < 21 { home = $2 } END { print home }')
newest=$(jdks | awk '$1 >= 21 { home = $2 } END { print home }')
path=$PATH
[ -n "$older" ] && path="$older/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f (min %.1f, max %.1f, n=%d)", m, a[1], a[NR], NR}'; }

fresh_copy() {
  rm -rf "$work/src"
  mkdir -p "$work/src"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/src"
}

# MAVEN_OPTS for this run: with --cold, an empty repository, and an empty wrapper home for Maven itself
maven_opts() {
  if [ "$cold" = --cold ]; then
    rm -rf "$work/repo" "$work/wrapper"
    echo "-Dmaven.repo.local=$work/repo"
  fi
}
wrapper_home() {
  if [ "$cold" = --cold ]; then echo "$work/wrapper"; else echo "${MAVEN_USER_HOME:-$HOME/.m2}"; fi
}

for i in $(seq "$runs"); do
  fresh_copy
  opts=$(maven_opts)
  start=$(date +%s.%N)
  out=$(cd "$work/src" && env -u JAVA_HOME PATH="$path" KEKS_HOME="$work/home" MAVEN_OPTS="$opts" MAVEN_USER_HOME="$(wrapper_home)" ./keks --version 2>/dev/null)
  end=$(date +%s.%N)
  [[ $out == "keks "* ]] || { echo "./keks --version printed: $out" >&2; exit 1; }
  t=$(echo "$end - $start" | bc); echo "run $i keks first use: $t s"; echo "$t" >> "$work/keks"

  fresh_copy
  opts=$(maven_opts)
  start=$(date +%s.%N)
  (cd "$work/src" && JAVA_HOME="$newest" MAVEN_OPTS="$opts" MAVEN_USER_HOME="$(wrapper_home)" ./mvnw -B -q -DskipTests package >/dev/null 2>&1)
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc); echo "run $i mvnw package:    $t s"; echo "$t" >> "$work/maven"
done
echo
echo "./keks --version on a fresh copy ${cold:+(cold Maven repository)}: median $(median < "$work/keks") s"
echo "baseline ./mvnw -B -q -DskipTests package:  median $(median < "$work/maven") s"
echo "PATH's java: $( (PATH=$path java -version 2>&1 || echo none) | head -n 1); JDK: $newest; cores: $(nproc); commit: $(git rev-parse --short HEAD)"
