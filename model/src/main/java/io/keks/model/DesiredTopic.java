package io.keks.model;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A topic as a KafkaTopic wants it. Partitions and replicas are empty when the resource leaves
 * them to the brokers' defaults. {@code source} names the file and line for messages.
 */
public record DesiredTopic(String resourceName, String topicName, OptionalInt partitions, OptionalInt replicas,
                           Map<String, String> config, String source) {
}
