package io.keks.engine.roll;

import io.keks.engine.ClusterObserver;
import io.keks.engine.AllTopics;
import io.keks.engine.MinInSyncReplicas;
import io.keks.engine.ObservedCluster;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;

/**
 * Restarts nodes one batch at a time (see {@link RollOrder}) so that Kafka stays available: before
 * each restart it waits until the restart is safe, and after it until the node is back and caught
 * up. Every wait is bounded; a wait that runs out stops the roll with a {@link RollFailed} that says
 * what it waited for, and nodes not yet restarted are left as they were.
 */
public final class Roller {

    /**
     * @param nodeTimeout  bound of each wait: for a restart to be safe, and for a node to be back
     * @param grace        how long a node may take to stop before it is killed
     * @param byRack       restart all brokers of a rack together when every partition spans racks
     * @param quorumLagMs  how far behind the leader's last catch-up a controller may be and count as caught up
     */
    public record Options(Duration nodeTimeout, Duration grace, boolean byRack, long quorumLagMs) {
        public static Options defaults() {
            return new Options(Duration.ofMinutes(5), Duration.ofMinutes(2), false, 2000);
        }

        public Options withByRack(boolean rack) {
            return new Options(nodeTimeout, grace, rack, quorumLagMs);
        }

        public Options withNodeTimeout(Duration timeout) {
            return new Options(timeout, grace, byRack, quorumLagMs);
        }
    }

    /** Hears what the roll does. */
    public interface Listener {
        void step(String message);

        /** A batch is about to restart (after its safety wait). */
        default void restarting(List<DesiredNode> batch, Map<Integer, Set<RestartReason>> reasons) {
        }

        /** A node is back and caught up. */
        default void restarted(DesiredNode node) {
        }
    }

    /** A roll that stopped: which node it was at and what it waited for in vain. */
    public static final class RollFailed extends Exception {
        private final int nodeId;

        public RollFailed(int nodeId, String message) {
            super(message);
            this.nodeId = nodeId;
        }

        public int nodeId() {
            return nodeId;
        }
    }

    private static final long CALL_TIMEOUT_MS = 5000;
    private static final long POLL_MS = 250;

    private final Admin admin;
    private final NodeRuntime runtime;
    private final Options options;
    private final Listener listener;
    private final CountDownLatch never = new CountDownLatch(1);

    public Roller(Admin admin, NodeRuntime runtime, Options options, Listener listener) {
        this.admin = admin;
        this.runtime = runtime;
        this.options = options;
        this.listener = listener;
    }

    /**
     * Restarts the nodes named in {@code reasons} in the safe order; returns their ids in the order
     * they were restarted.
     */
    public List<Integer> roll(DesiredCluster desired, Map<Integer, Set<RestartReason>> reasons)
            throws RollFailed, InterruptedException {
        List<DesiredNode> nodes = desired.nodes().stream().filter(n -> reasons.containsKey(n.id())).toList();
        if (nodes.isEmpty()) {
            return List.of();
        }
        if (desired.controllers().size() == 1 && nodes.stream().anyMatch(DesiredNode::isController)) {
            listener.step("the metadata quorum has one controller: the cluster is unavailable while it restarts");
        }
        OptionalInt active = quorum().map(q -> q.leaderId() >= 0 ? OptionalInt.of(q.leaderId()) : OptionalInt.empty())
                .orElse(OptionalInt.empty());
        boolean byRack = options.byRack() && racksAllowed(desired);
        List<List<DesiredNode>> batches = RollOrder.plan(nodes, runtime::health, active, byRack);
        listener.step("rolling " + nodes.size() + " node(s) in this order: " + batches.stream()
                .map(b -> b.stream().map(runtime::name).collect(Collectors.joining("+"))).collect(Collectors.joining(", ")));
        List<Integer> done = new ArrayList<>();
        Set<String> warned = new HashSet<>();
        for (List<DesiredNode> batch : batches) {
            boolean allDown = batch.stream().allMatch(n -> runtime.health(n) != NodeRuntime.Health.RUNNING);
            if (!allDown) {
                awaitSafeToStop(batch, warned);
            }
            listener.restarting(batch, reasons);
            for (DesiredNode n : batch) {
                listener.step("restarting " + runtime.name(n) + ": " + reasons.get(n.id()).stream()
                        .map(RestartReason::description).collect(Collectors.joining("; ")));
            }
            Map<Integer, Long> stoppedAt = restartAll(batch);
            for (DesiredNode n : batch) {
                awaitBack(n, stoppedAt.get(n.id()));
                done.add(n.id());
                listener.restarted(n);
            }
            electPreferredLeaders(batch);
        }
        return done;
    }

    /** Rolling a rack at once needs every partition to have replicas in more than one rack. */
    private boolean racksAllowed(DesiredCluster desired) throws InterruptedException {
        Map<Integer, String> rackOf = new HashMap<>();
        desired.brokers().forEach(b -> rackOf.put(b.id(), b.rack()));
        try {
            Optional<String> why = RollChecks.whyNotByRack(rackOf, rackOf.values().stream().anyMatch(Objects::isNull)
                    ? List.of() : topics().values());
            why.ifPresent(w -> listener.step("restarting one broker at a time: " + w));
            return why.isEmpty();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            listener.step("restarting one broker at a time: cannot read the topics to check their racks (" + e.getMessage() + ")");
            return false;
        }
    }

    private void awaitSafeToStop(List<DesiredNode> batch, Set<String> warned) throws RollFailed, InterruptedException {
        Set<Integer> brokers = batch.stream().filter(DesiredNode::isBroker).map(DesiredNode::id).collect(Collectors.toSet());
        List<DesiredNode> controllers = batch.stream().filter(DesiredNode::isController).toList();
        String names = batch.stream().map(runtime::name).collect(Collectors.joining(", "));
        await(batch.get(0).id(), "restarting " + names + " to be safe", () -> {
            for (DesiredNode c : controllers) {
                QuorumSafety.Snapshot q = quorum().orElse(null);
                if (q == null) {
                    return "the metadata quorum cannot be described";
                }
                String why = QuorumSafety.whyNot(q, c.id(), options.quorumLagMs());
                if (why != null) {
                    return why;
                }
            }
            if (!brokers.isEmpty()) {
                Map<String, TopicDescription> topics = topics();
                PartitionSafety.Check check = PartitionSafety.stopping(brokers, topics, minIsr(topics.keySet()));
                for (String t : check.unprotected()) {
                    if (warned.add(t)) {
                        listener.step("topic " + t + " has no more replicas than min.insync.replicas: its partitions on "
                                + names + " refuse acks=all writes while it restarts, whatever the order");
                    }
                }
                if (!check.safe()) {
                    return "stopping " + names + " would leave partitions below min.insync.replicas: "
                            + String.join(", ", check.blocking().subList(0, Math.min(5, check.blocking().size())))
                            + (check.blocking().size() > 5 ? " and " + (check.blocking().size() - 5) + " more" : "");
                }
            }
            return null;
        });
    }

    /**
     * Stops the batch, then starts it again; returns for each node the wall-clock time (epoch ms)
     * by which its old process was gone.
     */
    private Map<Integer, Long> restartAll(List<DesiredNode> batch) throws RollFailed, InterruptedException {
        Map<Integer, Long> stoppedAt = new ConcurrentHashMap<>();
        Map<Integer, Exception> failed = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (DesiredNode n : batch) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    runtime.stop(n, options.grace());
                    stoppedAt.put(n.id(), System.currentTimeMillis());
                    runtime.start(n);
                } catch (Exception e) {
                    failed.put(n.id(), e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Map.Entry<Integer, Exception> e : failed.entrySet()) {
            throw new RollFailed(e.getKey(), "cannot restart node " + e.getKey() + ": " + e.getValue().getMessage());
        }
        return stoppedAt;
    }

    /**
     * Waits until a node started at or after {@code stoppedAtMs} (epoch ms) is back and caught up. A
     * controller is back when the leader saw it reach the leader's log end after that moment: the
     * leader remembers the old process' catch-up for a while, which must not count. A broker is back
     * when it is registered and unfenced (Kafka unfences a broker only once it has loaded and
     * recovered its logs and caught up with the metadata) and in the ISR of every partition it hosts.
     */
    public void awaitBack(DesiredNode n, long stoppedAtMs) throws RollFailed, InterruptedException {
        String name = runtime.name(n);
        long[] leaderEndAfterRestart = {-1};
        await(n.id(), name + " to be back and caught up", () -> {
            NodeRuntime.Health h = runtime.health(n);
            if (h != NodeRuntime.Health.RUNNING) {
                return name + " is " + h.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            }
            if (n.isController()) {
                QuorumSafety.Snapshot q = quorum().orElse(null);
                if (q == null || q.leaderId() < 0) {
                    return "the metadata quorum has no leader yet";
                }
                if (leaderEndAfterRestart[0] < 0) {
                    leaderEndAfterRestart[0] = q.leaderLogEnd();
                }
                String why = RollChecks.whyControllerNotBack(q, n.id(), name, stoppedAtMs, leaderEndAfterRestart[0],
                        options.quorumLagMs());
                if (why != null) {
                    return why;
                }
            }
            if (n.isBroker()) {
                ObservedCluster o = new ClusterObserver(admin, CALL_TIMEOUT_MS).observe();
                if (!o.brokerServing(n.id())) {
                    return name + (o.brokers().contains(n.id()) ? " is registered but fenced (recovering its logs or"
                            + " catching up with the metadata)" : " has not registered with the controllers yet");
                }
                List<String> behind = PartitionSafety.notCaughtUp(n.id(), topics());
                if (!behind.isEmpty()) {
                    return name + " is not yet in the ISR of " + behind.size() + " partition(s), e.g. " + behind.get(0);
                }
            }
            return null;
        });
    }

    /** Gives leadership back to the restarted brokers where they are the preferred leader. */
    private void electPreferredLeaders(List<DesiredNode> batch) {
        Set<Integer> ids = batch.stream().filter(DesiredNode::isBroker).map(DesiredNode::id).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return;
        }
        try {
            Set<TopicPartition> partitions = RollChecks.leadersToRestore(ids, topics().values());
            if (!partitions.isEmpty()) {
                admin.electLeaders(ElectionType.PREFERRED, partitions).partitions().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Kafka's auto.leader.rebalance.enable does the same later
            listener.step("could not move leaders back to their preferred brokers now (" + e.getMessage()
                    + "); Kafka's leader rebalancing will");
        }
    }

    /** A condition checked until it holds; a changed reason for waiting is reported once. */
    interface Pending {
        /** Null when what is waited for holds, otherwise why not yet. */
        String check() throws Exception;
    }

    void await(int nodeId, String what, Pending pending) throws RollFailed, InterruptedException {
        long deadline = System.nanoTime() + options.nodeTimeout().toNanos();
        String last = null;
        while (true) {
            String why;
            try {
                why = pending.check();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                why = "Kafka does not answer yet (" + rootMessage(e) + ")";
            }
            if (why == null) {
                return;
            }
            if (!why.equals(last)) {
                listener.step("waiting: " + why);
                last = why;
            }
            if (System.nanoTime() > deadline) {
                throw new RollFailed(nodeId, "timed out after " + options.nodeTimeout().toSeconds() + " s waiting for "
                        + what + ": " + why);
            }
            never.await(POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    Optional<QuorumSafety.Snapshot> quorum() throws InterruptedException {
        try {
            return Optional.of(QuorumSafety.Snapshot.of(
                    admin.describeMetadataQuorum().quorumInfo().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private Map<String, TopicDescription> topics() throws Exception {
        return AllTopics.describe(admin, CALL_TIMEOUT_MS * 2);
    }

    /** min.insync.replicas of each topic, as Kafka resolves it (topic, broker or cluster default). */
    private Map<String, Integer> minIsr(Set<String> topics) throws Exception {
        return MinInSyncReplicas.of(admin, topics, CALL_TIMEOUT_MS * 2);
    }
}
