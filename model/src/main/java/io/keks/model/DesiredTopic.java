package io.keks.model;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A topic as a KafkaTopic wants it. Partitions and replicas are empty when the resource leaves
 * them to the brokers' defaults. {@code source} names the file and line for messages.
 *
 * @param created when the KafkaTopic was created (its metadata.creationTimestamp), null when unknown:
 *                of two KafkaTopics for one Kafka topic the older one manages it
 * @param managed false when annotated {@code strimzi.io/managed: "false"}: keks leaves the topic alone
 * @param paused  true when annotated {@code strimzi.io/pause-reconciliation: "true"}
 */
public record DesiredTopic(String resourceName, String topicName, OptionalInt partitions, OptionalInt replicas,
                           Map<String, String> config, String source, Instant created, boolean managed, boolean paused) {

    public static final String MANAGED_ANNOTATION = "strimzi.io/managed";
    public static final String PAUSE_ANNOTATION = "strimzi.io/pause-reconciliation";

    /** Whether keks changes the Kafka topic for this resource. */
    public boolean reconciled() {
        return managed && !paused;
    }
}
