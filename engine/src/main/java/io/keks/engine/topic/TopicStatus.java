package io.keks.engine.topic;

/**
 * The outcome of reconciling one KafkaTopic, with the reasons KafkaTopic users know: NotSupported,
 * ResourceConflict, KafkaError, InvalidConfig when not ready; Unmanaged and ReconciliationPaused for a
 * topic keks leaves alone; empty when Ready.
 *
 * @param replicasChange a replication factor change under way, else null
 */
public record TopicStatus(String resourceName, String topicName, boolean ready, String reason, String message,
                          String topicId, int partitions, int replicas, ReplicasChange replicasChange) {

    public static final String NOT_SUPPORTED = "NotSupported";
    public static final String RESOURCE_CONFLICT = "ResourceConflict";
    public static final String KAFKA_ERROR = "KafkaError";
    public static final String INVALID_CONFIG = "InvalidConfig";
    public static final String UNMANAGED = "Unmanaged";
    public static final String PAUSED = "ReconciliationPaused";

    /**
     * A replication factor change in progress, as KafkaTopic's status.replicasChange shows it.
     *
     * @param state   "ongoing" while partitions move
     * @param message how far it got, e.g. "2 of 6 partitions still moving"
     */
    public record ReplicasChange(int targetReplicas, String state, String message) {
    }
}
