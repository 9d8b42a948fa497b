package io.keks.engine.rebalance;

import io.keks.engine.roll.ReplicationThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * Carries out a proposal through partition reassignments, in batches: at most so many partitions moving into
 * or out of each broker at once, replication throttled for each batch and the throttle removed after it, a
 * stop honoured between batches, preferred leaders elected at the end. What is left to do is always worked
 * out from Kafka (a partition whose replicas are already the target's is done; a reassignment already running
 * is waited for, not started again), so a supervisor or operator that restarts in the middle resumes where
 * Kafka is, from the same target.
 */
public final class RebalanceExecutor {
    private static final long CALL_TIMEOUT_MS = 30_000;

    /**
     * @param movesPerBroker  {@code concurrentPartitionMovementsPerBroker}: partitions moving into or out of one broker at once
     * @param leaderMovements {@code concurrentLeaderMovements}: preferred leaders elected in one call
     * @param throttle        {@code replicationThrottle} in bytes per second; 0 for none
     * @param stallTimeout    how long a batch may go without a partition finishing before the rebalance stops with an error
     */
    public record Settings(int movesPerBroker, int leaderMovements, long throttle, Duration stallTimeout) {
        public static Settings defaults() {
            return new Settings(5, 1000, 0, Duration.ofMinutes(10));
        }
    }

    /** How far the rebalance is: partitions and bytes done of all. */
    public record Progress(int partitionsDone, int partitions, long bytesDone, long bytes, int batch) {
        public int percent() {
            return partitions == 0 ? 100 : (int) (100L * partitionsDone / partitions);
        }
    }

    /** Hears of each batch. */
    public interface Listener {
        void step(String line);

        default void progress(Progress progress) {
        }
    }

    /** How the execution ended. */
    public enum Ending { DONE, STOPPED }

    /** A rebalance that could not go on: Kafka refused a batch, or a batch stalled. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }

    private final Admin admin;
    private final Settings settings;
    private final Listener listener;
    private final CountDownLatch never = new CountDownLatch(1);

    public RebalanceExecutor(Admin admin, Settings settings, Listener listener) {
        this.admin = admin;
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * Brings every partition of {@code target} to its replica list, in order.
     *
     * @param sizes each partition's size, for progress in bytes (a missing one counts as 0)
     * @param stop  asked between batches: true stops the rebalance with the batches done kept
     */
    public Ending execute(Map<TopicPartition, List<Integer>> target, Map<TopicPartition, Long> sizes, BooleanSupplier stop)
            throws Failed, InterruptedException {
        try {
            awaitRunning(target.keySet());
            Map<TopicPartition, List<Integer>> current = current(target.keySet());
            Map<TopicPartition, List<Integer>> pending = new LinkedHashMap<>();
            target.forEach((tp, r) -> {
                if (current.containsKey(tp) && !current.get(tp).equals(r)) {
                    pending.put(tp, r);
                }
            });
            long bytes = pending.keySet().stream().mapToLong(tp -> moving(current.get(tp), pending.get(tp)) ? sizes.getOrDefault(tp, 0L) : 0).sum();
            Progress progress = new Progress(0, pending.size(), 0, bytes, 0);
            listener.step(pending.size() + " of " + target.size() + " partition(s) still to change"
                    + (pending.size() < target.size() ? " (the others are already where the proposal puts them)" : ""));
            listener.progress(progress);
            while (!pending.isEmpty()) {
                if (stop.getAsBoolean()) {
                    listener.step("stopped after " + progress.partitionsDone() + " of " + progress.partitions() + " partitions");
                    return Ending.STOPPED;
                }
                Map<TopicPartition, List<Integer>> batch = nextBatch(pending, current);
                runBatch(batch, current);
                long batchBytes = batch.keySet().stream()
                        .mapToLong(tp -> moving(current.get(tp), batch.get(tp)) ? sizes.getOrDefault(tp, 0L) : 0).sum();
                batch.forEach((tp, r) -> {
                    pending.remove(tp);
                    current.put(tp, r);
                });
                progress = new Progress(progress.partitionsDone() + batch.size(), progress.partitions(), progress.bytesDone() + batchBytes,
                        progress.bytes(), progress.batch() + 1);
                listener.step("batch " + progress.batch() + ": " + progress.partitionsDone() + " of " + progress.partitions()
                        + " partitions done (" + progress.percent() + " %)");
                listener.progress(progress);
            }
            electPreferredLeaders(target);
            return Ending.DONE;
        } catch (Failed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Failed("the rebalance could not go on: " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
        }
    }

    private static boolean moving(List<Integer> now, List<Integer> to) {
        return now != null && !Set.copyOf(now).equals(Set.copyOf(to));
    }

    /**
     * The next partitions to change: a partition whose replicas only change order costs nothing and always goes;
     * one that moves goes while none of the brokers it leaves or reaches has {@code movesPerBroker} moves already.
     */
    Map<TopicPartition, List<Integer>> nextBatch(Map<TopicPartition, List<Integer>> pending, Map<TopicPartition, List<Integer>> current) {
        return batchOf(pending, current, settings.movesPerBroker());
    }

    static Map<TopicPartition, List<Integer>> batchOf(Map<TopicPartition, List<Integer>> pending, Map<TopicPartition, List<Integer>> current,
                                                      int movesPerBroker) {
        Map<Integer, Integer> busy = new HashMap<>();
        Map<TopicPartition, List<Integer>> batch = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, List<Integer>> e : pending.entrySet()) {
            List<Integer> now = current.getOrDefault(e.getKey(), List.of());
            Set<Integer> involved = new TreeSet<>();
            e.getValue().stream().filter(b -> !now.contains(b)).forEach(involved::add);
            now.stream().filter(b -> !e.getValue().contains(b)).forEach(involved::add);
            if (involved.stream().allMatch(b -> busy.getOrDefault(b, 0) < movesPerBroker)) {
                involved.forEach(b -> busy.merge(b, 1, Integer::sum));
                batch.put(e.getKey(), e.getValue());
            }
        }
        return batch;
    }

    private void runBatch(Map<TopicPartition, List<Integer>> batch, Map<TopicPartition, List<Integer>> current) throws Exception {
        Set<Integer> brokers = new TreeSet<>();
        batch.forEach((tp, r) -> {
            brokers.addAll(r);
            brokers.addAll(current.getOrDefault(tp, List.of()));
        });
        boolean throttled = settings.throttle() > 0;
        if (throttled) {
            admin.incrementalAlterConfigs(ReplicationThrottle.ops(brokers, settings.throttle(), current, batch, true)).all()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        try {
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
            batch.forEach((tp, r) -> request.put(tp, Optional.of(new NewPartitionReassignment(r))));
            admin.alterPartitionReassignments(request).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            awaitRunning(batch.keySet());
        } finally {
            if (throttled) {
                removeThrottle(brokers, current, batch);
            }
        }
    }

    private void removeThrottle(Set<Integer> brokers, Map<TopicPartition, List<Integer>> current, Map<TopicPartition, List<Integer>> batch) {
        try {
            admin.incrementalAlterConfigs(ReplicationThrottle.ops(brokers, settings.throttle(), current, batch, false)).all()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            listener.step("could not remove the replication throttle (" + e.getMessage() + "); remove "
                    + ReplicationThrottle.LEADER_RATE + " and " + ReplicationThrottle.FOLLOWER_RATE + " by hand");
        }
    }

    /** Waits until none of {@code partitions} is being reassigned, failing when none finishes for the stall timeout. */
    private void awaitRunning(Set<TopicPartition> partitions) throws Exception {
        long lastProgress = System.nanoTime();
        int lastLeft = -1;
        while (true) {
            Set<TopicPartition> running = admin.listPartitionReassignments(partitions).reassignments()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).keySet();
            if (running.isEmpty()) {
                return;
            }
            if (running.size() != lastLeft) {
                lastLeft = running.size();
                lastProgress = System.nanoTime();
            }
            if (System.nanoTime() - lastProgress > settings.stallTimeout().toNanos()) {
                throw new Failed("no partition finished moving for " + settings.stallTimeout().toSeconds() + " s (" + running.size()
                        + " still moving, e.g. " + running.iterator().next() + "); the reassignment keeps running in Kafka");
            }
            never.await(250, TimeUnit.MILLISECONDS);
        }
    }

    private Map<TopicPartition, List<Integer>> current(Set<TopicPartition> partitions) throws Exception {
        Set<String> names = new TreeSet<>();
        partitions.forEach(tp -> names.add(tp.topic()));
        Map<TopicPartition, List<Integer>> current = new HashMap<>();
        if (names.isEmpty()) {
            return current;
        }
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (TopicDescription t : topics.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                if (partitions.contains(tp)) {
                    current.put(tp, p.replicas().stream().map(Node::id).toList());
                }
            }
        }
        return current;
    }

    /** Elects each partition's first replica its leader, {@code leaderMovements} at a time. */
    private void electPreferredLeaders(Map<TopicPartition, List<Integer>> target) throws Exception {
        List<TopicPartition> all = new ArrayList<>(target.keySet());
        int elected = 0;
        for (int i = 0; i < all.size(); i += settings.leaderMovements()) {
            Set<TopicPartition> chunk = Set.copyOf(all.subList(i, Math.min(all.size(), i + settings.leaderMovements())));
            var results = admin.electLeaders(ElectionType.PREFERRED, chunk).partitions().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (var e : results.entrySet()) {
                if (e.getValue().isEmpty()) {
                    elected++;
                } else if (!(e.getValue().get() instanceof ElectionNotNeededException)) {
                    listener.step("preferred leader of " + e.getKey() + " not elected: " + e.getValue().get().getMessage());
                }
            }
        }
        listener.step("preferred leaders elected for " + elected + " partition(s)");
    }
}
