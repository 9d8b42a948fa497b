package io.keks.engine.rebalance;

import io.keks.engine.roll.ReplicationThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Carries out a proposal through partition reassignments: a window of them under way, at most so many
 * partitions moving into or out of each broker at once, a new one started as soon as one ends; replication
 * throttled for the whole proposal the way kafka-reassign-partitions does it and the throttle removed at the
 * end; a stop honoured by starting nothing more; preferred leaders elected at the end. What is left to do is
 * always worked out from Kafka (a partition whose replicas are already the target's is done; a reassignment
 * already running is waited for, not started again), so a supervisor or operator that restarts in the middle
 * resumes where Kafka is, from the same target.
 */
public final class RebalanceExecutor {
    private static final long CALL_TIMEOUT_MS = 30_000;

    /**
     * @param movesPerBroker  {@code concurrentPartitionMovementsPerBroker}: partitions moving into or out of one broker at once
     * @param leaderMovements {@code concurrentLeaderMovements}: preferred leaders elected in one call
     * @param throttle        {@code replicationThrottle} in bytes per second; 0 for none
     * @param stallTimeout    how long the rebalance may go without a partition finishing before it stops with an error
     */
    public record Settings(int movesPerBroker, int leaderMovements, long throttle, Duration stallTimeout) {
        public static Settings defaults() {
            return new Settings(5, 1000, 0, Duration.ofMinutes(10));
        }
    }

    /** How far the rebalance is: partitions and bytes done of all, and how many times reassignments were started. */
    public record Progress(int partitionsDone, int partitions, long bytesDone, long bytes, int starts) {
        public int percent() {
            return partitions == 0 ? 100 : (int) (100L * partitionsDone / partitions);
        }
    }

    /** Hears how the rebalance goes. */
    public interface Listener {
        void step(String line);

        default void progress(Progress progress) {
        }
    }

    /** How the execution ended. */
    public enum Ending { DONE, STOPPED }

    /** A rebalance that could not go on: Kafka refused a reassignment, or none ended for too long. */
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
     * Brings every partition of {@code target} to its replica list, in order: a window of reassignments, a new one
     * started as soon as one ends, at most {@code movesPerBroker} moving into or out of any broker at once.
     *
     * @param sizes each partition's size, for progress in bytes (a missing one counts as 0)
     * @param stop  asked about once a second: true starts no more moves, lets those under way end, and stops
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
            listener.step(pending.size() + " of " + target.size() + " partition(s) still to change"
                    + (pending.size() < target.size() ? " (the others are already where the proposal puts them)" : "")
                    + (settings.throttle() > 0 ? ", replication throttled to " + settings.throttle() / 1024 + " KiB/s" : ""));
            Window window = new Window(current, sizes, new Progress(0, pending.size(), 0, bytes, 0));
            listener.progress(window.progress);
            Set<Integer> brokers = new TreeSet<>();
            pending.forEach((tp, r) -> {
                brokers.addAll(r);
                brokers.addAll(current.get(tp));
            });
            // the throttle goes from every broker and topic of the whole proposal: a pass that a kill cut short left it
            // on partitions this one finds already moved
            Set<Integer> everyBroker = new TreeSet<>();
            target.forEach((tp, r) -> {
                everyBroker.addAll(r);
                everyBroker.addAll(current.getOrDefault(tp, List.of()));
            });
            Map<TopicPartition, List<Integer>> throttled = Map.copyOf(pending);
            Map<TopicPartition, List<Integer>> from = new HashMap<>(current);
            throttle(brokers, from, throttled, true);
            try {
                boolean stopped = window.run(pending, stop);
                if (stopped) {
                    listener.step("stopped after " + window.progress.partitionsDone() + " of " + window.progress.partitions() + " partitions");
                    return Ending.STOPPED;
                }
            } finally {
                // also when the pass is being stopped: a throttle left behind would slow every later move of these topics
                boolean interrupted = Thread.interrupted();
                try {
                    throttle(everyBroker, from, target, false);
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            electPreferredLeaders(target);
            return Ending.DONE;
        } catch (Failed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Failed("the rebalance could not go on: " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
        }
    }

    /** The broker config that throttles copying between the log directories of a broker. */
    static final String DISK_THROTTLE = "replica.alter.log.dirs.io.max.bytes.per.second";

    /**
     * Moves replicas between the log directories of their brokers ({@code remove-disks}), all handed to Kafka at
     * once (a broker copies them one after another), with {@value #DISK_THROTTLE} set on the brokers while they
     * move when a throttle is given. A replica already in its target directory counts as done, so a restart
     * resumes. A stop ends the wait; moves already handed to Kafka finish on their own.
     */
    public Ending moveBetweenDisks(List<DiskPlan.Move> moves, BooleanSupplier stop) throws Failed, InterruptedException {
        try {
            Map<TopicPartitionReplica, String> target = new LinkedHashMap<>();
            Map<TopicPartitionReplica, Long> sizes = new HashMap<>();
            for (DiskPlan.Move m : moves) {
                TopicPartitionReplica r = new TopicPartitionReplica(m.partition().topic(), m.partition().partition(), m.broker());
                target.put(r, m.to());
                sizes.put(r, m.bytes());
            }
            Set<TopicPartitionReplica> left = new HashSet<>(notThere(target));
            long bytes = left.stream().mapToLong(r -> sizes.getOrDefault(r, 0L)).sum();
            Progress progress = new Progress(target.size() - left.size(), target.size(), 0, bytes, 1);
            listener.step(left.size() + " of " + target.size() + " replica(s) still to move to another log directory of their broker");
            listener.progress(progress);
            // the throttle goes from every broker of the plan, as a pass that a kill cut short may have left it on any
            Set<Integer> everyBroker = new TreeSet<>();
            target.keySet().forEach(r -> everyBroker.add(r.brokerId()));
            if (left.isEmpty()) {
                diskThrottle(everyBroker, false);
                return Ending.DONE;
            }
            Set<Integer> brokers = new TreeSet<>();
            left.forEach(r -> brokers.add(r.brokerId()));
            diskThrottle(brokers, true);
            try {
                Map<TopicPartitionReplica, String> request = new HashMap<>();
                left.forEach(r -> request.put(r, target.get(r)));
                admin.alterReplicaLogDirs(request).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                long lastProgress = System.nanoTime();
                while (!left.isEmpty()) {
                    if (stop.getAsBoolean()) {
                        listener.step("stopped waiting with " + left.size() + " replica(s) still moving; Kafka finishes those on its own");
                        return Ending.STOPPED;
                    }
                    never.await(500, TimeUnit.MILLISECONDS);
                    Set<TopicPartitionReplica> moved = new HashSet<>(left);
                    moved.removeAll(notThere(request.entrySet().stream().filter(e -> left.contains(e.getKey()))
                            .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll)));
                    if (!moved.isEmpty()) {
                        left.removeAll(moved);
                        long done = moved.stream().mapToLong(r -> sizes.getOrDefault(r, 0L)).sum();
                        progress = new Progress(progress.partitionsDone() + moved.size(), progress.partitions(), progress.bytesDone() + done,
                                progress.bytes(), 1);
                        listener.progress(progress);
                        listener.step(progress.partitionsDone() + " of " + progress.partitions() + " replicas moved (" + progress.percent() + " %)");
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > settings.stallTimeout().toNanos()) {
                        throw new Failed("no replica finished moving between log directories for " + settings.stallTimeout().toSeconds()
                                + " s (" + left.size() + " still moving, e.g. " + left.iterator().next() + ")");
                    }
                }
            } finally {
                diskThrottle(everyBroker, false);
            }
            return Ending.DONE;
        } catch (Failed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Failed("the disk moves could not go on: " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
        }
    }

    /** The replicas of {@code target} not yet in their target directory (or still being copied there). */
    private Set<TopicPartitionReplica> notThere(Map<TopicPartitionReplica, String> target) throws Exception {
        Set<TopicPartitionReplica> left = new HashSet<>();
        if (target.isEmpty()) {
            return left;
        }
        var infos = admin.describeReplicaLogDirs(target.keySet()).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        target.forEach((r, dir) -> {
            var info = infos.get(r);
            if (info == null || info.getFutureReplicaLogDir() != null || !dir.equals(info.getCurrentReplicaLogDir())) {
                left.add(r);
            }
        });
        return left;
    }

    private void diskThrottle(Set<Integer> brokers, boolean on) throws Exception {
        if (settings.throttle() <= 0) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (int b : brokers) {
            ops.put(new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(b)), List.of(new AlterConfigOp(
                    new ConfigEntry(DISK_THROTTLE, on ? String.valueOf(settings.throttle()) : null),
                    on ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE)));
        }
        try {
            admin.incrementalAlterConfigs(ops).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (on) {
                throw e;
            }
            listener.step("could not remove " + DISK_THROTTLE + " (" + e.getMessage() + "); remove it by hand");
        }
    }

    /** The reassignments under way, and how far the rebalance is. */
    private final class Window {
        private final Map<TopicPartition, List<Integer>> current;
        private final Map<TopicPartition, Long> sizes;
        private final Map<TopicPartition, Set<Integer>> moving = new HashMap<>();
        private final Map<Integer, Integer> busy = new HashMap<>();
        private Progress progress;
        private int reported;

        Window(Map<TopicPartition, List<Integer>> current, Map<TopicPartition, Long> sizes, Progress progress) {
            this.current = current;
            this.sizes = sizes;
            this.progress = progress;
        }

        /** True when stopped before every partition changed. */
        boolean run(Map<TopicPartition, List<Integer>> pending, BooleanSupplier stop) throws Exception {
            long lastProgress = System.nanoTime();
            long lastStopCheck = 0;
            boolean stopping = false;
            while (!pending.isEmpty() || !moving.isEmpty()) {
                if (System.nanoTime() - lastStopCheck > 1_000_000_000L) {
                    stopping = stopping || stop.getAsBoolean();
                    lastStopCheck = System.nanoTime();
                }
                if (stopping && moving.isEmpty()) {
                    return true;
                }
                if (!stopping) {
                    start(admit(pending, current, settings.movesPerBroker(), busy), pending);
                }
                // while Kafka does not answer (its metadata quorum electing a leader), nothing is taken as ended
                Set<TopicPartition> running = moving.isEmpty() ? Set.of() : reassigning(Set.copyOf(moving.keySet()))
                        .orElse(Set.copyOf(moving.keySet()));
                List<TopicPartition> ended = moving.keySet().stream().filter(tp -> !running.contains(tp)).toList();
                if (!ended.isEmpty()) {
                    ended.forEach(this::ended);
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > settings.stallTimeout().toNanos()) {
                    throw new Failed("no partition finished moving for " + settings.stallTimeout().toSeconds() + " s (" + moving.size()
                            + " still moving, e.g. " + moving.keySet().iterator().next() + "); the reassignments keep running in Kafka");
                }
                if (!moving.isEmpty()) {
                    never.await(250, TimeUnit.MILLISECONDS);
                }
            }
            return false;
        }

        private void start(Map<TopicPartition, List<Integer>> admitted, Map<TopicPartition, List<Integer>> pending) throws Exception {
            if (admitted.isEmpty()) {
                return;
            }
            Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
            admitted.forEach((tp, r) -> request.put(tp, Optional.of(new NewPartitionReassignment(r))));
            try {
                admin.alterPartitionReassignments(request).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return; // asked again next round: the same reassignment twice is the same reassignment
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RetriableException) {
                    return;
                }
                throw e;
            }
            admitted.forEach((tp, r) -> {
                Set<Integer> involved = involved(current.get(tp), r);
                involved.forEach(b -> busy.merge(b, 1, Integer::sum));
                moving.put(tp, involved);
                pending.remove(tp);
                current.put(tp, r);
            });
            progress = new Progress(progress.partitionsDone(), progress.partitions(), progress.bytesDone(), progress.bytes(),
                    progress.starts() + 1);
        }

        private void ended(TopicPartition tp) {
            Set<Integer> involved = moving.remove(tp);
            involved.forEach(b -> busy.merge(b, -1, Integer::sum));
            long done = involved.isEmpty() ? 0 : sizes.getOrDefault(tp, 0L);
            progress = new Progress(progress.partitionsDone() + 1, progress.partitions(), progress.bytesDone() + done, progress.bytes(),
                    progress.starts());
            listener.progress(progress);
            // a line each tenth of the way, and the last
            if (progress.percent() / 10 > reported / 10 || progress.partitionsDone() == progress.partitions()) {
                reported = progress.percent();
                listener.step(progress.partitionsDone() + " of " + progress.partitions() + " partitions done (" + progress.percent() + " %)");
            }
        }
    }

    private static boolean moving(List<Integer> now, List<Integer> to) {
        return now != null && !Set.copyOf(now).equals(Set.copyOf(to));
    }

    /** The brokers a partition's move leaves or reaches; none when only the order of its replicas changes. */
    static Set<Integer> involved(List<Integer> now, List<Integer> to) {
        Set<Integer> involved = new TreeSet<>();
        to.stream().filter(b -> !now.contains(b)).forEach(involved::add);
        now.stream().filter(b -> !to.contains(b)).forEach(involved::add);
        return involved;
    }

    /**
     * The pending partitions that may start now, given how many moves each broker has under way ({@code busy}): one
     * whose replicas only change order costs nothing and always may; one that moves may while none of the brokers it
     * leaves or reaches has {@code movesPerBroker} under way, counting those admitted before it.
     */
    static Map<TopicPartition, List<Integer>> admit(Map<TopicPartition, List<Integer>> pending, Map<TopicPartition, List<Integer>> current,
                                                    int movesPerBroker, Map<Integer, Integer> busy) {
        Map<Integer, Integer> count = new HashMap<>(busy);
        Map<TopicPartition, List<Integer>> admitted = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, List<Integer>> e : pending.entrySet()) {
            Set<Integer> involved = involved(current.getOrDefault(e.getKey(), List.of()), e.getValue());
            if (involved.stream().allMatch(b -> count.getOrDefault(b, 0) < movesPerBroker)) {
                involved.forEach(b -> count.merge(b, 1, Integer::sum));
                admitted.put(e.getKey(), e.getValue());
            }
        }
        return admitted;
    }

    /** Sets (or removes) the replication throttle of the whole proposal, as kafka-reassign-partitions does. */
    private void throttle(Set<Integer> brokers, Map<TopicPartition, List<Integer>> current, Map<TopicPartition, List<Integer>> moves,
                          boolean on) throws Exception {
        if (settings.throttle() <= 0 || moves.isEmpty()) {
            return;
        }
        try {
            admin.incrementalAlterConfigs(ReplicationThrottle.ops(brokers, settings.throttle(), current, moves, on)).all()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (on) {
                throw e;
            }
            listener.step("could not remove the replication throttle (" + e.getMessage() + "); remove "
                    + ReplicationThrottle.LEADER_RATE + " and " + ReplicationThrottle.FOLLOWER_RATE + " by hand");
        }
    }

    /**
     * Which of {@code partitions} Kafka is reassigning now; empty when it did not answer in time or answered with an
     * error worth asking again (a controller being elected), so the caller looks again next round.
     */
    private Optional<Set<TopicPartition>> reassigning(Set<TopicPartition> partitions) throws InterruptedException, ExecutionException {
        try {
            return Optional.of(admin.listPartitionReassignments(partitions).reassignments().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .keySet());
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Lets the moves Kafka is making now on partitions with a replica on one of {@code brokers} end: moves another
     * pass started, perhaps one stopped in the middle, which go on in Kafka without it. Then removes the replication
     * throttle that pass left on their topics and brokers, which nothing else would remove.
     *
     * @param say told, before the wait, how many moves there are
     * @return how many moves were waited for
     */
    public int finishMovesInFlight(Set<Integer> brokers, java.util.function.Consumer<String> say) throws Failed, InterruptedException {
        try {
            Map<TopicPartition, List<Integer>> inFlight = new TreeMap<>(
                    Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            admin.listPartitionReassignments().reassignments().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).forEach((tp, r) -> {
                if (r.replicas().stream().anyMatch(brokers::contains)) {
                    inFlight.put(tp, r.replicas());
                }
            });
            if (inFlight.isEmpty()) {
                return 0;
            }
            say.accept(inFlight.size() + " partition move(s) Kafka is already making off or onto brokers " + brokers
                    + " (begun before keks was stopped?), e.g. " + inFlight.keySet().iterator().next());
            awaitRunning(inFlight.keySet());
            Set<Integer> involved = new TreeSet<>();
            inFlight.values().forEach(involved::addAll);
            throttle(involved, inFlight, inFlight, false);
            return inFlight.size();
        } catch (Failed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Failed("could not follow the partition moves in progress: " + (e instanceof ExecutionException ? e.getCause() : e)
                    .getMessage());
        }
    }

    /** Waits until none of {@code partitions} is being reassigned, failing when none finishes for the stall timeout. */
    private void awaitRunning(Set<TopicPartition> partitions) throws Exception {
        long lastProgress = System.nanoTime();
        int lastLeft = -1;
        while (true) {
            Set<TopicPartition> running = reassigning(partitions).orElse(partitions);
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
