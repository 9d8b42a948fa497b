package io.keks.model.manifest;

import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.List;

/** Everything read from a set of manifest files: the resources keks understands and the problems found. */
public record Manifests(List<Sourced<Kafka>> kafkas, List<Sourced<KafkaNodePool>> nodePools,
                       List<Sourced<KafkaTopic>> topics, List<Problem> problems) {

    public static Manifests empty() {
        return new Manifests(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    public Manifests plus(Manifests other) {
        Manifests all = empty();
        for (Manifests m : List.of(this, other)) {
            all.kafkas.addAll(m.kafkas);
            all.nodePools.addAll(m.nodePools);
            all.topics.addAll(m.topics);
            all.problems.addAll(m.problems);
        }
        return all;
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
