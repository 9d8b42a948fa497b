package io.keks.engine.roll;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Whether stopping some brokers keeps every partition they host at or above its topic's
 * min.insync.replicas, and whether a restarted broker is back in the ISR of all its partitions.
 * Pure: it reads topic descriptions fetched by the caller.
 */
public final class PartitionSafety {
    private PartitionSafety() {
    }

    /**
     * @param blocking    partitions that would drop below their min ISR, with their numbers; empty means safe
     * @param unprotected topics whose replication factor is at most their min ISR: any broker of theirs
     *                    stopping makes them refuse acks=all writes, whatever the order, so they do not block
     */
    public record Check(List<String> blocking, Set<String> unprotected) {
        public boolean safe() {
            return blocking.isEmpty();
        }
    }

    /** Checks stopping {@code brokers} together against topics and their min ISR (absent: 1). */
    public static Check stopping(Set<Integer> brokers, Map<String, TopicDescription> topics, Map<String, Integer> minIsr) {
        List<String> blocking = new ArrayList<>();
        Set<String> unprotected = new TreeSet<>();
        for (TopicDescription t : topics.values()) {
            int min = minIsr.getOrDefault(t.name(), 1);
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.replicas().stream().noneMatch(r -> brokers.contains(r.id()))) {
                    continue;
                }
                if (p.replicas().size() <= min) {
                    unprotected.add(t.name());
                    continue;
                }
                long remaining = p.isr().stream().filter(r -> !brokers.contains(r.id())).count();
                if (remaining < min) {
                    blocking.add(t.name() + "-" + p.partition() + " (ISR " + ids(p.isr()) + ", min.insync.replicas " + min + ")");
                }
            }
        }
        return new Check(blocking, unprotected);
    }

    /** Partitions that have {@code broker} as a replica but not in their ISR: it has not caught up there. */
    public static List<String> notCaughtUp(int broker, Map<String, TopicDescription> topics) {
        List<String> behind = new ArrayList<>();
        for (TopicDescription t : topics.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                if (p.replicas().stream().anyMatch(r -> r.id() == broker) && p.isr().stream().noneMatch(r -> r.id() == broker)) {
                    behind.add(t.name() + "-" + p.partition());
                }
            }
        }
        return behind;
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
