package io.keks.model;

import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** Reads KafkaTopic resources into {@link DesiredTopic}s, checking them against the cluster. */
final class TopicModel {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicModel() {
    }

    static List<DesiredTopic> topics(List<Sourced<KafkaTopic>> resources, String cluster, Map<String, String> clusterConfig,
                                     int brokers, List<Problem> problems) {
        List<DesiredTopic> out = new ArrayList<>();
        Map<String, Sourced<KafkaTopic>> byTopicName = new HashMap<>();
        for (Sourced<KafkaTopic> t : resources) {
            KafkaTopic topic = t.resource();
            String name = topic.getMetadata().getName();
            String label = topic.getMetadata().getLabels() == null ? null
                    : topic.getMetadata().getLabels().get(ClusterModel.CLUSTER_LABEL);
            if (label == null) {
                problems.add(t.error("/metadata/labels", "KafkaTopic " + name + " has no " + ClusterModel.CLUSTER_LABEL
                        + " label; add `" + ClusterModel.CLUSTER_LABEL + ": " + cluster + "` under metadata.labels"));
                continue;
            }
            if (!label.equals(cluster)) {
                problems.add(t.error("/metadata/labels/strimzi.io~1cluster", "names Kafka \"" + label
                        + "\", but the Kafka in these manifests is \"" + cluster + "\""));
                continue;
            }
            var spec = topic.getSpec();
            String topicName = spec != null && spec.getTopicName() != null ? spec.getTopicName() : name;
            if (!TOPIC_NAME.matcher(topicName).matches() || topicName.equals(".") || topicName.equals("..")) {
                problems.add(t.error(spec != null && spec.getTopicName() != null ? "/spec/topicName" : "/metadata/name",
                        "\"" + topicName + "\" is not a valid Kafka topic name; use letters, digits, '.', '_' and '-'"));
                continue;
            }
            Sourced<KafkaTopic> other = byTopicName.putIfAbsent(topicName, t);
            if (other != null) {
                problems.add(t.error("/metadata/name", "topic " + topicName + " is also described by KafkaTopic "
                        + other.resource().getMetadata().getName() + " (" + other.document().source()
                        + "); keep one KafkaTopic per topic"));
                continue;
            }
            OptionalInt partitions = OptionalInt.empty();
            OptionalInt replicas = OptionalInt.empty();
            Map<String, String> config = Map.of();
            if (spec != null) {
                if (spec.getPartitions() != null) {
                    if (spec.getPartitions() < 1) {
                        problems.add(t.error("/spec/partitions", "partitions must be 1 or more"));
                    }
                    partitions = OptionalInt.of(spec.getPartitions());
                }
                if (spec.getReplicas() != null) {
                    if (spec.getReplicas() < 1) {
                        problems.add(t.error("/spec/replicas", "replicas must be 1 or more"));
                    } else if (brokers > 0 && spec.getReplicas() > brokers) {
                        problems.add(t.error("/spec/replicas", "replicas is " + spec.getReplicas() + " but the cluster has "
                                + brokers + " broker(s); lower it or add brokers"));
                    }
                    replicas = OptionalInt.of(spec.getReplicas());
                }
                config = ConfigValues.strings(spec.getConfig(), t, "/spec/config", problems);
            }
            int rf = replicas.orElse(ConfigValues.integer(clusterConfig, "default.replication.factor").orElse(1));
            OptionalInt minIsr = ConfigValues.integer(config, "min.insync.replicas");
            boolean own = minIsr.isPresent();
            if (!own) {
                minIsr = ConfigValues.integer(clusterConfig, "min.insync.replicas");
            }
            if (minIsr.isPresent() && minIsr.getAsInt() > rf) {
                problems.add(t.error(own ? "/spec/config/min.insync.replicas" : "/spec/replicas", "min.insync.replicas "
                        + minIsr.getAsInt() + (own ? "" : " (the cluster default)") + " is more than the replication factor "
                        + rf + ", so no acks=all write could succeed"));
            }
            out.add(new DesiredTopic(name, topicName, partitions, replicas, Map.copyOf(config),
                    t.document().source() + ":" + t.document().startLine()));
        }
        return out;
    }
}
