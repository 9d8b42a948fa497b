package io.keks.engine;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The health of a running cluster's partitions as the Admin API tells it, with no metrics needed:
 * the active controller, brokers serving, partitions under-replicated, offline (no leader) and under
 * min.insync.replicas, and per broker its replicas, leaders and log bytes. One instance is kept
 * between looks: each topic's min.insync.replicas is read when the topic is first seen, again for a
 * topic whose ISR shrank, and for all topics every {@link #CONFIG_REFRESH_MS}, so that a look at
 * thousands of topics does not read every topic's configs.
 */
public final class ClusterHealth {
    static final long CONFIG_REFRESH_MS = 5 * 60_000;

    /** What one look saw. */
    public record Look(OptionalInt activeController, int brokersServing, int partitions, int underReplicated, int offline,
                       int underMinIsr, Map<Integer, BrokerLoad> brokers) {
    }

    /**
     * @param logBytes the size of the replicas in the broker's log directories; -1 when it did not say
     * @param disks    how full each of its log directories is; empty when it did not say
     */
    public record BrokerLoad(int replicas, int leaders, long logBytes, List<DiskUse> disks) {
        /** The fullest of its log directories (an offline one first); empty when it did not say. */
        public Optional<DiskUse> fullest() {
            return disks.stream().max(Comparator.comparing(DiskUse::offline).thenComparingInt(DiskUse::percentUsed));
        }
    }

    /** Partition counts of a set of topics against each topic's min.insync.replicas (1 when not known). */
    public record Counts(int partitions, int underReplicated, int offline, int underMinIsr,
                         Map<Integer, Integer> replicas, Map<Integer, Integer> leaders) {
        public static Counts of(Collection<TopicDescription> topics, Map<String, Integer> minIsr) {
            int partitions = 0;
            int under = 0;
            int offline = 0;
            int underMin = 0;
            Map<Integer, Integer> replicas = new TreeMap<>();
            Map<Integer, Integer> leaders = new TreeMap<>();
            for (TopicDescription t : topics) {
                int min = minIsr.getOrDefault(t.name(), 1);
                for (TopicPartitionInfo p : t.partitions()) {
                    partitions++;
                    p.replicas().forEach(r -> replicas.merge(r.id(), 1, Integer::sum));
                    if (PartitionAvailability.offline(p)) {
                        offline++;
                    } else {
                        leaders.merge(p.leader().id(), 1, Integer::sum);
                    }
                    if (p.isr().size() < p.replicas().size()) {
                        under++;
                    }
                    if (PartitionAvailability.underMinIsr(p, min)) {
                        underMin++;
                    }
                }
            }
            return new Counts(partitions, under, offline, underMin, replicas, leaders);
        }
    }

    private final Admin admin;
    private final long timeoutMs;
    private final ClusterObserver observer;
    private final Map<String, Integer> minIsr = new HashMap<>();
    private long configsReadAt;

    public ClusterHealth(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
        this.observer = new ClusterObserver(admin, timeoutMs);
    }

    public Look look() throws Exception {
        ObservedCluster o = observer.observe();
        Map<String, TopicDescription> topics = AllTopics.describe(admin, timeoutMs);
        long now = System.currentTimeMillis();
        Set<String> toRead = new HashSet<>();
        if (now - configsReadAt > CONFIG_REFRESH_MS) {
            toRead.addAll(topics.keySet());
            configsReadAt = now;
        } else {
            for (TopicDescription t : topics.values()) {
                boolean shrunk = t.partitions().stream().anyMatch(p -> p.isr().size() < p.replicas().size());
                if (shrunk || !minIsr.containsKey(t.name())) {
                    toRead.add(t.name());
                }
            }
        }
        minIsr.keySet().retainAll(topics.keySet());
        minIsr.putAll(MinInSyncReplicas.of(admin, toRead, timeoutMs));
        Counts counts = Counts.of(topics.values(), minIsr);

        // one describeLogDirs for both: the replicas' bytes and the filesystems they are on
        Map<Integer, Map<String, LogDirDescription>> dirs = DiskUse.describe(admin, o.brokers(), timeoutMs);
        Map<Integer, BrokerLoad> brokers = new TreeMap<>();
        for (int id : o.brokers()) {
            Map<String, LogDirDescription> mine = dirs.get(id);
            long logBytes = mine == null ? -1 : mine.values().stream().flatMap(d -> d.replicaInfos().values().stream())
                    .mapToLong(ReplicaInfo::size).sum();
            brokers.put(id, new BrokerLoad(counts.replicas().getOrDefault(id, 0), counts.leaders().getOrDefault(id, 0), logBytes,
                    mine == null ? List.of() : DiskUse.of(id, mine)));
        }
        return new Look(o.quorumLeader(), o.servingBrokers().size(), counts.partitions(), counts.underReplicated(), counts.offline(),
                counts.underMinIsr(), brokers);
    }
}
