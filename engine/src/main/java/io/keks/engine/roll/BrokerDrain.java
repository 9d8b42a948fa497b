package io.keks.engine.roll;

import io.keks.engine.ClusterObserver;
import io.keks.engine.rebalance.ClusterLoad;
import io.keks.engine.rebalance.LoadSampler;
import io.keks.engine.rebalance.RebalanceExecutor;
import io.keks.engine.rebalance.RebalancePlanner;
import io.keks.engine.rebalance.RebalanceRefused;
import io.keks.model.DesiredRebalance;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Empties brokers that are about to leave: their replicas move to the remaining brokers (the rebalance
 * planner's remove-brokers step, {@link RebalancePlanner#drain}, carried out by the {@link RebalanceExecutor}), with
 * replication throttled while it runs and progress reported. Then, once the caller stopped a broker, {@link #unregister} removes it from the
 * cluster metadata.
 */
public final class BrokerDrain {
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final Admin admin;
    private final RebalanceExecutor.Settings settings;
    private final Duration stallTimeout;
    private final Roller.Listener listener;
    private final CountDownLatch never = new CountDownLatch(1);

    /**
     * @param settings how many partitions move at once, the replication throttle, and how long the reassignment may
     *                 go without a partition finishing before the drain gives up (the reassignment is then left
     *                 running; Kafka finishes it on its own)
     */
    /** How long a replica may still be listed on a leaving broker after its move finished (metadata reaching every broker). */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    public BrokerDrain(Admin admin, RebalanceExecutor.Settings settings, Roller.Listener listener) {
        this.admin = admin;
        this.settings = settings;
        this.stallTimeout = settings.stallTimeout();
        this.listener = listener;
    }

    /** Every partition at once, throttled: how keks drains when no remove-brokers auto-rebalance says otherwise. */
    public static RebalanceExecutor.Settings allAtOnce(long throttleBytesPerSecond, Duration stallTimeout) {
        return new RebalanceExecutor.Settings(Integer.MAX_VALUE, DesiredRebalance.DEFAULT_LEADER_MOVEMENTS, throttleBytesPerSecond,
                stallTimeout);
    }

    /**
     * Moves every replica off {@code leaving} onto the other brokers that serve: the planner's remove-brokers step
     * says where, the rebalance executor moves them all at once, throttled, with progress.
     */
    public void drain(Set<Integer> leaving) throws Roller.RollFailed, InterruptedException {
        int first = leaving.iterator().next();
        try {
            int[] reported = {-1};
            RebalanceExecutor executor = new RebalanceExecutor(admin, settings, new RebalanceExecutor.Listener() {
                @Override
                public void step(String line) {
                    // its own lines would repeat what the drain says
                }

                @Override
                public void progress(RebalanceExecutor.Progress p) {
                    if (p.partitionsDone() != reported[0]) {
                        reported[0] = p.partitionsDone();
                        listener.step("moved " + p.partitionsDone() + " of " + p.partitions() + " partitions");
                    }
                }
            });
            // moves of an earlier drain stopped in the middle go on in Kafka: let them end before planning, so that
            // no partition is counted with its old and new replicas both
            executor.finishMovesInFlight(leaving, moves -> listener.step("waiting for " + moves));
            Map<TopicPartition, List<Integer>> moves;
            ClusterLoad load = LoadSampler.sample(admin, Duration.ZERO);
            try {
                moves = RebalancePlanner.drain(load, leaving);
            } catch (RebalanceRefused e) {
                throw new Roller.RollFailed(first, "cannot drain brokers " + leaving + ": " + e.getMessage());
            }
            if (moves.isEmpty()) {
                listener.step("brokers " + leaving + " hold no replicas; nothing to move");
                return;
            }
            listener.step("moving " + moves.size() + " partition(s) off brokers " + leaving + ", "
                    + (settings.movesPerBroker() == Integer.MAX_VALUE ? "all at once" : settings.movesPerBroker() + " per broker at a time")
                    + ", replication " + (settings.throttle() > 0 ? "throttled to " + settings.throttle() / (1024 * 1024) + " MiB/s"
                    : "not throttled"));
            Map<TopicPartition, Long> sizes = new HashMap<>();
            load.partitions().forEach(p -> sizes.put(new TopicPartition(p.topic(), p.partition()), p.sizeBytes()));
            try {
                executor.execute(moves, sizes, () -> false);
            } catch (RebalanceExecutor.Failed e) {
                throw new Roller.RollFailed(first, e.getMessage() + "; brokers " + leaving + " were not removed");
            }
            // the broker the Admin client asks may learn of the last finished move a moment after the controller: a
            // replica still listed on a leaving broker counts only once it is still there after a few seconds
            List<String> left = DrainPlan.stillOn(leaving, LoadSampler.topics(admin).values());
            long settle = System.nanoTime() + SETTLE.toNanos();
            while (!left.isEmpty() && System.nanoTime() < settle) {
                Thread.sleep(250);
                left = DrainPlan.stillOn(leaving, LoadSampler.topics(admin).values());
            }
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
}
