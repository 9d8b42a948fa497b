package io.keks.engine.roll;

import io.keks.engine.ClusterObserver;
import io.keks.engine.rebalance.LoadSampler;
import io.keks.engine.rebalance.RebalancePlanner;
import io.keks.engine.rebalance.RebalanceRefused;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Empties brokers that are about to leave: their replicas move to the remaining brokers (the rebalance
 * planner's remove-brokers step, {@link RebalancePlanner#drain}) through one partition reassignment, with replication throttled while it runs and
 * progress reported. Then, once the caller stopped a broker, {@link #unregister} removes it from the
 * cluster metadata.
 */
public final class BrokerDrain {
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final Admin admin;
    private final long throttleBytesPerSecond;
    private final Duration stallTimeout;
    private final Roller.Listener listener;
    private final CountDownLatch never = new CountDownLatch(1);

    /**
     * @param stallTimeout how long the reassignment may go without a partition finishing before the drain
     *                     gives up (the reassignment is then left running; Kafka finishes it on its own)
     */
    public BrokerDrain(Admin admin, long throttleBytesPerSecond, Duration stallTimeout, Roller.Listener listener) {
        this.admin = admin;
        this.throttleBytesPerSecond = throttleBytesPerSecond;
        this.stallTimeout = stallTimeout;
        this.listener = listener;
    }

    /** Moves every replica off {@code leaving} onto the brokers in {@code remaining} (id to rack). */
    public void drain(Set<Integer> leaving, Map<Integer, String> remaining) throws Roller.RollFailed, InterruptedException {
        int first = leaving.iterator().next();
        try {
            Map<String, TopicDescription> topics = topics();
            Map<TopicPartition, List<Integer>> moves;
            try {
                moves = RebalancePlanner.drain(LoadSampler.sample(admin, Duration.ZERO), leaving);
            } catch (RebalanceRefused e) {
                throw new Roller.RollFailed(first, "cannot drain brokers " + leaving + ": " + e.getMessage());
            }
            if (moves.isEmpty()) {
                listener.step("brokers " + leaving + " hold no replicas; nothing to move");
                return;
            }
            listener.step("moving " + moves.size() + " partition(s) off brokers " + leaving + ", replication throttled to "
                    + throttleBytesPerSecond / (1024 * 1024) + " MiB/s");
            Set<Integer> brokers = new TreeSet<>(remaining.keySet());
            brokers.addAll(leaving);
            throttle(brokers, topics, moves, true);
            try {
                Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
                moves.forEach((tp, r) -> request.put(tp, Optional.of(new NewPartitionReassignment(r))));
                admin.alterPartitionReassignments(request).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                awaitMoved(first, moves.keySet());
            } finally {
                throttle(brokers, topics, moves, false);
            }
            List<String> left = DrainPlan.stillOn(leaving, topics().values());
            if (!left.isEmpty()) {
                throw new Roller.RollFailed(first, "brokers " + leaving + " still hold replicas of " + left.size()
                        + " partition(s) after the reassignment, e.g. " + left.get(0) + " (a topic created meanwhile?)");
            }
            listener.step("brokers " + leaving + " hold no replicas any more");
        } catch (Roller.RollFailed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new Roller.RollFailed(first, "cannot drain brokers " + leaving + ": " + e.getMessage());
        }
    }

    private void awaitMoved(int nodeId, Collection<TopicPartition> moving) throws Exception {
        long lastProgress = System.nanoTime();
        int lastLeft = moving.size();
        while (true) {
            Set<TopicPartition> running = admin.listPartitionReassignments(Set.copyOf(moving)).reassignments()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).keySet();
            int left = running.size();
            if (left == 0) {
                listener.step("moved " + moving.size() + " of " + moving.size() + " partitions");
                return;
            }
            if (left != lastLeft) {
                listener.step("moved " + (moving.size() - left) + " of " + moving.size() + " partitions");
                lastLeft = left;
                lastProgress = System.nanoTime();
            }
            if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                throw new Roller.RollFailed(nodeId, "no partition finished moving for " + stallTimeout.toSeconds() + " s ("
                        + left + " of " + moving.size() + " still moving, e.g. " + running.iterator().next()
                        + "); the reassignment keeps running in Kafka, and the brokers were not removed");
            }
            never.await(500, TimeUnit.MILLISECONDS);
        }
    }

    /** Sets (or removes) the replication throttle of the moves ({@link ReplicationThrottle}). */
    private void throttle(Set<Integer> brokers, Map<String, TopicDescription> topics, Map<TopicPartition, List<Integer>> moves,
                          boolean on) throws Exception {
        Map<TopicPartition, List<Integer>> current = DrainPlan.currentReplicas(topics, moves.keySet());
        try {
            admin.incrementalAlterConfigs(ReplicationThrottle.ops(brokers, throttleBytesPerSecond, current, moves, on)).all()
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
     * Removes a stopped broker's registration, so it no longer counts in the cluster (it would block
     * metadata.version upgrades), and waits until Kafka no longer lists it.
     */
    public void unregister(int broker) throws Roller.RollFailed, InterruptedException {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        String why = "";
        ClusterObserver observer = new ClusterObserver(admin, CALL_TIMEOUT_MS);
        boolean asked = false;
        while (System.nanoTime() < deadline) {
            try {
                if (!observer.observe().brokers().contains(broker)) {
                    // a broker that never registered (stopped before its first start) has nothing to remove
                    listener.step("broker " + broker + (asked ? " unregistered" : " is not registered"));
                    return;
                }
                admin.unregisterBroker(broker).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                asked = true;
                why = "Kafka still lists it";
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                why = e.getMessage();
            }
            never.await(500, TimeUnit.MILLISECONDS);
        }
        throw new Roller.RollFailed(broker, "broker " + broker + " was stopped but could not be unregistered within "
                + stallTimeout.toSeconds() + " s: " + why);
    }

    private Map<String, TopicDescription> topics() throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return names.isEmpty() ? Map.of() : admin.describeTopics(names).allTopicNames().get(CALL_TIMEOUT_MS * 3, TimeUnit.MILLISECONDS);
    }
}
