package io.keks.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keks.engine.ClusterMemory;
import io.keks.engine.NodePoolStatuses;
import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.ListenerSpec;
import io.keks.operator.resources.KafkaNames;
import io.strimzi.api.kafka.model.common.Condition;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaMetadataState;
import io.strimzi.api.kafka.model.kafka.KafkaStatus;
import io.strimzi.api.kafka.model.kafka.UsedNodePoolStatus;
import io.strimzi.api.kafka.model.kafka.listener.ListenerAddress;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The status of a Kafka and its node pools as Strimzi users read them: conditions (Ready, Warning)
 * with reasons, observedGeneration, listeners with their bootstrap address, clusterId, Kafka and
 * metadata versions, kafkaMetadataState KRaft; on each pool its node ids, replicas and roles.
 */
final class KafkaStatuses {
    /** What one reconciliation concluded: the statuses to write (a pool absent: leave its status) and when to look again. */
    record Outcome(KafkaStatus kafka, Map<String, KafkaNodePoolStatus> pools, Duration requeueAfter) {
        Optional<Condition> condition(String type) {
            return kafka.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
        }
    }

    /** Writes the node pools' statuses; the Kafka's own status is written by the caller (the SDK patches it). */
    static void writePools(KubernetesClient client, String namespace, Outcome outcome) {
        outcome.pools().forEach((pool, status) -> {
            KafkaNodePool p = client.resources(KafkaNodePool.class).inNamespace(namespace).withName(pool).get();
            if (p != null && !status.equals(p.getStatus())) {
                p.setStatus(status);
                client.resources(KafkaNodePool.class).inNamespace(namespace).resource(p).updateStatus();
            }
        });
    }

    private final Kafka kafka;
    private final List<KafkaNodePool> pools;
    private final List<Condition> warnings = new ArrayList<>();
    private String metadataVersion;
    private Condition quorum;

    KafkaStatuses(Kafka kafka, List<KafkaNodePool> pools) {
        this.kafka = kafka;
        this.pools = pools;
    }

    void warn(String reason, String message) {
        warnings.add(condition("Warning", "True", reason, message));
    }

    void metadataVersion(String name) {
        this.metadataVersion = name;
    }

    /** The resources are wrong: Ready False with what to fix; the running cluster is left as it is. */
    Outcome invalid(String message) {
        KafkaStatus s = base();
        s.setConditions(conditions(condition("Ready", "False", "InvalidResource", message)));
        return new Outcome(s, Map.of(), Duration.ofMinutes(5));
    }

    /** Not ready yet, or stopped by an error: the reason says which; the cluster's own fields are filled in. */
    Outcome notReady(DesiredCluster cluster, ClusterMemory identity, String reason, String message, Duration requeue) {
        return withCluster(cluster, identity, condition("Ready", "False", reason, message), requeue);
    }

    Outcome observed(DesiredCluster cluster, ClusterMemory identity, ObservedCluster observed, List<Pod> pods,
                     List<String> configChanges, Duration requeue) {
        List<String> missing = new ArrayList<>();
        KafkaNames names = KafkaNames.of(cluster);
        for (DesiredNode n : cluster.nodes()) {
            if (pods.stream().noneMatch(p -> p.getMetadata().getName().equals(names.pod(n)))) {
                missing.add(names.pod(n) + " has no pod");
            } else if (!PodReadiness.ready(n, observed)) {
                missing.add(names.pod(n) + (n.isBroker() ? " is not serving" : " is not a voter of the quorum"));
            }
        }
        if (observed.quorumLeader().isEmpty()) {
            missing.add(0, "the controller quorum has no leader");
        }
        Condition ready = missing.isEmpty() ? condition("Ready", "True", null, null)
                : condition("Ready", "False", "NotReady", String.join(", ", missing));
        quorum = quorumCondition(cluster, names, observed);
        // a finished reconcile looks again now and then; one waiting for Kafka soon
        return withCluster(cluster, identity, ready, missing.isEmpty() ? Duration.ofMinutes(2) : requeue);
    }

    private Outcome withCluster(DesiredCluster cluster, ClusterMemory identity, Condition ready, Duration requeue) {
        KafkaStatus s = base();
        s.setConditions(conditions(ready));
        s.setClusterId(identity.clusterId());
        s.setKafkaVersion(cluster.version().toString());
        s.setKafkaMetadataVersion(metadataVersion);
        s.setKafkaMetadataState(KafkaMetadataState.KRaft);
        KafkaNames names = KafkaNames.of(cluster);
        List<ListenerStatus> listeners = new ArrayList<>();
        for (ListenerSpec l : cluster.listeners()) {
            ListenerStatus ls = new ListenerStatus();
            ls.setName(l.name());
            ListenerAddress a = new ListenerAddress();
            a.setHost(names.bootstrapService() + "." + names.namespace() + ".svc");
            a.setPort(l.port());
            ls.setAddresses(List.of(a));
            listeners.add(ls);
        }
        s.setListeners(listeners);
        List<UsedNodePoolStatus> used = new ArrayList<>();
        Map<String, KafkaNodePoolStatus> poolStatuses = new LinkedHashMap<>();
        for (KafkaNodePool p : pools) {
            String pool = p.getMetadata().getName();
            UsedNodePoolStatus u = new UsedNodePoolStatus();
            u.setName(pool);
            used.add(u);
            poolStatuses.put(pool, NodePoolStatuses.of(cluster, pool, identity.clusterId(),
                    Optional.ofNullable(p.getMetadata().getGeneration()).orElse(0L)));
        }
        s.setKafkaNodePools(used);
        return new Outcome(s, poolStatuses, requeue);
    }

    /**
     * The controllers that vote, as a condition of type ControllerQuorum (Strimzi's status has no field for them):
     * True when the voters are the desired controllers, False while controllers wait to be added or removed.
     */
    private Condition quorumCondition(DesiredCluster cluster, KafkaNames names, ObservedCluster observed) {
        List<Integer> voters = observed.voters().stream().sorted().toList();
        StringBuilder message = new StringBuilder("voters " + voters.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        observed.quorumLeader().ifPresent(l -> message.append("; active controller ").append(l));
        List<String> toAdd = cluster.controllers().stream().filter(c -> !observed.voters().contains(c.id())).map(names::pod).toList();
        List<Integer> toRemove = voters.stream().filter(v -> cluster.controllers().stream().noneMatch(c -> c.id() == v)).toList();
        if (!toAdd.isEmpty()) {
            message.append("; not voting yet: ").append(String.join(", ", toAdd));
        }
        if (!toRemove.isEmpty()) {
            message.append("; leaving: ").append(toRemove.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        boolean asDesired = toAdd.isEmpty() && toRemove.isEmpty();
        return condition("ControllerQuorum", asDesired ? "True" : "False", asDesired ? "VotersAsDesired" : "VotersChanging",
                message.toString());
    }

    private KafkaStatus base() {
        KafkaStatus s = new KafkaStatus();
        s.setObservedGeneration(Optional.ofNullable(kafka.getMetadata().getGeneration()).orElse(0L));
        return s;
    }

    private List<Condition> conditions(Condition ready) {
        List<Condition> all = new ArrayList<>();
        all.add(ready);
        if (quorum != null) {
            all.add(quorum);
        }
        all.addAll(warnings);
        return all;
    }

    /** A condition keeps its last transition time while its status stays the same. */
    private Condition condition(String type, String status, String reason, String message) {
        String since = Optional.ofNullable(kafka.getStatus()).map(KafkaStatus::getConditions).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()) && Objects.equals(reason, c.getReason()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(Instant.now().toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }
}
