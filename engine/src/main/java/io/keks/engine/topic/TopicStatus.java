package io.keks.engine.topic;

/**
 * The outcome of reconciling one KafkaTopic, with the reasons KafkaTopic users know:
 * NotSupported, KafkaError, InvalidConfig (and empty when Ready).
 */
public record TopicStatus(String resourceName, String topicName, boolean ready, String reason, String message,
                          String topicId, int partitions, int replicas) {

    public static final String NOT_SUPPORTED = "NotSupported";
    public static final String KAFKA_ERROR = "KafkaError";
    public static final String INVALID_CONFIG = "InvalidConfig";
}
