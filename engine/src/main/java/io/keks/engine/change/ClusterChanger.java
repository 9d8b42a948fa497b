package io.keks.engine.change;

import io.keks.engine.ClusterObserver;
import io.keks.engine.roll.BrokerDrain;
import io.keks.engine.roll.NodeRuntime;
import io.keks.engine.roll.RestartReason;
import io.keks.engine.roll.Roller;
import io.keks.model.DesiredCluster;
import io.keks.model.DesiredNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
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

        /** Leaving brokers are drained together, then each is stopped, unregistered and deleted. */
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
     * before any leaves, restarts come after the membership settled, metadata.version last. A leaving
     * controller is refused: the gate refuses it before anything happens, so it is never removed here.
     */
    public static List<Step> steps(ClusterDelta delta) throws Roller.RollFailed {
        for (ClusterImage.Node n : delta.leaving()) {
            if (n.isController()) {
                throw new Roller.RollFailed(n.id(), "node " + n.id() + " is a controller; keks does not remove controllers");
            }
        }
        List<Step> steps = new ArrayList<>();
        if (!delta.joining().isEmpty()) {
            steps.add(new Step.Join(delta.joining()));
        }
        if (!delta.leaving().isEmpty()) {
            steps.add(new Step.Remove(delta.leaving()));
        }
        if (!delta.restarts().isEmpty()) {
            steps.add(new Step.Roll(delta.restarts()));
        }
        delta.metadataLevel().ifPresent(level -> steps.add(new Step.FinalizeMetadata(level)));
        return steps;
    }

    public void apply(DesiredCluster desired, ClusterDelta delta) throws Roller.RollFailed, InterruptedException {
        Roller roller = new Roller(admin, runtime, options.roll(), listener);
        for (Step step : steps(delta)) {
            switch (step) {
                case Step.Join j -> join(roller, j.nodes());
                case Step.Remove r -> remove(r.nodes());
                case Step.Roll r -> roller.roll(desired, r.reasons());
                case Step.FinalizeMetadata f -> finalizeMetadataVersion(desired.metadataVersion(), f.level());
            }
        }
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

    /** Drains the leaving brokers together (one reassignment), then stops, unregisters and deletes each. */
    private void remove(List<ClusterImage.Node> leaving) throws Roller.RollFailed, InterruptedException {
        Set<Integer> ids = leaving.stream().map(ClusterImage.Node::id).collect(Collectors.toCollection(TreeSet::new));
        BrokerDrain drain = new BrokerDrain(admin, options.drainThrottleBytes(), options.roll().nodeTimeout(), listener);
        drain.drain(ids);
        for (ClusterImage.Node n : leaving) {
            DesiredNode node = n.asDesiredNode();
            String name = runtime.name(node);
            listener.step("stopping " + name);
            try {
                runtime.stop(node, options.roll().grace());
                drain.unregister(n.id());
                runtime.delete(node);
            } catch (Roller.RollFailed | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new Roller.RollFailed(n.id(), "cannot remove " + name + ": " + e.getMessage());
            }
            listener.step(name + " removed");
        }
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
