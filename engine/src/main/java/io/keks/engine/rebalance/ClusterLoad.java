package io.keks.engine.rebalance;

import java.util.List;

/**
 * What a rebalance is planned from: the brokers and every partition's replicas and load, as the Admin API
 * shows them (describeCluster, describeTopics, describeLogDirs, and the growth of the logs and of the consumer groups'
 * committed offsets between two looks).
 *
 * @param brokers    the brokers that may hold replicas, and those being removed
 * @param partitions every partition, its replicas in order (the first is the preferred leader)
 */
public record ClusterLoad(List<Broker> brokers, List<Partition> partitions) {

    /**
     * @param rack              the broker's rack; null when it has none (it then counts as a rack of its own)
     * @param diskCapacityBytes the size of the broker's log directories, 0 when not known
     */
    public record Broker(int id, String rack, long diskCapacityBytes) {
    }

    /**
     * @param sizeBytes         the size of the partition's log on its leader
     * @param bytesInPerSecond  what producers write to it, sampled from the growth of its log; 0 when not sampled
     * @param bytesOutPerSecond what consumer groups read from it, sampled from how far their committed offsets moved
     *                          (at the log's bytes per offset); 0 when not sampled
     */
    public record Partition(String topic, int partition, List<Integer> replicas, long sizeBytes, double bytesInPerSecond,
                            double bytesOutPerSecond) {
        public Partition(String topic, int partition, List<Integer> replicas, long sizeBytes, double bytesInPerSecond) {
            this(topic, partition, replicas, sizeBytes, bytesInPerSecond, 0);
        }

        public String name() {
            return topic + "-" + partition;
        }
    }
}
