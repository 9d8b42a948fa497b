package io.keks.engine.roll;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The replication throttle of a partition reassignment, as kafka-reassign-partitions sets it: a rate
 * on every broker involved, and per topic the replicas it applies to (the current ones as leaders,
 * the ones being added as followers), so only the copying is slowed, never the clients' traffic.
 */
public final class ReplicationThrottle {
    public static final String LEADER_RATE = "leader.replication.throttled.rate";
    public static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
    public static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";
    /** The topic configs a throttle sets: while a partition of the topic moves they are not the manifest's to remove. */
    public static final Set<String> TOPIC_KEYS = Set.of(LEADER_REPLICAS, FOLLOWER_REPLICAS);

    private ReplicationThrottle() {
    }

    /**
     * The config writes that set ({@code on}) or remove the throttle of {@code moves}.
     *
     * @param current each moving partition's replicas now
     * @param moves   each moving partition's replicas when the move is done
     */
    public static Map<ConfigResource, Collection<AlterConfigOp>> ops(Collection<Integer> brokers, long bytesPerSecond,
                                                                     Map<TopicPartition, List<Integer>> current,
                                                                     Map<TopicPartition, List<Integer>> moves, boolean on) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>(brokerOps(brokers, bytesPerSecond, on));
        Map<String, List<TopicPartition>> byTopic = moves.keySet().stream().collect(Collectors.groupingBy(TopicPartition::topic));
        byTopic.forEach((topic, partitions) -> {
            List<String> leaders = new ArrayList<>();
            List<String> followers = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                List<Integer> now = current.getOrDefault(tp, List.of());
                now.forEach(r -> leaders.add(tp.partition() + ":" + r));
                moves.get(tp).stream().filter(r -> !now.contains(r)).forEach(r -> followers.add(tp.partition() + ":" + r));
            }
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    op(LEADER_REPLICAS, String.join(",", leaders), on), op(FOLLOWER_REPLICAS, String.join(",", followers), on)));
        });
        return ops;
    }

    /** The writes that set or remove the rate on each broker. */
    public static Map<ConfigResource, Collection<AlterConfigOp>> brokerOps(Collection<Integer> brokers, long bytesPerSecond, boolean on) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (int b : brokers) {
            ops.put(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b)), List.of(
                    op(LEADER_RATE, String.valueOf(bytesPerSecond), on), op(FOLLOWER_RATE, String.valueOf(bytesPerSecond), on)));
        }
        return ops;
    }

    private static AlterConfigOp op(String key, String value, boolean set) {
        return new AlterConfigOp(new ConfigEntry(key, set ? value : null), set ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE);
    }
}
