package io.keks.engine.rebalance;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clusters made up for planning: brokers spread over racks, partitions placed the way Kafka places new
 * topics (rack by rack, round the brokers), log sizes skewed between topics, and empty brokers just added.
 */
public final class SyntheticLoad {
    private SyntheticLoad() {
    }

    /**
     * @param brokers     brokers holding the partitions, ids 0 up, rack {@code id % racks}
     * @param added       empty brokers after them
     * @param partitions  partitions in all, in topics of {@code perTopic}
     * @param seed        the sizes' random seed
     */
    public static ClusterLoad skewed(int brokers, int added, int racks, int partitions, int perTopic, int rf, long seed) {
        Random random = new Random(seed);
        List<ClusterLoad.Broker> all = new ArrayList<>();
        for (int b = 0; b < brokers + added; b++) {
            all.add(new ClusterLoad.Broker(b, "rack-" + (b % racks), 0));
        }
        // brokers ordered so that neighbours are in different racks, as Kafka's rack-aware assignment orders them
        List<Integer> alternating = new ArrayList<>();
        for (int i = 0; i < brokers; i++) {
            int rack = i % racks;
            int nth = i / racks;
            alternating.add(rack + nth * racks);
        }
        List<ClusterLoad.Partition> out = new ArrayList<>();
        int topics = (partitions + perTopic - 1) / perTopic;
        for (int t = 0; t < topics; t++) {
            // a topic's size varies over three orders of magnitude; its partitions by half either way
            double topicBytes = Math.exp(random.nextGaussian() * 1.5) * 200_000_000L;
            int start = random.nextInt(brokers);
            for (int i = 0; i < perTopic && out.size() < partitions; i++) {
                List<Integer> replicas = new ArrayList<>();
                for (int r = 0; r < rf; r++) {
                    replicas.add(alternating.get((start + i + r) % brokers));
                }
                long size = (long) (topicBytes * (0.5 + random.nextDouble()));
                out.add(new ClusterLoad.Partition("topic-" + t, i, replicas, size, size / 86_400.0));
            }
        }
        return new ClusterLoad(all, out);
    }
}
