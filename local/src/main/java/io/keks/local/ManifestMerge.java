package io.keks.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keks.model.manifest.Manifests;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A local apply's manifests beside the ones the cluster was given before, as a later kubectl apply adds to what is stored. */
final class ManifestMerge {
    private ManifestMerge() {
    }

    /**
     * The manifests applied now and, for every resource they do not name (by kind and name), the one
     * stored before: what the cluster is after this apply.
     */
    static Manifests merge(Manifests stored, Manifests incoming) {
        stampCreation(incoming, stored);
        Set<String> replaced = new HashSet<>();
        incoming.kafkas().forEach(s -> replaced.add("Kafka/" + s.resource().getMetadata().getName()));
        incoming.nodePools().forEach(s -> replaced.add("KafkaNodePool/" + s.resource().getMetadata().getName()));
        incoming.topics().forEach(s -> replaced.add("KafkaTopic/" + s.resource().getMetadata().getName()));
        incoming.configMaps().forEach(s -> replaced.add("ConfigMap/" + s.resource().getMetadata().getName()));
        incoming.users().forEach(s -> replaced.add("KafkaUser/" + s.resource().getMetadata().getName()));
        incoming.secrets().forEach(s -> replaced.add("Secret/" + s.resource().getMetadata().getName()));
        incoming.rebalances().forEach(s -> replaced.add("KafkaRebalance/" + s.resource().getMetadata().getName()));
        Manifests kept = Manifests.empty();
        stored.users().stream().filter(s -> !replaced.contains("KafkaUser/" + s.resource().getMetadata().getName())).forEach(kept.users()::add);
        stored.secrets().stream().filter(s -> !replaced.contains("Secret/" + s.resource().getMetadata().getName())).forEach(kept.secrets()::add);
        stored.kafkas().stream().filter(s -> !replaced.contains("Kafka/" + s.resource().getMetadata().getName())).forEach(kept.kafkas()::add);
        stored.nodePools().stream().filter(s -> !replaced.contains("KafkaNodePool/" + s.resource().getMetadata().getName())).forEach(kept.nodePools()::add);
        stored.topics().stream().filter(s -> !replaced.contains("KafkaTopic/" + s.resource().getMetadata().getName())).forEach(kept.topics()::add);
        stored.rebalances().stream().filter(s -> !replaced.contains("KafkaRebalance/" + s.resource().getMetadata().getName()))
                .forEach(kept.rebalances()::add);
        stored.configMaps().stream().filter(s -> !replaced.contains("ConfigMap/" + s.resource().getMetadata().getName())).forEach(kept.configMaps()::add);
        return incoming.plus(kept);
    }

    /**
     * Gives each incoming KafkaTopic the creation time Kubernetes would: the stored one's when it was
     * applied before, else now. Of two KafkaTopics for one Kafka topic, the older manages it.
     */
    private static void stampCreation(Manifests incoming, Manifests stored) {
        Map<String, String> createdBefore = new HashMap<>();
        stored.topics().forEach(s -> {
            String at = s.resource().getMetadata().getCreationTimestamp();
            if (at != null) {
                createdBefore.put(s.resource().getMetadata().getName(), at);
            }
        });
        String now = Instant.now().toString();
        for (var s : incoming.topics()) {
            var meta = s.resource().getMetadata();
            String at = createdBefore.getOrDefault(meta.getName(), meta.getCreationTimestamp() != null ? meta.getCreationTimestamp() : now);
            meta.setCreationTimestamp(at);
            if (s.document().tree().path("metadata") instanceof ObjectNode m) {
                m.put("creationTimestamp", at);
            }
        }
    }
}
