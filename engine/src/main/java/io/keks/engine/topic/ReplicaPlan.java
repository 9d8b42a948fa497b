package io.keks.engine.topic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * New replica lists for a change of replication factor, rack-aware. Growing, each partition gets
 * replicas on brokers it does not use yet, first in racks it does not use yet, then on the broker
 * holding the fewest replicas; they go at the end of the list, so the preferred leader stays. Shrinking,
 * a partition keeps its current leader and loses first a replica that shares its rack with another,
 * then one on the broker holding the most replicas. Pure.
 */
public final class ReplicaPlan {
    private ReplicaPlan() {
    }

    /**
     * @param topics  the topics to change, described
     * @param target  each topic's replication factor wanted
     * @param rackOf  every broker that may hold replicas, with its rack (null when none)
     * @return the new replica list of every partition whose list changes
     * @throws IllegalArgumentException when a topic wants more replicas than there are brokers
     */
    public static Map<TopicPartition, List<Integer>> resize(Map<String, TopicDescription> topics, Map<String, Integer> target,
                                                            Map<Integer, String> rackOf) {
        Map<Integer, Integer> load = new HashMap<>();
        rackOf.keySet().forEach(b -> load.put(b, 0));
        topics.values().forEach(t -> t.partitions().forEach(p -> p.replicas().stream().map(Node::id).filter(load::containsKey)
                .forEach(b -> load.merge(b, 1, Integer::sum))));
        Map<TopicPartition, List<Integer>> plan = new LinkedHashMap<>();
        for (TopicDescription t : new TreeMap<>(topics).values()) {
            int want = target.get(t.name());
            if (want > rackOf.size()) {
                throw new IllegalArgumentException("topic " + t.name() + " wants " + want + " replicas but the cluster has "
                        + rackOf.size() + " broker(s)");
            }
            for (TopicPartitionInfo p : t.partitions()) {
                List<Integer> replicas = new ArrayList<>(p.replicas().stream().map(Node::id).toList());
                if (replicas.size() == want) {
                    continue;
                }
                while (replicas.size() < want) {
                    List<String> used = replicas.stream().map(rackOf::get).filter(Objects::nonNull).toList();
                    int add = rackOf.keySet().stream().filter(b -> !replicas.contains(b))
                            .min(Comparator.<Integer>comparingInt(b -> rackOf.get(b) != null && used.contains(rackOf.get(b)) ? 1 : 0)
                                    .thenComparingInt(load::get).thenComparingInt(b -> b))
                            .orElseThrow();
                    replicas.add(add);
                    load.merge(add, 1, Integer::sum);
                }
                Integer leader = p.leader() == null || p.leader().isEmpty() ? replicas.get(0) : p.leader().id();
                while (replicas.size() > want) {
                    int drop = replicas.stream().filter(r -> !r.equals(leader))
                            .max(Comparator.<Integer>comparingInt(r -> sharesRack(r, replicas, rackOf) ? 1 : 0)
                                    .thenComparingInt(r -> load.getOrDefault(r, 0)).thenComparingInt(replicas::indexOf))
                            .orElseThrow();
                    replicas.remove(Integer.valueOf(drop));
                    load.computeIfPresent(drop, (b, n) -> n - 1);
                }
                plan.put(new TopicPartition(t.name(), p.partition()), replicas);
            }
        }
        return plan;
    }

    private static boolean sharesRack(int broker, List<Integer> replicas, Map<Integer, String> rackOf) {
        String rack = rackOf.get(broker);
        return rack != null && replicas.stream().filter(r -> r != broker).anyMatch(r -> rack.equals(rackOf.get(r)));
    }
}
