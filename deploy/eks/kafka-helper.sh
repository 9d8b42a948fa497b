#!/usr/bin/env bash
# Everyday tasks on the Kafka that install.sh started (namespace kafka, cluster "cluster"), from a
# machine whose kubectl points at the EKS cluster. Every Kafka tool runs in a pod of Kafka's own image.
#   deploy/eks/kafka-helper.sh status                  the Kafka, its pools, topics and pods; under-replicated partitions
#   deploy/eks/kafka-helper.sh perf-test [RECORDS]     Kafka's producer and consumer performance tools, latency percentiles
#   deploy/eks/kafka-helper.sh failover-drill          a broker's node terminated under an acks=all producer; nothing acknowledged lost
#   deploy/eks/kafka-helper.sh approve-rebalance NAME  approve a KafkaRebalance whose proposal is ready, and follow it
#   deploy/eks/kafka-helper.sh grafana                 Grafana on http://localhost:3000, and its admin password
# KAFKA_NAMESPACE, KAFKA_CLUSTER and KAFKA_IMAGE (default apache/kafka:<the Kafka's version>) change what it acts on.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

namespace=${KAFKA_NAMESPACE:-kafka}
cluster=${KAFKA_CLUSTER:-cluster}
bootstrap="$cluster-kafka-bootstrap:9092"

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

kafka_image() {
  if [ -n "${KAFKA_IMAGE:-}" ]; then
    echo "$KAFKA_IMAGE"
    return
  fi
  local version
  version=$(kubectl get kafka "$cluster" -n "$namespace" -o jsonpath='{.status.kafkaVersion}')
  [ -n "$version" ] || fail "kafka/$cluster in namespace $namespace has no status.kafkaVersion yet; is it Ready? (kubectl get kafka -n $namespace)"
  echo "apache/kafka:$version"
}

# Runs a Kafka tool in a throw-away pod and prints its output: tool ARGS...
tool() {
  local name
  name="kafka-helper-$(date +%s)-$RANDOM"
  kubectl run "$name" -n "$namespace" --image="$image" --restart=Never --rm -i --quiet --command -- "$@"
}

under_replicated() {
  tool /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --describe --under-replicated-partitions "$@" | grep -c 'Partition:' || true
}

status() {
  kubectl get kafka,kafkanodepools,kafkatopics,kafkarebalances -n "$namespace"
  kubectl get pods -n "$namespace" -o wide -l "strimzi.io/cluster=$cluster"
  echo "under-replicated partitions: $(under_replicated)"
}

perf_test() {
  local records=${1:-1000000}
  [[ $records =~ ^[1-9][0-9]*$ ]] || fail "RECORDS must be a positive number, not \"$records\""
  kubectl apply -f - <<YAML
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: perf-test, namespace: $namespace, labels: {strimzi.io/cluster: $cluster}}
spec: {partitions: 12, replicas: 3, config: {min.insync.replicas: 2}}
YAML
  kubectl wait kafkatopic/perf-test -n "$namespace" --for=condition=Ready --timeout=5m
  say "producer: $records records of 100 bytes, acks=all, as fast as they go"
  tool /opt/kafka/bin/kafka-producer-perf-test.sh --topic perf-test --num-records "$records" --record-size 100 \
    --throughput -1 --bootstrap-server "$bootstrap" --command-property acks=all
  say "consumer: reading them back"
  tool /opt/kafka/bin/kafka-consumer-perf-test.sh --bootstrap-server "$bootstrap" --topic perf-test \
    --num-records "$records" --timeout 60000
}

failover_drill() {
  local topic=failover-drill records=60000 producer=failover-drill-producer
  kubectl apply -f - <<YAML
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: $topic, namespace: $namespace, labels: {strimzi.io/cluster: $cluster}}
spec: {partitions: 6, replicas: 3, config: {min.insync.replicas: 2}}
YAML
  kubectl wait "kafkatopic/$topic" -n "$namespace" --for=condition=Ready --timeout=5m
  kubectl delete pod "$producer" -n "$namespace" --ignore-not-found --wait=true >/dev/null
  local prefix
  prefix=$(date +%s)
  say "a producer (acks=all; idempotent, as every producer is by default) writes $records numbered records at 200 a second, each acknowledgement logged"
  kubectl run "$producer" -n "$namespace" --image="$image" --restart=Never --command -- \
    /opt/kafka/bin/kafka-verifiable-producer.sh --bootstrap-server "$bootstrap" --topic "$topic" --acks -1 \
    --throughput 200 --max-messages "$records" --value-prefix "$prefix"
  kubectl wait "pod/$producer" -n "$namespace" --for=condition=Ready --timeout=5m
  sleep 15

  local leader broker node instance
  leader=$(tool /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --describe --topic "$topic" \
    | sed -n 's/.*Leader: \([0-9]*\).*/\1/p' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
  broker=$(kubectl get pods -n "$namespace" -l "strimzi.io/cluster=$cluster,strimzi.io/broker-role=true" \
    -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -E -- "-$leader\$" || true)
  [ -n "$broker" ] || fail "no broker pod with node id $leader"
  node=$(kubectl get pod "$broker" -n "$namespace" -o jsonpath='{.spec.nodeName}')
  instance=$(kubectl get node "$node" -o jsonpath='{.spec.providerID}' | sed 's|.*/||')
  say "terminating $node ($instance), the node of $broker, leader of most of $topic's partitions"
  aws ec2 terminate-instances --instance-ids "$instance" >/dev/null

  local deadline=$((SECONDS + 1800)) under shrank=0
  while [ $SECONDS -lt $deadline ]; do
    under=$(under_replicated --topic "$topic")
    [ "$under" -gt 0 ] && shrank=1
    printf '%s  %s: %s; under-replicated partitions of %s: %s\n' "$(date +%T)" "$broker" \
      "$(kubectl get pod "$broker" -n "$namespace" -o jsonpath='{.status.phase}/{.spec.nodeName}' 2>/dev/null || echo missing)" "$topic" "$under"
    if [ "$shrank" -eq 1 ] && [ "$under" -eq 0 ] && kubectl wait "pod/$broker" -n "$namespace" --for=condition=Ready --timeout=1s >/dev/null 2>&1; then
      break
    fi
    sleep 10
  done
  if [ "$shrank" -eq 0 ] || [ "$under" -gt 0 ]; then
    fail "the partitions did not recover within 30 minutes; see kubectl get kafka,pods -n $namespace"
  fi
  say "recovered: $broker is back on a new node and every replica of $topic is in sync"

  kubectl wait "pod/$producer" -n "$namespace" --for=jsonpath='{.status.phase}'=Succeeded --timeout=10m
  local acked read lost
  acked=$(kubectl logs "$producer" -n "$namespace" | grep '"producer_send_success"' | sed 's/.*"value":"\([^"]*\)".*/\1/' | sort -u)
  read=$(tool /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server "$bootstrap" --topic "$topic" --from-beginning \
    --timeout-ms 30000 2>/dev/null | grep "^$prefix\." | sort -u || true)
  lost=$(comm -23 <(echo "$acked") <(echo "$read") | grep -c . || true)
  echo "acknowledged: $(echo "$acked" | grep -c .), read back: $(echo "$read" | grep -c .), lost: $lost"
  kubectl delete pod "$producer" -n "$namespace" --wait=false >/dev/null
  [ "$lost" -eq 0 ] || fail "$lost acknowledged records were not read back"
  echo "PASSED: a broker's node was lost and no acknowledged record was"
}

approve_rebalance() {
  local name=${1:-}
  [ -n "$name" ] || fail "name the KafkaRebalance: $0 approve-rebalance NAME (kubectl get kafkarebalances -n $namespace)"
  local state
  state=$(kubectl get kafkarebalance "$name" -n "$namespace" -o jsonpath='{.status.conditions[0].type}')
  [ "$state" = ProposalReady ] || fail "kafkarebalance/$name is $state, not ProposalReady; wait for its proposal (kubectl get kafkarebalance $name -n $namespace -w)"
  kubectl get kafkarebalance "$name" -n "$namespace" -o jsonpath='{.status.optimizationResult}'
  echo
  kubectl annotate kafkarebalance "$name" -n "$namespace" strimzi.io/rebalance=approve --overwrite
  kubectl wait kafkarebalance "$name" -n "$namespace" --for=condition=Ready --timeout=6h
  kubectl get kafkarebalance "$name" -n "$namespace"
}

grafana() {
  local stack secret
  stack=$(terraform -chdir="$here" output -raw grafana_admin_password_command 2>/dev/null || true)
  if [ -n "$stack" ]; then
    secret=$(eval "$stack")
    echo "user admin, password $secret"
  else
    echo "user admin; the password: terraform -chdir=deploy/eks output -raw grafana_admin_password_command"
  fi
  echo "Grafana on http://localhost:3000 (Ctrl-C stops the port-forward)"
  kubectl port-forward -n monitoring svc/kube-prometheus-stack-grafana 3000:80
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  status) require_tools kubectl; image=$(kafka_image); status ;;
  perf-test) require_tools kubectl; image=$(kafka_image); perf_test "$@" ;;
  failover-drill) require_tools kubectl aws; image=$(kafka_image); failover_drill ;;
  approve-rebalance) require_tools kubectl; approve_rebalance "$@" ;;
  grafana) require_tools kubectl terraform aws; grafana ;;
  -h|--help|help|"") usage ;;
  *) usage >&2; fail "unknown command \"$command\"" ;;
esac
