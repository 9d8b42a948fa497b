package io.keks.model;

import io.keks.model.manifest.Problem;
import io.keks.model.manifest.Sourced;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads KafkaTopic resources into {@link DesiredTopic}s, checking them against the cluster. Two
 * KafkaTopics for one Kafka topic are not a manifest error: both are read, and the topic reconciler
 * lets the older one manage the topic and reports ResourceConflict on the other, as Kubernetes users
 * of KafkaTopic expect.
 */
public final class TopicModel {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** A Kubernetes object name (DNS-1123 subdomain), as metadata.name of a KafkaTopic must be. */
    static final Pattern RESOURCE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Topics Kafka makes for itself; a KafkaTopic must not manage them. */
    static final Set<String> INTERNAL_TOPICS = Set.of("__consumer_offsets", "__transaction_state", "__share_group_state",
            "__cluster_metadata", "__remote_log_metadata");

    private TopicModel() {
    }

    /** KafkaTopics checked on their own against a cluster already read: the good ones, and what is wrong with the others. */
    public record Checked(List<DesiredTopic> topics, List<Problem> problems) {
    }

    public static Checked check(List<Sourced<KafkaTopic>> resources, DesiredCluster cluster) {
        return check(resources, cluster, KafkaConfigRules.NONE);
    }

    /** @param rules the config definitions of the cluster's Kafka version, which each topic's config is checked against */
    public static Checked check(List<Sourced<KafkaTopic>> resources, DesiredCluster cluster, KafkaConfigRules rules) {
        List<Problem> problems = new ArrayList<>();
        // two KafkaTopics for one topic are settled by age here (the younger one's status says ResourceConflict)
        List<DesiredTopic> topics = topics(resources, cluster.name(), cluster.config(), cluster.brokers().size(), rules,
                cluster.version(), false, problems);
        return new Checked(topics, problems);
    }

    static List<DesiredTopic> topics(List<Sourced<KafkaTopic>> resources, String cluster, Map<String, String> clusterConfig,
                                     int brokers, KafkaConfigRules rules, KafkaVersion version, boolean oneKafkaTopicPerTopic,
                                     List<Problem> problems) {
        List<DesiredTopic> out = new ArrayList<>();
        // most KafkaTopics of one apply share a creation time: each distinct one is parsed once
        Map<String, Optional<Instant>> times = new HashMap<>();
        Set<Sourced<KafkaTopic>> refused = new HashSet<>();
        if (oneKafkaTopicPerTopic) {
            problems.addAll(namingProblems(resources, refused));
        }
        for (Sourced<KafkaTopic> t : resources) {
            if (refused.contains(t)) {
                continue;
            }
            KafkaTopic topic = t.resource();
            String name = topic.getMetadata().getName();
            if (!ClusterModel.labelledFor(t, "KafkaTopic", cluster, problems)) {
                continue;
            }
            var spec = topic.getSpec();
            String topicName = spec != null && spec.getTopicName() != null ? spec.getTopicName() : name;
            String nameAt = spec != null && spec.getTopicName() != null ? "/spec/topicName" : "/metadata/name";
            if (!TOPIC_NAME.matcher(topicName).matches() || topicName.equals(".") || topicName.equals("..")) {
                problems.add(t.error(nameAt, "\"" + (topicName.length() > 60 ? topicName.substring(0, 60) + "..." : topicName)
                        + "\" is not a valid Kafka topic name; use 1 to 249 letters, digits, '.', '_' and '-', and not \".\" or \"..\""));
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
                ConfigValues.check(config, rules, KafkaConfigRules.Scope.TOPIC, version, t, "/spec/config", problems);
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
            Map<String, String> annotations = topic.getMetadata().getAnnotations() == null ? Map.of()
                    : topic.getMetadata().getAnnotations();
            out.add(new DesiredTopic(name, topicName, partitions, replicas, Map.copyOf(config),
                    t.document().source() + ":" + t.document().startLine(),
                    times.computeIfAbsent(String.valueOf(topic.getMetadata().getCreationTimestamp()), at -> created(topic)).orElse(null),
                    !"false".equals(annotations.get(DesiredTopic.MANAGED_ANNOTATION)),
                    "true".equals(annotations.get(DesiredTopic.PAUSE_ANNOTATION))));
        }
        return out;
    }

    /**
     * The naming rules of KafkaTopics given together, each broken one an error, the KafkaTopic added to {@code refused}:
     * a name Kubernetes takes as metadata.name, no KafkaTopic for Kafka's internal topics, one KafkaTopic per topic. Not
     * applied to KafkaTopics an earlier keks stored, which did not have these rules; a KafkaTopic given now for a topic
     * that a stored one names is told ResourceConflict by the topics step, as Strimzi's is.
     */
    public static List<Problem> namingProblems(List<Sourced<KafkaTopic>> resources, Set<Sourced<KafkaTopic>> refused) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> claimed = new HashMap<>();
        for (Sourced<KafkaTopic> t : resources) {
            String name = t.resource().getMetadata().getName();
            var spec = t.resource().getSpec();
            boolean own = spec != null && spec.getTopicName() != null;
            String topicName = own ? spec.getTopicName() : name;
            String nameAt = own ? "/spec/topicName" : "/metadata/name";
            if (name.length() > 253 || !RESOURCE_NAME.matcher(name).matches()) {
                problems.add(t.error("/metadata/name", "\"" + (name.length() > 60 ? name.substring(0, 60) + "..." : name)
                        + "\" is not a Kubernetes resource name (at most 253 lower-case letters, digits, '-' and '.', starting and"
                        + " ending with a letter or digit); name the KafkaTopic so and give the topic's own name in spec.topicName"));
                refused.add(t);
            } else if (INTERNAL_TOPICS.contains(topicName)) {
                problems.add(t.error(nameAt, topicName + " is Kafka's own internal topic, which Kafka makes and configures itself;"
                        + " remove this KafkaTopic (its settings are broker configs in spec.kafka.config, such as"
                        + " offsets.topic.replication.factor)"));
                refused.add(t);
            } else {
                String first = claimed.putIfAbsent(topicName, t.document().source() + ":" + t.document().startLine());
                if (first != null) {
                    problems.add(t.error(nameAt, "topic " + topicName + " is also named by the KafkaTopic at " + first
                            + "; one KafkaTopic per topic, so remove one of them"));
                    refused.add(t);
                }
            }
        }
        return problems;
    }

    private static Optional<Instant> created(KafkaTopic topic) {
        String at = topic.getMetadata().getCreationTimestamp();
        try {
            return at == null ? Optional.empty() : Optional.of(Instant.parse(at));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
