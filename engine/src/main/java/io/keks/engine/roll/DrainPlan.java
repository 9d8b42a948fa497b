package io.keks.engine.roll;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What a drain reads from topic descriptions: the partitions still on leaving brokers, and the replicas
 * moves start from (where the replicas go is the rebalance planner's remove-brokers step). Pure.
 */
public final class DrainPlan {
    private DrainPlan() {
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
}
