#!/usr/bin/env bash
# Baseline for bench/startup: the seed's six nodes (3 controllers, 3 brokers) formatted and started
# by hand with plain `java kafka.Kafka`, no keks, no tuning beyond EXTRA_JVM_OPTS. Prints the seconds
# from the first format to the moment every broker logged that it started, then stops the nodes; with
# REST_SECONDS set, first waits that long and prints the nodes' resident memory (bench/memory); with TOPIC set,
# also creates that topic (12 partitions, 3 replicas) with Kafka's own kafka-topics tool, as a user starting by
# hand would, and prints the seconds until it was created.
# Usage: bench/startup/hand-start.sh KAFKA_LIB_DIR JAVA [PORT_BASE]
set -euo pipefail
lib=$(cd "$1" && pwd); java=$2; base=${3:-19000}
work=$(mktemp -d)
pids=()
stop() { # stop the given pids and wait for them to exit
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
}
cleanup() {
  # brokers (started last) before controllers: a broker shutting down needs the quorum
  [ ${#pids[@]} -gt 3 ] && stop "${pids[@]:3}"
  [ ${#pids[@]} -gt 0 ] && stop "${pids[@]:0:3}"
  rm -rf "$work"
}
trap cleanup EXIT
cid=$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid)
bootstrap="127.0.0.1:$((base+3)),127.0.0.1:$((base+4)),127.0.0.1:$((base+5))"
initial=""
for id in 0 1 2 3 4 5; do
  mkdir -p "$work/$id"
  if [ "$id" -ge 3 ]; then
    dirid=$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid)
    initial="$initial${initial:+,}$id@127.0.0.1:$((base+id)):$dirid"
    echo "$dirid" > "$work/$id/dirid"
    cat > "$work/$id/server.properties" <<P
process.roles=controller
node.id=$id
controller.listener.names=CONTROLLER
listeners=CONTROLLER://127.0.0.1:$((base+id))
controller.quorum.bootstrap.servers=$bootstrap
log.dirs=$work/$id/data
P
  else
    cat > "$work/$id/server.properties" <<P
process.roles=broker
node.id=$id
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$((base+100+id))
inter.broker.listener.name=PLAINTEXT
controller.quorum.bootstrap.servers=$bootstrap
log.dirs=$work/$id/data
offsets.topic.replication.factor=3
min.insync.replicas=2
P
  fi
done
start=$(date +%s.%N)
for id in 3 4 5; do
  "$java" -cp "$lib/*" kafka.tools.StorageTool format -c "$work/$id/server.properties" -t "$cid" \
    --initial-controllers "$initial" > "$work/$id/format.log" 2>&1 &
done
for id in 0 1 2; do
  "$java" -cp "$lib/*" kafka.tools.StorageTool format -c "$work/$id/server.properties" -t "$cid" \
    --no-initial-controllers > "$work/$id/format.log" 2>&1 &
done
wait
for id in 3 4 5 0 1 2; do
  # shellcheck disable=SC2086
  "$java" ${EXTRA_JVM_OPTS:-} -Xmx512m -Dlog4j2.configurationFile="$(dirname "$0")/log4j2.properties" -cp "$lib/*" kafka.Kafka "$work/$id/server.properties" > "$work/$id/kafka.log" 2>&1 &
  pids+=($!)
done
for id in 0 1 2; do
  until grep -q 'Kafka Server started\|Transition from STARTING to STARTED' "$work/$id/kafka.log" 2>/dev/null; do
    if ! kill -0 "${pids[$((id+3))]}" 2>/dev/null; then echo "broker $id died"; tail -20 "$work/$id/kafka.log"; exit 1; fi
    sleep 0.1
  done
done
end=$(date +%s.%N)
echo "six nodes started in $(echo "$end - $start" | bc) s"
if [ -n "${TOPIC:-}" ]; then
  "$java" -cp "$lib/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$((base+100))" --create \
    --topic "$TOPIC" --partitions 12 --replication-factor 3 > "$work/topic.log" 2>&1 || { cat "$work/topic.log"; exit 1; }
  end=$(date +%s.%N)
  echo "six nodes started and $TOPIC created in $(echo "$end - $start" | bc) s"
fi
if [ -n "${REST_SECONDS:-}" ]; then
  # bench/memory: the nodes' resident memory after REST_SECONDS at rest
  sleep "$REST_SECONDS"
  rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
  controllers=0; brokers=0
  for i in 0 1 2; do controllers=$((controllers + $(rss "${pids[$i]}"))); done
  for i in 3 4 5; do brokers=$((brokers + $(rss "${pids[$i]}"))); done
  echo "resident after ${REST_SECONDS} s at rest: $(( (controllers + brokers) / 1024 )) MB (controllers $((controllers / 1024)) MB, brokers $((brokers / 1024)) MB)"
fi
