package io.keks.engine.roll;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Where the replicas of brokers that leave go. Each leaving replica keeps its place in the replica
 * list (so the preferred leader moves with it) and goes to a remaining broker that does not hold the
 * partition yet, chosen by: the same rack as the leaving broker, else a rack the partition does not
 * use yet, else any; among those the one holding the fewest replicas. Pure.
 */
public final class DrainPlan {
    private DrainPlan() {
    }

    /**
     * @param rackOf remaining brokers with their rack (null when none)
     * @return new replica lists of the partitions that have a leaving replica
     * @throws IllegalStateException when a partition has more replicas than there are brokers to hold them
     */
    public static Map<TopicPartition, List<Integer>> plan(Map<String, TopicDescription> topics, Set<Integer> leaving,
                                                          Map<Integer, String> rackOf) {
        Map<Integer, Integer> load = new HashMap<>();
        rackOf.keySet().forEach(b -> load.put(b, 0));
        Map<String, TopicDescription> sorted = new TreeMap<>(topics);
        for (TopicDescription t : sorted.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                p.replicas().stream().map(Node::id).filter(load::containsKey).forEach(b -> load.merge(b, 1, Integer::sum));
            }
        }
        Map<TopicPartition, List<Integer>> moves = new LinkedHashMap<>();
        for (TopicDescription t : sorted.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                List<Integer> replicas = new ArrayList<>(p.replicas().stream().map(Node::id).toList());
                if (replicas.stream().noneMatch(leaving::contains)) {
                    continue;
                }
                for (int i = 0; i < replicas.size(); i++) {
                    int out = replicas.get(i);
                    if (!leaving.contains(out)) {
                        continue;
                    }
                    String outRack = rackOf.get(out) != null ? rackOf.get(out) : rackOfLeaving(out, p);
                    List<String> usedRacks = replicas.stream().filter(r -> r != out).map(rackOf::get).filter(Objects::nonNull).toList();
                    Integer to = rackOf.keySet().stream().filter(b -> !replicas.contains(b))
                            .min(Comparator.<Integer>comparingInt(b -> rackScore(rackOf.get(b), outRack, usedRacks))
                                    .thenComparingInt(load::get).thenComparingInt(b -> b))
                            .orElseThrow(() -> new IllegalStateException(t.name() + "-" + p.partition() + " has " + replicas.size()
                                    + " replicas and no broker is left to take the one on broker " + out));
                    replicas.set(i, to);
                    load.merge(to, 1, Integer::sum);
                }
                moves.put(new TopicPartition(t.name(), p.partition()), replicas);
            }
        }
        return moves;
    }

    /** The partitions ("topic-partition") that still have a replica on one of {@code brokers}. */
    public static List<String> stillOn(Set<Integer> brokers, Collection<TopicDescription> topics) {
        List<String> left = new ArrayList<>();
        for (TopicDescription t : topics) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.replicas().stream().anyMatch(n -> brokers.contains(n.id()))) {
                    left.add(t.name() + "-" + p.partition());
                }
            }
        }
        return left;
    }

    /** The replica lists the partitions of {@code moves} have now, as {@code topics} describe them. */
    public static Map<TopicPartition, List<Integer>> currentReplicas(Map<String, TopicDescription> topics,
                                                                     Set<TopicPartition> moves) {
        Map<TopicPartition, List<Integer>> current = new HashMap<>();
        for (TopicPartition tp : moves) {
            TopicDescription t = topics.get(tp.topic());
            if (t != null) {
                t.partitions().stream().filter(p -> p.partition() == tp.partition()).findFirst()
                        .ifPresent(p -> current.put(tp, p.replicas().stream().map(Node::id).toList()));
            }
        }
        return current;
    }

    /** The rack of a leaving broker as its partition's replica list reports it. */
    private static String rackOfLeaving(int id, TopicPartitionInfo p) {
        return p.replicas().stream().filter(n -> n.id() == id).findFirst().filter(Node::hasRack).map(Node::rack).orElse(null);
    }

    /** 0: the leaving broker's rack; 1: a rack the partition does not use; 2: anything else. */
    private static int rackScore(String rack, String outRack, List<String> usedRacks) {
        if (rack != null && rack.equals(outRack)) {
            return 0;
        }
        if (rack == null || !usedRacks.contains(rack)) {
            return 1;
        }
        return 2;
    }
}
