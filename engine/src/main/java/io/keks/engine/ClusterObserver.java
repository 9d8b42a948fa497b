package io.keks.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** Reads brokers, fencing and the metadata quorum through the Admin API. */
public final class ClusterObserver {
    private final Admin admin;
    private final long timeoutMs;
    private volatile boolean fencedSupported = true;

    public ClusterObserver(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    public ObservedCluster observe() throws InterruptedException, ExecutionException, TimeoutException {
        Set<Integer> brokers = new HashSet<>();
        Set<Integer> fenced = new HashSet<>();
        String clusterId;
        DescribeClusterResult result = describe();
        try {
            clusterId = result.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
            for (Node n : result.nodes().get(timeoutMs, TimeUnit.MILLISECONDS)) {
                brokers.add(n.id());
                if (n.isFenced()) {
                    fenced.add(n.id());
                }
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnsupportedVersionException) || !fencedSupported) {
                throw e;
            }
            // brokers before Kafka 4.0 cannot list fenced brokers; they list only serving ones
            fencedSupported = false;
            return observe();
        }
        QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(timeoutMs, TimeUnit.MILLISECONDS);
        Set<Integer> voters = new HashSet<>();
        Map<Integer, Long> lag = new HashMap<>();
        long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                .mapToLong(QuorumInfo.ReplicaState::logEndOffset).findFirst().orElse(0);
        for (QuorumInfo.ReplicaState v : quorum.voters()) {
            voters.add(v.replicaId());
            lag.put(v.replicaId(), Math.max(0, leaderEnd - v.logEndOffset()));
        }
        OptionalInt leader = quorum.leaderId() >= 0 ? OptionalInt.of(quorum.leaderId()) : OptionalInt.empty();
        Set<Integer> observers = quorum.observers().stream().map(QuorumInfo.ReplicaState::replicaId).collect(Collectors.toUnmodifiableSet());
        return new ObservedCluster(clusterId, Set.copyOf(brokers), Set.copyOf(fenced), leader, Set.copyOf(voters), Map.copyOf(lag),
                observers);
    }

    /**
     * The lowest metadata.version level any Kafka storage tool formats a cluster at (3.3-IV0). A lower
     * level is what a node answers before it has loaded the metadata log (Kafka 3.9 and older answer
     * 3.0-IV1, level 1: KAFKA-19964), never a level a cluster runs at.
     */
    static final int LOWEST_FORMATTED_METADATA_LEVEL = 4;

    /**
     * The finalized metadata.version feature level, empty when Kafka reports none or when, within the
     * timeout, only nodes that have not loaded the metadata log answered.
     */
    public static OptionalInt finalizedMetadataLevel(Admin admin, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            OptionalInt level = finalizedLevel(admin, "metadata.version", timeoutMs);
            if (level.isEmpty() || level.getAsInt() >= LOWEST_FORMATTED_METADATA_LEVEL) {
                return level;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250) > deadline) {
                return OptionalInt.empty();
            }
            Thread.sleep(250);
        }
    }

    /** The finalized level of a feature ({@code kraft.version}, ...), empty when Kafka reports none. */
    public static OptionalInt finalizedLevel(Admin admin, String feature, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        FinalizedVersionRange range = admin.describeFeatures().featureMetadata().get(timeoutMs, TimeUnit.MILLISECONDS)
                .finalizedFeatures().get(feature);
        return range == null ? OptionalInt.empty() : OptionalInt.of(range.maxVersionLevel());
    }

    /** The controllers that vote in the metadata quorum; empty when Kafka does not say. */
    public static Set<Integer> voters(Admin admin, long timeoutMs) throws InterruptedException {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(timeoutMs, TimeUnit.MILLISECONDS).voters().stream()
                    .map(QuorumInfo.ReplicaState::replicaId).collect(Collectors.toCollection(TreeSet::new));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return Set.of();
        }
    }

    private DescribeClusterResult describe() {
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) timeoutMs);
        return admin.describeCluster(fencedSupported ? options.includeFencedBrokers(true) : options);
    }
}
