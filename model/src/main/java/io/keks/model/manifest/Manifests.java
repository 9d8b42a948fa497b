package io.keks.model.manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything read from a set of manifest files: the resources keks understands and the problems found.
 *
 * @param configMaps ConfigMaps the Kafka refers to (its metricsConfig rules), as Kubernetes would hold them
 * @param secrets    Secrets the KafkaUsers refer to (given passwords), as Kubernetes would hold them
 */
public record Manifests(List<Sourced<Kafka>> kafkas, List<Sourced<KafkaNodePool>> nodePools,
                       List<Sourced<KafkaTopic>> topics, List<Sourced<ConfigMap>> configMaps,
                       List<Sourced<KafkaUser>> users, List<Sourced<Secret>> secrets, List<Sourced<KafkaRebalance>> rebalances,
                       List<Problem> problems) {

    public static Manifests empty() {
        return new Manifests(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    public Manifests plus(Manifests other) {
        Manifests all = empty();
        all.add(this);
        all.add(other);
        return all;
    }

    /** Adds everything {@code other} holds to this one, after what it holds already. */
    public void add(Manifests other) {
        kafkas.addAll(other.kafkas);
        nodePools.addAll(other.nodePools);
        topics.addAll(other.topics);
        configMaps.addAll(other.configMaps);
        users.addAll(other.users);
        secrets.addAll(other.secrets);
        rebalances.addAll(other.rebalances);
        problems.addAll(other.problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
