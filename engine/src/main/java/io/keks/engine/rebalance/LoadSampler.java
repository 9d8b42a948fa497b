package io.keks.engine.rebalance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The {@link ClusterLoad} of a running cluster, from the Admin API alone: brokers and racks
 * (describeCluster), replicas in order (describeTopics), log sizes and disk sizes (describeLogDirs), what
 * producers write, from how much each leader's log grew between two looks a sampling window apart, and what consumer
 * groups read, from how far their committed offsets moved meanwhile ({@link ConsumedBytes}). No metrics topic, no
 * agent in the brokers, no warm-up: the first proposal comes after one window.
 */
public final class LoadSampler {
    private static final long CALL_TIMEOUT_MS = 30_000;

    private LoadSampler() {
    }

    /** @param window how long to watch the logs grow; zero for sizes only (no throughput) */
    public static ClusterLoad sample(Admin admin, Duration window) throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<Integer> ids = nodes.stream().map(Node::id).sorted().toList();
        Map<Integer, Map<String, LogDirDescription>> first = logDirs(admin, ids);
        long firstAt = System.nanoTime();
        Map<Integer, Map<String, LogDirDescription>> last = first;
        Map<TopicPartition, Double> consumed = Map.of();
        if (!window.isZero()) {
            Map<String, Map<TopicPartition, Long>> committedBefore = ConsumedBytes.committed(admin);
            // the window itself: what producers write and consumers read shows only as logs and offsets that move
            Thread.sleep(window.toMillis());
            last = logDirs(admin, ids);
            consumed = ConsumedBytes.offsetsConsumed(committedBefore, ConsumedBytes.committed(admin));
        }
        double seconds = window.isZero() ? 0 : (System.nanoTime() - firstAt) / 1e9;
        Map<String, TopicDescription> topics = topics(admin);
        // a partition Kafka is moving lists its old and new replicas both: it is counted where the move puts it
        Map<TopicPartition, PartitionReassignment> moving = admin.listPartitionReassignments().reassignments()
                .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<ClusterLoad.Broker> brokers = new ArrayList<>();
        for (Node n : nodes.stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).toList()) {
            long capacity = last.getOrDefault(n.id(), Map.of()).values().stream()
                    .mapToLong(d -> d.totalBytes().orElse(0)).sum();
            brokers.add(new ClusterLoad.Broker(n.id(), n.hasRack() ? n.rack() : null, capacity));
        }
        Map<TopicPartition, Long> sizeNow = sizes(last);
        Map<TopicPartition, Long> sizeBefore = sizes(first);
        Map<TopicPartition, Double> bytesPerOffset = ConsumedBytes.bytesPerOffset(admin, consumed.keySet(), sizeNow);
        List<ClusterLoad.Partition> partitions = new ArrayList<>();
        for (TopicDescription t : new TreeMap<>(topics).values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                long size = sizeNow.getOrDefault(tp, 0L);
                double rate = seconds == 0 ? 0 : Math.max(0, size - sizeBefore.getOrDefault(tp, size)) / seconds;
                PartitionReassignment move = moving.get(tp);
                List<Integer> replicas = p.replicas().stream().map(Node::id)
                        .filter(id -> move == null || !move.removingReplicas().contains(id)).toList();
                double out = seconds == 0 ? 0 : consumed.getOrDefault(tp, 0.0) * bytesPerOffset.getOrDefault(tp, 0.0) / seconds;
                partitions.add(new ClusterLoad.Partition(t.name(), p.partition(), replicas, size, rate, out));
            }
        }
        return new ClusterLoad(brokers, partitions);
    }

    /** Each broker's log directories, with their size, room left and replicas (future ones, still being moved in, left out). */
    public static Map<Integer, List<DiskPlan.LogDir>> disks(Admin admin) throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<Integer, Map<String, LogDirDescription>> dirs = logDirs(admin, nodes.stream().map(Node::id).sorted().toList());
        Map<Integer, List<DiskPlan.LogDir>> out = new TreeMap<>();
        dirs.forEach((broker, byPath) -> {
            List<DiskPlan.LogDir> list = new ArrayList<>();
            byPath.forEach((path, d) -> {
                Map<TopicPartition, Long> replicas = new HashMap<>();
                d.replicaInfos().forEach((tp, info) -> {
                    if (!info.isFuture()) {
                        replicas.put(tp, info.size());
                    }
                });
                list.add(new DiskPlan.LogDir(path, d.totalBytes().orElse(0), d.usableBytes().orElse(0), replicas));
            });
            out.put(broker, list);
        });
        return out;
    }

    /** Every topic, the internal ones too (they hold replicas like any other), described. */
    public static Map<String, TopicDescription> topics(Admin admin) throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return names.isEmpty() ? Map.of() : admin.describeTopics(names).allTopicNames().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private static Map<Integer, Map<String, LogDirDescription>> logDirs(Admin admin, List<Integer> brokers) throws Exception {
        return admin.describeLogDirs(brokers).allDescriptions().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Each partition's largest log among its replicas (the leader's, or a follower's that has not deleted old segments yet). */
    private static Map<TopicPartition, Long> sizes(Map<Integer, Map<String, LogDirDescription>> dirs) {
        Map<TopicPartition, Long> sizes = new HashMap<>();
        for (Map<String, LogDirDescription> broker : dirs.values()) {
            for (LogDirDescription dir : broker.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    if (!e.getValue().isFuture()) {
                        sizes.merge(e.getKey(), e.getValue().size(), Math::max);
                    }
                }
            }
        }
        return sizes;
    }
}
