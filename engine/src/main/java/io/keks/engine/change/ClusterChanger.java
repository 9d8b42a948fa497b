package io.keks.engine.change;

import io.keks.engine.ClusterObserver;
import io.keks.engine.rebalance.AutoRebalance;
import io.keks.engine.rebalance.RebalanceExecutor;
import io.keks.engine.config.DynamicConfigPlan;
import io.keks.engine.roll.BrokerDrain;
import io.keks.engine.roll.NodeRuntime;
import io.keks.engine.roll.QuorumChanger;
import io.keks.engine.roll.RestartReason;
import io.keks.engine.roll.Roller;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import io.keks.model.DesiredRebalance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;

/**
 * Carries out a {@link ClusterDelta} through a {@link NodeRuntime}, in the order that keeps Kafka
 * serving: new nodes start and join first (capacity arrives before any leaves), leaving brokers are
 * drained, stopped, unregistered and deleted, then the nodes that need it are rolled, and last the
 * metadata.version is finalized, once every node runs the version that supports it.
 */
public final class ClusterChanger {
    private static final long CALL_TIMEOUT_MS = 10_000;
    /**
     * @param drainThrottleBytes replication throttle while leaving brokers are drained, bytes per second
     */
    public record Options(Roller.Options roll, long drainThrottleBytes) {
    }

    private final Admin admin;
    private final NodeRuntime runtime;
    private final Options options;
    private final Roller.Listener listener;
    private final CountDownLatch never = new CountDownLatch(1);

    public ClusterChanger(Admin admin, NodeRuntime runtime, Options options, Roller.Listener listener) {
        this.admin = admin;
        this.runtime = runtime;
        this.options = options;
        this.listener = listener;
    }

    /** One step of a change of nodes, in the order {@link #steps} gives them. */
    public sealed interface Step {
        /** New nodes start and must be back and caught up before anything leaves. */
        record Join(List<DesiredNode> nodes) implements Step {
        }

        /** Controllers that do not vote yet are added to the metadata quorum, one at a time. */
        record AddVoters(List<DesiredNode> controllers) implements Step {
        }

        /**
         * Nodes whose list of controllers to bootstrap from would keep none of the voters restart first, with the new
         * list: after the old voters leave, a node finds a new active controller only through that list.
         */
        record Rediscover(Map<Integer, Set<RestartReason>> reasons) implements Step {
        }

        /** Leaving brokers are drained together, while they still serve. */
        record Drain(Set<Integer> brokers) implements Step {
        }

        /** Voters that are no desired controller and no node that leaves (a stray one) are removed from the metadata quorum. */
        record RemoveVoters(List<Integer> voters) implements Step {
        }

        /**
         * Each leaving node is stopped, unregistered and deleted; a controller, the active one last, stops only when the
         * voters that stay keep a majority without it, and then loses its vote.
         */
        record Remove(List<ClusterImage.Node> nodes) implements Step {
        }

        /** The nodes that need a restart are rolled in the safe order. */
        record Roll(Map<Integer, Set<RestartReason>> reasons) implements Step {
        }

        /** metadata.version is raised once every node runs a version that supports it. */
        record FinalizeMetadata(int level) implements Step {
        }
    }

    /**
     * The steps that carry {@code delta} out, in the order that keeps Kafka serving: capacity arrives
     * before any leaves (a new controller votes before an old one stops voting, so the quorum never shrinks below
     * what it was), leaving brokers are drained while they serve, restarts come after the membership settled
     * (but those that let a node find the quorum come before old voters leave), metadata.version last.
     */
    public static List<Step> steps(ClusterDelta delta) {
        List<Step> steps = new ArrayList<>();
        if (!delta.joining().isEmpty()) {
            steps.add(new Step.Join(delta.joining()));
        }
        if (!delta.votersToAdd().isEmpty()) {
            steps.add(new Step.AddVoters(delta.votersToAdd()));
        }
        Map<Integer, Set<RestartReason>> first = new TreeMap<>();
        Map<Integer, Set<RestartReason>> later = new TreeMap<>();
        delta.restarts().forEach((id, why) -> {
            boolean findsQuorumOnlyAfter = delta.restartKeys().getOrDefault(id, Set.of()).contains(DynamicConfigPlan.QUORUM_BOOTSTRAP);
            (findsQuorumOnlyAfter ? first : later).put(id, why);
        });
        if (!first.isEmpty()) {
            steps.add(new Step.Rediscover(first));
        }
        if (!leavingBrokers(delta).isEmpty()) {
            steps.add(new Step.Drain(leavingBrokers(delta)));
        }
        // a leaving controller loses its vote as it leaves (Remove); other voters no controller wants any more, here
        List<Integer> strayVoters = delta.votersToRemove().stream().filter(id -> delta.leaving().stream().noneMatch(n -> n.id() == id))
                .toList();
        if (!strayVoters.isEmpty()) {
            steps.add(new Step.RemoveVoters(strayVoters));
        }
        if (!delta.leaving().isEmpty()) {
            steps.add(new Step.Remove(delta.leaving()));
        }
        if (!later.isEmpty()) {
            steps.add(new Step.Roll(later));
        }
        delta.metadataLevel().ifPresent(level -> steps.add(new Step.FinalizeMetadata(level)));
        return steps;
    }

    public void apply(DesiredCluster desired, ClusterDelta delta) throws Roller.RollFailed, InterruptedException {
        Roller roller = new Roller(admin, runtime, options.roll(), listener);
        QuorumChanger quorum = new QuorumChanger(admin, runtime, roller, options.roll(), listener);
        // a drain's unregistering needs no settings; its moves take the remove-brokers template's
        BrokerDrain unregistering = new BrokerDrain(admin, BrokerDrain.allAtOnce(options.drainThrottleBytes(), options.roll().nodeTimeout()),
                listener);
        for (Step step : steps(delta)) {
            switch (step) {
                case Step.Join j -> join(roller, j.nodes());
                case Step.AddVoters a -> quorum.add(a.controllers());
                case Step.Rediscover r -> {
                    listener.step("restarting " + r.reasons().size() + " node(s) first: the controllers they would look for the"
                            + " quorum through all leave");
                    roller.roll(desired, r.reasons());
                }
                case Step.Drain d -> new BrokerDrain(admin, drainSettings(desired, d.brokers()), listener).drain(d.brokers());
                case Step.RemoveVoters r -> quorum.remove(r.voters(), id -> "controller " + id);
                case Step.Remove r -> remove(quorum, unregistering, r.nodes());
                case Step.Roll r -> roller.roll(desired, r.reasons());
                case Step.FinalizeMetadata f -> finalizeMetadataVersion(desired.metadataVersion(), f.level());
            }
        }
    }

    private static Set<Integer> leavingBrokers(ClusterDelta delta) {
        return delta.leaving().stream().filter(ClusterImage.Node::isBroker).map(ClusterImage.Node::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private void join(Roller roller, List<DesiredNode> joining) throws Roller.RollFailed, InterruptedException {
        long startedAt = System.currentTimeMillis();
        for (DesiredNode n : joining) {
            listener.step("starting " + runtime.name(n) + ", new in pool " + n.pool());
            try {
                runtime.start(n);
            } catch (Exception e) {
                throw new Roller.RollFailed(n.id(), "cannot start " + runtime.name(n) + ": " + e.getMessage());
            }
        }
        for (DesiredNode n : joining) {
            roller.awaitBack(n, startedAt);
            listener.step(runtime.name(n) + " joined the cluster");
        }
    }

    /**
     * Stops, unregisters and deletes each leaving node (its replicas were moved before); a controller, the active one
     * last, stops once the voters that stay keep a majority without it, and then loses its vote.
     */
    private void remove(QuorumChanger quorum, BrokerDrain drain, List<ClusterImage.Node> leaving) throws Roller.RollFailed,
            InterruptedException {
        Map<Integer, ClusterImage.Node> byId = new TreeMap<>();
        leaving.forEach(n -> byId.put(n.id(), n));
        for (int id : quorum.leavingOrder(List.copyOf(byId.keySet()))) {
            ClusterImage.Node n = byId.get(id);
            DesiredNode node = n.asDesiredNode();
            String name = runtime.name(node);
            try {
                if (n.isController()) {
                    quorum.remove(id, name, () -> stop(node, name));
                } else {
                    stop(node, name);
                }
                if (n.isBroker()) {
                    drain.unregister(n.id());
                }
                runtime.delete(node);
            } catch (Roller.RollFailed | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new Roller.RollFailed(n.id(), "cannot remove " + name + ": " + e.getMessage());
            }
            listener.step(name + " removed");
        }
    }

    /**
     * How the drain moves partitions: with the remove-brokers auto-rebalance template's concurrency and throttle when
     * {@code spec.cruiseControl.autoRebalance} names one (its throttle, or the drain throttle when it sets none), else
     * every partition at once at the drain throttle.
     */
    RebalanceExecutor.Settings drainSettings(DesiredCluster desired, Set<Integer> leaving) {
        Duration stall = options.roll().nodeTimeout();
        return switch (AutoRebalance.of(desired, AutoRebalance.REMOVE_BROKERS, leaving)) {
            case AutoRebalance.Wanted.Off off -> BrokerDrain.allAtOnce(options.drainThrottleBytes(), stall);
            case AutoRebalance.Wanted.MissingTemplate m -> {
                listener.step("remove-brokers template KafkaRebalance " + m.template() + " is not applied; draining with the defaults");
                yield BrokerDrain.allAtOnce(options.drainThrottleBytes(), stall);
            }
            case AutoRebalance.Wanted.On on -> {
                DesiredRebalance r = on.rebalance();
                listener.step("auto-rebalance " + r.name() + ": draining with " + r.movesPerBroker() + " partition movement(s) per broker");
                yield new RebalanceExecutor.Settings(r.movesPerBroker(), r.leaderMovements(),
                        r.replicationThrottle() > 0 ? r.replicationThrottle() : options.drainThrottleBytes(), stall);
            }
        };
    }

    private void stop(DesiredNode node, String name) throws Exception {
        listener.step("stopping " + name);
        runtime.stop(node, options.roll().grace());
    }

    /** Raises metadata.version; Kafka refuses a level its brokers or controllers do not all support. */
    private void finalizeMetadataVersion(String version, int level) throws Roller.RollFailed, InterruptedException {
        listener.step("finalizing metadata.version " + version + " (feature level " + level + ")");
        try {
            admin.updateFeatures(Map.of("metadata.version", new FeatureUpdate((short) level, FeatureUpdate.UpgradeType.UPGRADE)),
                    new UpdateFeaturesOptions()).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + options.roll().nodeTimeout().toNanos();
            OptionalInt now = ClusterObserver.finalizedMetadataLevel(admin, CALL_TIMEOUT_MS);
            while (now.isEmpty() || now.getAsInt() < level) {
                if (System.nanoTime() > deadline) {
                    throw new Roller.RollFailed(-1, "metadata.version was accepted but is still at level " + now + " after "
                            + options.roll().nodeTimeout().toSeconds() + " s");
                }
                never.await(250, TimeUnit.MILLISECONDS);
                now = ClusterObserver.finalizedMetadataLevel(admin, CALL_TIMEOUT_MS);
            }
        } catch (Roller.RollFailed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new Roller.RollFailed(-1, "Kafka did not finalize metadata.version " + version + ": " + cause.getMessage());
        }
        listener.step("metadata.version is " + version);
    }
}
