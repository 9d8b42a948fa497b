package io.keks.engine.rebalance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where every replica is while a plan is worked out, and the load each broker carries with it, kept up
 * to date move by move. Brokers and partitions are numbered by their position in the {@link ClusterLoad};
 * the planner works on those numbers so that a million replicas fit in little memory.
 */
final class Placement {
    final ClusterLoad load;
    final int brokerCount;
    final int partitionCount;
    final int[] rack;
    final long[] diskCapacity;
    final int[][] replicas;
    final long[] size;
    final double[] bytesIn;
    /** What consumers read from each partition: outbound load on its leader. */
    final double[] bytesOut;
    final int[] topic;
    final boolean[] fixed;
    final int topicCount;

    final int[] count;
    final long[] bytes;
    final int[] leaders;
    final double[] networkIn;
    final double[] networkOut;
    final double[] leaderBytesIn;
    final int[][] topicReplicas;
    /** Each broker's partitions, smallest first: where the planner looks for a replica of a given size. */
    final TreeSet<Integer>[] held;

    @SuppressWarnings("unchecked")
    Placement(ClusterLoad load, Pattern excluded) {
        this.load = load;
        brokerCount = load.brokers().size();
        partitionCount = load.partitions().size();
        Map<Integer, Integer> index = new HashMap<>();
        Map<String, Integer> racks = new HashMap<>();
        rack = new int[brokerCount];
        diskCapacity = new long[brokerCount];
        for (int b = 0; b < brokerCount; b++) {
            ClusterLoad.Broker broker = load.brokers().get(b);
            index.put(broker.id(), b);
            // a broker without a rack is a rack of its own
            rack[b] = racks.computeIfAbsent(broker.rack() == null ? "\0" + broker.id() : broker.rack(), r -> racks.size());
            diskCapacity[b] = broker.diskCapacityBytes();
        }
        replicas = new int[partitionCount][];
        // one more slot: the probe that ceiling() sorts among the partitions by size
        size = new long[partitionCount + 1];
        bytesIn = new double[partitionCount];
        bytesOut = new double[partitionCount];
        topic = new int[partitionCount];
        fixed = new boolean[partitionCount];
        Map<String, Integer> topics = new HashMap<>();
        for (int p = 0; p < partitionCount; p++) {
            ClusterLoad.Partition partition = load.partitions().get(p);
            List<Integer> ids = partition.replicas();
            replicas[p] = new int[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                Integer b = index.get(ids.get(i));
                if (b == null) {
                    throw new IllegalArgumentException(partition.name() + " has a replica on broker " + ids.get(i)
                            + ", which is not in the cluster");
                }
                replicas[p][i] = b;
            }
            size[p] = partition.sizeBytes();
            bytesIn[p] = partition.bytesInPerSecond();
            bytesOut[p] = partition.bytesOutPerSecond();
            topic[p] = topics.computeIfAbsent(partition.topic(), t -> topics.size());
            fixed[p] = excluded != null && excluded.matcher(partition.topic()).matches();
        }
        topicCount = topics.size();
        count = new int[brokerCount];
        bytes = new long[brokerCount];
        leaders = new int[brokerCount];
        networkIn = new double[brokerCount];
        networkOut = new double[brokerCount];
        leaderBytesIn = new double[brokerCount];
        topicReplicas = new int[topicCount][brokerCount];
        held = new TreeSet[brokerCount];
        int probe = partitionCount;
        Comparator<Integer> bySize = Comparator.<Integer>comparingLong(p -> size[p]).thenComparingInt(p -> p == probe ? -1 : p);
        for (int b = 0; b < brokerCount; b++) {
            held[b] = new TreeSet<>(bySize);
        }
        for (int p = 0; p < partitionCount; p++) {
            for (int i = 0; i < replicas[p].length; i++) {
                add(p, replicas[p][i], i == 0);
            }
        }
    }

    /** The smallest partition in {@code held} of at least {@code bytes}; null when none is that large. */
    Integer ceiling(TreeSet<Integer> held, long bytes) {
        size[partitionCount] = bytes;
        return held.ceiling(partitionCount);
    }

    int brokerId(int b) {
        return load.brokers().get(b).id();
    }

    boolean holds(int p, int b) {
        for (int r : replicas[p]) {
            if (r == b) {
                return true;
            }
        }
        return false;
    }

    /** Moving p's replica from one broker to another keeps as many racks as it had: the same rack, or one p does not use. */
    boolean keepsRacks(int p, int from, int to) {
        if (rack[from] == rack[to]) {
            return true;
        }
        for (int r : replicas[p]) {
            if (r != from && rack[r] == rack[to]) {
                return false;
            }
        }
        return true;
    }

    /** Moves p's replica from one broker to another, in the same place of its replica list. */
    void move(int p, int from, int to) {
        int i = indexOf(p, from);
        boolean leader = i == 0;
        remove(p, from, leader);
        replicas[p][i] = to;
        add(p, to, leader);
    }

    /** Makes the replica at {@code i} p's preferred leader, in the first place of its list. */
    void lead(int p, int i) {
        int old = replicas[p][0];
        int now = replicas[p][i];
        remove(p, old, true);
        remove(p, now, false);
        replicas[p][0] = now;
        replicas[p][i] = old;
        add(p, now, true);
        add(p, old, false);
    }

    int indexOf(int p, int b) {
        for (int i = 0; i < replicas[p].length; i++) {
            if (replicas[p][i] == b) {
                return i;
            }
        }
        throw new IllegalStateException("broker " + brokerId(b) + " holds no replica of " + load.partitions().get(p).name());
    }

    /** A copy of where every replica is now. */
    int[][] snapshot() {
        int[][] copy = new int[partitionCount][];
        for (int p = 0; p < partitionCount; p++) {
            copy[p] = Arrays.copyOf(replicas[p], replicas[p].length);
        }
        return copy;
    }

    private void add(int p, int b, boolean leader) {
        count[b]++;
        bytes[b] += size[p];
        networkIn[b] += bytesIn[p];
        topicReplicas[topic[p]][b]++;
        held[b].add(p);
        if (leader) {
            leaders[b]++;
            leaderBytesIn[b] += bytesIn[p];
            // the leader sends what producers write to every follower, and what consumers read
            networkOut[b] += bytesIn[p] * (replicas[p].length - 1) + bytesOut[p];
        }
    }

    private void remove(int p, int b, boolean leader) {
        count[b]--;
        bytes[b] -= size[p];
        networkIn[b] -= bytesIn[p];
        topicReplicas[topic[p]][b]--;
        held[b].remove(p);
        if (leader) {
            leaders[b]--;
            leaderBytesIn[b] -= bytesIn[p];
            networkOut[b] -= bytesIn[p] * (replicas[p].length - 1) + bytesOut[p];
        }
    }
}
